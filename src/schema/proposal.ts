import { ConflictError, NotFoundError, ValidationError } from '../services/errors.ts';
import type { FlowNode } from '../services/flows/graph.ts';
import * as proposals from '../services/proposals/proposals.ts';
import { builder } from './builder.ts';
import { IssueRef } from './errors.ts';
import { FlowNodeInput, FlowNodeRef } from './flow.ts';

const ProposalSourceEnum = builder.enumType('ProposalSource', {
  values: {
    AI_REALTIME_L1: { value: 'ai_realtime_l1' },
    KB_ACCELERATOR: { value: 'kb_accelerator' },
    MANUAL_DRAFT: { value: 'manual_draft' },
    AI_PROMOTED: { value: 'ai_promoted' },
  } as const,
});
const ProposalStatusEnum = builder.enumType('ProposalStatus', {
  values: { DRAFT: { value: 'draft' }, APPROVED: { value: 'approved' }, REJECTED: { value: 'rejected' } } as const,
});

builder.prismaObject('FlowProposal', {
  authScopes: { l1OrAbove: true },
  fields: (t) => ({
    id: t.exposeID('id'),
    title: t.exposeString('title'),
    source: t.field({ type: ProposalSourceEnum, resolve: (p) => p.source as 'manual_draft' }),
    status: t.field({ type: ProposalStatusEnum, resolve: (p) => p.status as 'draft' }),
    nodes: t.field({ type: [FlowNodeRef], resolve: (p) => p.nodes as unknown as FlowNode[] }),
    rootNodeId: t.exposeString('rootNodeId', { nullable: true }),
    issues: t.field({
      type: [IssueRef],
      description: 'What would stop approval, each naming its node.',
      resolve: (p) => proposals.proposalIssues(p),
    }),
    validatedByOutcome: t.exposeBoolean('validatedByOutcome', { description: 'A walk of this proposal resolved the problem.' }),
    validatedAt: t.expose('validatedAt', { type: 'DateTime', nullable: true }),
    ticket: t.relation('ticket', { nullable: true }),
    createdBy: t.relation('createdBy', { nullable: true }),
    reviewedBy: t.relation('reviewedBy', { nullable: true }),
    reviewedAt: t.expose('reviewedAt', { type: 'DateTime', nullable: true }),
    reviewNote: t.exposeString('reviewNote', { nullable: true }),
    approvedFlow: t.relation('approvedFlow', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryField('proposalReviewQueue', (t) =>
  t.prismaField({
    type: ['FlowProposal'],
    description: 'Drafts awaiting review: validated by a helpful walk first, then newest.',
    authScopes: { engineerOrAdmin: true },
    resolve: (query, _r, _a, ctx) => proposals.reviewQueue(ctx, query),
  }),
);

builder.queryField('myDrafts', (t) =>
  t.prismaField({
    type: ['FlowProposal'],
    description: 'Draft trees linked to tickets I opened.',
    authScopes: { l1OrCoverage: true },
    resolve: (query, _r, _a, ctx) => proposals.myDrafts(ctx, query),
  }),
);

builder.mutationField('createProposal', (t) =>
  t.prismaField({
    type: 'FlowProposal',
    authScopes: { engineerOrAdmin: true },
    args: {
      title: t.arg.string({ required: true }),
      nodes: t.arg({ type: [FlowNodeInput], required: true }),
      rootNodeId: t.arg.string({ required: false }),
      ticketId: t.arg.id({ required: false }),
    },
    errors: { types: [ValidationError, NotFoundError] },
    resolve: (_q, _r, args, ctx) => proposals.create(ctx, { ...args, ticketId: args.ticketId ? String(args.ticketId) : null }),
  }),
);

builder.mutationField('createProposalFromWalk', (t) =>
  t.prismaField({
    type: 'FlowProposal',
    description: 'Turns a resolved ad-hoc walk’s notes into a draft tree linked to its ticket.',
    authScopes: { l1OrCoverage: true },
    args: { sessionId: t.arg.id({ required: true }) },
    errors: { types: [ValidationError, NotFoundError, ConflictError] },
    resolve: (_q, _r, args, ctx) => proposals.createFromWalk(ctx, { sessionId: String(args.sessionId) }),
  }),
);

builder.mutationField('approveProposal', (t) =>
  t.prismaField({
    type: 'FlowProposal',
    description: 'Publishes the proposal as a new flow.',
    authScopes: { engineerOrAdmin: true },
    args: { proposalId: t.arg.id({ required: true }), title: t.arg.string({ required: false }) },
    errors: { types: [ValidationError, NotFoundError, ConflictError] },
    resolve: (_q, _r, args, ctx) => proposals.approve(ctx, { proposalId: String(args.proposalId), title: args.title }),
  }),
);

builder.mutationField('rejectProposal', (t) =>
  t.prismaField({
    type: 'FlowProposal',
    authScopes: { engineerOrAdmin: true },
    args: { proposalId: t.arg.id({ required: true }), note: t.arg.string({ required: false }) },
    errors: { types: [ValidationError, NotFoundError, ConflictError] },
    resolve: (_q, _r, args, ctx) => proposals.reject(ctx, { proposalId: String(args.proposalId), note: args.note }),
  }),
);
