import type { Caller } from '../caller.ts';
import { afterCommit, sql } from '../../db/tenant.ts';
import { auditRow } from '../audit/audit.ts';
import { requireUser } from './principal.ts';
import { authChanged } from './principal-cache.ts';

/**
 * Owner: end every session in the account, or all but the caller's. One statement revokes and
 * writes the audit row with the count; a second call finds nothing and reports 0.
 */
export async function revokeSessions(ctx: Caller, scope: 'all' | 'others'): Promise<number> {
  const p = requireUser(ctx);
  const now = ctx.deps.clock.now();
  const { rows } = await sql<{ revoked: number; user_ids: string[] | null; session_ids: string[] | null }>(
    `WITH revoked AS (
       UPDATE auth_sessions SET revoked_at = $1, revoked_reason = 'revoked_by_owner'
       WHERE revoked_at IS NULL AND ($2::uuid IS NULL OR id <> $2::uuid)
       RETURNING id, user_id
     ), logged AS (
       ${auditRow({
         action: 'auth.sessions.revoke',
         entityType: 'account',
         // An aggregate over the CTE: one row, so a call that revokes nothing is recorded with its 0.
         from: 'revoked',
         account: '$3',
         actor: '$4',
         entityId: 'NULL::uuid',
         actingAs: 'NULL',
         payload: "jsonb_build_object('scope', $5::text, 'revoked_count', count(*))",
         at: '$1',
       })}
     )
     SELECT count(*)::int AS revoked, array_agg(DISTINCT user_id) AS user_ids, array_agg(id) AS session_ids FROM revoked`,
    [now, scope === 'others' ? p.sessionId : null, p.accountId, p.userId, scope],
  );
  const r = rows[0]!;
  const sessionIds = r.session_ids ?? [];
  for (const uid of r.user_ids ?? []) {
    afterCommit(() => authChanged(ctx.deps, uid, { kind: 'session_revoked', sessionIds }));
  }
  return r.revoked;
}

export interface SignedInUser {
  userId: string;
  sessions: number;
  lastActiveAt: Date;
  signedInAt: Date;
}

/**
 * Who is signed in now: users with at least one session that is neither revoked nor past its
 * idle or absolute deadline, most recently active first.
 */
export async function signedInUsers(ctx: Caller): Promise<SignedInUser[]> {
  requireUser(ctx);
  const { rows } = await sql<{ user_id: string; sessions: number; last_active_at: Date; signed_in_at: Date }>(
    `SELECT s.user_id, count(*)::int AS sessions, max(s.last_refreshed_at) AS last_active_at, min(s.auth_time) AS signed_in_at
     FROM auth_sessions s JOIN users u ON u.id = s.user_id
     WHERE s.revoked_at IS NULL AND u.is_active AND u.deleted_at IS NULL
       AND s.auth_time + make_interval(secs => s.absolute_seconds) > $1
       AND s.last_refreshed_at + make_interval(secs => s.idle_seconds) > $1
     GROUP BY s.user_id
     ORDER BY max(s.last_refreshed_at) DESC, s.user_id
     LIMIT 500`,
    [ctx.deps.clock.now()],
  );
  return rows.map((r) => ({ userId: r.user_id, sessions: r.sessions, lastActiveAt: r.last_active_at, signedInAt: r.signed_in_at }));
}
