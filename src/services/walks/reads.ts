import { sql } from '../../db/tenant.ts';
import { shortTitle } from '../../lib/short-title.ts';
import type { Caller } from '../caller.ts';
import { requireUser } from '../identity/principal.ts';
import { loaders } from '../loaders.ts';
import { walkColumns, type WalkRow } from './rows.ts';

/** My active walks, most recent step first. */
export async function myActive(ctx: Caller, limit = 20): Promise<WalkRow[]> {
  const p = requireUser(ctx);
  const { rows } = await sql<WalkRow>(
    `SELECT ${walkColumns('w')} FROM walk_sessions w WHERE w.handler_user_id = $1 AND w.status = 'active'
     ORDER BY w.last_step_at DESC, w.id LIMIT $2`,
    [p.userId, limit],
  );
  return rows;
}

/** Every active walk of the account, for the coverage board. */
export async function activeInAccount(): Promise<WalkRow[]> {
  const { rows } = await sql<WalkRow>(
    `SELECT ${walkColumns('w')} FROM walk_sessions w WHERE w.status = 'active' ORDER BY w.last_step_at DESC, w.id LIMIT 500`,
  );
  return rows;
}

/**
 * The title a walk shows: its flow's or proposal's, or for ad-hoc notes the ticket's problem,
 * shortened (a board of calls all titled "Ad-hoc notes" cannot be told apart). Batched: a list of
 * walks costs one query per kind of title, not one per walk.
 */
export async function title(ctx: Caller, w: WalkRow): Promise<string> {
  if (w.flowId) return (await loaders(ctx).flowTitle.load(w.flowId)) ?? 'Flow';
  if (w.proposalId) return (await loaders(ctx).proposal.load(w.proposalId))?.title ?? 'Proposal';
  const ticket = w.internalTicketId ? await loaders(ctx).ticket.load(w.internalTicketId) : null;
  return ticket?.problemStatement.trim() ? shortTitle(ticket.problemStatement) : 'Ad-hoc notes';
}
