import { ConflictError, NotFoundError, ValidationError } from '../services/errors.ts';
import type { FlowNode } from '../services/flows/graph.ts';
import * as flows from '../services/flows/flows.ts';
import { builder } from './builder.ts';
import { IssueRef } from './errors.ts';

export const FlowNodeKindEnum = builder.enumType('FlowNodeKind', {
  values: {
    QUESTION: { value: 'question', description: 'Two answers, each with its own label and next node.' },
    INSTRUCTION: { value: 'instruction', description: 'Something to do, then continue.' },
    RESOLUTION: { value: 'resolution', description: 'Terminal: the problem is fixed.' },
    ESCALATION: { value: 'escalation', description: 'Terminal: hand over to engineers.' },
  } as const,
});

export const FlowNodeRef = builder.objectRef<FlowNode>('FlowNode').implement({
  fields: (t) => ({
    id: t.exposeString('id'),
    kind: t.field({ type: FlowNodeKindEnum, resolve: (n) => n.kind }),
    text: t.exposeString('text'),
    yesLabel: t.string({ nullable: true, resolve: (n) => (n.kind === 'question' ? n.yesLabel : null) }),
    noLabel: t.string({ nullable: true, resolve: (n) => (n.kind === 'question' ? n.noLabel : null) }),
    yesNext: t.string({ nullable: true, resolve: (n) => (n.kind === 'question' ? n.yesNext : null) }),
    noNext: t.string({ nullable: true, resolve: (n) => (n.kind === 'question' ? n.noNext : null) }),
    next: t.string({ nullable: true, resolve: (n) => (n.kind === 'instruction' ? n.next : null) }),
  }),
});

export const FlowNodeInput = builder.inputType('FlowNodeInput', {
  fields: (t) => ({
    id: t.string({ required: true }),
    kind: t.field({ type: FlowNodeKindEnum, required: true }),
    text: t.string({ required: true }),
    yesLabel: t.string(),
    noLabel: t.string(),
    yesNext: t.string(),
    noNext: t.string(),
    next: t.string(),
  }),
});

const FlowStatusEnum = builder.enumType('FlowStatus', {
  values: { DRAFT: { value: 'draft' }, PUBLISHED: { value: 'published' }, ARCHIVED: { value: 'archived' } } as const,
});

builder.prismaObject('FlowVersion', {
  authScopes: { l1OrAbove: true },
  fields: (t) => ({
    id: t.exposeID('id'),
    version: t.exposeInt('version'),
    rootNodeId: t.exposeString('rootNodeId'),
    nodes: t.field({ type: [FlowNodeRef], resolve: (v) => v.nodes as unknown as FlowNode[] }),
    publishedAt: t.expose('publishedAt', { type: 'DateTime' }),
    publishedBy: t.relation('publishedBy', { nullable: true }),
  }),
});

builder.prismaObject('Flow', {
  authScopes: { l1OrAbove: true },
  fields: (t) => ({
    id: t.exposeID('id'),
    title: t.exposeString('title'),
    description: t.exposeString('description'),
    status: t.field({ type: FlowStatusEnum, resolve: (f) => f.status as 'draft' }),
    latestVersion: t.relation('latestVersion', { nullable: true, description: 'The published version intake pins.' }),
    versionCount: t.exposeInt('latestVersionNo'),
    // The draft and the version history are the authors' (engineerOrAdmin). They are nullable so an
    // L1 who selects them loses these fields alone (null, FORBIDDEN at the path), not the flow list.
    draftNodes: t.field({
      type: [FlowNodeRef],
      nullable: true,
      description: 'Engineers, admins and owners; null for L1 techs.',
      authScopes: { engineerOrAdmin: true },
      resolve: (f) => f.draftNodes as unknown as FlowNode[],
    }),
    draftRootNodeId: t.exposeString('draftRootNodeId', {
      nullable: true,
      description: 'Engineers, admins and owners; null for L1 techs (and while the draft has no root).',
      authScopes: { engineerOrAdmin: true },
    }),
    draftIssues: t.field({
      type: [IssueRef],
      nullable: true,
      description: 'What would stop the draft from publishing, each naming its node. Engineers, admins and owners; null for L1 techs.',
      authScopes: { engineerOrAdmin: true },
      resolve: (f) => flows.draftIssues(f),
    }),
    versions: t.relation('versions', {
      query: { orderBy: { version: 'desc' } },
      nullable: true,
      description: 'Published versions, newest first. Engineers, admins and owners; null for L1 techs.',
      authScopes: { engineerOrAdmin: true },
    }),
    createdBy: t.relation('createdBy', { nullable: true }),
    archivedAt: t.expose('archivedAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

builder.queryField('flows', (t) =>
  t.prismaField({
    type: ['Flow'],
    description: 'The flow library, by title. L1s see published flows; engineers and admins see drafts and archived ones too.',
    authScopes: { l1OrAbove: true },
    args: { status: t.arg({ type: FlowStatusEnum, required: false }), search: t.arg.string({ required: false }) },
    resolve: (query, _r, args, ctx) => flows.list(ctx, query, args),
  }),
);

builder.queryField('flow', (t) =>
  t.prismaField({
    type: 'Flow',
    authScopes: { l1OrAbove: true },
    args: { id: t.arg.id({ required: true }) },
    errors: { types: [NotFoundError, ValidationError] },
    resolve: (query, _r, args, ctx) => flows.get(ctx, query, { flowId: String(args.id) }),
  }),
);

builder.mutationField('createFlow', (t) =>
  t.prismaField({
    type: 'Flow',
    authScopes: { engineerOrAdmin: true },
    args: { title: t.arg.string({ required: true }), description: t.arg.string({ required: false }) },
    errors: { types: [ValidationError] },
    resolve: (_q, _r, args, ctx) => flows.create(ctx, args),
  }),
);

builder.mutationField('saveFlowDraft', (t) =>
  t.prismaField({
    type: 'Flow',
    description: 'Saves the editor’s nodes and root as the draft. Drafts may be incomplete; `draftIssues` says what blocks publishing.',
    authScopes: { engineerOrAdmin: true },
    args: {
      flowId: t.arg.id({ required: true }),
      nodes: t.arg({ type: [FlowNodeInput], required: true }),
      rootNodeId: t.arg.string({ required: false }),
      title: t.arg.string({ required: false }),
      description: t.arg.string({ required: false }),
    },
    errors: { types: [ValidationError, NotFoundError] },
    resolve: (_q, _r, args, ctx) => flows.saveDraft(ctx, { ...args, flowId: String(args.flowId) }),
  }),
);

builder.mutationField('publishFlow', (t) =>
  t.prismaField({
    type: 'Flow',
    description: 'Validates the draft and publishes it as the next immutable version. Walks in progress keep theirs.',
    authScopes: { engineerOrAdmin: true },
    args: { flowId: t.arg.id({ required: true }) },
    errors: { types: [ValidationError, NotFoundError, ConflictError] },
    resolve: (_q, _r, args, ctx) => flows.publish(ctx, { flowId: String(args.flowId) }),
  }),
);

builder.mutationField('archiveFlow', (t) =>
  t.prismaField({
    type: 'Flow',
    description: 'Takes a flow out of intake. Walks already on it finish on their pinned version.',
    authScopes: { engineerOrAdmin: true },
    args: { flowId: t.arg.id({ required: true }) },
    errors: { types: [ValidationError, NotFoundError] },
    resolve: (_q, _r, args, ctx) => flows.archive(ctx, { flowId: String(args.flowId) }),
  }),
);
