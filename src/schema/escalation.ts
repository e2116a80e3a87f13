import { ValidationError } from '../services/errors.ts';
import { loaders } from '../services/loaders.ts';
import * as walks from '../services/walks/index.ts';
import { builder } from './builder.ts';
import { enumValuesOf } from './enums.ts';
import { walkErrors, WalkSessionRef } from './walk.ts';

const EscalationReasonEnum = builder.enumType('EscalationReason', {
  values: enumValuesOf(walks.ESCALATION_REASONS, { other: 'Describe it in `reason`.' }),
});

const EscalationPayload = builder.objectRef<walks.EscalationResult>('EscalationPayload').implement({
  fields: (t) => ({
    session: t.field({ type: WalkSessionRef, nullable: true, resolve: (p) => p.walk }),
    ticket: t.prismaField({
      type: 'InternalTicket',
      resolve: (_q, p, _a, ctx) =>
        loaders(ctx)
          .ticket.load(p.ticketId)
          .then((x) => x!),
    }),
    notifiedCount: t.exposeInt('notified', { description: 'People notified.' }),
    warning: t.exposeString('warning', { nullable: true, description: 'Set when nobody (or not everyone chosen) was notified.' }),
  }),
});

builder.mutationField('escalateWalk', (t) =>
  t.field({
    type: EscalationPayload,
    description:
      'Hands the call to engineers with the transcript, notes and reason. Notifies the chosen people, or by default every active engineer and whoever covers the desk (owners, admins), never the person escalating; an empty list notifies nobody.',
    authScopes: { l1OrCoverage: true },
    args: {
      sessionId: t.arg.id({ required: true }),
      reasonCategory: t.arg({ type: EscalationReasonEnum, required: true }),
      reason: t.arg.string({ required: false }),
      notifyUserIds: t.arg.idList({ required: false }),
      expectedVersion: t.arg.int({ required: false }),
    },
    errors: { types: walkErrors },
    resolve: (_r, args, ctx) =>
      walks.escalate(ctx, { ...args, sessionId: String(args.sessionId), notifyUserIds: args.notifyUserIds?.map(String) ?? null }),
  }),
);

builder.mutationField('escalateWithoutWalk', (t) =>
  t.field({
    type: EscalationPayload,
    description: 'Records a call escalated before any walk (for example when there is no knowledge base yet).',
    authScopes: { l1OrCoverage: true },
    args: {
      problemStatement: t.arg.string({ required: true }),
      customerName: t.arg.string({ required: false, description: 'Optional; blank counts as not given.' }),
      customerContact: t.arg.string({ required: false, description: 'Optional; blank counts as not given.' }),
      reasonCategory: t.arg({ type: EscalationReasonEnum, required: true }),
      reason: t.arg.string({ required: false }),
      notifyUserIds: t.arg.idList({ required: false }),
    },
    errors: { types: [ValidationError] },
    resolve: (_r, args, ctx) => walks.escalateWithoutWalk(ctx, { ...args, notifyUserIds: args.notifyUserIds?.map(String) ?? null }),
  }),
);
