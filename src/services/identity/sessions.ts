import { randomUUID } from 'node:crypto';
import type { Caller } from '../caller.ts';
import { afterCommit, currentTx, sql, switchTenant } from '../../db/tenant.ts';
import { burnPasswordCheck, verifyPassword } from '../../lib/passwords.ts';
import { audit, auditRow } from '../audit/audit.ts';
import { InvalidCredentials, SessionRefused } from '../errors.ts';
import { requireUser, userPrincipal } from './principal.ts';
import { authChanged } from './principal-cache.ts';
import { duration, parse, email as emailSchema } from '../validation.ts';
import { z } from 'zod';

export const DEFAULT_IDLE_SECONDS = 3 * 24 * 3600;
export const DEFAULT_ABSOLUTE_SECONDS = 14 * 24 * 3600;
export const IDLE_BOUNDS = { min: 15 * 60, max: 30 * 24 * 3600 };
export const ABSOLUTE_BOUNDS = { min: 3600, max: 90 * 24 * 3600 };

export interface SessionTokens {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  userId: string;
  sessionId: string;
  /** Seconds until the family's absolute deadline: the refresh cookie's lifetime. */
  refreshTtlSeconds: number;
  /** The session ends here unless it is refreshed before: the last refresh plus the idle limit. */
  idleExpiresAt: Date;
  /** The session ends here whatever happens: sign-in time plus the absolute limit. */
  absoluteExpiresAt: Date;
  /** The session's idle timeout (fixed when it started). */
  idleSeconds: number;
}

/** The account's session policy: overrides where set, defaults elsewhere, idle never above absolute. */
export function effectivePolicy(a: { sessionIdleSeconds: number | null; sessionAbsoluteSeconds: number | null }) {
  const absolute = a.sessionAbsoluteSeconds ?? DEFAULT_ABSOLUTE_SECONDS;
  const idle = Math.min(a.sessionIdleSeconds ?? DEFAULT_IDLE_SECONDS, absolute);
  return { idle, absolute };
}

const loginInput = z.object({
  email: emailSchema,
  password: z.string().min(1, 'is required').max(200, 'is longer than any password here (at most 200 characters)'),
});

/**
 * Email + password. Unknown email and wrong password give the same refusal, equally slow.
 * Runs inside the operation's (anonymous) transaction and switches it to the user's account.
 */
export async function login(ctx: Caller, input: { email: string; password: string }): Promise<SessionTokens> {
  const { email, password } = parse(loginInput, input);
  const { deps } = ctx;
  await deps.loginLimiter.beforeAttempt(email, ctx.clientIp);
  const found = await sql<{ account_id: string | null }>('SELECT l1_auth.account_for_email($1) AS account_id', [email]);
  const accountId = found.rows[0]?.account_id ?? null;
  if (!accountId) {
    await burnPasswordCheck(password);
    await deps.loginLimiter.failed(email, ctx.clientIp);
    throw new InvalidCredentials();
  }
  await switchTenant(accountId);
  const user = await deps.prisma.user.findUnique({ where: { email }, include: { account: true } });
  // The hash is checked whatever the user's state: a deactivated or deleted user must be refused as
  // slowly as a wrong password, or the answer's speed tells who has an account here.
  const passwordOk = user ? await verifyPassword(user.passwordHash, password) : (await burnPasswordCheck(password), false);
  if (!user || !passwordOk || !user.isActive || user.deletedAt) {
    await deps.loginLimiter.failed(email, ctx.clientIp);
    throw new InvalidCredentials();
  }
  await deps.loginLimiter.succeeded(email, ctx.clientIp);
  const now = deps.clock.now();
  await deps.prisma.user.update({ where: { id: user.id }, data: { lastLoginAt: now } });
  const tokens = await startSession(ctx, { userId: user.id, accountId: user.accountId, policy: effectivePolicy(user.account), now });
  // The rest of this operation (the payload's `user`) runs as the user who just signed in.
  ctx.principal = userPrincipal(user, { sessionId: tokens.sessionId, expiresAt: tokens.accessTokenExpiresAt });
  return tokens;
}

/** A new refresh-token family plus its first access token. */
export async function startSession(
  ctx: Caller,
  a: { userId: string; accountId: string; policy: { idle: number; absolute: number }; now: Date },
): Promise<SessionTokens> {
  const { deps } = ctx;
  const jti = randomUUID();
  const session = await deps.prisma.authSession.create({
    data: {
      accountId: a.accountId,
      userId: a.userId,
      jti,
      authTime: a.now,
      idleSeconds: a.policy.idle,
      absoluteSeconds: a.policy.absolute,
      lastRefreshedAt: a.now,
      userAgent: ctx.userAgent?.slice(0, 400) ?? null,
    },
  });
  const iat = Math.floor(a.now.getTime() / 1000);
  const access = await deps.jwt.signAccess({ sub: a.userId, acc: a.accountId, sid: session.id });
  const refreshToken = await deps.jwt.signRefresh(
    { sub: a.userId, acc: a.accountId, sid: session.id, jti, auth_time: iat, idle: a.policy.idle, abs: a.policy.absolute },
    iat,
  );
  return {
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt,
    refreshToken,
    userId: a.userId,
    sessionId: session.id,
    refreshTtlSeconds: a.policy.absolute,
    // Never past the absolute deadline, whatever the idle timeout says.
    idleExpiresAt: new Date(a.now.getTime() + Math.min(a.policy.idle, a.policy.absolute) * 1000),
    absoluteExpiresAt: new Date(a.now.getTime() + a.policy.absolute * 1000),
    idleSeconds: a.policy.idle,
  };
}

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

const policyInput = z
  .object({
    idleSeconds: z
      .number()
      .int()
      .min(IDLE_BOUNDS.min, 'must be at least 15 minutes')
      .max(IDLE_BOUNDS.max, 'can be at most 30 days')
      .nullable(),
    absoluteSeconds: z
      .number()
      .int()
      .min(ABSOLUTE_BOUNDS.min, 'must be at least 1 hour')
      .max(ABSOLUTE_BOUNDS.max, 'can be at most 90 days')
      .nullable(),
  })
  .superRefine((v, c) => {
    const idle = v.idleSeconds ?? DEFAULT_IDLE_SECONDS;
    const abs = v.absoluteSeconds ?? DEFAULT_ABSOLUTE_SECONDS;
    if (idle > abs) {
      c.addIssue({
        code: 'custom',
        path: [v.idleSeconds === null ? 'absoluteSeconds' : 'idleSeconds'],
        message: `The idle timeout (${duration(idle)}) cannot be longer than the maximum session length (${duration(abs)}).`,
      });
    }
  });

/**
 * Owner: per-account session limits within bounds (null = the default). Applies from the next
 * sign-in. The audit row keeps the overrides before and after and what is now in effect, so a
 * reader sees "idle 3 days → 15 minutes" without knowing the defaults.
 */
export async function updateSessionPolicy(ctx: Caller, input: { idleSeconds: number | null; absoluteSeconds: number | null }) {
  const p = requireUser(ctx);
  const v = parse(policyInput, input);
  const before = await ctx.deps.prisma.account.findUniqueOrThrow({ where: { id: p.accountId } });
  const account = await ctx.deps.prisma.account.update({
    where: { id: p.accountId },
    data: { sessionIdleSeconds: v.idleSeconds, sessionAbsoluteSeconds: v.absoluteSeconds },
  });
  const was = effectivePolicy(before);
  const now = effectivePolicy(account);
  await audit(ctx, {
    action: 'account.session_policy',
    entityType: 'account',
    entityId: p.accountId,
    payload: {
      old: { idleSeconds: before.sessionIdleSeconds, absoluteSeconds: before.sessionAbsoluteSeconds },
      new: { idleSeconds: v.idleSeconds, absoluteSeconds: v.absoluteSeconds },
      effectiveBefore: { idleSeconds: was.idle, absoluteSeconds: was.absolute },
      effective: { idleSeconds: now.idle, absoluteSeconds: now.absolute },
    },
  });
  return account;
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
