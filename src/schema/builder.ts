import SchemaBuilder from '@pothos/core';
import ErrorsPlugin from '@pothos/plugin-errors';
import PrismaPlugin from '@pothos/plugin-prisma';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { GraphQLError } from 'graphql';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import type { Context } from './context.ts';
import type PrismaTypes from '../generated/pothos-types.ts';
import { getDatamodel } from '../generated/pothos-types.ts';
import { type Scopes, scopeLoadersFor, scopesFor } from '../services/identity/scopes.ts';

/**
 * Plugin order matters: Pothos wraps resolvers in list order, first outermost.
 * - ScopeAuth first, so authorization runs before anything else touches a resolver and a denial
 *   is a plain GraphQL error (UNAUTHENTICATED / FORBIDDEN), never swallowed into a result type.
 * - Errors next, so expected failures thrown by services become members of the field's result
 *   union (ValidationError, NotFoundError, ConflictError, SeatLimitExceeded, …).
 * - Prisma last: it only shapes queries (select/include) and needs no wrapping of its own.
 */
export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  AuthScopes: { [K in keyof Scopes]: boolean } & { self: string };
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    JSON: { Input: unknown; Output: unknown };
  };
}>({
  plugins: [ScopeAuthPlugin, ErrorsPlugin, PrismaPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authorizeOnSubscribe: true,
    authScopes: (ctx) => ({ ...scopesFor(ctx.principal), ...scopeLoadersFor(ctx.principal) }),
    unauthorizedError: (_parent, ctx) => {
      const p = ctx.principal;
      if (p.kind === 'anonymous') {
        const message =
          p.reason === 'expired'
            ? 'Your access token has expired; refresh the session'
            : p.reason === 'revoked'
              ? 'This session has ended; sign in again'
              : p.reason === 'invalid'
                ? 'The access token is not valid'
                : 'Sign in to continue';
        return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', reason: p.reason } });
      }
      return new GraphQLError('You do not have access to this', { extensions: { code: 'FORBIDDEN' } });
    },
  },
  errors: {
    directResult: true,
    defaultUnionOptions: {
      name: ({ fieldName }) => `${fieldName.charAt(0).toUpperCase()}${fieldName.slice(1)}Result`,
    },
  },
  prisma: {
    client: (ctx) => ctx.deps.prisma,
    dmmf: getDatamodel(),
    filterConnectionTotalCount: true,
    onUnusedQuery: null,
  },
});

builder.addScalarType('DateTime', DateTimeResolver);
builder.addScalarType('JSON', JSONResolver);

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});
