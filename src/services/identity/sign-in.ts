import { randomUUID } from 'node:crypto';
import type { Caller } from '../caller.ts';
import { sql, switchTenant } from '../../db/tenant.ts';
import { burnPasswordCheck, verifyPassword } from '../../lib/passwords.ts';
import { InvalidCredentials } from '../errors.ts';
import { userPrincipal } from './principal.ts';
import { effectivePolicy } from './session-policy.ts';
import { parse, email as emailSchema } from '../validation.ts';
import { z } from 'zod';

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
