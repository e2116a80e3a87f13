import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { sql } from '../../db/tenant.ts';
import type { Caller } from '../caller.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { type FlowNode, type NodeInput, normaliseNodes } from '../flows/graph.ts';
import { versionNodes } from '../flows/flows.ts';
import { requireUser, type UserPrincipal } from '../identity/principal.ts';
import { loaders } from '../loaders.ts';
import { auditRow } from '../audit/audit.ts';
import { parse, uuid } from '../validation.ts';
import { STEP_COLUMNS, type StepRow, walkColumns, type WalkRow } from './rows.ts';

// What every walk write shares: the pinned tree of a walk, reading one walk, and why a conditional
// write to a walk matched nothing.

// Input schemas are built once: zod compiles each on its first parse.
export const sessionIdInput = z.object({ sessionId: uuid });

// ---------------------------------------------------------------------------------------------
// Pins: what a walk walks never changes after intake, so it is cached by walk id (with its account,
// checked against the current tenant, so a cache entry can never answer for another account).

interface Pin {
  accountId: string;
  kind: WalkRow['kind'];
  flowVersionId: string | null;
  proposalId: string | null;
}
const pins = new LRUCache<string, Pin>({ max: 50_000 });

export function remember(id: string, pin: Pin) {
  pins.set(id, pin);
}

/** An ended walk takes no more steps: drop its pin so the cache holds live walks only. */
export function forgetPin(walkId: string): void {
  pins.delete(walkId);
}

export async function pinOf(ctx: Caller, walkId: string): Promise<Pin> {
  const p = requireUser(ctx);
  const hit = pins.get(walkId);
  if (hit && hit.accountId === p.accountId) return hit;
  const { rows } = await sql<Pin>(
    `SELECT account_id AS "accountId", kind, flow_version_id AS "flowVersionId", proposal_id AS "proposalId" FROM walk_sessions WHERE id = $1`,
    [walkId],
  );
  if (!rows[0]) throw new NotFoundError('Walk');
  remember(walkId, rows[0]);
  return rows[0];
}

/** The tree a walk follows: its pinned flow version, or its proposal. */
export async function walkNodes(
  ctx: Caller,
  w: { kind: string; flowVersionId: string | null; proposalId: string | null },
): Promise<Map<string, FlowNode> | null> {
  if (w.flowVersionId) return versionNodes(w.flowVersionId);
  if (w.proposalId) {
    const proposal = await loaders(ctx).proposal.load(w.proposalId);
    return new Map(normaliseNodes((proposal?.nodes ?? []) as NodeInput[]).map((n) => [n.id, n]));
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Reading

export async function get(ctx: Caller, walkId: string): Promise<WalkRow> {
  const { sessionId } = parse(sessionIdInput, { sessionId: walkId });
  const { rows } = await sql<WalkRow>(`SELECT ${walkColumns('w')} FROM walk_sessions w WHERE w.id = $1`, [sessionId]);
  if (!rows[0]) throw new NotFoundError('Walk');
  return rows[0];
}

export async function steps(walkId: string): Promise<StepRow[]> {
  const { rows } = await sql<StepRow>(`SELECT ${STEP_COLUMNS} FROM walk_steps WHERE session_id = $1 ORDER BY seq`, [walkId]);
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Refusals shared by every write to a walk

/** Why a conditional write to a walk matched nothing, as the typed error the caller should get. */
export async function refusal(
  ctx: Caller,
  walkId: string,
  actor: UserPrincipal,
  expectedVersion: number | null | undefined,
): Promise<Error> {
  const { rows } = await sql<{ status: string; version: number; handler_user_id: string; handler_name: string }>(
    `SELECT w.status, w.version, w.handler_user_id, u.name AS handler_name FROM walk_sessions w JOIN users u ON u.id = w.handler_user_id WHERE w.id = $1`,
    [walkId],
  );
  const w = rows[0];
  if (!w) return new NotFoundError('Walk');
  if (w.status !== 'active')
    return new ConflictError(
      'walk_not_active',
      `This call was already ${w.status === 'abandoned' ? 'closed after being left idle' : w.status}; it cannot be changed any more.`,
      w.version,
    );
  if (w.handler_user_id !== actor.userId) {
    return new ConflictError('not_handler', `${w.handler_name} is handling this call now; take it over to continue.`, w.version);
  }
  if (expectedVersion != null && expectedVersion !== w.version) {
    return new ConflictError('stale_version', 'Someone else changed this call a moment ago; reload it to see the latest.', w.version);
  }
  return new ConflictError('state_changed', 'This call changed a moment ago; reload it to see the latest.', w.version);
}

/**
 * The audit row of a change to the walk a statement's `w` CTE returns (its account, the walk as
 * entity): a CTE body, so the change and its audit row are one statement.
 */
export function walkAuditRow(action: string, sql: { actor: string; actingAs: string; at: string; payload: string }): string {
  return auditRow({ action, entityType: 'walk_session', from: 'w', account: 'w.account_id', entityId: 'w.id', ...sql });
}
