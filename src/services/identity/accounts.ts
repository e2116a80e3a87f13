import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { z } from 'zod';
import type { Caller } from '../caller.ts';
import { sql, switchTenant } from '../../db/tenant.ts';
import { audit, auditRow } from '../audit/audit.ts';
import { randomToken, sha256Hex } from '../../lib/crypto.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { INVITE_PREFIX, INVITE_TTL_DAYS } from '../seats/invites.ts';
import { requireUser } from './principal.ts';
import { email, name, parse, uuid } from '../validation.ts';

const limit = z.number().int().min(0, 'must be 0 or more').max(100_000).nullable();
const limitsInput = z.object({ accountId: uuid, engineerSeatLimit: limit, l1SeatLimit: limit });

/**
 * Super admin, standing in for billing: set an account's seat limits (null = unlimited). Acts in
 * the target account's tenant for the rest of the operation; the audit row lands there.
 */
export async function setSeatLimits(
  ctx: Caller,
  input: { accountId: string; engineerSeatLimit: number | null; l1SeatLimit: number | null },
) {
  requireUser(ctx);
  const v = parse(limitsInput, input);
  await switchTenant(v.accountId);
  const exists = await sql('SELECT 1 FROM accounts WHERE id = $1', [v.accountId]);
  if (!exists.rowCount) throw new NotFoundError('Account');
  const updated = await sql('UPDATE billing_plans SET engineer_seat_limit = $1, l1_seat_limit = $2, updated_at = now() WHERE is_active', [
    v.engineerSeatLimit,
    v.l1SeatLimit,
  ]);
  if (!updated.rowCount) {
    await sql('INSERT INTO billing_plans (account_id, engineer_seat_limit, l1_seat_limit) VALUES ($1, $2, $3)', [
      v.accountId,
      v.engineerSeatLimit,
      v.l1SeatLimit,
    ]);
  }
  await audit(ctx, {
    accountId: v.accountId,
    action: 'account.seat_limits',
    entityType: 'account',
    entityId: v.accountId,
    payload: { engineerSeatLimit: v.engineerSeatLimit, l1SeatLimit: v.l1SeatLimit },
  });
  return ctx.deps.prisma.account.findUniqueOrThrow({ where: { id: v.accountId } });
}

const seats = z.number().int().min(0).max(100_000).nullable();
const createInput = z.object({ name, ownerEmail: email, engineerSeats: seats, l1Seats: seats });

export interface NewAccount {
  accountId: string;
  slug: string;
  /** The first owner's invite link (single use, INVITE_TTL_DAYS days): they choose their own password. */
  acceptUrl: string;
}

function slugOf(name: string): string {
  const base = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return base || 'account';
}

/**
 * A new tenant (`npm run account:create`): the account, its plan and an owner invite, in one
 * transaction on the jobs role's connection (accounts are created outside any tenant). Nobody's
 * password is chosen or printed here; the owner sets theirs on the join page.
 */
export async function createAccount(
  system: pg.ClientBase,
  input: { name: string; ownerEmail: string; engineerSeats: number | null; l1Seats: number | null },
  opts: { publicUrl: string; now: Date },
): Promise<NewAccount> {
  const v = parse(createInput, input);
  await system.query('BEGIN');
  try {
    const taken = await system.query('SELECT 1 FROM users WHERE email = $1', [v.ownerEmail]);
    if (taken.rowCount) throw ValidationError.of('ownerEmail', `${v.ownerEmail} already has an account here; use another address`);
    let slug = slugOf(v.name);
    const clash = await system.query('SELECT 1 FROM accounts WHERE slug = $1', [slug]);
    if (clash.rowCount) slug = `${slug.slice(0, 70)}-${randomBytes(4).toString('hex')}`;
    const { rows } = await system.query<{ id: string }>('INSERT INTO accounts (name, slug) VALUES ($1, $2) RETURNING id', [v.name, slug]);
    const accountId = rows[0]!.id;
    await system.query('INSERT INTO billing_plans (account_id, engineer_seat_limit, l1_seat_limit) VALUES ($1, $2, $3)', [
      accountId,
      v.engineerSeats,
      v.l1Seats,
    ]);
    const token = randomToken(INVITE_PREFIX);
    const expiresAt = new Date(opts.now.getTime() + INVITE_TTL_DAYS * 24 * 3600 * 1000);
    await system.query(
      `INSERT INTO invites (account_id, email, role, token_hash, expires_at, created_at) VALUES ($1, $2, 'owner', $3, $4, $5)`,
      [accountId, v.ownerEmail, sha256Hex(token), expiresAt, opts.now],
    );
    await system.query(
      auditRow({
        action: 'account.create',
        entityType: 'account',
        actorKind: 'system',
        account: '$1::uuid',
        actor: 'NULL::uuid',
        entityId: '$1::uuid',
        actingAs: 'NULL',
        payload: "jsonb_build_object('ownerEmail', $2::text)",
        at: '$3::timestamptz',
      }),
      [accountId, v.ownerEmail, opts.now],
    );
    await system.query('COMMIT');
    return { accountId, slug, acceptUrl: `${opts.publicUrl}/invite/${token}` };
  } catch (err) {
    await system.query('ROLLBACK');
    throw err;
  }
}
