import type pg from 'pg';
import type { EventBus } from './events.ts';
import { publishWalk } from './walk-events.ts';
import type { WalkRow } from './walk-rows.ts';

/** Everything of the walk row but its notes and handoff: enough for the live feeds. */
const COLUMNS = `id, account_id AS "accountId", kind, status, flow_id AS "flowId", flow_version_id AS "flowVersionId",
  proposal_id AS "proposalId", ticket_kind AS "ticketKind", internal_ticket_id AS "internalTicketId", psa_ticket_ref AS "psaTicketRef",
  current_node_id AS "currentNodeId", created_by AS "createdById", handler_user_id AS "handlerUserId", version,
  step_count AS "stepCount", helpful, resolution_notes AS "resolutionNotes", escalation_reason_category AS "escalationReasonCategory",
  escalation_reason AS "escalationReason", acting_as AS "actingAs", started_at AS "startedAt", last_step_at AS "lastStepAt",
  resolved_at AS "resolvedAt", ended_at AS "endedAt"`;

export interface SweepResult {
  abandoned: number;
  ms: number;
}

/**
 * The 24-hour abandonment sweep: ONE set-based statement, across every account (system role),
 * that flips each active walk idle since before `cutoff` to abandoned, reopens its ticket and
 * writes an `l1.session.abandon` audit row per walk (actor: system). It touches only stale rows
 * (the partial index on active walks' last_step_at finds them), and a walk is abandoned only if it
 * is still idle when its row is updated: a step committed meanwhile makes Postgres re-check the
 * row and skip it. A second run finds nothing.
 */
export async function abandonIdleWalks(
  db: pg.Pool | pg.PoolClient,
  events: EventBus,
  a: { cutoff: Date; now: Date },
): Promise<SweepResult> {
  const t0 = performance.now();
  const { rows } = await db.query<Omit<WalkRow, 'notes' | 'handoff'>>(
    `WITH stale AS (
       UPDATE walk_sessions SET status = 'abandoned', ended_at = $2, version = version + 1
       WHERE status = 'active' AND last_step_at < $1
       RETURNING *
     ), tickets AS (
       UPDATE internal_tickets t SET status = 'open', updated_at = $2
       FROM stale WHERE t.id = stale.internal_ticket_id AND t.status = 'walking'
       RETURNING t.id
     ), audit AS (
       INSERT INTO audit_logs (account_id, actor_id, actor_kind, action, entity_type, entity_id, payload, created_at)
       SELECT account_id, NULL, 'system', 'l1.session.abandon', 'walk_session', id,
         jsonb_build_object('lastStepAt', last_step_at, 'ticketId', internal_ticket_id), $2
       FROM stale
     )
     SELECT ${COLUMNS} FROM stale`,
    [a.cutoff, a.now],
  );
  for (const r of rows) publishWalk(events, { ...r, notes: [], handoff: null } as WalkRow, 'abandoned');
  return { abandoned: rows.length, ms: performance.now() - t0 };
}
