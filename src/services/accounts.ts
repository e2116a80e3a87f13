import { z } from 'zod';
import type { Context } from '../context.ts';
import { sql, switchTenant } from '../db/tenant.ts';
import { audit } from './audit.ts';
import { NotFoundError } from './errors.ts';
import { requireUser } from './principal.ts';
import { parse, uuid } from './validation.ts';

export async function current(ctx: Context, query: { include?: object; select?: object }) {
  const p = ctx.principal;
  if (p.kind === 'anonymous') throw new NotFoundError('Account');
  return ctx.deps.prisma.account.findUniqueOrThrow({ ...query, where: { id: p.accountId } });
}

const limit = z.number().int().min(0, 'must be 0 or more').max(100_000).nullable();
const limitsInput = z.object({ accountId: uuid, engineerSeatLimit: limit, l1SeatLimit: limit });

/**
 * Super admin, standing in for billing: set an account's seat limits (null = unlimited). Acts in
 * the target account's tenant for the rest of the operation; the audit row lands there.
 */
export async function setSeatLimits(
  ctx: Context,
  input: { accountId: string; engineerSeatLimit: number | null; l1SeatLimit: number | null },
) {
  requireUser(ctx);
  const v = parse(limitsInput, input);
  await switchTenant(v.accountId);
  const exists = await sql('SELECT 1 FROM accounts WHERE id = $1', [v.accountId]);
  if (!exists.rowCount) throw new NotFoundError('Account');
  const updated = await sql(
    'UPDATE billing_plans SET engineer_seat_limit = $1, l1_seat_limit = $2, updated_at = now() WHERE is_active',
    [v.engineerSeatLimit, v.l1SeatLimit],
  );
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
