import { z } from 'zod';
import type { Caller } from '../caller.ts';
import { savepoint, sql, switchTenant } from '../../db/tenant.ts';
import { randomToken, sha256Hex } from '../../lib/crypto.ts';
import { hashPassword } from '../../lib/passwords.ts';
import { audit } from '../audit/audit.ts';
import { AppError, InviteInvalid, isUniqueViolation, NotFoundError, ValidationError } from '../errors.ts';
import { requireUser, type Role, ROLES, userPrincipal } from '../identity/principal.ts';
import { assertSeatAvailable } from './seats.ts';
import { effectivePolicy } from '../identity/session-policy.ts';
import { type SessionTokens, startSession } from '../identity/sign-in.ts';
import { lockMembership } from '../identity/users.ts';
import { email, name, parse, password, uuid } from '../validation.ts';

// Input schemas are built once: zod compiles each on its first parse.
const inviteIdInput = z.object({ inviteId: uuid });

export const INVITE_TTL_DAYS = 7;
export const INVITE_PREFIX = 'inv_';

export interface CreatedInvite {
  inviteId: string;
  /** The secret link, returned once; only its SHA-256 is stored. */
  acceptUrl: string;
  token: string;
}

const inviteInput = z.object({
  email,
  role: z
    .enum(ROLES)
    .refine(
      (r) => r !== 'owner',
      'An invite cannot make someone an owner. Invite them as an admin, then make them owner on the Users page.',
    ),
});

/**
 * Invites an address to the caller's account. Only the token's SHA-256 is kept; the link is
 * returned once. An existing member or an open invite for the address is a ValidationError; a
 * seat-taking role is checked against the plan now and again at acceptance.
 */
export async function create(ctx: Caller, input: { email: string; role: string }): Promise<CreatedInvite> {
  const p = requireUser(ctx);
  const v = parse(inviteInput, input);
  const now = ctx.deps.clock.now();
  const member = await sql('SELECT 1 FROM users WHERE email = $1 AND deleted_at IS NULL', [v.email]);
  if (member.rowCount) throw ValidationError.of('email', `${v.email} is already a member of this team.`);
  // Expired invites no longer block a new one.
  await sql(`UPDATE invites SET revoked_at = $2 WHERE email = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at <= $2`, [
    v.email,
    now,
  ]);
  const open = await sql('SELECT 1 FROM invites WHERE email = $1 AND accepted_at IS NULL AND revoked_at IS NULL', [v.email]);
  // A second invite never silently replaces the first link: the admin chooses to resend (the old
  // link stops working) or to revoke.
  if (open.rowCount) {
    throw ValidationError.of('email', `${v.email} is already invited. Resend the invite (the old link stops working) or revoke it.`);
  }
  await assertSeatAvailable(ctx, v.role);
  const token = randomToken(INVITE_PREFIX);
  const expiresAt = new Date(now.getTime() + INVITE_TTL_DAYS * 24 * 3600 * 1000);
  const invite = await ctx.deps.prisma.invite.create({
    data: {
      accountId: p.accountId,
      email: v.email,
      role: v.role,
      tokenHash: sha256Hex(token),
      expiresAt,
      invitedById: p.userId,
      createdAt: now,
    },
  });
  await audit(ctx, { action: 'invite.create', entityType: 'invite', entityId: invite.id, payload: { email: v.email, role: v.role } });
  return { inviteId: invite.id, token, acceptUrl: `${linkBase(ctx)}/invite/${token}` };
}

/**
 * Links carry a secret, so their host is configuration, never the request's Host header (which a
 * proxy or a crafted request can set): PUBLIC_URL, required in production, else localhost.
 */
function linkBase(ctx: Caller): string {
  return ctx.deps.config.publicUrl.replace(/\/$/, '');
}

/**
 * A new link for a pending (or expired) invite; the old link stops working at once. The invite
 * keeps its role and gets a fresh week. An expired invite held no seat, so it needs a free one now.
 */
export async function resend(ctx: Caller, input: { inviteId: string }): Promise<CreatedInvite> {
  requireUser(ctx);
  const { inviteId } = parse(inviteIdInput, input);
  const now = ctx.deps.clock.now();
  const { rows } = await sql<{
    id: string;
    email: string;
    role: Role;
    expires_at: Date;
    accepted_at: Date | null;
    revoked_at: Date | null;
  }>('SELECT id, email, role, expires_at, accepted_at, revoked_at FROM invites WHERE id = $1 FOR UPDATE', [inviteId]);
  const invite = rows[0];
  if (!invite) throw new NotFoundError('Invite');
  if (invite.accepted_at) throw ValidationError.of('inviteId', `${invite.email} already accepted this invite and is a member.`);
  if (invite.revoked_at) throw ValidationError.of('inviteId', 'This invite was revoked. Create a new invite instead.');
  const member = await sql('SELECT 1 FROM users WHERE email = $1 AND deleted_at IS NULL', [invite.email]);
  if (member.rowCount) throw ValidationError.of('inviteId', `${invite.email} is already a member of this team.`);
  if (invite.expires_at.getTime() <= now.getTime()) {
    // An expired invite may have been followed by a new one for the same address.
    const newer = await sql(
      'SELECT 1 FROM invites WHERE email = $1 AND id <> $2 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $3',
      [invite.email, invite.id, now],
    );
    if (newer.rowCount) throw ValidationError.of('inviteId', `${invite.email} has a newer invite; resend that one instead.`);
    await assertSeatAvailable(ctx, invite.role);
  }
  const token = randomToken(INVITE_PREFIX);
  const expiresAt = new Date(now.getTime() + INVITE_TTL_DAYS * 24 * 3600 * 1000);
  await sql('UPDATE invites SET token_hash = $2, expires_at = $3 WHERE id = $1', [invite.id, sha256Hex(token), expiresAt]);
  await audit(ctx, {
    action: 'invite.resend',
    entityType: 'invite',
    entityId: invite.id,
    payload: { email: invite.email, role: invite.role },
  });
  return { inviteId: invite.id, token, acceptUrl: `${linkBase(ctx)}/invite/${token}` };
}

export interface InvitePreview {
  accountName: string;
  email: string;
  role: Role;
  inviterName: string | null;
  expiresAt: Date;
}

/**
 * What the join page shows before anyone types a password: the team, the role and who invited
 * them. Keyed by the secret token alone; an unknown, malformed, used, revoked or expired token all
 * answer the same InviteInvalid, so the query cannot be used to find invites or accounts.
 */
export async function preview(ctx: Caller, input: { token: string }): Promise<InvitePreview> {
  const token = typeof input.token === 'string' ? input.token : '';
  if (!TOKEN_RE.test(token)) throw new InviteInvalid();
  const hash = sha256Hex(token);
  const found = await sql<{ account_id: string | null }>('SELECT l1_auth.account_for_invite($1) AS account_id', [hash]);
  const accountId = found.rows[0]?.account_id;
  if (!accountId) throw new InviteInvalid();
  await switchTenant(accountId);
  const { rows } = await sql<{
    account_name: string;
    email: string;
    role: Role;
    inviter: string | null;
    expires_at: Date;
    accepted_at: Date | null;
    revoked_at: Date | null;
  }>(
    `SELECT a.name AS account_name, i.email, i.role, u.name AS inviter, i.expires_at, i.accepted_at, i.revoked_at
     FROM invites i JOIN accounts a ON a.id = i.account_id LEFT JOIN users u ON u.id = i.invited_by
     WHERE i.token_hash = $1`,
    [hash],
  );
  const i = rows[0];
  if (!i || i.accepted_at || i.revoked_at || i.expires_at.getTime() <= ctx.deps.clock.now().getTime()) throw new InviteInvalid();
  return { accountName: i.account_name, email: i.email, role: i.role, inviterName: i.inviter, expiresAt: i.expires_at };
}

export type BulkRow = CreatedInvite | AppError;

/** Several invites; each row succeeds or fails on its own (a refused row keeps its typed error). */
export async function createMany(ctx: Caller, rows: Array<{ email: string; role: string }>): Promise<BulkRow[]> {
  if (rows.length === 0) throw ValidationError.of('invites', 'Add at least one person to invite.');
  if (rows.length > 100) throw ValidationError.of('invites', 'Invite at most 100 people at once.');
  const out: BulkRow[] = [];
  for (const row of rows) {
    try {
      out.push(await savepoint(() => create(ctx, row)));
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      out.push(err);
    }
  }
  return out;
}

export async function revoke(ctx: Caller, input: { inviteId: string }) {
  const { inviteId } = parse(inviteIdInput, input);
  const invite = await ctx.deps.prisma.invite.findUnique({ where: { id: inviteId } });
  if (!invite) throw new NotFoundError('Invite');
  if (invite.acceptedAt)
    throw ValidationError.of('inviteId', 'This invite was already accepted; deactivate the member instead if they should not have access.');
  if (invite.revokedAt) return invite;
  const updated = await ctx.deps.prisma.invite.update({ where: { id: inviteId }, data: { revokedAt: ctx.deps.clock.now() } });
  await audit(ctx, { action: 'invite.revoke', entityType: 'invite', entityId: inviteId, payload: { email: invite.email } });
  return updated;
}

export async function list(ctx: Caller, query: { include?: object; select?: object }) {
  return ctx.deps.prisma.invite.findMany({ ...query, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: 200 });
}

export function inviteStatus(i: { acceptedAt: Date | null; revokedAt: Date | null; expiresAt: Date }, now: Date) {
  if (i.acceptedAt) return 'accepted';
  if (i.revokedAt) return 'revoked';
  if (i.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'pending';
}

const TOKEN_RE = /^inv_[A-Za-z0-9_-]{20,100}$/;

const acceptInput = z.object({
  token: z.string().regex(TOKEN_RE, 'is not a valid invite link'),
  name,
  password,
});

/**
 * Accepting creates the user and signs them in. The invite row is locked (single use), then the
 * account (membership) and the plan (seats): of many concurrent accepts for the last seat, one
 * creates a user and the rest get SeatLimitExceeded.
 */
export async function accept(ctx: Caller, input: { token: string; name: string; password: string }): Promise<SessionTokens> {
  let v: z.infer<typeof acceptInput>;
  try {
    v = parse(acceptInput, input);
  } catch (err) {
    // A malformed token reads the same as an unknown one.
    if (err instanceof ValidationError && err.issues.some((i) => i.path[0] === 'token')) throw new InviteInvalid();
    throw err;
  }
  const hash = sha256Hex(v.token);
  const found = await sql<{ account_id: string | null }>('SELECT l1_auth.account_for_invite($1) AS account_id', [hash]);
  const accountId = found.rows[0]?.account_id;
  if (!accountId) throw new InviteInvalid();
  await switchTenant(accountId);
  const now = ctx.deps.clock.now();
  const load = async (lock: boolean) => {
    const { rows } = await sql<{
      id: string;
      email: string;
      role: Role;
      expires_at: Date;
      accepted_at: Date | null;
      revoked_at: Date | null;
    }>(`SELECT id, email, role, expires_at, accepted_at, revoked_at FROM invites WHERE token_hash = $1${lock ? ' FOR UPDATE' : ''}`, [
      hash,
    ]);
    const i = rows[0];
    if (!i || i.accepted_at || i.revoked_at || i.expires_at.getTime() <= now.getTime()) throw new InviteInvalid();
    return i;
  };
  await load(false);
  // Hash before taking any lock: argon2 is deliberately slow and must not hold up other accepts.
  const passwordHash = await hashPassword(v.password);
  const invite = await load(true);
  await lockMembership(accountId);
  // The invite already holds its seat: accepting converts it into a member.
  await assertSeatAvailable(ctx, invite.role, { heldByInvite: true });
  // An address registered in any account (this one or another) answers exactly like an invalid
  // invite: saying "already has an account" would let one tenant probe another's users.
  const taken = await sql<{ account_id: string | null }>('SELECT l1_auth.account_for_email($1) AS account_id', [invite.email]);
  if (taken.rows[0]?.account_id) throw new InviteInvalid();
  const user = await savepoint(() =>
    ctx.deps.prisma.user.create({
      data: { accountId, email: invite.email, name: v.name, passwordHash, role: invite.role, lastLoginAt: now },
      include: { account: true },
    }),
  ).catch((err: unknown) => {
    // The same address accepted in another account a moment ago.
    if (isUniqueViolation(err)) throw new InviteInvalid();
    throw err;
  });
  await sql('UPDATE invites SET accepted_at = $2, accepted_user_id = $3 WHERE id = $1', [invite.id, now, user.id]);
  const tokens = await startSession(ctx, { userId: user.id, accountId, policy: effectivePolicy(user.account), now });
  ctx.principal = userPrincipal(user, { sessionId: tokens.sessionId, expiresAt: tokens.accessTokenExpiresAt });
  await audit(ctx, { action: 'invite.accept', entityType: 'invite', entityId: invite.id, payload: { userId: user.id, role: invite.role } });
  return tokens;
}
