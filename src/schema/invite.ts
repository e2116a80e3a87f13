import { InviteInvalid, NotFoundError, SeatLimitExceeded, ValidationError } from '../services/errors.ts';
import * as invites from '../services/seats/invites.ts';
import { setRefreshCookie, SessionPayload } from './session.ts';
import { builder } from './builder.ts';
import { AccountRoleEnum } from './user.ts';

const InviteStatusEnum = builder.enumType('InviteStatus', {
  values: {
    PENDING: { value: 'pending' },
    ACCEPTED: { value: 'accepted' },
    REVOKED: { value: 'revoked' },
    EXPIRED: { value: 'expired' },
  } as const,
});

builder.prismaObject('Invite', {
  authScopes: { accountManager: true },
  fields: (t) => ({
    id: t.exposeID('id'),
    email: t.exposeString('email'),
    role: t.field({ type: AccountRoleEnum, resolve: (i) => i.role as 'admin' }),
    status: t.field({ type: InviteStatusEnum, resolve: (i, _a, ctx) => invites.inviteStatus(i, ctx.deps.clock.now()) }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    acceptedAt: t.expose('acceptedAt', { type: 'DateTime', nullable: true }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    invitedBy: t.relation('invitedBy', { nullable: true }),
  }),
});

const CreatedInvite = builder.objectRef<invites.CreatedInvite>('CreatedInvite').implement({
  description: 'A new invite. `acceptUrl` carries the secret and is shown only this once.',
  fields: (t) => ({
    acceptUrl: t.exposeString('acceptUrl'),
    token: t.exposeString('token'),
    invite: t.prismaField({
      type: 'Invite',
      resolve: (query, c, _a, ctx) => ctx.deps.prisma.invite.findUniqueOrThrow({ ...query, where: { id: c.inviteId } }),
    }),
  }),
});

const InviteInput = builder.inputType('InviteInput', {
  fields: (t) => ({
    email: t.string({ required: true }),
    role: t.field({ type: AccountRoleEnum, required: true }),
  }),
});

builder.queryField('invites', (t) =>
  t.prismaField({
    type: ['Invite'],
    description: 'Invites of the account, newest first.',
    authScopes: { accountManager: true },
    resolve: (query, _r, _a, ctx) => invites.list(ctx, query),
  }),
);

builder.mutationField('createInvite', (t) =>
  t.field({
    type: CreatedInvite,
    description: 'Invites an address with any role but owner. Engineer and L1 invites need a free seat.',
    authScopes: { accountManager: true },
    args: { email: t.arg.string({ required: true }), role: t.arg({ type: AccountRoleEnum, required: true }) },
    errors: { types: [ValidationError, SeatLimitExceeded] },
    resolve: (_r, args, ctx) => invites.create(ctx, args),
  }),
);

builder.mutationField('createInvites', (t) =>
  t.field({
    type: [CreatedInvite],
    description: 'Several invites; each row succeeds or fails on its own.',
    authScopes: { accountManager: true },
    args: { invites: t.arg({ type: [InviteInput], required: true }) },
    errors: { types: [ValidationError], result: { name: 'CreateInvitesPayload' }, dataField: { name: 'rows' } },
    itemErrors: { types: [ValidationError, SeatLimitExceeded], union: { name: 'CreateInvitesRowResult' } },
    resolve: (_r, args, ctx) => invites.createMany(ctx, args.invites) as Promise<invites.CreatedInvite[]>,
  }),
);

builder.mutationField('revokeInvite', (t) =>
  t.prismaField({
    type: 'Invite',
    authScopes: { accountManager: true },
    args: { inviteId: t.arg.id({ required: true }) },
    errors: { types: [ValidationError, NotFoundError] },
    resolve: (_q, _r, args, ctx) => invites.revoke(ctx, { inviteId: String(args.inviteId) }),
  }),
);

builder.mutationField('resendInvite', (t) =>
  t.field({
    type: CreatedInvite,
    description: 'A new link for a pending or expired invite, valid for 7 days; the old link stops working at once.',
    authScopes: { accountManager: true },
    args: { inviteId: t.arg.id({ required: true }) },
    errors: { types: [ValidationError, NotFoundError, SeatLimitExceeded] },
    resolve: (_r, args, ctx) => invites.resend(ctx, { inviteId: String(args.inviteId) }),
  }),
);

const InvitePreview = builder.objectRef<invites.InvitePreview>('InvitePreview').implement({
  description: 'What an invite link leads to: shown on the join page before the invitee signs up.',
  fields: (t) => ({
    accountName: t.exposeString('accountName', { description: 'The team the invite joins.' }),
    email: t.exposeString('email', { description: 'The address the new member signs in with.' }),
    role: t.field({ type: AccountRoleEnum, resolve: (p) => p.role }),
    inviterName: t.exposeString('inviterName', { nullable: true }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
  }),
});

builder.queryField('invitePreview', (t) =>
  t.field({
    type: InvitePreview,
    description:
      'Public, keyed by the secret invite token: the team, role, inviter and expiry. Any token that cannot be accepted answers InviteInvalid, alike.',
    args: { token: t.arg.string({ required: true }) },
    errors: { types: [InviteInvalid] },
    resolve: (_r, args, ctx) => invites.preview(ctx, { token: args.token }),
  }),
);

builder.mutationField('acceptInvite', (t) =>
  t.field({
    type: SessionPayload,
    description: 'Creates the invited user and signs them in.',
    args: {
      token: t.arg.string({ required: true }),
      name: t.arg.string({ required: true }),
      password: t.arg.string({ required: true }),
    },
    errors: { types: [ValidationError, InviteInvalid, SeatLimitExceeded] },
    resolve: async (_r, args, ctx) => {
      const tokens = await invites.accept(ctx, args);
      await setRefreshCookie(ctx, tokens.refreshToken, tokens.refreshTtlSeconds);
      return tokens;
    },
  }),
);
