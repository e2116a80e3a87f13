import DataLoader from 'dataloader';
import type { Caller } from './caller.ts';
import { currentTx, type TxState } from '../db/tenant.ts';
import type { FlowProposal, InternalTicket, User } from '../generated/prisma/client.ts';
import { sql } from '../db/tenant.ts';
import { STEP_COLUMNS, type StepRow, walkColumns, type WalkNote, type WalkRow } from './walks/rows.ts';

/**
 * Batched reads for one transaction: lists of walks resolve their users, tickets and proposals in
 * one query each instead of one per row. Keyed by the transaction, so a subscription's next event
 * (a new transaction) never sees the previous event's cache.
 */
export interface Loaders {
  user: DataLoader<string, User | null>;
  /** With `walking` (an active walk is on it) read in the same query: see tickets.status. */
  ticket: DataLoader<string, TicketWithWalking | null>;
  proposal: DataLoader<string, FlowProposal | null>;
  /** A ticket's walks, newest first. */
  walksByTicket: DataLoader<string, WalkRow[]>;
  /** A flow's title by flow id (walk titles on the coverage board and the dashboard). */
  flowTitle: DataLoader<string, string | null>;
  /** A walk's steps in order. */
  steps: DataLoader<string, StepRow[]>;
  /** A walk's notes, for live feed events that did not carry them. */
  walkNotes: DataLoader<string, WalkNote[]>;
}

export type TicketWithWalking = InternalTicket & { walking: boolean };

const TICKET_COLUMNS = `t.id, t.account_id AS "accountId", t.customer_name AS "customerName", t.customer_contact AS "customerContact",
  t.problem_statement AS "problemStatement", t.status, t.created_by AS "createdById", t.assigned_engineer_id AS "assignedEngineerId",
  t.resolution_notes AS "resolutionNotes", t.escalation_reason_category AS "escalationReasonCategory", t.escalation_reason AS "escalationReason",
  t.handoff, t.resolved_at AS "resolvedAt", t.escalated_at AS "escalatedAt", t.created_at AS "createdAt", t.updated_at AS "updatedAt",
  EXISTS (SELECT 1 FROM walk_sessions w WHERE w.internal_ticket_id = t.id AND w.status = 'active') AS walking`;

const byTx = new WeakMap<TxState, Loaders>();

function byId<T extends { id: string }>(rows: T[], ids: readonly string[]): Array<T | null> {
  const m = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => m.get(id) ?? null);
}

export function loaders(ctx: Caller): Loaders {
  const tx = currentTx();
  let l = byTx.get(tx);
  if (l) return l;
  const { prisma } = ctx.deps;
  l = {
    user: new DataLoader(async (ids) => byId(await prisma.user.findMany({ where: { id: { in: [...ids] } } }), ids)),
    ticket: new DataLoader(async (ids) =>
      byId(
        (await sql<TicketWithWalking>(`SELECT ${TICKET_COLUMNS} FROM internal_tickets t WHERE t.id = ANY($1::uuid[])`, [[...ids]])).rows,
        ids,
      ),
    ),
    proposal: new DataLoader(async (ids) => byId(await prisma.flowProposal.findMany({ where: { id: { in: [...ids] } } }), ids)),
    walksByTicket: new DataLoader(async (ids) => {
      const { rows } = await sql<WalkRow>(
        `SELECT ${walkColumns('w')} FROM walk_sessions w WHERE w.internal_ticket_id = ANY($1::uuid[]) ORDER BY w.started_at DESC, w.id`,
        [[...ids]],
      );
      return ids.map((id) => rows.filter((r) => r.internalTicketId === id));
    }),
    flowTitle: new DataLoader(async (ids) => {
      const { rows } = await sql<{ id: string; title: string }>('SELECT id, title FROM flows WHERE id = ANY($1::uuid[])', [[...ids]]);
      const m = new Map(rows.map((r) => [r.id, r.title]));
      return ids.map((id) => m.get(id) ?? null);
    }),
    steps: new DataLoader(async (ids) => {
      const { rows } = await sql<StepRow>(
        `SELECT ${STEP_COLUMNS} FROM walk_steps WHERE session_id = ANY($1::uuid[]) ORDER BY session_id, seq`,
        [[...ids]],
      );
      const m = new Map<string, StepRow[]>(ids.map((id) => [id, []]));
      for (const r of rows) m.get(r.sessionId)?.push(r);
      return ids.map((id) => m.get(id)!);
    }),
    walkNotes: new DataLoader(async (ids) => {
      const { rows } = await sql<{ id: string; notes: WalkNote[] }>('SELECT id, notes FROM walk_sessions WHERE id = ANY($1::uuid[])', [
        [...ids],
      ]);
      const m = new Map(rows.map((r) => [r.id, r.notes]));
      return ids.map((id) => m.get(id) ?? []);
    }),
  };
  byTx.set(tx, l);
  return l;
}
