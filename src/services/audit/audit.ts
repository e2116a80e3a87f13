import DataLoader from 'dataloader';
import type { Caller } from '../caller.ts';
import { currentTx, sql } from '../../db/tenant.ts';
import { filterText } from '../validation.ts';

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
export async function audit(ctx: Caller, e: AuditEntry): Promise<void> {
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

export interface AuditRowSql {
  /** A literal action name from code, e.g. `l1.session.start`. */
  action: string;
  entityType: string;
  /** The CTE (or table) the row is selected from: no row there, no audit row. Without it, exactly one row. */
  from?: string;
  /** SQL expressions over the statement's own parameters and CTEs. */
  account: string;
  actor: string;
  entityId: string;
  actingAs: string;
  payload: string;
  at: string;
  /** Who acted, when it is not a user (the column's default): a system task or an API token. */
  actorKind?: 'user' | 'system' | 'api_token';
}

const LITERAL = /^[a-z0-9_.]+$/;

/**
 * The audit row a statement writes beside its change, as one of its CTEs, so the change and its
 * audit row cost one round trip and land together. Like `audit`, but composed into SQL.
 */
export function auditRow(r: AuditRowSql): string {
  if (!LITERAL.test(r.action) || !LITERAL.test(r.entityType)) throw new Error(`audit action and entity type are literals: ${r.action}`);
  const kind = r.actorKind ? { column: ', actor_kind', value: `, '${r.actorKind}'` } : { column: '', value: '' };
  return `INSERT INTO audit_logs (account_id, actor_id, action, entity_type, entity_id, acting_as, payload, created_at${kind.column})
       SELECT ${r.account}, ${r.actor}, '${r.action}', '${r.entityType}', ${r.entityId}, ${r.actingAs}, ${r.payload}, ${r.at}${kind.value}${r.from ? ` FROM ${r.from}` : ''}`;
}

export interface AuditFilter {
  action?: string | null;
  actingAs?: string | null;
  before?: Date | null;
  first?: number | null;
}

/** The account's audit trail, newest first, filterable by action and by actingAs. */
export async function list(ctx: Caller, query: { include?: object; select?: object }, f: AuditFilter) {
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

export interface AuditSubject {
  type: string;
  id: string;
  /** What people call it: a member's name, a flow's title, a call's problem. */
  name: string;
}

// One query per entity type for a page of audit rows, however many rows name it.
const SUBJECT_SQL: Record<string, string> = {
  user: 'SELECT id::text, name FROM users WHERE id = ANY($1::uuid[])',
  invite: 'SELECT id::text, email AS name FROM invites WHERE id = ANY($1::uuid[])',
  api_token: 'SELECT id::text, name FROM api_tokens WHERE id = ANY($1::uuid[])',
  flow: 'SELECT id::text, title AS name FROM flows WHERE id = ANY($1::uuid[])',
  kb_document: 'SELECT id::text, title AS name FROM kb_documents WHERE id = ANY($1::uuid[])',
  proposal: 'SELECT id::text, title AS name FROM flow_proposals WHERE id = ANY($1::uuid[])',
  account: 'SELECT id::text, name FROM accounts WHERE id = ANY($1::uuid[])',
  ticket: `SELECT id::text, coalesce(nullif(customer_name, '') || ': ', '') || left(problem_statement, 120) AS name
           FROM internal_tickets WHERE id = ANY($1::uuid[])`,
  walk_session: `SELECT w.id::text, coalesce(nullif(t.customer_name, '') || ': ', '') || left(t.problem_statement, 120) AS name
                 FROM walk_sessions w JOIN internal_tickets t ON t.id = w.internal_ticket_id WHERE w.id = ANY($1::uuid[])`,
};

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const subjectLoaders = new WeakMap<object, DataLoader<string, AuditSubject | null>>();

/** The entity an audit row acted on, by name (batched per transaction; null once it is gone). */
export function subject(entityType: string | null, entityId: string | null): Promise<AuditSubject | null> {
  if (!entityType || !entityId || !SUBJECT_SQL[entityType] || !UUID_RE.test(entityId)) return Promise.resolve(null);
  const tx = currentTx();
  let loader = subjectLoaders.get(tx);
  if (!loader) {
    loader = new DataLoader(async (keys) => {
      const byType = new Map<string, string[]>();
      for (const k of keys) {
        const [type, id] = k.split(':') as [string, string];
        byType.set(type, [...(byType.get(type) ?? []), id]);
      }
      const found = new Map<string, AuditSubject>();
      for (const [type, ids] of byType) {
        const { rows } = await sql<{ id: string; name: string }>(SUBJECT_SQL[type]!, [ids]);
        for (const r of rows) found.set(`${type}:${r.id}`, { type, id: r.id, name: r.name });
      }
      return keys.map((k) => found.get(k) ?? null);
    });
    subjectLoaders.set(tx, loader);
  }
  return loader.load(`${entityType}:${entityId.toLowerCase()}`);
}

/** A person the payload names besides the subject: whom a call was taken from, who joined. */
export function relatedUserId(action: string, payload: unknown): string | null {
  const p = (payload ?? {}) as Record<string, unknown>;
  const id = action === 'l1.session.takeover' ? p.from : action === 'invite.accept' ? p.userId : null;
  return typeof id === 'string' && UUID_RE.test(id) ? id : null;
}
