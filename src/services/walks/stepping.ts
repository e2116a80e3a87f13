import { z } from 'zod';
import { afterCommit, sql } from '../../db/tenant.ts';
import type { Caller } from '../caller.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { ANSWERS, type Answer, resolveStep } from '../flows/graph.ts';
import { actingAs, requireUser } from '../identity/principal.ts';
import { blankToNull, parse, text, uuid } from '../validation.ts';
import { publishWalk } from './events.ts';
import { get, pinOf, refusal, walkNodes } from './repo.ts';
import { type StepRow, walkColumns, type WalkRow } from './rows.ts';

const stepInput = z.object({
  sessionId: uuid,
  nodeId: text(100, 1),
  answer: z.enum(ANSWERS),
  note: text(4000).nullable().optional(),
  clientStepId: text(100, 1),
  expectedVersion: z.number().int().min(1).nullable().optional(),
});

/**
 * One step. Validated against the pinned tree (cached); then a single statement locks the walk,
 * checks it is active, that the caller handles it, that `nodeId` is its current node and the
 * version matches, appends the step (seq from the locked step count), and advances the walk.
 * The same clientStepId again returns the walk and writes nothing.
 */
export async function recordStep(
  ctx: Caller,
  input: { sessionId: string; nodeId: string; answer: Answer; note?: string | null; clientStepId: string; expectedVersion?: number | null },
): Promise<{ walk: WalkRow; step: StepRow | null }> {
  const p = requireUser(ctx);
  const v = parse(stepInput, input);
  const pin = await pinOf(ctx, v.sessionId);
  if (pin.kind === 'adhoc' || pin.kind === 'ai_build') {
    throw ValidationError.of('sessionId', 'This call takes notes, not steps.');
  }
  const nodes = (await walkNodes(ctx, pin))!;
  const node = nodes.get(v.nodeId);
  if (!node) throw ValidationError.of('nodeId', 'That step is not part of this flow; reload the call.');
  const r = resolveStep(node, v.answer);
  if (!r.ok) throw ValidationError.of('answer', r.message);
  const note = blankToNull(v.note);
  const now = ctx.deps.clock.now();
  const acting = actingAs(ctx.principal);

  const { rows } = await sql<WalkRow & { stepId: string | null; stepSeq: number | null }>(
    `WITH w AS (
       SELECT id, account_id, status, current_node_id, version, handler_user_id, step_count
       FROM walk_sessions WHERE id = $1 FOR UPDATE
     ), ins AS (
       INSERT INTO walk_steps (account_id, session_id, seq, node_id, question, answer, answer_label, yes_label, no_label,
         next_node_id, note, actor_id, acting_as, client_step_id, created_at)
       SELECT w.account_id, w.id, w.step_count + 1, $2::text, $3, $4, $5, $6, $7, $8::text, $9, $10::uuid, $11, $12, $13::timestamptz
       FROM w
       WHERE w.status = 'active' AND w.current_node_id = $2::text AND w.handler_user_id = $10::uuid AND ($14::int IS NULL OR w.version = $14)
       ON CONFLICT (session_id, client_step_id) DO NOTHING
       RETURNING id, seq
     ), upd AS (
       UPDATE walk_sessions ws
       SET current_node_id = $8::text, version = ws.version + 1, step_count = ws.step_count + 1, last_step_at = $13::timestamptz
       FROM ins WHERE ws.id = $1
       RETURNING ws.*
     )
     SELECT ${walkColumns('upd')}, ins.id AS "stepId", ins.seq AS "stepSeq"
     FROM w LEFT JOIN ins ON true LEFT JOIN upd ON true`,
    [
      v.sessionId,
      v.nodeId,
      r.question,
      v.answer,
      r.answerLabel,
      r.yesLabel,
      r.noLabel,
      r.nextNodeId,
      note,
      p.userId,
      acting,
      v.clientStepId,
      now,
      v.expectedVersion ?? null,
    ],
    'walk_record_step',
    { commit: true },
  );
  const row = rows[0];
  if (!row) throw new NotFoundError('Walk');
  if (row.stepId) {
    const { stepId, stepSeq, ...walk } = row;
    const step: StepRow = {
      id: stepId,
      sessionId: v.sessionId,
      seq: stepSeq!,
      nodeId: v.nodeId,
      question: r.question,
      answer: v.answer,
      answerLabel: r.answerLabel,
      yesLabel: r.yesLabel,
      noLabel: r.noLabel,
      nextNodeId: r.nextNodeId,
      note,
      actorId: p.userId,
      actingAs: acting,
      clientStepId: v.clientStepId,
      createdAt: now,
    };
    afterCommit(() => publishWalk(ctx.deps.events, walk as WalkRow, 'stepped', step));
    return { walk: walk as WalkRow, step };
  }
  // Nothing written: a retry of a step that already landed, or a refusal.
  const prior = await sql<{ node_id: string; answer: string; note: string | null }>(
    'SELECT node_id, answer, note FROM walk_steps WHERE session_id = $1 AND client_step_id = $2',
    [v.sessionId, v.clientStepId],
  );
  const same = prior.rows[0];
  if (same) {
    if (same.node_id !== v.nodeId || same.answer !== v.answer || (same.note ?? null) !== note) {
      throw ValidationError.of('clientStepId', 'This answer was already sent for a different step; reload the call.');
    }
    return { walk: await get(ctx, v.sessionId), step: null };
  }
  const refused = await refusal(ctx, v.sessionId, p, v.expectedVersion);
  if (refused instanceof ConflictError && refused.reason === 'state_changed') {
    throw new ConflictError(
      'not_current_node',
      'This call has already moved past that step; reload it to see where it is now.',
      refused.currentVersion,
    );
  }
  throw refused;
}
