import type pg from 'pg';
import { literal, type Scope } from './tenant-scope.ts';

/**
 * The scope's connection and how statements reach it: BEGIN riding with the first statement, a
 * COMMIT riding with the deciding one, and the savepoint that shields decided writes from their
 * payload's reads.
 */

/**
 * A connection that dies while checked out (Postgres restarted) emits 'error'; without a listener
 * that would crash the process. The failing query rejects on its own, so the event is only noted.
 */
function guard(client: pg.PoolClient): pg.PoolClient {
  if (!client.listenerCount('error')) client.on('error', () => undefined);
  return client;
}

/** Once a root field's writes are decided, its payload reads start behind this savepoint. */
export const PAYLOAD_SAVEPOINT = 'payload';

function beginSql(scope: Scope, prelude?: string): string {
  // Literal, validated uuid: the simple-query protocol lets BEGIN, the setting and the prelude
  // share one round trip. A transaction opened to read a payload gets its savepoint the same way.
  const shield = scope.payloadPhase ? `; SAVEPOINT ${PAYLOAD_SAVEPOINT}` : '';
  if (shield) {
    scope.payloadSavepoint = true;
    scope.queryCount++;
  }
  return `BEGIN; SELECT set_config('app.current_account_id', '${literal(scope.accountId)}', true)${prelude ? `; ${prelude}` : ''}${shield}`;
}

/**
 * Before a payload's first statement in a transaction that holds decided writes: a savepoint, sent
 * without waiting (it is queued ahead of the statement, so it costs no round trip of its own).
 */
export function shieldPayload(scope: Scope, client: pg.PoolClient): void {
  if (!scope.payloadPhase || scope.payloadSavepoint) return;
  scope.payloadSavepoint = true;
  scope.queryCount++;
  // A failure here aborts the transaction; the statement behind it and COMMIT then report it.
  client.query(`SAVEPOINT ${PAYLOAD_SAVEPOINT}`).catch(() => undefined);
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

export async function open(scope: Scope, prelude?: string): Promise<{ client: pg.PoolClient; rows: Record<string, unknown>[] }> {
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
export async function connection(scope: Scope): Promise<pg.PoolClient> {
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
export function run<R extends pg.QueryResultRow>(scope: Scope, config: pg.QueryConfig, commit: boolean): Promise<pg.QueryResult<R>> {
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
  shieldPayload(scope, client);
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
