import { GraphQLError } from 'graphql';
import type { Context } from './context.ts';
import { ConflictError, NotFoundError, ValidationError } from '../services/errors.ts';
import * as live from '../services/live/live.ts';
import { loaders } from '../services/loaders.ts';
import type { Watcher } from '../services/live/presence.ts';
import { ANSWERS } from '../services/flows/graph.ts';
import { type StepRow, WALK_KINDS, WALK_STATUSES } from '../services/walks/rows.ts';
import * as walks from '../services/walks/index.ts';
import { builder } from './builder.ts';
import { enumValuesOf } from './enums.ts';
import { hitsFor } from '../services/kb/search.ts';
import { FlowNodeRef } from './flow.ts';
import { KbSearchHitRef } from './kb.ts';
import { HandoffRef, WalkNoteRef } from './ticket.ts';

export type WalkView = live.WalkView;

export function resubscribeError(): GraphQLError {
  return new GraphQLError('This subscription fell behind; subscribe again to catch up', { extensions: { code: 'RESUBSCRIBE' } });
}

const WalkWatcherRef = builder.objectRef<Watcher>('WalkWatcher').implement({
  description: 'Someone subscribed to the walk right now.',
  fields: (t) => ({
    userId: t.exposeID('userId'),
    name: t.exposeString('name'),
    role: t.exposeString('role'),
    since: t.field({ type: 'DateTime', resolve: (w) => w.since }),
  }),
});

export const WalkKindEnum = builder.enumType('WalkKind', { values: enumValuesOf(WALK_KINDS) });
export const WalkStatusEnum = builder.enumType('WalkStatus', { values: enumValuesOf(WALK_STATUSES) });
export const StepAnswerEnum = builder.enumType('StepAnswer', {
  values: enumValuesOf(ANSWERS, {
    yes: 'The question’s yesLabel.',
    no: 'The question’s noLabel.',
    continue: 'After an instruction.',
  }),
});
/** The typed errors of writes to a walk. */
export const walkErrors = [ValidationError, NotFoundError, ConflictError];

export const userOf = (ctx: Context, id: string) =>
  loaders(ctx)
    .user.load(id)
    .then((u) => u!);

/*
 * A live call is the L1 surface's: while a walk is active its notes, steps, current node, watchers
 * and handoff are for l1OrCoverage callers (the handler, L1 techs, coverers, owners, admins). An
 * engineer who reaches the walk through a ticket or the review queue sees that it is in progress
 * (status, kind, counts, times), not what is being said on it. Once it has ended, every engineer
 * may read it: escalation transcripts are their work. Denied, each of these fields is null with a
 * FORBIDDEN error.
 */
const LIVE_CALL = (w: WalkView) => (w.status === 'active' ? { l1OrCoverage: true } : true);
const LIVE_CALL_NOTE =
  'While the walk is active: L1 techs and those who cover the desk (owners, admins, engineers with coverage); once it has ended, every engineer too. Null for anyone else.';

export const WalkStepRef = builder.objectRef<StepRow>('WalkStep').implement({
  description: 'One answered node. Question and labels come from the pinned tree, never from the client.',
  fields: (t) => ({
    id: t.exposeID('id'),
    seq: t.exposeInt('seq'),
    nodeId: t.exposeString('nodeId'),
    question: t.exposeString('question'),
    answer: t.field({ type: StepAnswerEnum, resolve: (s) => s.answer }),
    answerLabel: t.exposeString('answerLabel'),
    yesLabel: t.exposeString('yesLabel', { nullable: true }),
    noLabel: t.exposeString('noLabel', { nullable: true }),
    nextNodeId: t.exposeString('nextNodeId', { nullable: true }),
    note: t.exposeString('note', { nullable: true }),
    actingAs: t.exposeString('actingAs', {
      nullable: true,
      description: '"l1_coverage" when the actor is an engineer covering the L1 desk; null for L1 techs, owners and admins.',
    }),
    clientStepId: t.exposeString('clientStepId'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    actor: t.prismaField({ type: 'User', resolve: (_q, s, _a, ctx) => userOf(ctx, s.actorId) }),
  }),
});

export const WalkSessionRef = builder.objectRef<WalkView>('WalkSession').implement({
  authScopes: { l1OrAbove: true },
  fields: (t) => ({
    id: t.exposeID('id'),
    kind: t.field({ type: WalkKindEnum, resolve: (w) => w.kind }),
    status: t.field({ type: WalkStatusEnum, resolve: (w) => w.status }),
    version: t.exposeInt('version', { description: 'Bumped by every change; send it back as expectedVersion.' }),
    title: t.string({ resolve: (w, _a, ctx) => w.titleText ?? walks.title(ctx, w) }),
    currentNodeId: t.exposeString('currentNodeId', { nullable: true, authScopes: LIVE_CALL, description: LIVE_CALL_NOTE }),
    currentNode: t.field({
      type: FlowNodeRef,
      nullable: true,
      authScopes: LIVE_CALL,
      description: `The node to answer now, from the version this walk pinned. ${LIVE_CALL_NOTE}`,
      resolve: async (w, _a, ctx) => (w.currentNodeId ? ((await walks.walkNodes(ctx, w))?.get(w.currentNodeId) ?? null) : null),
    }),
    stepCount: t.exposeInt('stepCount'),
    steps: t.field({
      type: [WalkStepRef],
      nullable: true,
      authScopes: LIVE_CALL,
      description: LIVE_CALL_NOTE,
      resolve: (w, _a, ctx) => w.steps ?? loaders(ctx).steps.load(w.id),
    }),
    notes: t.field({
      type: [WalkNoteRef],
      nullable: true,
      authScopes: LIVE_CALL,
      description: LIVE_CALL_NOTE,
      resolve: (w, _a, ctx) => (w.notesNotCarried ? loaders(ctx).walkNotes.load(w.id) : w.notes),
    }),
    noteCount: t.int({
      resolve: async (w, _a, ctx) =>
        w.notesNotCarried ? (w.notesNotCarried.count ?? (await loaders(ctx).walkNotes.load(w.id)).length) : w.notes.length,
    }),
    ticket: t.prismaField({
      type: 'InternalTicket',
      nullable: true,
      resolve: (_q, w, _a, ctx) => (w.internalTicketId ? loaders(ctx).ticket.load(w.internalTicketId) : null),
    }),
    psaTicketRef: t.exposeString('psaTicketRef', { nullable: true }),
    knowledge: t.field({
      type: [KbSearchHitRef],
      description: 'The knowledge-base chunks intake retrieved for a BUILD walk, with their relevance then; empty otherwise.',
      resolve: async (w, _a, ctx) => {
        const ids = w.kbChunkIds ?? [];
        if (!ids.length || !w.internalTicketId) return [];
        const ticket = await loaders(ctx).ticket.load(w.internalTicketId);
        return hitsFor(
          ticket?.problemStatement ?? '',
          ids.map((chunkId, i) => ({ chunkId, score: w.kbChunkScores?.[i] ?? 0 })),
        );
      },
    }),
    flow: t.prismaField({
      type: 'Flow',
      nullable: true,
      resolve: (query, w, _a, ctx) => (w.flowId ? ctx.deps.prisma.flow.findUnique({ ...query, where: { id: w.flowId } }) : null),
    }),
    flowVersion: t.prismaField({
      type: 'FlowVersion',
      nullable: true,
      resolve: (query, w, _a, ctx) =>
        w.flowVersionId ? ctx.deps.prisma.flowVersion.findUnique({ ...query, where: { id: w.flowVersionId } }) : null,
    }),
    proposal: t.prismaField({
      type: 'FlowProposal',
      nullable: true,
      resolve: (_q, w, _a, ctx) => (w.proposalId ? loaders(ctx).proposal.load(w.proposalId) : null),
    }),
    handler: t.prismaField({
      type: 'User',
      description: 'Who may act on the walk now.',
      resolve: (_q, w, _a, ctx) => w.handlerUser ?? userOf(ctx, w.handlerUserId),
    }),
    createdBy: t.prismaField({ type: 'User', resolve: (_q, w, _a, ctx) => w.createdByUser ?? userOf(ctx, w.createdById) }),
    watchers: t.field({
      type: [WalkWatcherRef],
      nullable: true,
      authScopes: LIVE_CALL,
      description: `Who is subscribed to this walk right now, each user once, on any instance. ${LIVE_CALL_NOTE}`,
      resolve: (w, _a, ctx) => w.watchers ?? ctx.deps.presence.list(w.id),
    }),
    actingAs: t.exposeString('actingAs', {
      nullable: true,
      description: '"l1_coverage" when the handler is an engineer covering the L1 desk (canCoverL1); null for L1 techs, owners and admins.',
    }),
    helpful: t.exposeBoolean('helpful', { nullable: true }),
    resolutionNotes: t.exposeString('resolutionNotes', { nullable: true }),
    escalationReasonCategory: t.exposeString('escalationReasonCategory', { nullable: true }),
    escalationReason: t.exposeString('escalationReason', { nullable: true }),
    handoff: t.field({ type: HandoffRef, nullable: true, authScopes: LIVE_CALL, description: LIVE_CALL_NOTE, resolve: (w) => w.handoff }),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    lastStepAt: t.expose('lastStepAt', { type: 'DateTime' }),
    resolvedAt: t.expose('resolvedAt', { type: 'DateTime', nullable: true }),
    endedAt: t.expose('endedAt', { type: 'DateTime', nullable: true }),
    takenFrom: t.prismaField({
      type: 'User',
      nullable: true,
      description: 'The technician a coverer took this call from: they may ask for it back, and it goes back to them by default.',
      resolve: (_q, w, _a, ctx) => (w.takenFromId ? userOf(ctx, w.takenFromId) : null),
    }),
    handBackRequestedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the technician it was taken from asked for it back (cleared once it changes hands).',
      resolve: (w) => w.handbackRequestedAt ?? null,
    }),
    releasedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the handler handed it off to the desk: any L1 tech may pick it up.',
      resolve: (w) => w.releasedAt ?? null,
    }),
    canTakeOver: t.boolean({
      description: 'May I take this call over now? Coverers may take any call; an L1 tech a peer’s call once it is handed off or idle.',
      resolve: async (w, _a, ctx) => (await ruleOf(ctx, w)).allowed,
    }),
    takeOverOpensAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'For an L1 tech: when a peer’s call opens up for takeover by going idle.',
      resolve: async (w, _a, ctx) => (await ruleOf(ctx, w)).opensAt,
    }),
    takeOverBlockedReason: t.string({
      nullable: true,
      description: 'Why I may not take this call over now, in plain words (null when I may).',
      resolve: async (w, _a, ctx) => (await ruleOf(ctx, w)).reason,
    }),
  }),
});

// The three takeover fields share one evaluation per walk object.
const rules = new WeakMap<object, Promise<walks.TakeOverRule>>();
function ruleOf(ctx: Context, w: WalkView): Promise<walks.TakeOverRule> {
  let r = rules.get(w);
  if (!r) rules.set(w, (r = walks.takeOverRule(ctx, w)));
  return r;
}

builder.queryField('walkSession', (t) =>
  t.field({
    type: WalkSessionRef,
    authScopes: { l1OrCoverage: true },
    args: { id: t.arg.id({ required: true }) },
    errors: { types: [NotFoundError, ValidationError] },
    resolve: (_r, args, ctx) => walks.get(ctx, String(args.id)),
  }),
);

builder.queryField('myActiveWalks', (t) =>
  t.field({
    type: [WalkSessionRef],
    description: 'Walks I am handling, most recent step first (20).',
    authScopes: { l1OrCoverage: true },
    resolve: (_r, _a, ctx) => walks.myActive(ctx),
  }),
);

builder.queryField('activeWalks', (t) =>
  t.field({
    type: [WalkSessionRef],
    description: 'Every active walk in the account, for the coverage board.',
    authScopes: { l1OrCoverage: true },
    resolve: () => walks.activeInAccount(),
  }),
);

builder.mutationField('recordStep', (t) =>
  t.field({
    type: WalkSessionRef,
    description:
      'Answers the current node. The server derives the question and labels from the pinned tree. Retrying with the same clientStepId returns the walk and writes nothing.',
    authScopes: { l1OrCoverage: true },
    args: {
      sessionId: t.arg.id({ required: true }),
      nodeId: t.arg.string({ required: true }),
      answer: t.arg({ type: StepAnswerEnum, required: true }),
      note: t.arg.string({ required: false }),
      clientStepId: t.arg.string({ required: true }),
      expectedVersion: t.arg.int({ required: false }),
    },
    errors: { types: walkErrors },
    resolve: async (_r, args, ctx) => (await walks.recordStep(ctx, { ...args, sessionId: String(args.sessionId) })).walk,
  }),
);

const WalkNoteInput = builder.inputType('WalkNoteInput', {
  fields: (t) => ({ at: t.field({ type: 'DateTime', required: true }), content: t.string({ required: true }) }),
});

builder.mutationField('updateWalkNotes', (t) =>
  t.field({
    type: WalkSessionRef,
    description: 'Replaces the walk’s notes (at most 256 KB).',
    authScopes: { l1OrCoverage: true },
    args: {
      sessionId: t.arg.id({ required: true }),
      notes: t.arg({ type: [WalkNoteInput], required: true }),
      expectedVersion: t.arg.int({ required: false }),
    },
    errors: { types: walkErrors },
    resolve: (_r, args, ctx) => walks.updateNotes(ctx, { ...args, sessionId: String(args.sessionId) }),
  }),
);

builder.mutationField('resolveWalk', (t) =>
  t.field({
    type: WalkSessionRef,
    description: 'Ends the walk as resolved and resolves its ticket. A helpful proposal walk validates the proposal.',
    authScopes: { l1OrCoverage: true },
    args: {
      sessionId: t.arg.id({ required: true }),
      helpful: t.arg.boolean({ required: true }),
      resolutionNotes: t.arg.string({ required: true }),
      expectedVersion: t.arg.int({ required: false }),
    },
    errors: { types: walkErrors },
    resolve: (_r, args, ctx) => walks.resolve(ctx, { ...args, sessionId: String(args.sessionId) }),
  }),
);

// ---------------------------------------------------------------------------------------------
// Live

builder.subscriptionField('walkSession', (t) =>
  t.field({
    type: WalkSessionRef,
    description:
      'The walk’s full state at once, then after every committed change (step, notes, handler, hand-off and hand-back requests, status, watchers), in version order. Another account’s id ends with NOT_FOUND.',
    authScopes: { l1OrCoverage: true },
    args: { id: t.arg.id({ required: true }) },
    subscribe: (_r, args, ctx) => live.liveWalk(ctx, String(args.id)),
    resolve: (v) => {
      if (v === live.RESUBSCRIBE) throw resubscribeError();
      return v;
    },
  }),
);
