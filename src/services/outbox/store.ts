import type pg from 'pg';

// The relay's side of the outbox, on the jobs role's connections (it crosses tenants).

export interface OutboxMessage {
  id: string;
  accountId: string;
  topic: string;
  idempotencyKey: string;
  payload: unknown;
  attempts: number;
}

export interface RetryPolicy {
  retryLimit: number;
  /** Seconds before the first retry; doubled after each failure, up to retryDelayMax. */
  retryDelay: number;
  retryDelayMax: number;
}

const COLUMNS = `id, account_id AS "accountId", topic, idempotency_key AS "idempotencyKey", payload, attempts`;

/**
 * Due messages of the given topics, locked for this transaction: another relay skips them rather
 * than waiting, and takes them over if this one dies (its locks go with its connection). Topics
 * this instance has no handler for (a newer release's, during a rolling deploy) stay for others.
 */
export async function claimDue(client: pg.PoolClient, topics: string[], limit: number): Promise<OutboxMessage[]> {
  const { rows } = await client.query<OutboxMessage>(
    `SELECT ${COLUMNS} FROM outbox
     WHERE dispatched_at IS NULL AND dead_at IS NULL AND available_at <= now() AND topic = ANY($1::text[])
     ORDER BY available_at, id LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [topics, limit],
  );
  return rows;
}

export async function markDispatched(client: pg.PoolClient, id: string): Promise<void> {
  await client.query('UPDATE outbox SET dispatched_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = $1', [id]);
}

/**
 * A failed hand-off: tried again after an exponential backoff, dead once the limit is reached.
 * Returns the seconds until the retry, or null when it is dead.
 */
export async function markFailed(client: pg.PoolClient, m: OutboxMessage, error: string, policy: RetryPolicy): Promise<number | null> {
  const attempts = m.attempts + 1;
  const delay = Math.min(policy.retryDelayMax, policy.retryDelay * 2 ** (attempts - 1));
  await client.query(
    `UPDATE outbox SET attempts = $2::int, last_error = $3, available_at = now() + make_interval(secs => $4::float8),
       dead_at = CASE WHEN $2::int > $5::int THEN now() END
     WHERE id = $1`,
    [m.id, attempts, error.slice(0, 2000), delay, policy.retryLimit],
  );
  return attempts > policy.retryLimit ? null : delay;
}

type Queryable = { query: (text: string, values?: unknown[]) => Promise<unknown> };

/** The message's handler has done its effect (a repeat keeps the first time). */
export async function markDelivered(db: Queryable, id: string): Promise<void> {
  await db.query('UPDATE outbox SET delivered_at = coalesce(delivered_at, now()) WHERE id = $1', [id]);
}

export interface DeadMessage extends OutboxMessage {
  lastError: string | null;
  createdAt: Date;
  deadAt: Date;
}

/** Messages whose hand-off ran out of retries, newest first (`npm run jobs:dead-letters`). */
export async function deadMessages(db: pg.Pool | pg.PoolClient, limit = 100): Promise<DeadMessage[]> {
  const { rows } = await db.query<DeadMessage>(
    `SELECT ${COLUMNS}, last_error AS "lastError", created_at AS "createdAt", dead_at AS "deadAt"
     FROM outbox WHERE dead_at IS NOT NULL ORDER BY dead_at DESC LIMIT $1`,
    [limit],
  );
  return rows;
}
