import { GraphQLError } from 'graphql';
import { ConflictError, NotFoundError, ValidationError } from '../services/errors.ts';
import * as live from '../services/live/live.ts';
import { loaders } from '../services/loaders.ts';
import * as tickets from '../services/tickets/tickets.ts';
import type { Handoff, WalkNote } from '../services/walks/rows.ts';
import { builder } from './builder.ts';

export const TicketStatusEnum = builder.enumType('TicketStatus', {
  values: {
    OPEN: { value: 'open' },
    WALKING: { value: 'walking' },
    RESOLVED: { value: 'resolved' },
    ESCALATED: { value: 'escalated' },
  } as const,
});

export const WalkNoteRef = builder.objectRef<WalkNote>('WalkNote').implement({
  fields: (t) => ({
    at: t.field({ type: 'DateTime', resolve: (n) => n.at }),
    content: t.exposeString('content'),
  }),
});

const HandoffStep = builder.objectRef<Handoff['transcript'][number]>('HandoffStep').implement({
  fields: (t) => ({
    seq: t.exposeInt('seq'),
    nodeId: t.exposeString('nodeId'),
    question: t.exposeString('question'),
    answerLabel: t.exposeString('answerLabel'),
    note: t.exposeString('note', { nullable: true }),
    at: t.field({ type: 'DateTime', resolve: (s) => s.at }),
  }),
});

const Person = builder.objectRef<{ id: string; name: string }>('PersonRef').implement({
  fields: (t) => ({ id: t.exposeID('id'), name: t.exposeString('name') }),
});

export const HandoffRef = builder.objectRef<Handoff>('Handoff').implement({
  description: 'What engineers receive with an escalation.',
  fields: (t) => ({
    problemStatement: t.exposeString('problemStatement'),
    customerName: t.exposeString('customerName', { nullable: true, description: 'Null when the L1 did not get a name.' }),
    customerContact: t.exposeString('customerContact', { nullable: true, description: 'Null when the L1 did not get a contact.' }),
    reasonCategory: t.exposeString('reasonCategory'),
    reason: t.exposeString('reason', { nullable: true }),
    flowTitle: t.exposeString('flowTitle', { nullable: true }),
    transcript: t.field({ type: [HandoffStep], resolve: (h) => h.transcript }),
    notes: t.field({ type: [WalkNoteRef], resolve: (h) => h.notes }),
    escalatedBy: t.field({ type: Person, resolve: (h) => h.escalatedBy }),
    escalatedAt: t.field({ type: 'DateTime', resolve: (h) => h.escalatedAt }),
  }),
});

builder.prismaObject('InternalTicket', {
  authScopes: { l1OrAbove: true },
  fields: (t) => ({
    id: t.exposeID('id'),
    customerName: t.exposeString('customerName', { nullable: true, description: 'Optional at intake: null when not given.' }),
    customerContact: t.exposeString('customerContact', { nullable: true, description: 'Optional at intake: null when not given.' }),
    problemStatement: t.exposeString('problemStatement'),
    status: t.field({ type: TicketStatusEnum, resolve: (x, _a, ctx) => tickets.status(ctx, x) }),
    createdBy: t.relation('createdBy', { nullable: true }),
    assignedEngineer: t.relation('assignedEngineer', { nullable: true }),
    resolutionNotes: t.exposeString('resolutionNotes', { nullable: true }),
    escalationReasonCategory: t.exposeString('escalationReasonCategory', { nullable: true }),
    escalationReason: t.exposeString('escalationReason', { nullable: true }),
    handoff: t.field({ type: HandoffRef, nullable: true, resolve: (x) => x.handoff as unknown as Handoff | null }),
    resolvedAt: t.expose('resolvedAt', { type: 'DateTime', nullable: true }),
    escalatedAt: t.expose('escalatedAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

export const PageInfo = builder.objectRef<{ hasNextPage: boolean; endCursor: string | null }>('PageInfo').implement({
  fields: (t) => ({ hasNextPage: t.exposeBoolean('hasNextPage'), endCursor: t.exposeString('endCursor', { nullable: true }) }),
});

const TicketPage = builder.objectRef<tickets.Page<{ id: string; createdAt: Date }>>('TicketPage').implement({
  fields: (t) => ({
    nodes: t.prismaField({ type: ['InternalTicket'], resolve: (_q, p) => p.nodes as never }),
    pageInfo: t.field({ type: PageInfo, resolve: (p) => p }),
  }),
});

builder.queryField('l1Queue', (t) =>
  t.field({
    type: TicketPage,
    description: 'Internal tickets, newest first.',
    authScopes: { l1OrCoverage: true },
    args: {
      status: t.arg({ type: TicketStatusEnum, required: false }),
      first: t.arg.int({ required: false, defaultValue: 25 }),
      after: t.arg.string({ required: false }),
    },
    errors: { types: [ValidationError] },
    resolve: (_r, args, ctx) => tickets.queue(ctx, {}, args),
  }),
);

builder.queryField('internalTicket', (t) =>
  t.prismaField({
    type: 'InternalTicket',
    authScopes: { l1OrAbove: true },
    args: { id: t.arg.id({ required: true }) },
    errors: { types: [NotFoundError, ValidationError] },
    resolve: (query, _r, args, ctx) => tickets.get(ctx, query, { ticketId: String(args.id) }),
  }),
);

builder.queryField('escalations', (t) =>
  t.field({
    type: TicketPage,
    description: 'Escalated tickets with their handoff packages, newest first.',
    authScopes: { engineerOrAdmin: true },
    args: {
      first: t.arg.int({ required: false, defaultValue: 25 }),
      after: t.arg.string({ required: false }),
      unclaimedOnly: t.arg.boolean({ required: false, defaultValue: false }),
    },
    errors: { types: [ValidationError] },
    resolve: (_r, args, ctx) => tickets.escalations(ctx, {}, args),
  }),
);

builder.mutationField('claimEscalation', (t) =>
  t.prismaField({
    type: 'InternalTicket',
    description: 'Assigns an escalation to me.',
    authScopes: { engineerOrAdmin: true },
    args: { ticketId: t.arg.id({ required: true }) },
    errors: { types: [ValidationError, NotFoundError, ConflictError] },
    resolve: (_q, _r, args, ctx) => tickets.claim(ctx, { ticketId: String(args.ticketId) }),
  }),
);

builder.mutationField('resolveEscalation', (t) =>
  t.prismaField({
    type: 'InternalTicket',
    description: 'Resolves an escalation I claimed (an owner or admin may resolve anyone’s), with what fixed it.',
    authScopes: { engineerOrAdmin: true },
    args: { ticketId: t.arg.id({ required: true }), resolutionNotes: t.arg.string({ required: true }) },
    errors: { types: [ValidationError, NotFoundError, ConflictError] },
    resolve: (_q, _r, args, ctx) =>
      tickets.resolveEscalation(ctx, { ticketId: String(args.ticketId), resolutionNotes: args.resolutionNotes }),
  }),
);

builder.mutationField('releaseEscalation', (t) =>
  t.prismaField({
    type: 'InternalTicket',
    description: 'Puts an escalation I claimed back in the queue, unclaimed (an owner or admin may release anyone’s).',
    authScopes: { engineerOrAdmin: true },
    args: { ticketId: t.arg.id({ required: true }) },
    errors: { types: [ValidationError, NotFoundError, ConflictError] },
    resolve: (_q, _r, args, ctx) => tickets.releaseEscalation(ctx, { ticketId: String(args.ticketId) }),
  }),
);

const EscalationChangeEnum = builder.enumType('EscalationChange', {
  values: {
    ESCALATED: { value: 'escalated' },
    CLAIMED: { value: 'claimed' },
    RELEASED: { value: 'released' },
    RESOLVED: { value: 'resolved' },
  } as const,
});

const EscalationEventRef = builder.objectRef<tickets.EscalationEvent>('EscalationEvent').implement({
  description: 'A change in the engineers’ escalations queue.',
  fields: (t) => ({
    change: t.field({ type: EscalationChangeEnum, resolve: (e) => e.change }),
    ticket: t.prismaField({ type: 'InternalTicket', nullable: true, resolve: (_q, e, _a, ctx) => loaders(ctx).ticket.load(e.ticketId) }),
  }),
});

builder.subscriptionField('escalations', (t) =>
  t.field({
    type: EscalationEventRef,
    description: 'The account’s escalations as they are raised, claimed, released and resolved.',
    authScopes: { engineerOrAdmin: true },
    subscribe: (_r, _a, ctx) => live.liveEscalations(ctx),
    resolve: (e) => {
      if (e === live.RESUBSCRIBE)
        throw new GraphQLError('This subscription fell behind; subscribe again to catch up', { extensions: { code: 'RESUBSCRIBE' } });
      return e;
    },
  }),
);

const Onboarding = builder.objectRef<Awaited<ReturnType<typeof tickets.onboarding>>>('Onboarding').implement({
  description: 'Drives the empty-state card: no published flow and no knowledge base yet.',
  fields: (t) => ({
    publishedFlows: t.exposeInt('publishedFlows'),
    hasKnowledgeBase: t.exposeBoolean('hasKnowledgeBase'),
    needsSetup: t.exposeBoolean('needsSetup'),
  }),
});

builder.queryField('onboarding', (t) =>
  t.field({ type: Onboarding, authScopes: { l1OrAbove: true }, resolve: (_r, _a, ctx) => tickets.onboarding(ctx) }),
);
