import type { Caller } from '../caller.ts';
import { sql } from '../../db/tenant.ts';
import { SeatLimitExceeded, type SeatRole } from '../errors.ts';

export interface SeatCheck {
  role: SeatRole;
  /** Active, non-deleted users in this kind of seat. */
  current: number;
  /** Seats held by invites that are still pending (neither accepted, revoked nor expired). */
  pending: number;
  limit: number | null;
  /** What is left for new invites and role changes: limit − current − pending. */
  available: number | null;
}

export const isSeatRole = (role: string): role is SeatRole => role === 'engineer' || role === 'l1_tech';

/**
 * Seats in use and the plan's limits. With `lock`, the account's active plan row is locked until
 * the transaction ends, which serialises every seat-taking change in the account: ten concurrent
 * accepts for the last seat see each other's commits and exactly one wins.
 */
export async function seatUsage(ctx: Caller, opts: { lock?: boolean } = {}): Promise<Record<SeatRole, SeatCheck>> {
  const plan = await sql<{ engineer_seat_limit: number | null; l1_seat_limit: number | null }>(
    `SELECT engineer_seat_limit, l1_seat_limit FROM billing_plans WHERE is_active${opts.lock ? ' FOR UPDATE' : ''}`,
  );
  // Counted after the lock is held, so the count includes every committed competitor.
  const counts = await sql<{ engineer: number; l1_tech: number }>(
    `SELECT count(*) FILTER (WHERE role = 'engineer')::int AS engineer, count(*) FILTER (WHERE role = 'l1_tech')::int AS l1_tech
     FROM users WHERE is_active AND deleted_at IS NULL`,
  );
  // An invite holds its seat until it is accepted, revoked or expires, so an admin cannot hand out
  // more links than there are seats and find out only when people try to join.
  const invited = await sql<{ engineer: number; l1_tech: number }>(
    `SELECT count(*) FILTER (WHERE role = 'engineer')::int AS engineer, count(*) FILTER (WHERE role = 'l1_tech')::int AS l1_tech
     FROM invites WHERE accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $1`,
    [ctx.deps.clock.now()],
  );
  const limits = plan.rows[0] ?? { engineer_seat_limit: null, l1_seat_limit: null };
  const c = counts.rows[0] ?? { engineer: 0, l1_tech: 0 };
  const i = invited.rows[0] ?? { engineer: 0, l1_tech: 0 };
  const check = (role: SeatRole, current: number, pending: number, limit: number | null): SeatCheck => ({
    role,
    current,
    pending,
    limit,
    available: limit === null ? null : Math.max(0, limit - current - pending),
  });
  return {
    engineer: check('engineer', c.engineer, i.engineer, limits.engineer_seat_limit),
    l1_tech: check('l1_tech', c.l1_tech, i.l1_tech, limits.l1_seat_limit),
  };
}

/**
 * Refuses taking one more seat of `role` when the plan is full, counting the seats pending invites
 * hold. Accepting an invite (`heldByInvite`) turns a held seat into a member, so only members count
 * then: of several invites accepted after billing lowered the limit, members fill it first come,
 * first served. Accounts already over their limit keep their users; only new seat-taking is refused.
 */
export async function assertSeatAvailable(
  ctx: Caller,
  role: string,
  opts: { lock?: boolean; heldByInvite?: boolean } = { lock: true },
): Promise<void> {
  if (!isSeatRole(role)) return;
  const usage = await seatUsage(ctx, { lock: opts.lock ?? true });
  const s = usage[role];
  const pending = opts.heldByInvite ? 0 : s.pending;
  if (s.limit !== null && s.current + pending >= s.limit) {
    throw new SeatLimitExceeded(role, s.current, s.limit, ctx.deps.config.UPGRADE_URL, pending);
  }
}
