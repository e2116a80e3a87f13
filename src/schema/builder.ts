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
    File: { Input: UploadedFile; Output: never };
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

/** A file of a GraphQL multipart request (yoga hands the resolver a WHATWG File). Input only. */
export interface UploadedFile {
  name: string;
  size: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}
const isFile = (v: unknown): v is UploadedFile =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as UploadedFile).arrayBuffer === 'function' &&
  typeof (v as UploadedFile).name === 'string';
builder.scalarType('File', {
  description: 'A file sent as part of a GraphQL multipart request (input only).',
  serialize: () => {
    throw new GraphQLError('File is an input type');
  },
  parseValue: (v) => {
    if (!isFile(v)) throw new GraphQLError('Expected a file (send the request as multipart/form-data)');
    return v;
  },
  parseLiteral: () => {
    throw new GraphQLError('A file cannot be written in the query; send it as a variable in a multipart request');
  },
});

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});
