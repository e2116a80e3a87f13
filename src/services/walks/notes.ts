import { z } from 'zod';
import { afterCommit, sql } from '../../db/tenant.ts';
import type { Caller } from '../caller.ts';
import { ValidationError } from '../errors.ts';
import { requireUser } from '../identity/principal.ts';
import { parse, text, uuid } from '../validation.ts';
import { publishWalk } from './events.ts';
import { refusal } from './repo.ts';
import { walkColumns, type WalkRow } from './rows.ts';

export const NOTES_MAX_BYTES = 256 * 1024;

const notesInput = z.object({
  sessionId: uuid,
  notes: z.array(z.object({ at: z.coerce.date(), content: text(20_000) })).max(2000, 'Keep to at most 2000 notes on one call.'),
  expectedVersion: z.number().int().min(1).nullable().optional(),
});

/** Replaces the walk's notes (the ad-hoc notes editor autosaves through this). */
export async function updateNotes(
  ctx: Caller,
  input: { sessionId: string; notes: Array<{ at: Date | string; content: string }>; expectedVersion?: number | null },
): Promise<WalkRow> {
  const p = requireUser(ctx);
  const v = parse(notesInput, input);
  const notes = v.notes.map((n) => ({ at: n.at.toISOString(), content: n.content }));
  const json = JSON.stringify(notes);
  if (Buffer.byteLength(json) > NOTES_MAX_BYTES) {
    throw ValidationError.of(
      'notes',
      `Notes on one call are limited to ${NOTES_MAX_BYTES / 1024} KB; these are ${Math.ceil(Buffer.byteLength(json) / 1024)} KB. Shorten them.`,
    );
  }
  const now = ctx.deps.clock.now();
  const { rows } = await sql<WalkRow>(
    `UPDATE walk_sessions w SET notes = $2, version = version + 1, last_step_at = $3
     WHERE id = $1 AND status = 'active' AND handler_user_id = $4 AND ($5::int IS NULL OR version = $5)
     RETURNING ${walkColumns('w')}`,
    [v.sessionId, json, now, p.userId, v.expectedVersion ?? null],
  );
  if (!rows[0]) throw await refusal(ctx, v.sessionId, p, v.expectedVersion);
  const walk = rows[0];
  afterCommit(() => publishWalk(ctx.deps.events, walk, 'notes'));
  return walk;
}
