import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';

/**
 * One database transaction per unit of request work, with the tenant set locally.
 *
 * Every GraphQL operation runs inside a tenant scope: a pooled connection as l1_app, `BEGIN` and
 * `set_config('app.current_account_id', …, true)` sent in one round trip (with the principal
 * lookup), then the work, then COMMIT. RLS does the isolation; with no account the setting is
 * empty and every tenant table reads as empty.
 *
 * A scope can also be lazy (each subscription event): the transaction opens only when something
 * actually queries, so an event that carries its own state costs no database round trip.
 *
 * Prisma runs inside the same transaction through `RoutedPool`: a pg.Pool look-alike handed to
 * @prisma/adapter-pg whose queries go to the connection of the scope found in AsyncLocalStorage.
 * Prisma's own transactions inside it become savepoints. Outside a scope it refuses to run, so
 * nothing can query without the tenant setting by accident. (Why not Prisma's interactive
 * $transaction: measured here at ~2.5x the CPU of raw pg for the same statements, and the hot paths
 * need raw SQL in the same transaction anyway.)
 */

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: unknown): s is string => typeof s === 'string' && UUID_RE.test(s);

export interface Scope {
  readonly pool: pg.Pool;
  /** The tenant of this scope; changing it after the transaction opened goes through switchTenant. */
  accountId: string | null;
  client: pg.PoolClient | null;
  opening: Promise<pg.PoolClient> | null;
  /** Set when an expected (typed) error means the operation must leave nothing behind. */
  rollbackOnly: boolean;
  /**
   * Set by a service whose refusal must still be recorded (a replayed refresh token revokes its
   * family, an expired one is consumed): the typed error then does not undo the writes.
   */
  keepWritesOnError: boolean;
  savepointSeq: number;
  /** Run after COMMIT succeeds (publishing, enqueuing); dropped on rollback. */
  readonly afterCommit: Array<() => void | Promise<void>>;
  /** Statements sent, for query-count assertions in tests. */
  queryCount: number;
}

/** Kept for readability at call sites that flag the operation's outcome. */
export type TxState = Scope;

const storage = new AsyncLocalStorage<Scope>();

export class NoTransactionError extends Error {
  constructor() {
    super('Database access outside a tenant transaction');
  }
}

export function currentScope(): Scope {
  const s = storage.getStore();
  if (!s) throw new NoTransactionError();
  return s;
}
export const currentTx = currentScope;

export function maybeTx(): Scope | undefined {
  return storage.getStore();
}

/** Called when a tenant scope ends (tests assert query counts through this). */
export const txObservers = new Set<(s: Scope) => void>();

function literal(accountId: string | null): string {
  if (accountId !== null && !isUuid(accountId)) throw new Error('invalid account id');
  return accountId ?? '';
}

/**
 * A connection that dies while checked out (Postgres restarted) emits 'error'; without a listener
 * that would crash the process. The failing query rejects on its own, so the event is only noted.
 */
function guard(client: pg.PoolClient): pg.PoolClient {
  if (!client.listenerCount('error')) client.on('error', () => undefined);
  return client;
}

function beginSql(scope: Scope, prelude?: string): string {
  // Literal, validated uuid: the simple-query protocol lets BEGIN, the setting and the prelude
  // share one round trip.
  return `BEGIN; SELECT set_config('app.current_account_id', '${literal(scope.accountId)}', true)${prelude ? `; ${prelude}` : ''}`;
}

async function open(scope: Scope, prelude?: string): Promise<{ client: pg.PoolClient; rows: Record<string, unknown>[] }> {
  const client = guard(await scope.pool.connect());
  try {
    const res = (await client.query(beginSql(scope, prelude))) as unknown as pg.QueryResult[];
    scope.queryCount++;
    scope.client = client;
    return { client, rows: prelude ? (res[2]?.rows ?? []) : [] };
  } catch (err) {
    client.release(err as Error);
    throw err;
  }
}

/** The scope's connection, opening the transaction on first use in a lazy scope. */
async function connection(scope: Scope): Promise<pg.PoolClient> {
  if (scope.client) return scope.client;
  scope.opening ??= open(scope).then((r) => r.client);
  return scope.opening;
}

type Pipelining = pg.PoolClient & { connection?: { stream?: { cork(): void; uncork(): void } } };

/**
 * A statement on the scope's connection. In a lazy scope that has not opened yet, the statement
 * rides with BEGIN and the tenant setting: the app pool's connections pipeline (pg's `pipeline`
 * option), and both go out in one write, so opening the transaction costs no round trip of its
 * own. Should BEGIN fail, the connection is discarded; the statement behind it then ran without a
 * tenant, which row-level security answers with nothing.
 */
function run<R extends pg.QueryResultRow>(scope: Scope, config: pg.QueryConfig): Promise<pg.QueryResult<R>> {
  if (scope.client) return scope.client.query<R>(config);
  if (scope.opening) return scope.opening.then((c) => c.query<R>(config));
  let first: Promise<pg.QueryResult<R>> | undefined;
  scope.opening = (async () => {
    const client = guard(await scope.pool.connect()) as Pipelining;
    const stream = client.connection?.stream;
    let begin: Promise<unknown>;
    if (!client.pipeline || !stream) {
      begin = client.query(beginSql(scope));
    } else {
      stream.cork();
      try {
        begin = client.query(beginSql(scope));
        first = client.query<R>(config);
        // Its outcome reaches the caller below; this only keeps an early failure from being
        // reported as unhandled while BEGIN's answer is still being processed.
        first.catch(() => undefined);
      } finally {
        stream.uncork();
      }
    }
    try {
      await begin;
    } catch (err) {
      client.release(err as Error);
      throw err;
    }
    scope.queryCount++;
    scope.client = client;
    return client;
  })();
  return scope.opening.then((c) => first ?? c.query<R>(config));
}

function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: string })?.code ?? '';
  return /^(57P0|08)/.test(code) || /Connection terminated|ECONNRESET|ECONNREFUSED|not queryable/.test(String((err as Error)?.message));
}

export interface TenantTxOptions {
  /**
   * A statement built only from validated literals, sent in the same round trip as BEGIN and the
   * tenant setting (the operation's principal lookup). Its rows are handed to the callback.
   * Without it, `lazy` defers BEGIN until the first query.
   */
  prelude?: string;
  lazy?: boolean;
}

export async function withTenantTx<T>(
  pool: pg.Pool,
  accountId: string | null,
  fn: (scope: Scope, preludeRows: Record<string, unknown>[]) => Promise<T>,
  opts: TenantTxOptions = {},
): Promise<T> {
  literal(accountId);
  const scope: Scope = {
    pool,
    accountId,
    client: null,
    opening: null,
    rollbackOnly: false,
    keepWritesOnError: false,
    savepointSeq: 0,
    afterCommit: [],
    queryCount: 0,
  };
  let broken: Error | undefined;
  try {
    let preludeRows: Record<string, unknown>[] = [];
    if (!opts.lazy || opts.prelude) preludeRows = (await open(scope, opts.prelude)).rows;
    let value: T;
    try {
      // Await inside the scope: PrismaPromises are lazy and run where `.then` is called.
      value = await storage.run(scope, async () => await fn(scope, preludeRows));
    } catch (err) {
      if (scope.opening && !scope.client) await scope.opening.catch(() => undefined);
      if (scope.client) await scope.client.query('ROLLBACK').catch((e: Error) => (broken = e));
      throw err;
    }
    if (scope.opening && !scope.client) await scope.opening;
    if (scope.client) {
      if (scope.rollbackOnly) {
        await scope.client.query('ROLLBACK').catch((e: Error) => (broken = e));
        return value;
      }
      // COMMIT of a transaction that failed part-way answers ROLLBACK without an error; never
      // report success for work that did not land.
      const done = await scope.client.query('COMMIT');
      scope.queryCount++;
      if (done.command === 'ROLLBACK') throw new Error('transaction was aborted and rolled back');
    } else if (scope.rollbackOnly) {
      return value;
    }
    for (const hook of scope.afterCommit) {
      try {
        await hook();
      } catch {
        // Publishing failures must not turn a committed write into an error for the caller.
      }
    }
    return value;
  } catch (err) {
    if (!broken && isConnectionError(err)) broken = err as Error;
    throw err;
  } finally {
    // A connection with an unknown transaction state is discarded, never reused.
    scope.client?.release(broken);
    for (const observe of txObservers) observe(scope);
  }
}

/** Change the tenant for the rest of this scope (login, API tokens, super-admin tools). */
export async function switchTenant(accountId: string | null): Promise<void> {
  const s = currentScope();
  literal(accountId);
  s.accountId = accountId;
  if (!s.client && !s.opening) return; // the transaction will open with it
  const client = await connection(s);
  s.queryCount++;
  await client.query("SELECT set_config('app.current_account_id', $1, true)", [accountId ?? '']);
}

/** Run `fn` so that a thrown error undoes only its own writes. */
export async function savepoint<T>(fn: () => Promise<T>): Promise<T> {
  const s = currentScope();
  const client = await connection(s);
  const name = `sp_${++s.savepointSeq}`;
  await client.query(`SAVEPOINT ${name}`);
  s.queryCount++;
  try {
    const value = await fn();
    await client.query(`RELEASE SAVEPOINT ${name}`);
    s.queryCount++;
    return value;
  } catch (err) {
    await client.query(`ROLLBACK TO SAVEPOINT ${name}`);
    s.queryCount++;
    throw err;
  }
}

/**
 * Raw SQL inside the current tenant scope. A `name` makes it a prepared statement (parsed and
 * planned once per connection): worth it for the hot paths, whose CTEs carry every table's
 * row-level security policy and cost more to plan than to run.
 */
export async function sql<R extends pg.QueryResultRow = Record<string, unknown>>(
  text: string,
  values: unknown[] = [],
  name?: string,
): Promise<pg.QueryResult<R>> {
  const s = currentScope();
  s.queryCount++;
  return run<R>(s, name ? { name, text, values } : { text, values });
}

export function afterCommit(hook: () => void | Promise<void>): void {
  currentScope().afterCommit.push(hook);
}

/** What Prisma sees as a pooled connection: the scope's own, with BEGIN/COMMIT as savepoints. */
function nestedClient(s: Scope, client: pg.PoolClient): pg.PoolClient {
  let depth = 0;
  const names: string[] = [];
  const query = (config: unknown, values?: unknown) => {
    const text = typeof config === 'string' ? config : (config as { text?: string })?.text;
    s.queryCount++;
    if (text === 'BEGIN') {
      const name = `prisma_${++s.savepointSeq}`;
      names.push(name);
      depth++;
      return client.query(`SAVEPOINT ${name}`);
    }
    if (text === 'COMMIT' && depth > 0) {
      depth--;
      return client.query(`RELEASE SAVEPOINT ${names.pop()}`);
    }
    if (text === 'ROLLBACK' && depth > 0) {
      depth--;
      return client.query(`ROLLBACK TO SAVEPOINT ${names.pop()}`);
    }
    if (text?.startsWith('SET TRANSACTION')) return Promise.resolve({ rows: [], rowCount: 0, fields: [] });
    return (client.query as (...a: unknown[]) => unknown)(config, values);
  };
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'query') return query;
      if (prop === 'release') return () => undefined;
      if (prop === 'on' || prop === 'removeListener' || prop === 'off') return () => receiver;
      return Reflect.get(target, prop, receiver);
    },
  });
}

/**
 * The pool handed to Prisma. It never opens connections of its own.
 * It must be a pg.Pool: adapter-pg treats anything else as connection options.
 */
export class RoutedPool extends pg.Pool {
  constructor() {
    super({ max: 1 });
    this.query = ((...args: unknown[]) => {
      const s = maybeTx();
      if (!s) return Promise.reject(new NoTransactionError());
      return connection(s).then((client) => {
        s.queryCount++;
        return (client.query as (...a: unknown[]) => unknown)(...args);
      });
    }) as pg.Pool['query'];
    this.connect = (() => {
      const s = maybeTx();
      if (!s) return Promise.reject(new NoTransactionError());
      return connection(s).then((client) => nestedClient(s, client));
    }) as pg.Pool['connect'];
  }
}
