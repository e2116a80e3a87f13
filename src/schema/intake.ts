import { category } from '../services/categories/catalogue.ts';
import { NotFoundError, ValidationError } from '../services/errors.ts';
import * as intake from '../services/intake/intake.ts';
import { hitsFor } from '../services/kb/search.ts';
import { loaders } from '../services/loaders.ts';
import { builder } from './builder.ts';
import { KbSearchHitRef } from './kb.ts';
import { L1CategoryRef } from './l1-category.ts';
import { WalkSessionRef } from './walk.ts';

const IntakeOutcomeEnum = builder.enumType('IntakeOutcome', {
  values: {
    MATCHED: { value: 'matched', description: 'One published flow clearly fits: a ticket and a walk on it started.' },
    SUGGEST: {
      value: 'suggest',
      description: 'Some flows might fit: nothing started; pick one (intake again with flowId), build, or take notes.',
    },
    OUT_OF_SCOPE: {
      value: 'out_of_scope',
      description: 'A hard-floor category, or one this account’s L1 desk does not take: nothing started; escalate without a walk.',
    },
    BUILD: {
      value: 'build',
      description: 'No flow fits but the knowledge base does: a ticket and a notes walk listing the articles started.',
    },
    ABORTED_NO_KB: {
      value: 'aborted_no_kb',
      description: 'Neither a flow nor the knowledge base fits: nothing started; escalate (NO_KB_AVAILABLE) or take notes.',
    },
    FLOW: { value: 'flow', description: 'The flow chosen (flowId) started; no matching.' },
    PROPOSAL: { value: 'proposal', description: 'The draft chosen (proposalId) started; no matching.' },
    ADHOC: { value: 'adhoc', description: 'Notes chosen (adhoc: true) started; no matching.' },
  } as const,
});

const FlowSuggestionRef = builder.objectRef<intake.FlowSuggestion>('FlowSuggestion').implement({
  fields: (t) => ({
    flow: t.prismaField({
      type: 'Flow',
      resolve: (query, s, _a, ctx) => ctx.deps.prisma.flow.findUniqueOrThrow({ ...query, where: { id: s.flowId } }),
    }),
    score: t.exposeFloat('score', { description: 'Fit in [0, 1].' }),
    reason: t.exposeString('reason', { description: 'Which of the caller’s words matched.' }),
  }),
});

const IntakePayload = builder.objectRef<intake.IntakeResult>('IntakePayload').implement({
  fields: (t) => ({
    outcome: t.field({ type: IntakeOutcomeEnum, resolve: (p) => p.outcome }),
    reason: t.exposeString('reason', {
      description: 'Why this outcome, in words (which flow and words matched, which category was refused).',
    }),
    session: t.field({
      type: WalkSessionRef,
      nullable: true,
      description: 'Null for SUGGEST, OUT_OF_SCOPE and ABORTED_NO_KB.',
      resolve: (p) => p.walk,
    }),
    ticket: t.prismaField({
      type: 'InternalTicket',
      nullable: true,
      description: 'Null when no walk started.',
      resolve: (_q, p, _a, ctx) => (p.walk?.internalTicketId ? loaders(ctx).ticket.load(p.walk.internalTicketId) : null),
    }),
    matchedFlow: t.prismaField({
      type: 'Flow',
      nullable: true,
      description: 'MATCHED only.',
      resolve: (query, p, _a, ctx) =>
        p.matchedFlowId ? ctx.deps.prisma.flow.findUnique({ ...query, where: { id: p.matchedFlowId } }) : null,
    }),
    suggestions: t.field({
      type: [FlowSuggestionRef],
      description: 'SUGGEST: one to three flows, best first; empty otherwise.',
      resolve: (p) => p.suggestions,
    }),
    category: t.field({
      type: L1CategoryRef,
      nullable: true,
      description: 'The category the problem was classified into, when there is one (always for OUT_OF_SCOPE).',
      resolve: (p) => (p.category ? (category(p.category) ?? null) : null),
    }),
    knowledge: t.field({
      type: [KbSearchHitRef],
      description: 'BUILD: the knowledge-base chunks retrieved and listed on the walk, best first; empty otherwise.',
      resolve: (p) => hitsFor(p.problemStatement, p.knowledge),
    }),
  }),
});

builder.mutationField('intake', (t) =>
  t.field({
    type: IntakePayload,
    description:
      'Takes a call (DESIGN §14). With flowId, proposalId or adhoc: true, opens a ticket and starts that walk. Otherwise matches the problem: refuses the hard floor and categories the desk does not take, starts the flow that clearly fits, suggests the ones that might, builds from the knowledge base, or says there is nothing to go on.',
    authScopes: { l1OrCoverage: true },
    args: {
      problemStatement: t.arg.string({ required: true }),
      customerName: t.arg.string({ required: false, description: 'Optional; blank counts as not given.' }),
      customerContact: t.arg.string({ required: false, description: 'Optional; blank counts as not given.' }),
      flowId: t.arg.id({ required: false }),
      proposalId: t.arg.id({ required: false }),
      adhoc: t.arg.boolean({ required: false, description: 'Take notes (an ad-hoc walk) without matching.' }),
    },
    errors: { types: [ValidationError, NotFoundError] },
    resolve: (_r, args, ctx) =>
      intake.intake(ctx, {
        ...args,
        flowId: args.flowId ? String(args.flowId) : null,
        proposalId: args.proposalId ? String(args.proposalId) : null,
      }),
  }),
);
