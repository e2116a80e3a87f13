import { NotFoundError, ValidationError } from '../services/errors.ts';
import type { WalkRow } from '../services/walks/rows.ts';
import { loaders } from '../services/loaders.ts';
import * as walks from '../services/walks/index.ts';
import { builder } from './builder.ts';
import { WalkSessionRef } from './walk.ts';

const IntakeOutcomeEnum = builder.enumType('IntakeOutcome', {
  values: { FLOW: { value: 'flow' }, PROPOSAL: { value: 'proposal' }, ADHOC: { value: 'adhoc' } } as const,
});

const IntakePayload = builder.objectRef<{ outcome: walks.IntakeOutcome; walk: WalkRow }>('IntakePayload').implement({
  fields: (t) => ({
    outcome: t.field({ type: IntakeOutcomeEnum, resolve: (p) => p.outcome }),
    session: t.field({ type: WalkSessionRef, resolve: (p) => p.walk }),
    ticket: t.prismaField({
      type: 'InternalTicket',
      resolve: (_q, p, _a, ctx) =>
        loaders(ctx)
          .ticket.load(p.walk.internalTicketId!)
          .then((x) => x!),
    }),
  }),
});

builder.mutationField('intake', (t) =>
  t.field({
    type: IntakePayload,
    description: 'Opens an internal ticket and starts a walk: on a published flow (pinned), a proposal, or ad-hoc notes.',
    authScopes: { l1OrCoverage: true },
    args: {
      problemStatement: t.arg.string({ required: true }),
      customerName: t.arg.string({ required: false, description: 'Optional; blank counts as not given.' }),
      customerContact: t.arg.string({ required: false, description: 'Optional; blank counts as not given.' }),
      flowId: t.arg.id({ required: false }),
      proposalId: t.arg.id({ required: false }),
    },
    errors: { types: [ValidationError, NotFoundError] },
    resolve: (_r, args, ctx) =>
      walks.intake(ctx, {
        ...args,
        flowId: args.flowId ? String(args.flowId) : null,
        proposalId: args.proposalId ? String(args.proposalId) : null,
      }),
  }),
);
