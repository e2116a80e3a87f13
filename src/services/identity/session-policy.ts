import type { Caller } from '../caller.ts';
import { audit } from '../audit/audit.ts';
import { requireUser } from './principal.ts';
import { duration, parse } from '../validation.ts';
import { z } from 'zod';

export const DEFAULT_IDLE_SECONDS = 3 * 24 * 3600;
export const DEFAULT_ABSOLUTE_SECONDS = 14 * 24 * 3600;
export const IDLE_BOUNDS = { min: 15 * 60, max: 30 * 24 * 3600 };
export const ABSOLUTE_BOUNDS = { min: 3600, max: 90 * 24 * 3600 };

/** The account's session policy: overrides where set, defaults elsewhere, idle never above absolute. */
export function effectivePolicy(a: { sessionIdleSeconds: number | null; sessionAbsoluteSeconds: number | null }) {
  const absolute = a.sessionAbsoluteSeconds ?? DEFAULT_ABSOLUTE_SECONDS;
  const idle = Math.min(a.sessionIdleSeconds ?? DEFAULT_IDLE_SECONDS, absolute);
  return { idle, absolute };
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
