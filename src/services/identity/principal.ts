import type { User } from '../../generated/prisma/client.ts';
import { sha256Hex } from '../../lib/crypto.ts';
import type { AccessClaims } from '../../lib/jwt.ts';
import { isUuid } from '../../db/tenant.ts';

export const ROLES = ['owner', 'admin', 'engineer', 'l1_tech', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const API_TOKEN_PREFIX = 'l1k_';

/** What the request presented, checked without the database. */
export type Credentials =
  | { kind: 'none' }
  | { kind: 'invalid'; reason: 'expired' | 'invalid' }
  | { kind: 'jwt'; claims: AccessClaims }
  | { kind: 'apiToken'; hash: string };

export interface UserPrincipal {
  kind: 'user';
  userId: string;
  accountId: string;
  sessionId: string;
  email: string;
  name: string;
  role: Role;
  isSuperAdmin: boolean;
  canCoverL1: boolean;
  /** Token expiry (seconds since epoch): sockets close when it passes. */
  expiresAt: number;
}

/** The user columns a principal is made of, named as Prisma names them. */
export type PrincipalUser = Pick<User, 'id' | 'accountId' | 'email' | 'name' | 'role' | 'isSuperAdmin' | 'canCoverL1'>;

/** The principal of a user signed in through `sessionId`, until its access token expires. */
export function userPrincipal(u: PrincipalUser, session: { sessionId: string; expiresAt: Date }): UserPrincipal {
  return {
    kind: 'user',
    userId: u.id,
    accountId: u.accountId,
    sessionId: session.sessionId,
    email: u.email,
    name: u.name,
    role: u.role as Role,
    isSuperAdmin: u.isSuperAdmin,
    canCoverL1: u.canCoverL1,
    expiresAt: Math.floor(session.expiresAt.getTime() / 1000),
  };
}

export interface ApiTokenPrincipal {
  kind: 'apiToken';
  tokenId: string;
  accountId: string;
  scopes: string[];
}

export type Principal = { kind: 'anonymous'; reason: null | 'expired' | 'invalid' | 'revoked' } | UserPrincipal | ApiTokenPrincipal;

export const ANONYMOUS: Principal = { kind: 'anonymous', reason: null };

export async function parseCredentials(
  authorization: string | null,
  verify: (token: string) => Promise<{ ok: true; claims: AccessClaims } | { ok: false; reason: 'expired' | 'invalid' }>,
): Promise<Credentials> {
  if (!authorization) return { kind: 'none' };
  const m = /^Bearer\s+(\S{1,4096})$/i.exec(authorization.trim());
  if (!m?.[1]) return { kind: 'invalid', reason: 'invalid' };
  const token = m[1];
  if (token.startsWith(API_TOKEN_PREFIX)) {
    return /^l1k_[A-Za-z0-9_-]{20,100}$/.test(token)
      ? { kind: 'apiToken', hash: sha256Hex(token) }
      : { kind: 'invalid', reason: 'invalid' };
  }
  const v = await verify(token);
  if (!v.ok) return { kind: 'invalid', reason: v.reason };
  if (!isUuid(v.claims.sub) || !isUuid(v.claims.acc) || !isUuid(v.claims.sid)) return { kind: 'invalid', reason: 'invalid' };
  return { kind: 'jwt', claims: v.claims };
}

/** The tenant to set, and the statement that loads the principal in the same round trip. */
export function principalPrelude(c: Credentials): { accountId: string | null; prelude?: string } {
  if (c.kind === 'jwt') {
    // Literals are safe: all three were checked as UUIDs above, inside a verified token.
    return {
      accountId: c.claims.acc,
      // Columns named as Prisma names them, so the row is a PrincipalUser like any other user row.
      prelude: `SELECT u.id, u.account_id AS "accountId", u.email, u.name, u.role, u.is_super_admin AS "isSuperAdmin",
        u.can_cover_l1 AS "canCoverL1", u.is_active AS "isActive", u.deleted_at AS "deletedAt",
        s.revoked_at AS "sessionRevokedAt", s.id AS "sessionId"
        FROM users u LEFT JOIN auth_sessions s ON s.id = '${c.claims.sid}' AND s.user_id = u.id
        WHERE u.id = '${c.claims.sub}'`,
    };
  }
  if (c.kind === 'apiToken') {
    // The token's account becomes the tenant for the rest of the transaction.
    return {
      accountId: null,
      prelude: `SELECT set_config('app.current_account_id', t.account_id::text, true) AS tenant, t.id, t.account_id, t.scopes,
        t.last_used_at FROM l1_auth.api_token('${c.hash}') t`,
    };
  }
  return { accountId: null };
}

type PreludeUser = PrincipalUser & { isActive: boolean; deletedAt: Date | null; sessionId: string | null; sessionRevokedAt: Date | null };

export function principalFromPrelude(c: Credentials, rows: Record<string, unknown>[]): Principal {
  if (c.kind === 'invalid') return { kind: 'anonymous', reason: c.reason };
  if (c.kind === 'jwt') {
    const r = rows[0] as PreludeUser | undefined;
    if (!r || !r.isActive || r.deletedAt || !r.sessionId || r.sessionRevokedAt) {
      return { kind: 'anonymous', reason: 'revoked' };
    }
    return userPrincipal(r, { sessionId: r.sessionId, expiresAt: new Date(c.claims.exp * 1000) });
  }
  if (c.kind === 'apiToken') {
    const r = rows[0];
    if (!r) return { kind: 'anonymous', reason: 'invalid' };
    return { kind: 'apiToken', tokenId: r.id as string, accountId: r.account_id as string, scopes: r.scopes as string[] };
  }
  return ANONYMOUS;
}

/** The account whose rows this principal may see (null: none). */
export function principalAccount(p: Principal): string | null {
  return p.kind === 'anonymous' ? null : p.accountId;
}

export function requireUser(ctx: { principal: Principal }): UserPrincipal {
  if (ctx.principal.kind !== 'user') throw new Error('a signed-in user is required');
  return ctx.principal;
}

/**
 * An engineer who covers the L1 desk (canCoverL1) acts "as coverage" there: the seed's rule, so
 * the audit log can tell coverage work from an engineer's own. L1 techs, owners and admins work
 * the desk as themselves (null): the desk is part of their role, not a stand-in for it.
 */
export function actingAs(p: Principal): 'l1_coverage' | null {
  return p.kind === 'user' && p.role === 'engineer' && p.canCoverL1 ? 'l1_coverage' : null;
}
