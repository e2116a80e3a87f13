import { ConflictError, NotFoundError, SeatLimitExceeded, ValidationError } from '../services/errors.ts';
import { type Role, ROLES } from '../services/identity/principal.ts';
import * as users from '../services/identity/users.ts';
import { builder } from './builder.ts';
import { enumValuesOf } from './enums.ts';

export const AccountRoleEnum = builder.enumType('AccountRole', { values: enumValuesOf(ROLES) });

/*
 * Anyone signed in may see who someone is (name, role, coverage): walks, tickets and escalations
 * show names. How to reach them and the state of their account are the person's own and their
 * account managers' business: an L1 reading a ticket's `createdBy` or a walk's `handler` gets null
 * for these (with a FORBIDDEN error at that path), never the address. The SPA shows colleagues by
 * name only; engineers reach each other through escalations and notifications, not email.
 */
const SELF_OR_MANAGER = (u: { id: string }) => ({ self: u.id, accountManager: true });

builder.prismaObject('User', {
  authScopes: { authenticated: true },
  fields: (t) => ({
    id: t.exposeID('id'),
    email: t.exposeString('email', {
      nullable: true,
      authScopes: SELF_OR_MANAGER,
      description: 'Readable by the user themself and account managers (owner, admin); null for anyone else.',
    }),
    name: t.exposeString('name'),
    role: t.field({ type: AccountRoleEnum, resolve: (u) => u.role as Role }),
    isSuperAdmin: t.exposeBoolean('isSuperAdmin', {
      nullable: true,
      authScopes: SELF_OR_MANAGER,
      description: 'Readable by the user themself and account managers; null for anyone else.',
    }),
    canCoverL1: t.exposeBoolean('canCoverL1'),
    isActive: t.exposeBoolean('isActive', {
      nullable: true,
      authScopes: SELF_OR_MANAGER,
      description: 'Readable by the user themself and account managers; null for anyone else.',
    }),
    lastLoginAt: t.expose('lastLoginAt', {
      type: 'DateTime',
      nullable: true,
      authScopes: SELF_OR_MANAGER,
      description: 'Readable by the user themself and account managers; null for anyone else (and for someone who never signed in).',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    account: t.relation('account'),
  }),
});

builder.queryField('me', (t) =>
  t.prismaField({
    type: 'User',
    description: 'The signed-in user.',
    authScopes: { authenticated: true },
    resolve: (query, _root, _args, ctx) => users.me(ctx, query),
  }),
);

builder.queryField('users', (t) =>
  t.prismaField({
    type: ['User'],
    description: "The account's members, by name.",
    authScopes: { accountManager: true },
    args: { includeInactive: t.arg.boolean({ defaultValue: true }) },
    resolve: (query, _root, args, ctx) => users.list(ctx, query, { includeInactive: args.includeInactive ?? true }),
  }),
);

const userErrors = [ValidationError, NotFoundError, ConflictError, SeatLimitExceeded];

builder.mutationField('changeUserRole', (t) =>
  t.prismaField({
    type: 'User',
    description: 'Changes a member’s role. Taking an engineer or L1 seat is checked against the plan; the last owner stays owner.',
    authScopes: { accountManager: true },
    args: { userId: t.arg.id({ required: true }), role: t.arg({ type: AccountRoleEnum, required: true }) },
    errors: { types: userErrors },
    resolve: (_query, _root, args, ctx) => users.changeRole(ctx, { userId: String(args.userId), role: args.role }),
  }),
);

builder.mutationField('setUserCoverage', (t) =>
  t.prismaField({
    type: 'User',
    description: 'Lets an engineer work the L1 desk (owner only).',
    authScopes: { owner: true },
    args: { userId: t.arg.id({ required: true }), canCoverL1: t.arg.boolean({ required: true }) },
    errors: { types: userErrors },
    resolve: (_query, _root, args, ctx) => users.setCoverage(ctx, { userId: String(args.userId), canCoverL1: args.canCoverL1 }),
  }),
);

builder.mutationField('deactivateUser', (t) =>
  t.prismaField({
    type: 'User',
    description: 'Signs a member out everywhere and frees their seat.',
    authScopes: { accountManager: true },
    args: { userId: t.arg.id({ required: true }) },
    errors: { types: userErrors },
    resolve: (_query, _root, args, ctx) => users.deactivate(ctx, { userId: String(args.userId) }),
  }),
);

builder.mutationField('reactivateUser', (t) =>
  t.prismaField({
    type: 'User',
    description: 'Lets a deactivated member sign in again, if a seat is free.',
    authScopes: { accountManager: true },
    args: { userId: t.arg.id({ required: true }) },
    errors: { types: userErrors },
    resolve: (_query, _root, args, ctx) => users.reactivate(ctx, { userId: String(args.userId) }),
  }),
);
