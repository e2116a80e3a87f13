import { z } from 'zod';
import { afterCommit, sql } from '../../db/tenant.ts';
import type { Caller } from '../caller.ts';
import { actingAs, requireUser } from '../identity/principal.ts';
import { parse, text, uuid } from '../validation.ts';
import { publishWalk } from './events.ts';
import { forgetPin, refusal, walkAuditRow } from './repo.ts';
import { walkColumns, type WalkRow } from './rows.ts';

const resolveInput = z.object({
  sessionId: uuid,
  helpful: z.boolean(),
  resolutionNotes: text(20_000, 1),
  expectedVersion: z.number().int().min(1).nullable().optional(),
});

/**
 * Resolved: the ticket is resolved with the notes, and a helpful walk of a proposal marks the
 * proposal validated by outcome (it rises in the review queue). Walk, ticket (through the ticket
 * system's SQL), proposal and audit row change in one statement.
 */
export async function resolve(
  ctx: Caller,
  input: { sessionId: string; helpful: boolean; resolutionNotes: string; expectedVersion?: number | null },
): Promise<WalkRow> {
  const p = requireUser(ctx);
  const v = parse(resolveInput, input);
  const now = ctx.deps.clock.now();
  const acting = actingAs(ctx.principal);
  // Every row is reached by primary key (see InternalTickets on why the ticket's is).
  const { rows } = await sql<WalkRow>(
    `WITH cur AS (
       SELECT id, status, handler_user_id, version FROM walk_sessions WHERE id = $1 FOR UPDATE
     ), w AS (
       UPDATE walk_sessions ws SET status = 'resolved', helpful = $2, resolution_notes = $3, resolved_at = $4, ended_at = $4, version = ws.version + 1
       FROM cur
       WHERE ws.id = $1 AND cur.status = 'active' AND cur.handler_user_id = $5 AND ($6::int IS NULL OR cur.version = $6)
       RETURNING ws.*
     ), ${ctx.deps.tickets.resolve('t', '(SELECT internal_ticket_id FROM w)', { resolutionNotes: '$3', at: '$4' })}, pr AS (
       UPDATE flow_proposals SET validated_by_outcome = true, validated_at = $4, updated_at = $4
       WHERE flow_proposals.id = (SELECT proposal_id FROM w) AND $2 RETURNING flow_proposals.id
     ), a AS (
       ${walkAuditRow('l1.session.resolve', { actor: '$5', actingAs: '$7', at: '$4', payload: "jsonb_build_object('helpful', $2::boolean, 'ticketId', w.internal_ticket_id, 'proposalValidated', (SELECT count(*) FROM pr) > 0)" })}
     )
     SELECT ${walkColumns('w')} FROM w`,
    [v.sessionId, v.helpful, v.resolutionNotes, now, p.userId, v.expectedVersion ?? null, acting],
    'walk_resolve',
    { commit: true },
  );
  if (!rows[0]) throw await refusal(ctx, v.sessionId, p, v.expectedVersion);
  const walk = rows[0];
  afterCommit(() => {
    forgetPin(walk.id);
    publishWalk(ctx.deps.events, walk, 'resolved');
  });
  return walk;
}
