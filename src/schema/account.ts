import * as accounts from '../services/identity/accounts.ts';
import { NotFoundError, ValidationError } from '../services/errors.ts';
import * as sessions from '../services/identity/sessions.ts';
import { builder } from './builder.ts';

const SecondsRange = builder.objectRef<{ min: number; max: number }>('SecondsRange').implement({
  fields: (t) => ({ min: t.exposeInt('min'), max: t.exposeInt('max') }),
});

const SessionPolicy = builder
  .objectRef<{ sessionIdleSeconds: number | null; sessionAbsoluteSeconds: number | null }>('SessionPolicy')
  .implement({
    description: 'How long sessions last in this account. Overrides apply from the next sign-in.',
    fields: (t) => ({
      idleSeconds: t.int({ description: 'In effect: the override or the default.', resolve: (a) => sessions.effectivePolicy(a).idle }),
      absoluteSeconds: t.int({ resolve: (a) => sessions.effectivePolicy(a).absolute }),
      idleOverrideSeconds: t.int({ nullable: true, resolve: (a) => a.sessionIdleSeconds }),
      absoluteOverrideSeconds: t.int({ nullable: true, resolve: (a) => a.sessionAbsoluteSeconds }),
      defaultIdleSeconds: t.int({ resolve: () => sessions.DEFAULT_IDLE_SECONDS }),
      defaultAbsoluteSeconds: t.int({ resolve: () => sessions.DEFAULT_ABSOLUTE_SECONDS }),
      idleBounds: t.field({ type: SecondsRange, description: 'Allowed idle timeouts.', resolve: () => sessions.IDLE_BOUNDS }),
      absoluteBounds: t.field({
        type: SecondsRange,
        description: 'Allowed maximum session lengths.',
        resolve: () => sessions.ABSOLUTE_BOUNDS,
      }),
    }),
  });

builder.prismaObject('Account', {
  authScopes: { authenticated: true },
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    slug: t.exposeString('slug'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    sessionPolicy: t.field({
      type: SessionPolicy,
      nullable: true,
      description: 'Account managers only; null for anyone else.',
      authScopes: { accountManager: true },
      resolve: (a) => a,
    }),
  }),
});

builder.mutationField('updateSessionPolicy', (t) =>
  t.prismaField({
    type: 'Account',
    description:
      'Owner: idle timeout (15 min–30 days) and absolute lifetime (1 h–90 days) for new sessions; null restores the default. Idle may not exceed absolute.',
    authScopes: { owner: true },
    args: { idleSeconds: t.arg.int({ required: false }), absoluteSeconds: t.arg.int({ required: false }) },
    errors: { types: [ValidationError] },
    resolve: (_q, _r, args, ctx) =>
      sessions.updateSessionPolicy(ctx, { idleSeconds: args.idleSeconds ?? null, absoluteSeconds: args.absoluteSeconds ?? null }),
  }),
);

builder.mutationField('setSeatLimits', (t) =>
  t.prismaField({
    type: 'Account',
    description: 'Super admin (standing in for billing): seat limits of an account; null means unlimited.',
    authScopes: { superAdmin: true },
    args: {
      accountId: t.arg.id({ required: true }),
      engineerSeatLimit: t.arg.int({ required: false }),
      l1SeatLimit: t.arg.int({ required: false }),
    },
    errors: { types: [ValidationError, NotFoundError] },
    resolve: (_q, _r, args, ctx) =>
      accounts.setSeatLimits(ctx, {
        accountId: String(args.accountId),
        engineerSeatLimit: args.engineerSeatLimit ?? null,
        l1SeatLimit: args.l1SeatLimit ?? null,
      }),
  }),
);
