import type { Context } from '../context.ts';
import { sql } from '../db/tenant.ts';
import { actingAs as actingAsOf } from './principal.ts';
import { filterText } from './validation.ts';

export interface AuditEntry {
  action: string;
  entityType?: string;
  entityId?: string | null;
  payload?: Record<string, unknown>;
  /** Defaults to the principal: a coverer on the L1 surface is "l1_coverage". */
  actingAs?: 'l1_coverage' | null;
  /** Defaults to the principal's account (a super admin acting on another account names it). */
  accountId?: string;
}

/**
 * One audit row in the current transaction, so it lands exactly when the change does. The request
 * role may only insert and read these rows.
 */
export async function audit(ctx: Context, e: AuditEntry): Promise<void> {
  const p = ctx.principal;
  const accountId = e.accountId ?? (p.kind === 'anonymous' ? null : p.accountId);
  if (!accountId) throw new Error('audit needs an account');
  await sql(
    `INSERT INTO audit_logs (account_id, actor_id, actor_kind, action, entity_type, entity_id, acting_as, payload, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      accountId,
      p.kind === 'user' ? p.userId : null,
      p.kind === 'apiToken' ? 'api_token' : 'user',
      e.action,
      e.entityType ?? null,
      e.entityId ?? null,
      e.actingAs === undefined ? null : e.actingAs,
      JSON.stringify(e.payload ?? {}),
      ctx.deps.clock.now(),
    ],
  );
}

/** For L1-surface actions: tagged with the principal's coverage role. */
export function l1Audit(ctx: Context, e: Omit<AuditEntry, 'actingAs'>): Promise<void> {
  return audit(ctx, { ...e, actingAs: actingAsOf(ctx.principal) });
}

export interface AuditFilter {
  action?: string | null;
  actingAs?: string | null;
  before?: Date | null;
  first?: number | null;
}

/** The account's audit trail, newest first, filterable by action and by actingAs. */
export async function list(ctx: Context, query: { include?: object; select?: object }, f: AuditFilter) {
  const take = Math.min(Math.max(f.first ?? 50, 1), 200);
  const action = filterText(f.action, 100);
  const actingAs = filterText(f.actingAs, 50);
  return ctx.deps.prisma.auditLog.findMany({
    ...query,
    where: {
      ...(action ? { action } : {}),
      ...(actingAs === 'none' ? { actingAs: null } : actingAs ? { actingAs } : {}),
      ...(f.before ? { createdAt: { lt: f.before } } : {}),
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take,
  });
}
