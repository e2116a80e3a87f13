import type pg from 'pg';
import { auditRow } from '../audit/audit.ts';
import type { EventBus } from '../ports.ts';
import { publishWireWalk, type WireWalk } from './events.ts';
import { forgetPin } from './repo.ts';

const iso = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The walk as live feeds carry it (WireWalk: all but notes, with their count; times as ISO strings), formatted by
 * Postgres: parsing 400 000 timestamps into Dates only to print them again cost 0.3 s of a
 * 2.4 s sweep of 100 000 walks.
 */
const WIRE_COLUMNS = `w.id, w.account_id AS "accountId", w.kind, w.status, w.flow_id AS "flowId", w.flow_version_id AS "flowVersionId",
  w.proposal_id AS "proposalId", w.ticket_kind AS "ticketKind", w.internal_ticket_id AS "internalTicketId", w.psa_ticket_ref AS "psaTicketRef",
  w.current_node_id AS "currentNodeId", w.created_by AS "createdById", w.handler_user_id AS "handlerUserId", w.version,
  w.step_count AS "stepCount", jsonb_array_length(w.notes) AS "noteCount", w.helpful, w.resolution_notes AS "resolutionNotes", w.escalation_reason_category AS "escalationReasonCategory",
  w.escalation_reason AS "escalationReason", w.handoff, w.acting_as AS "actingAs", ${iso('w.started_at')} AS "startedAt",
  ${iso('w.last_step_at')} AS "lastStepAt", ${iso('w.resolved_at')} AS "resolvedAt", ${iso('w.ended_at')} AS "endedAt",
  w.taken_from_user_id AS "takenFromId", ${iso('w.handback_requested_at')} AS "handbackRequestedAt", ${iso('w.released_at')} AS "releasedAt"`;

/**
 * One batch, one set-based statement: lock up to $3 of the oldest idle active walks (skipping any
 * row a live transaction holds: a walk being stepped is not idle), flip them to abandoned and
 * write one `l1.session.abandon` audit row per walk (actor: system), atomically. Their tickets read
 * as open again from that moment without being written: "walking" is derived from the active walk
 * (tickets.status).
 * The partial index on active walks' last_step_at finds the rows in order, so a batch costs what
 * it changes. A step committed after the statement began makes Postgres re-check that row when it
 * is locked (and again when updated): a walk is abandoned only if it is still idle at that moment.
 */
const BATCH = `WITH stale AS (
    UPDATE walk_sessions w SET status = 'abandoned', ended_at = $2, version = w.version + 1
    WHERE w.id = ANY(ARRAY(
        SELECT id FROM walk_sessions
        WHERE status = 'active' AND last_step_at < $1
        ORDER BY last_step_at
        LIMIT $3
        FOR UPDATE SKIP LOCKED))
      AND w.status = 'active' AND w.last_step_at < $1
    RETURNING ${WIRE_COLUMNS}
  ), audit AS (
    ${auditRow({
      action: 'l1.session.abandon',
      entityType: 'walk_session',
      from: 'stale',
      account: '"accountId"',
      actor: 'NULL',
      actorKind: 'system',
      entityId: 'id',
      actingAs: 'NULL',
      payload: `jsonb_build_object('lastStepAt', "lastStepAt", 'ticketId', "internalTicketId")`,
      at: '$2',
    })}
  )
  SELECT * FROM stale`;

export interface SweepResult {
  abandoned: number;
  batches: number;
  ms: number;
}

export interface SweepOptions {
  cutoff: Date;
  now: Date;
  /** Walks per statement (and per transaction). */
  batchSize?: number;
  /** Statements in flight at once, each on a connection of its own. */
  concurrency?: number;
}

/**
 * The 24-hour abandonment sweep, across every account (system role): every active walk idle
 * since before `cutoff` becomes abandoned (so its ticket reads open again), one audit row each, and the
 * live feeds hear of it once its batch commits. A second run finds nothing.
 *
 * Batched set-based statements rather than one: a single statement runs on one Postgres core,
 * and the goal (100 000 stale walks among 1 000 000 in ≤ 3 s) needs two; batches also keep each
 * transaction, its locks and its WAL bounded however many walks went stale (after an outage, say).
 * Two workers take disjoint batches (SKIP LOCKED) until one comes back short.
 */
export async function abandonIdleWalks(db: pg.Pool, events: EventBus, o: SweepOptions): Promise<SweepResult> {
  const t0 = performance.now();
  const batchSize = o.batchSize ?? 10_000;
  let abandoned = 0;
  let batches = 0;
  let done = false;
  const worker = async () => {
    while (!done) {
      const { rows } = await db.query<WireWalk>(BATCH, [o.cutoff, o.now, batchSize]);
      batches++;
      abandoned += rows.length;
      if (rows.length < batchSize) done = true;
      for (const r of rows) {
        forgetPin(r.id);
        publishWireWalk(events, r, 'abandoned');
      }
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: o.concurrency ?? 2 }, worker));
  const failed = settled.find((s) => s.status === 'rejected');
  // What committed before a failure stays done (and announced); the job's retry finishes the rest.
  if (failed) throw failed.reason;
  return { abandoned, batches, ms: performance.now() - t0 };
}
