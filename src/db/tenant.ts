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
 * A mutation's deciding write can carry the COMMIT too (`sql(…, { commit: true })`): statement and
 * COMMIT leave in one write, and the operation needs no round trip for its COMMIT.
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

type Hook = () => void | Promise<void>;

/** A COMMIT sent with a statement, and the hooks of the work it commits (run once it is confirmed). */
export interface EarlyCommit {
  done: Promise<pg.QueryResult>;
  hooks: Hook[];
}

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
  /** Savepoints open now (ours and Prisma's nested transactions). */
  savepointDepth: number;
  /**
   * May a statement carry the transaction's COMMIT (`sql`'s `commit` option)? Set by the GraphQL
   * layer for a mutation with a single root field, whose transaction is that field's alone.
   */
  commitAhead: boolean;
  /**
   * Root fields of the GraphQL operation this scope serves (1 outside GraphQL). A field that moves
   * the scope to another tenant (signing in, reading an invite) must be the operation's only one.
   */
  rootFields: number;
  /** COMMITs sent with a statement: those transactions have ended (their outcome is checked at the end). */
  committed: EarlyCommit[];
  /** The connection kept after a COMMIT went out with a statement, for any statement after it. */
  held: pg.PoolClient | null;
  /** Run after COMMIT succeeds (publishing, enqueuing); dropped on rollback. */
  readonly afterCommit: Hook[];
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

/** A connection for the scope: the one it kept after an early COMMIT, or one from the pool. */
async function checkout(scope: Scope): Promise<pg.PoolClient> {
  const held = scope.held;
  if (held) {
    scope.held = null;
    return held;
  }
  return guard(await scope.pool.connect());
}

async function open(scope: Scope, prelude?: string): Promise<{ client: pg.PoolClient; rows: Record<string, unknown>[] }> {
  const client = await checkout(scope);
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
function run<R extends pg.QueryResultRow>(scope: Scope, config: pg.QueryConfig, commit: boolean): Promise<pg.QueryResult<R>> {
  if (scope.client) return send<R>(scope, scope.client, config, commit);
  if (scope.opening) return scope.opening.then((c) => send<R>(scope, c, config, commit));
  let first: Promise<pg.QueryResult<R>> | undefined;
  scope.opening = (async () => {
    const client = (await checkout(scope)) as Pipelining;
    const stream = client.connection?.stream;
    let begin: Promise<unknown>;
    let committedHere = false;
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
        if (commit) {
          sendCommit(scope, client);
          committedHere = true;
        }
      } finally {
        stream.uncork();
      }
    }
    try {
      await begin;
    } catch (err) {
      if (scope.held === client) scope.held = null;
      client.release(err as Error);
      throw err;
    }
    scope.queryCount++;
    // With its COMMIT sent too (sendCommit), that transaction is over already.
    if (!committedHere) scope.client = client;
    return client;
  })();
  return scope.opening.then((c) => first ?? send<R>(scope, c, config, commit));
}

/** The statement on the scope's open transaction, with its COMMIT in the same write when asked. */
function send<R extends pg.QueryResultRow>(
  scope: Scope,
  client: pg.PoolClient,
  config: pg.QueryConfig,
  commit: boolean,
): Promise<pg.QueryResult<R>> {
  if (!commit) return client.query<R>(config);
  const piped = client as Pipelining;
  const stream = piped.pipeline ? piped.connection?.stream : undefined;
  stream?.cork();
  try {
    const result = client.query<R>(config);
    sendCommit(scope, client);
    return result;
  } finally {
    stream?.uncork();
  }
}

/**
 * COMMIT queued right behind the statement just sent (in the same write when pipelining): the
 * transaction ends without a round trip of its own. The connection stays with the scope; a later
 * statement opens a new transaction on it. A statement that fails makes this COMMIT answer
 * ROLLBACK, which withTenantTx reports as the failure it is.
 */
function sendCommit(scope: Scope, client: pg.PoolClient): void {
  const done = client.query('COMMIT');
  done.catch(() => undefined);
  scope.queryCount++;
  // What the transaction registered so far belongs to this COMMIT.
  scope.committed.push({ done, hooks: scope.afterCommit.splice(0) });
  scope.client = null;
  scope.opening = null;
  scope.held = client;
}

class RolledBack extends Error {
  constructor() {
    super('transaction was aborted and rolled back');
  }
}

/** COMMIT of a transaction that failed part-way answers ROLLBACK: never report it as success. */
function checkCommitted(done: pg.QueryResult): void {
  if (done.command === 'ROLLBACK') throw new RolledBack();
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

async function runHooks(hooks: Hook[]): Promise<void> {
  for (const hook of hooks) {
    try {
      await hook();
    } catch {
      // Publishing failures must not turn a committed write into an error for the caller.
    }
  }
}

/**
 * Wait for the COMMITs sent with statements and run the hooks of each one that committed, whatever
 * became of the others: work that landed stays landed and is announced. `failure` is the first
 * that did not commit (its statement failed, so COMMIT answered ROLLBACK); `lost` a COMMIT never
 * answered, whose connection is then in an unknown state.
 */
async function settleEarlyCommits(scope: Scope): Promise<{ failure?: Error; lost?: Error }> {
  const out: { failure?: Error; lost?: Error } = {};
  for (const c of scope.committed) {
    try {
      checkCommitted(await c.done);
    } catch (err) {
      if (!(err instanceof RolledBack)) out.lost ??= err as Error;
      out.failure ??= err as Error;
      continue;
    }
    await runHooks(c.hooks);
  }
  return out;
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
    savepointDepth: 0,
    commitAhead: false,
    rootFields: 1,
    committed: [],
    held: null,
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
      // A COMMIT already sent with a statement settles on its own (ROLLBACK if that statement
      // failed); what it committed stays, and is still announced.
      broken = (await settleEarlyCommits(scope)).lost;
      if (scope.client) await scope.client.query('ROLLBACK').catch((e: Error) => (broken = e));
      throw err;
    }
    if (scope.opening && !scope.client) await scope.opening;
    // Work committed with its statement stays committed whatever the operation does afterwards.
    const early = await settleEarlyCommits(scope);
    if (early.failure) {
      // The operation carried on past a statement that failed: report it, and discard the
      // connection rather than hand back one whose later transaction may still be open.
      broken = early.lost ?? early.failure;
      throw early.failure;
    }
    if (scope.client) {
      if (scope.rollbackOnly) {
        await scope.client.query('ROLLBACK').catch((e: Error) => (broken = e));
        return value;
      }
      const done = await scope.client.query('COMMIT');
      scope.queryCount++;
      checkCommitted(done);
    } else if (scope.rollbackOnly) {
      return value;
    }
    await runHooks(scope.afterCommit);
    return value;
  } catch (err) {
    if (!broken && isConnectionError(err)) broken = err as Error;
    throw err;
  } finally {
    // A connection with an unknown transaction state is discarded, never reused.
    (scope.client ?? scope.held)?.release(broken);
    for (const observe of txObservers) observe(scope);
  }
}

/** A tenant switch asked for in an operation that also has other root fields. */
export class MixedTenantOperation extends Error {
  constructor() {
    super(
      'Signing in, refreshing a session, accepting or opening an invite must be the only field of its request; send the other fields separately.',
    );
    this.name = 'MixedTenantOperation';
  }
}

/**
 * Change the tenant for the rest of this scope (login, invites, super-admin tools). Only in an
 * operation of one root field: its siblings would otherwise run in the other tenant with the
 * caller's permissions (e.g. `{ invitePreview(token: <B's>) seatUsage }` read B's seats as A).
 */
export async function switchTenant(accountId: string | null): Promise<void> {
  const s = currentScope();
  literal(accountId);
  if (accountId !== s.accountId && s.rootFields !== 1) throw new MixedTenantOperation();
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
  s.savepointDepth++;
  try {
    const value = await fn();
    await client.query(`RELEASE SAVEPOINT ${name}`);
    s.queryCount++;
    return value;
  } catch (err) {
    await client.query(`ROLLBACK TO SAVEPOINT ${name}`);
    s.queryCount++;
    throw err;
  } finally {
    s.savepointDepth--;
  }
}

export interface SqlOptions {
  /**
   * This statement is the operation's only write and decides it: when the scope allows it (a
   * mutation with one root field, no savepoint open, nothing flagged for rollback), COMMIT goes
   * out in the same write, saving the transaction a round trip of its own. Whatever the operation
   * does after it (reads for the payload, a refusal's lookup) runs in a transaction of its own.
   */
  commit?: boolean;
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
  opts?: SqlOptions,
): Promise<pg.QueryResult<R>> {
  const s = currentScope();
  s.queryCount++;
  const commit = opts?.commit === true && s.commitAhead && s.savepointDepth === 0 && !s.rollbackOnly;
  return run<R>(s, name ? { name, text, values } : { text, values }, commit);
}

/**
 * Run `hook` once the work so far is committed (publishing, enqueuing); dropped on rollback. Between
 * transactions (after a statement carried its COMMIT) it belongs to the work just committed.
 */
export function afterCommit(hook: Hook): void {
  const s = currentScope();
  if (!s.client && !s.opening && s.committed.length > 0) s.committed.at(-1)!.hooks.push(hook);
  else s.afterCommit.push(hook);
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
      s.savepointDepth++;
      return client.query(`SAVEPOINT ${name}`);
    }
    if (text === 'COMMIT' && depth > 0) {
      depth--;
      s.savepointDepth--;
      return client.query(`RELEASE SAVEPOINT ${names.pop()}`);
    }
    if (text === 'ROLLBACK' && depth > 0) {
      depth--;
      s.savepointDepth--;
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
