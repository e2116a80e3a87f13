import type { z } from 'zod';
import { currentScope, sql } from '../../db/tenant.ts';

/** What a message is for: the job that handles its topic (a JobDefinition fits; services never import jobs' wiring). */
export interface OutboxTopic<S extends z.ZodType> {
  name: string;
  payload: S;
}

/** The relay LISTENs here; the payload is the topic. */
export const OUTBOX_CHANNEL = 'l1_outbox';

/**
 * Add a message for `def`'s job inside the current tenant transaction: it exists exactly when the
 * change that caused it commits, and the relay hands it to pg-boss after that. (pg-boss cannot be
 * written from here: its tables belong to the jobs role, and a request runs as l1_app under RLS.)
 *
 * The payload is checked against the job's schema now, so a bad one fails the change rather than
 * dying in the relay later. `key` is the message's idempotency key within its topic: adding the
 * same key twice in an account keeps the first message, and the handler receives it to dedupe its effect.
 * Returns the message id, or null when the key was already there.
 */
export async function addToOutbox<S extends z.ZodType>(
  def: OutboxTopic<S>,
  payload: z.infer<S>,
  o: { key: string },
): Promise<string | null> {
  // The transaction's own tenant: row-level security refuses any other, and one with none.
  const accountId = currentScope().accountId;
  const data = def.payload.parse(payload);
  // The NOTIFY rides in the same statement; Postgres delivers it only if the transaction commits.
  const { rows } = await sql<{ id: string }>(
    `WITH m AS (
       INSERT INTO outbox (account_id, topic, idempotency_key, payload) VALUES ($1, $2, $3, $4)
       ON CONFLICT (account_id, topic, idempotency_key) DO NOTHING RETURNING id
     )
     SELECT id, pg_notify('${OUTBOX_CHANNEL}', $2) FROM m`,
    [accountId, def.name, o.key, JSON.stringify(data)],
    'outbox_add',
  );
  return rows[0]?.id ?? null;
}
