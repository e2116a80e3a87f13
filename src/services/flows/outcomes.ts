import { sql } from '../../db/tenant.ts';

/**
 * How a flow's walks end (DESIGN §17): the figures intake ranks flows by and the analytics of
 * issue 23 report. Counted from walk_sessions through walk_sessions_flow_status_idx.
 */
export interface FlowOutcomes {
  walks: number;
  active: number;
  resolved: number;
  escalated: number;
  abandoned: number;
  /** resolved / ended (resolved + escalated + abandoned); null before any walk has ended. */
  resolutionRate: number | null;
}

const NONE: FlowOutcomes = { walks: 0, active: 0, resolved: 0, escalated: 0, abandoned: 0, resolutionRate: null };

export function ended(o: FlowOutcomes): number {
  return o.resolved + o.escalated + o.abandoned;
}

/** The current account's outcome counts per flow id (a flow without walks gets zeros). */
export async function flowOutcomes(flowIds: readonly string[]): Promise<Map<string, FlowOutcomes>> {
  const out = new Map<string, FlowOutcomes>(flowIds.map((id) => [id, { ...NONE }]));
  if (!flowIds.length) return out;
  const { rows } = await sql<{ flow_id: string; status: string; n: number }>(
    `SELECT flow_id, status, count(*)::int AS n FROM walk_sessions WHERE flow_id = ANY($1::uuid[]) GROUP BY flow_id, status`,
    [flowIds],
  );
  for (const r of rows) {
    const o = out.get(r.flow_id)!;
    o.walks += r.n;
    if (r.status === 'active' || r.status === 'resolved' || r.status === 'escalated' || r.status === 'abandoned') o[r.status] += r.n;
  }
  for (const o of out.values()) o.resolutionRate = ended(o) ? o.resolved / ended(o) : null;
  return out;
}

/**
 * What intake expects of a flow's next walk: its resolve rate pulled towards a prior by `strength`
 * pseudo-walks, (resolved + strength·prior) / (ended + strength). A new flow starts at the prior,
 * so it is not buried under flows with a history; a few walks move it a little, many move it to
 * its own rate.
 */
export function smoothedResolveRate(o: FlowOutcomes, prior = 0.6, strength = 5): number {
  return (o.resolved + strength * prior) / (ended(o) + strength);
}
