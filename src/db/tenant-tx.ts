import type pg from 'pg';
import { connection, open, PAYLOAD_SAVEPOINT, run } from './tenant-connection.ts';
import { currentScope, type Hook, literal, newScope, type Scope, storage, txObservers } from './tenant-scope.ts';

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

/** COMMIT the scope's open transaction, first discarding whatever its payload reads left (even an abort). */
async function commit(scope: Scope, client: pg.PoolClient): Promise<void> {
  if (scope.payloadSavepoint) {
    scope.payloadSavepoint = false;
    scope.queryCount++;
    // Queued ahead of COMMIT, in the same round trip; should it fail, COMMIT answers ROLLBACK.
    client.query(`ROLLBACK TO SAVEPOINT ${PAYLOAD_SAVEPOINT}`).catch(() => undefined);
  }
  const done = await client.query('COMMIT');
  scope.queryCount++;
  checkCommitted(done);
}

export async function withTenantTx<T>(
  pool: pg.Pool,
  accountId: string | null,
  fn: (scope: Scope, preludeRows: Record<string, unknown>[]) => Promise<T>,
  opts: TenantTxOptions = {},
): Promise<T> {
  literal(accountId);
  const scope = newScope(pool, accountId);
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
      await commit(scope, scope.client);
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
   * This statement is the field's last write and decides it: when the scope allows it (a mutation
   * with one root field, no savepoint open, nothing flagged for rollback), COMMIT goes out in the
   * same write, saving the transaction a round trip of its own. What the operation does after it
   * (reads for the payload, a refusal's lookup) runs in a transaction of its own. Nothing can undo
   * it afterwards, so the caller promises: if it wrote anything, the field succeeds; a refusal
   * (typed error) follows only a run that wrote nothing.
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
  const commit = opts?.commit === true && s.commitAhead && s.savepointDepth === 0 && !s.rollbackOnly && !s.payloadPhase;
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
