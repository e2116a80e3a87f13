import { randomUUID } from 'node:crypto';
import type { Caller } from '../caller.ts';
import { afterCommit, currentTx, sql, switchTenant } from '../../db/tenant.ts';
import { SessionRefused } from '../errors.ts';
import { userPrincipal } from './principal.ts';
import { authChanged } from './principal-cache.ts';
import type { SessionTokens } from './sign-in.ts';

/**
 * Rotates a refresh token. The family row is locked, so two presentations of one token are
 * serialised: the first rotates, the second is a replay and revokes the family. Refusals that end
 * a family (replay, idle, absolute) are recorded even though the caller gets a typed error.
 */
export async function refresh(ctx: Caller, token: string | null): Promise<SessionTokens> {
  const { deps } = ctx;
  const claims = token ? await deps.jwt.verifyRefresh(token) : null;
  if (!claims) throw new SessionRefused('invalid_refresh_token');
  await switchTenant(claims.acc);
  const tx = currentTx();
  const now = deps.clock.now();
  const { rows } = await sql<{
    jti: string;
    user_id: string;
    auth_time: Date;
    idle_seconds: number;
    absolute_seconds: number;
    last_refreshed_at: Date;
    revoked_at: Date | null;
    is_active: boolean;
    deleted_at: Date | null;
  }>(
    `SELECT s.jti, s.user_id, s.auth_time, s.idle_seconds, s.absolute_seconds, s.last_refreshed_at, s.revoked_at,
            u.is_active, u.deleted_at
     FROM auth_sessions s JOIN users u ON u.id = s.user_id
     WHERE s.id = $1 FOR UPDATE OF s`,
    [claims.sid],
  );
  const s = rows[0];
  if (!s || s.revoked_at || !s.is_active || s.deleted_at || s.user_id !== claims.sub) {
    throw new SessionRefused('invalid_refresh_token');
  }
  const end = async (reason: string) => {
    tx.keepWritesOnError = true;
    await sql(`UPDATE auth_sessions SET revoked_at = $2, revoked_reason = $3 WHERE id = $1 AND revoked_at IS NULL`, [
      claims.sid,
      now,
      reason,
    ]);
    afterCommit(() => authChanged(deps, s.user_id, { kind: 'session_revoked', sessionIds: [claims.sid] }));
  };
  if (s.jti !== claims.jti) {
    // A token that was already rotated away: someone replayed it. End the whole family.
    await end('replayed');
    throw new SessionRefused('invalid_refresh_token');
  }
  // At the deadline exactly counts as past.
  if (now.getTime() >= s.auth_time.getTime() + s.absolute_seconds * 1000) {
    await end('expired_absolute');
    throw new SessionRefused('session_expired_absolute');
  }
  if (now.getTime() >= s.last_refreshed_at.getTime() + s.idle_seconds * 1000) {
    await end('expired_idle');
    throw new SessionRefused('session_expired_idle');
  }
  const jti = randomUUID();
  await sql(`UPDATE auth_sessions SET jti = $2, last_refreshed_at = $3 WHERE id = $1`, [claims.sid, jti, now]);
  const access = await deps.jwt.signAccess({ sub: s.user_id, acc: claims.acc, sid: claims.sid });
  const refreshToken = await deps.jwt.signRefresh({
    sub: s.user_id,
    acc: claims.acc,
    sid: claims.sid,
    jti,
    auth_time: Math.floor(s.auth_time.getTime() / 1000),
    idle: s.idle_seconds,
    abs: s.absolute_seconds,
  });
  const user = await deps.prisma.user.findUniqueOrThrow({ where: { id: s.user_id } });
  ctx.principal = userPrincipal(user, { sessionId: claims.sid, expiresAt: access.expiresAt });
  return {
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt,
    refreshToken,
    userId: s.user_id,
    sessionId: claims.sid,
    refreshTtlSeconds: Math.max(0, Math.floor((s.auth_time.getTime() + s.absolute_seconds * 1000 - now.getTime()) / 1000)),
    idleExpiresAt: new Date(Math.min(now.getTime() + s.idle_seconds * 1000, s.auth_time.getTime() + s.absolute_seconds * 1000)),
    absoluteExpiresAt: new Date(s.auth_time.getTime() + s.absolute_seconds * 1000),
    idleSeconds: s.idle_seconds,
  };
}

/** Ends the caller's session family (from the access token or the refresh token). Idempotent. */
export async function logout(ctx: Caller, refreshToken: string | null): Promise<boolean> {
  let sessionId: string | null = null;
  let userId: string | null = null;
  if (ctx.principal.kind === 'user') {
    sessionId = ctx.principal.sessionId;
    userId = ctx.principal.userId;
  } else if (refreshToken) {
    const claims = await ctx.deps.jwt.verifyRefresh(refreshToken);
    if (claims) {
      await switchTenant(claims.acc);
      sessionId = claims.sid;
      userId = claims.sub;
    }
  }
  if (!sessionId || !userId) return true;
  await sql(`UPDATE auth_sessions SET revoked_at = $2, revoked_reason = 'logout' WHERE id = $1 AND revoked_at IS NULL`, [
    sessionId,
    ctx.deps.clock.now(),
  ]);
  const uid = userId;
  const sid = sessionId;
  afterCommit(() => authChanged(ctx.deps, uid, { kind: 'session_revoked', sessionIds: [sid] }));
  return true;
}
