import DataLoader from 'dataloader';
import type { Context } from '../context.ts';
import { currentTx, type TxState } from '../db/tenant.ts';
import type { FlowProposal, InternalTicket, User } from '../generated/prisma/client.ts';
import { sql } from '../db/tenant.ts';
import { walkColumns, type WalkRow } from './walk-rows.ts';

/**
 * Batched reads for one transaction: lists of walks resolve their users, tickets and proposals in
 * one query each instead of one per row. Keyed by the transaction, so a subscription's next event
 * (a new transaction) never sees the previous event's cache.
 */
export interface Loaders {
  user: DataLoader<string, User | null>;
  ticket: DataLoader<string, InternalTicket | null>;
  proposal: DataLoader<string, FlowProposal | null>;
  /** A ticket's walks, newest first. */
  walksByTicket: DataLoader<string, WalkRow[]>;
}

const byTx = new WeakMap<TxState, Loaders>();

function byId<T extends { id: string }>(rows: T[], ids: readonly string[]): Array<T | null> {
  const m = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => m.get(id) ?? null);
}

export function loaders(ctx: Context): Loaders {
  const tx = currentTx();
  let l = byTx.get(tx);
  if (l) return l;
  const { prisma } = ctx.deps;
  l = {
    user: new DataLoader(async (ids) => byId(await prisma.user.findMany({ where: { id: { in: [...ids] } } }), ids)),
    ticket: new DataLoader(async (ids) => byId(await prisma.internalTicket.findMany({ where: { id: { in: [...ids] } } }), ids)),
    proposal: new DataLoader(async (ids) => byId(await prisma.flowProposal.findMany({ where: { id: { in: [...ids] } } }), ids)),
    walksByTicket: new DataLoader(async (ids) => {
      const { rows } = await sql<WalkRow>(
        `SELECT ${walkColumns('w')} FROM walk_sessions w WHERE w.internal_ticket_id = ANY($1::uuid[]) ORDER BY w.started_at DESC, w.id`,
        [[...ids]],
      );
      return ids.map((id) => rows.filter((r) => r.internalTicketId === id));
    }),
  };
  byTx.set(tx, l);
  return l;
}
