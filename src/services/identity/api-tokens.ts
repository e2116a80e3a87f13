import { z } from 'zod';
import type { Caller } from '../caller.ts';
import { afterCommit, sql } from '../../db/tenant.ts';
import { randomToken, sha256Hex } from '../../lib/crypto.ts';
import { audit } from '../audit/audit.ts';
import { NotFoundError } from '../errors.ts';
import { API_TOKEN_PREFIX, requireUser } from './principal.ts';
import { parse, text, uuid } from '../validation.ts';

// Input schemas are built once: zod compiles each on its first parse.
const tokenIdInput = z.object({ tokenId: uuid });

const TOUCH_EVERY_MS = 60_000;

/**
 * Keeps `lastUsedAt` fresh without a write on every request: at most one update per token per
 * minute, decided from the value the principal lookup already read.
 */
export async function afterPrincipal(ctx: Caller, preludeRows: Record<string, unknown>[]): Promise<void> {
  const p = ctx.principal;
  if (p.kind !== 'apiToken') return;
  const last = preludeRows[0]?.last_used_at as Date | null | undefined;
  const now = ctx.deps.clock.now();
  if (last && now.getTime() - last.getTime() < TOUCH_EVERY_MS) return;
  await sql(
    `UPDATE api_tokens SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - interval '60 seconds')`,
    [p.tokenId, now],
  );
}

export const API_SCOPES = ['seats_read'] as const;
const createInput = z.object({
  name: text(200, 1),
  scopes: z.array(z.enum(API_SCOPES)).min(1, 'Choose at least one thing this token may read.').max(API_SCOPES.length),
});

export interface CreatedApiToken {
  tokenId: string;
  /** Shown once; only its SHA-256 is stored. */
  secret: string;
}

/** For dashboards: a bearer secret that passes `seatReader` and nothing else. */
export async function create(ctx: Caller, input: { name: string; scopes: string[] }): Promise<CreatedApiToken> {
  const p = requireUser(ctx);
  const v = parse(createInput, input);
  const secret = randomToken(API_TOKEN_PREFIX);
  const token = await ctx.deps.prisma.apiToken.create({
    data: {
      accountId: p.accountId,
      name: v.name,
      tokenHash: sha256Hex(secret),
      tokenPrefix: secret.slice(0, 12),
      scopes: [...new Set(v.scopes)],
      createdById: p.userId,
      createdAt: ctx.deps.clock.now(),
    },
  });
  await audit(ctx, {
    action: 'api_token.create',
    entityType: 'api_token',
    entityId: token.id,
    payload: { name: v.name, scopes: v.scopes },
  });
  return { tokenId: token.id, secret };
}

export async function revoke(ctx: Caller, input: { tokenId: string }) {
  const { tokenId } = parse(tokenIdInput, input);
  const token = await ctx.deps.prisma.apiToken.findUnique({ where: { id: tokenId } });
  if (!token) throw new NotFoundError('API token');
  if (token.revokedAt) return token;
  const updated = await ctx.deps.prisma.apiToken.update({ where: { id: tokenId }, data: { revokedAt: ctx.deps.clock.now() } });
  await audit(ctx, { action: 'api_token.revoke', entityType: 'api_token', entityId: tokenId, payload: { name: token.name } });
  afterCommit(() => ctx.deps.principals.forgetToken(tokenId));
  return updated;
}

export async function list(ctx: Caller, query: { include?: object; select?: object }) {
  return ctx.deps.prisma.apiToken.findMany({ ...query, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
}
