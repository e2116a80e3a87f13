import { z } from 'zod';
import type { Caller } from '../caller.ts';
import { afterCommit, sql } from '../../db/tenant.ts';
import { audit } from '../audit/audit.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { requireUser, type Role, ROLES } from './principal.ts';
import { authChanged } from './principal-cache.ts';
import { assertSeatAvailable, isSeatRole } from '../seats/seats.ts';
import { parse, uuid } from '../validation.ts';

type Query = { include?: object; select?: object };

export async function me(ctx: Caller, query: Query) {
  const p = requireUser(ctx);
  const user = await ctx.deps.prisma.user.findUnique({ ...query, where: { id: p.userId } });
  if (!user) throw new NotFoundError('User');
  return user;
}

export async function list(ctx: Caller, query: Query, opts: { includeInactive: boolean }) {
  return ctx.deps.prisma.user.findMany({
    ...query,
    where: { deletedAt: null, ...(opts.includeInactive ? {} : { isActive: true }) },
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
  });
}

/** The target user in the caller's account, locked for the change. Another account's id is NotFound. */
async function lockTarget(userId: string) {
  const { rows } = await sql<{ id: string; role: Role; is_active: boolean; can_cover_l1: boolean; name: string }>(
    'SELECT id, role, is_active, can_cover_l1, name FROM users WHERE id = $1 AND deleted_at IS NULL FOR UPDATE',
    [userId],
  );
  if (!rows[0]) throw new NotFoundError('User');
  return rows[0];
}

/**
 * Membership changes in an account are serialised on its row (always taken before the seat lock on
 * the plan, so the two never deadlock): two owners demoting each other cannot both see "another
 * owner remains".
 */
export async function lockMembership(accountId: string): Promise<void> {
  await sql('SELECT id FROM accounts WHERE id = $1 FOR UPDATE', [accountId]);
}

/** Owners other than `userId` who can still sign in; the account must always keep one. */
async function otherActiveOwners(userId: string): Promise<number> {
  const { rows } = await sql<{ n: number }>(
    `SELECT count(*)::int AS n FROM users WHERE role = 'owner' AND is_active AND deleted_at IS NULL AND id <> $1`,
    [userId],
  );
  return rows[0]?.n ?? 0;
}

function announce(ctx: Caller, userId: string, kind: string) {
  afterCommit(() => authChanged(ctx.deps, userId, { kind }));
}

const roleInput = z.object({ userId: uuid, role: z.enum(ROLES) });

export async function changeRole(ctx: Caller, input: { userId: string; role: string }) {
  const p = requireUser(ctx);
  const { userId, role } = parse(roleInput, input);
  await lockMembership(p.accountId);
  const target = await lockTarget(userId);
  if (target.role === role) return ctx.deps.prisma.user.findUniqueOrThrow({ where: { id: userId } });
  const callerIsOwner = p.role === 'owner' || p.isSuperAdmin;
  if ((role === 'owner' || target.role === 'owner') && !callerIsOwner) {
    throw ValidationError.of('role', 'Only an owner can make someone an owner or take the owner role away.');
  }
  if (target.role === 'owner' && target.is_active && (await otherActiveOwners(userId)) === 0) {
    throw new ConflictError('last_owner', `${target.name} is the team’s only owner; make someone else owner first.`);
  }
  if (target.is_active) await assertSeatAvailable(ctx, role);
  const user = await ctx.deps.prisma.user.update({
    where: { id: userId },
    data: { role, ...(role !== 'engineer' ? { canCoverL1: false } : {}) },
  });
  await audit(ctx, { action: 'user.role_change', entityType: 'user', entityId: userId, payload: { from: target.role, to: role } });
  announce(ctx, userId, 'role_changed');
  return user;
}

const coverageInput = z.object({ userId: uuid, canCoverL1: z.boolean() });

export async function setCoverage(ctx: Caller, input: { userId: string; canCoverL1: boolean }) {
  const { userId, canCoverL1 } = parse(coverageInput, input);
  const target = await lockTarget(userId);
  if (target.role !== 'engineer') {
    throw ValidationError.of('userId', 'Only engineers can cover the L1 desk; change their role to Engineer first.');
  }
  const user = await ctx.deps.prisma.user.update({ where: { id: userId }, data: { canCoverL1 } });
  if (target.can_cover_l1 !== canCoverL1) {
    await audit(ctx, { action: 'user.coverage_change', entityType: 'user', entityId: userId, payload: { canCoverL1 } });
    announce(ctx, userId, 'coverage_changed');
  }
  return user;
}

const idInput = z.object({ userId: uuid });

export async function deactivate(ctx: Caller, input: { userId: string }) {
  const p = requireUser(ctx);
  const { userId } = parse(idInput, input);
  if (userId === p.userId) throw ValidationError.of('userId', 'You cannot deactivate yourself; ask another admin or owner.');
  await lockMembership(p.accountId);
  const target = await lockTarget(userId);
  if (target.role === 'owner' && !(p.role === 'owner' || p.isSuperAdmin)) {
    throw ValidationError.of('userId', 'Only an owner can deactivate an owner.');
  }
  if (!target.is_active) return ctx.deps.prisma.user.findUniqueOrThrow({ where: { id: userId } });
  if (target.role === 'owner' && (await otherActiveOwners(userId)) === 0) {
    throw new ConflictError('last_owner', `${target.name} is the team’s only owner; make someone else owner first.`);
  }
  const now = ctx.deps.clock.now();
  const user = await ctx.deps.prisma.user.update({ where: { id: userId }, data: { isActive: false } });
  // A deactivated user is signed out everywhere.
  await sql(`UPDATE auth_sessions SET revoked_at = $2, revoked_reason = 'deactivated' WHERE user_id = $1 AND revoked_at IS NULL`, [
    userId,
    now,
  ]);
  await audit(ctx, { action: 'user.deactivate', entityType: 'user', entityId: userId });
  announce(ctx, userId, 'deactivated');
  return user;
}

export async function reactivate(ctx: Caller, input: { userId: string }) {
  const p = requireUser(ctx);
  const { userId } = parse(idInput, input);
  await lockMembership(p.accountId);
  const target = await lockTarget(userId);
  if (target.is_active) return ctx.deps.prisma.user.findUniqueOrThrow({ where: { id: userId } });
  if (isSeatRole(target.role)) await assertSeatAvailable(ctx, target.role);
  const user = await ctx.deps.prisma.user.update({ where: { id: userId }, data: { isActive: true } });
  await audit(ctx, { action: 'user.reactivate', entityType: 'user', entityId: userId });
  return user;
}
