import * as apiTokens from '../services/identity/api-tokens.ts';
import { NotFoundError, ValidationError } from '../services/errors.ts';
import { builder } from './builder.ts';

const ApiTokenScopeEnum = builder.enumType('ApiTokenScope', {
  values: { SEATS_READ: { value: 'seats_read', description: 'Read seatUsage.' } } as const,
});

builder.prismaObject('ApiToken', {
  authScopes: { accountManager: true },
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    prefix: t.exposeString('tokenPrefix', { description: 'The first characters of the secret, to recognise it.' }),
    scopes: t.field({ type: [ApiTokenScopeEnum], resolve: (a) => a.scopes as 'seats_read'[] }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    createdBy: t.relation('createdBy', { nullable: true }),
  }),
});

const CreatedApiToken = builder.objectRef<apiTokens.CreatedApiToken>('CreatedApiToken').implement({
  fields: (t) => ({
    secret: t.exposeString('secret', { description: 'Send as `Authorization: Bearer <secret>`. Shown only once.' }),
    apiToken: t.prismaField({
      type: 'ApiToken',
      resolve: (query, c, _a, ctx) => ctx.deps.prisma.apiToken.findUniqueOrThrow({ ...query, where: { id: c.tokenId } }),
    }),
  }),
});

builder.queryField('apiTokens', (t) =>
  t.prismaField({
    type: ['ApiToken'],
    authScopes: { accountManager: true },
    resolve: (query, _r, _a, ctx) => apiTokens.list(ctx, query),
  }),
);

builder.mutationField('createApiToken', (t) =>
  t.field({
    type: CreatedApiToken,
    description: 'A bearer token for external dashboards.',
    authScopes: { accountManager: true },
    args: {
      name: t.arg.string({ required: true }),
      scopes: t.arg({ type: [ApiTokenScopeEnum], required: true }),
    },
    errors: { types: [ValidationError] },
    resolve: (_r, args, ctx) => apiTokens.create(ctx, args),
  }),
);

builder.mutationField('revokeApiToken', (t) =>
  t.prismaField({
    type: 'ApiToken',
    authScopes: { accountManager: true },
    args: { tokenId: t.arg.id({ required: true }) },
    errors: { types: [ValidationError, NotFoundError] },
    resolve: (_q, _r, args, ctx) => apiTokens.revoke(ctx, { tokenId: String(args.tokenId) }),
  }),
);
