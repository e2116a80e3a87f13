import type { IncomingMessage } from 'node:http';
import { type JITCache, useGraphQlJit } from '@envelop/graphql-jit';
import { LRUCache } from 'lru-cache';
import { EnvelopArmor } from '@escape.tech/graphql-armor';
import { useCookies } from '@whatwg-node/server-plugin-cookies';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import {
  BREAK,
  createSourceEventStream,
  type DocumentNode,
  execute,
  type ExecutionArgs,
  type ExecutionResult,
  getOperationAST,
  GraphQLError,
  visit,
} from 'graphql';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { Context } from '../schema/context.ts';
import { type Scope, withTenantTx } from '../db/tenant.ts';
import type { Deps } from '../deps.ts';
import { countRootFields, schema } from '../schema/index.ts';
import {
  ANONYMOUS,
  type Credentials,
  type Principal,
  parseCredentials,
  principalAccount,
  principalFromPrelude,
  principalPrelude,
} from '../services/identity/principal.ts';
import { afterPrincipal } from '../services/identity/api-tokens.ts';
import { credentialKey, ownerOf } from '../services/identity/principal-cache.ts';
import { scopesFor } from '../services/identity/scopes.ts';
import { useBodyLimit } from './body-limit.ts';

/** Compiled operations, bounded: a client sending endless distinct documents cannot grow it. */
const jitCache = (): JITCache => new LRUCache<string, NonNullable<ReturnType<JITCache['get']>>>({ max: 1000 });

function isAsyncIterable<T>(x: unknown): x is AsyncIterable<T> {
  return x != null && typeof (x as AsyncIterable<T>)[Symbol.asyncIterator] === 'function';
}

/** Map an async iterable, forwarding return() so the source's cleanup (presence, topics) runs. */
function mapAsync<T, U>(source: AsyncIterable<T>, fn: (t: T) => Promise<U>): AsyncIterableIterator<U> {
  const it = source[Symbol.asyncIterator]();
  const mapped: AsyncIterableIterator<U> = {
    next: async () => {
      const r = await it.next();
      if (r.done) return { value: undefined, done: true };
      return { value: await fn(r.value), done: false };
    },
    return: async () => {
      await it.return?.();
      return { value: undefined, done: true };
    },
    throw: async (err?: unknown) => {
      await it.return?.();
      throw err;
    },
    [Symbol.asyncIterator]: () => mapped,
  };
  return mapped;
}

const introspectionCache = new WeakMap<DocumentNode, boolean>();

/** Does the operation ask for __schema or __type (not just __typename)? Memoized per parsed document. */
function hasIntrospection(doc: DocumentNode): boolean {
  const cached = introspectionCache.get(doc);
  if (cached !== undefined) return cached;
  let found = false;
  visit(doc, {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  introspectionCache.set(doc, found);
  return found;
}

export type ServerContext = {
  /** Node's request, from the http adapter (or the WebSocket upgrade). */
  req?: IncomingMessage;
  /** Set by the graphql-ws integration for operations arriving over a socket. */
  socket?: { id: string; credentials: Credentials };
};

export type Yoga = YogaServerInstance<ServerContext, Context>;

function clientIp(request: Request, trustProxy: boolean, fallback: string | null): string | null {
  if (trustProxy) {
    const fwd = request.headers.get('x-forwarded-for');
    if (fwd) return fwd.split(',')[0]!.trim();
  }
  return fallback;
}

/**
 * Run `fn` in a tenant transaction as the caller. A principal seen recently (principal-cache.ts)
 * needs no lookup: the transaction stays lazy and opens with the operation's first statement.
 * Otherwise the lookup rides in the transaction's first round trip and its result is remembered.
 */
async function withPrincipal<T>(deps: Deps, ctx: Context, fn: (tx: Scope, rows: Record<string, unknown>[]) => Promise<T>): Promise<T> {
  const key = credentialKey(ctx.credentials);
  const cached = deps.principals.get(key);
  if (cached) {
    ctx.principal = principalFromPrelude(ctx.credentials, cached);
    return withTenantTx(deps.appPool, principalAccount(ctx.principal), (tx) => fn(tx, cached), { lazy: true });
  }
  const { accountId, prelude } = principalPrelude(ctx.credentials);
  const mark = deps.principals.mark();
  return withTenantTx(
    deps.appPool,
    accountId,
    async (tx, rows) => {
      ctx.principal = principalFromPrelude(ctx.credentials, rows);
      if (ctx.principal.kind !== 'anonymous') {
        tx.accountId = ctx.principal.accountId;
        deps.principals.set(key, ownerOf(ctx.credentials, rows), rows, mark);
      }
      return fn(tx, rows);
    },
    { prelude, lazy: !prelude },
  );
}

/**
 * The principal behind credentials, as an operation would see it (from the cache, or one lookup):
 * a revoked session or a deactivated user is anonymous, however long the token has left.
 */
export async function lookUpPrincipal(deps: Deps, credentials: Credentials): Promise<Principal> {
  const probe = { credentials, principal: ANONYMOUS } as Context;
  await withPrincipal(deps, probe, async () => undefined);
  return probe.principal;
}

/**
 * Every operation runs in one tenant transaction (db/tenant.ts). The principal is loaded in the
 * transaction's first round trip, then the operation executes; each root mutation field is a unit
 * of work of its own (db/unit-of-work.ts). Subscriptions resolve their principal the same way at
 * subscribe time and open short transactions of their own per event when they need the database.
 */
function useTenantTransactions(deps: Deps): Plugin<Context> {
  return {
    onExecute({ setExecuteFn, executeFn }) {
      setExecuteFn(async (args) => {
        const ctx = args.contextValue as Context;
        const op = getOperationAST(args.document, args.operationName);
        const isMutation = op?.operation === 'mutation';
        ctx.mutationRootFields = isMutation && op ? countRootFields(op.selectionSet.selections) : 0;
        const operation = async (tx: Scope, rows: Record<string, unknown>[]) => {
          // One root field: its transaction is the operation's, so its deciding write may carry COMMIT.
          tx.commitAhead = ctx.mutationRootFields === 1;
          tx.rootFields = op ? countRootFields(op.selectionSet.selections) : Number.POSITIVE_INFINITY;
          await afterPrincipal(ctx, rows);
          if (deps.config.NODE_ENV !== 'development' && !scopesFor(ctx.principal).accountManager && hasIntrospection(args.document)) {
            return {
              errors: [new GraphQLError('Introspection is not available to this user', { extensions: { code: 'FORBIDDEN' } })],
            };
          }
          const result = (await executeFn(args)) as ExecutionResult;
          // With errors, `data` may not show every field that stands (a payload error, or a thrown
          // one that nulls the non-null root): the response names them (README "Atomicity").
          if (isMutation && result.errors?.length) return { ...result, extensions: { ...result.extensions, saved: [...tx.saved] } };
          return result;
        };
        try {
          return await withPrincipal(deps, ctx, operation);
        } catch (err) {
          deps.logger.error({ err }, 'operation transaction failed');
          return {
            errors: [
              new GraphQLError('The server could not complete this request; please retry', {
                extensions: { code: 'SERVICE_UNAVAILABLE' },
              }),
            ],
          };
        }
      });
    },
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(async (args) => {
        const ctx = args.contextValue as Context;
        // Only graphql-ws sockets close when the session ends or permissions change (server/ws.ts);
        // a server-sent-events stream over plain HTTP would outlive a revocation.
        if (ctx.socketId === null) {
          return {
            errors: [
              new GraphQLError('Subscriptions are served over WebSocket (graphql-ws) at /graphql', {
                extensions: { code: 'BAD_REQUEST' },
              }),
            ],
          };
        }
        try {
          await withPrincipal(deps, ctx, async () => undefined);
        } catch (err) {
          deps.logger.error({ err }, 'subscription principal lookup failed');
          return {
            errors: [
              new GraphQLError('The server could not complete this request; please retry', {
                extensions: { code: 'SERVICE_UNAVAILABLE' },
              }),
            ],
          };
        }
        // graphql's own subscribe, except that each event executes in a lazy tenant scope: a
        // field that needs the database gets a transaction as the subscriber's tenant; an event
        // that carries its state (the usual case) costs no round trip at all.
        const tenant = principalAccount(ctx.principal);
        const source = await createSourceEventStream(args as ExecutionArgs);
        if (!isAsyncIterable(source)) return source;
        return mapAsync(source, (payload) =>
          withTenantTx(deps.appPool, tenant, async () => execute({ ...(args as ExecutionArgs), rootValue: payload }), { lazy: true }),
        );
      });
    },
  };
}

export function createGraphQL(deps: Deps): Yoga {
  const { logger, config } = deps;
  return createYoga<ServerContext, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    // Our own body limit (useBodyLimit below) instead of yoga's stream-wrapping one. Multipart is
    // for knowledge base uploads (importKbFiles); the CSRF plugin below makes it need a header.
    maxRequestBodySize: false,
    multipart: true,
    // The SPA is served from this origin. Other browser origins only when listed in CORS_ORIGINS
    // (yoga's default would reflect any origin, with credentials).
    cors: config.CORS_ORIGINS.length > 0 ? { origin: config.CORS_ORIGINS, credentials: true } : false,
    landingPage: false,
    // GraphiQL is served by the HTTP router only to owners, admins and super admins.
    graphiql: false,
    // Yoga logs on every request at debug level; skip building those entries unless wanted.
    logging: {
      debug: logger.isLevelEnabled('debug') ? (...a) => logger.debug({ yoga: a }, 'yoga') : () => undefined,
      info: logger.isLevelEnabled('info') ? (...a) => logger.info({ yoga: a }, 'yoga') : () => undefined,
      warn: (...a) => logger.warn({ yoga: a }, 'yoga'),
      error: (...a) => logger.error({ yoga: a }, 'yoga'),
    },
    maskedErrors: {
      // Never send stack traces or internal messages, in any environment.
      isDev: false,
      maskError: (error, message) => {
        // By name, not instanceof: graphql is loaded both as ESM and CJS here (dual package).
        const isGql = (e: unknown) => (e as Error | undefined)?.name === 'GraphQLError';
        const original = (error as GraphQLError).originalError;
        if (isGql(error) && (!original || isGql(original))) return error as GraphQLError;
        if ((original as Error | undefined)?.name === 'MixedTenantOperation') {
          return new GraphQLError((original as Error).message, { path: (error as GraphQLError).path, extensions: { code: 'BAD_REQUEST' } });
        }
        logger.error({ err: original ?? error }, 'unexpected error in resolver');
        // The path only names a field the client asked for; it tells which root field failed.
        return new GraphQLError(message, { path: (error as GraphQLError).path, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      },
    },
    context: async (initial): Promise<Context> => {
      const socket = initial.socket;
      // Over graphql-ws there is no fetch Request; the upgrade request stands in for it.
      const request =
        (initial as { request?: Request }).request ??
        new Request('http://socket.local/graphql', {
          headers: Object.entries(initial.req?.headers ?? {}).flatMap(([k, v]) =>
            typeof v === 'string' ? [[k, v] as [string, string]] : [],
          ),
        });
      const credentials =
        socket?.credentials ?? (await parseCredentials(request.headers.get('authorization'), (t) => deps.jwt.verifyAccess(t)));
      return {
        deps,
        credentials,
        principal: ANONYMOUS,
        clientIp: clientIp(request, config.TRUST_PROXY, initial.req?.socket.remoteAddress ?? null),
        userAgent: request.headers.get('user-agent'),
        request,
        mutationRootFields: 0,
        socketId: socket?.id ?? null,
      };
    },
    plugins: [
      useBodyLimit(),
      // Cookie-driven mutations (refreshSession, logout) must not run from a form or a text/plain
      // post on another site, which a browser sends with our cookie and without a preflight. Such
      // "simple" requests (and GETs) need a header no cross-site page can set: our CSRF header, or
      // an Authorization header (dashboards with API tokens). JSON posts are preflighted anyway.
      useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf', 'authorization'] }),
      useCookies(),
      // Bounds on what one operation may ask for, checked at validation (cached per document):
      // a hostile query is refused before any resolver runs. Introspection (GraphiQL) is exempt
      // from depth and cost; it is itself limited to managers in production.
      ...new EnvelopArmor({
        // Inline fragments count as levels too; the deepest legitimate query is ~9 with them.
        maxDepth: { n: 10, ignoreIntrospection: true },
        maxAliases: { n: 20 },
        maxTokens: { n: 4000 },
        maxDirectives: { n: 20 },
        costLimit: { maxCost: 50_000, ignoreIntrospection: true },
        // "Did you mean …" hints map the schema for a stranger; only `npm run dev` shows them.
        blockFieldSuggestion: { enabled: config.NODE_ENV !== 'development' },
      }).protect().plugins,
      // Compiled execution (per document, cached). Listed before the tenant plugin, which wraps it.
      useGraphQlJit({}, { cache: jitCache() }),
      useTenantTransactions(deps),
    ],
  });
}
