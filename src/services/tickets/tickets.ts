import { z } from 'zod';
import type { Caller } from '../caller.ts';
import { afterCommit, sql } from '../../db/tenant.ts';
import { audit } from '../audit/audit.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { topics } from '../live/event-bus.ts';
import type { EventBus } from '../ports.ts';
import { loaders } from '../loaders.ts';
import { requireUser, type UserPrincipal } from '../identity/principal.ts';
import { parse, text, uuid } from '../validation.ts';

// Input schemas are built once: zod compiles each on its first parse.
const ticketIdInput = z.object({ ticketId: uuid });
const resolveEscalationInput = z.object({ ticketId: uuid, resolutionNotes: text(20_000, 1) });

export type EscalationChange = 'escalated' | 'claimed' | 'released' | 'resolved';

export interface EscalationEvent {
  change: EscalationChange;
  accountId: string;
  ticketId: string;
  publishedAt: number;
}

/** The engineers' queue changed: published after commit to the account's escalations topic. */
export function publishEscalation(events: EventBus, accountId: string, ticketId: string, change: EscalationChange): void {
  const ev: EscalationEvent = { change, accountId, ticketId, publishedAt: Date.now() };
  events.publish(topics.accountEscalations(accountId), ev);
}

type Query = { include?: object; select?: object };

export const TICKET_STATUSES = ['open', 'walking', 'resolved', 'escalated'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/**
 * A ticket is walking while one of its walks is active. That is a fact about the walk, so it is
 * stored once, there: the ticket row keeps open / resolved / escalated, and "walking" is read as
 * "open with an active walk". Storing it on the ticket too meant every abandoned walk wrote two
 * rows, and the hourly sweep spent a quarter of its time re-opening tickets.
 */
export async function status(ctx: Caller, ticket: { id: string; status: string; walking?: boolean }): Promise<TicketStatus> {
  if (ticket.status !== 'open') return ticket.status as TicketStatus;
  // Read with the ticket (loaders.ticket, or a queue filtered by status); otherwise that loader asks.
  const walking = ticket.walking ?? (await loaders(ctx).ticket.load(ticket.id))?.walking;
  return walking ? 'walking' : 'open';
}

/** The stored filter for a status as the API names it (see `status`). */
function statusWhere(s: string) {
  if (s === 'open') return { status: 'open', walkSessions: { none: { status: 'active' } } };
  if (s === 'walking') return { status: 'open', walkSessions: { some: { status: 'active' } } };
  return { status: s };
}

/** Opaque cursor over (created_at, id), newest first. */
function encodeCursor(t: { createdAt: Date; id: string }): string {
  return Buffer.from(`${t.createdAt.toISOString()}|${t.id}`).toString('base64url');
}
function decodeCursor(c: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(c, 'base64url').toString().split('|');
  const createdAt = new Date(at ?? '');
  if (!id || Number.isNaN(createdAt.getTime()) || !uuid.safeParse(id).success)
    throw ValidationError.of('after', 'This list changed; reload the page to see more.');
  return { createdAt, id };
}

export interface Page<T> {
  nodes: T[];
  hasNextPage: boolean;
  endCursor: string | null;
}

async function page<T extends { createdAt: Date; id: string }>(
  fetch: (take: number, before: { createdAt: Date; id: string } | null) => Promise<T[]>,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Page<T>> {
  const take = Math.min(Math.max(first ?? 25, 1), 100);
  const rows = await fetch(take + 1, after ? decodeCursor(after) : null);
  const nodes = rows.slice(0, take);
  return { nodes, hasNextPage: rows.length > take, endCursor: nodes.length ? encodeCursor(nodes[nodes.length - 1]!) : null };
}

const keyset = (before: { createdAt: Date; id: string } | null) =>
  before ? { OR: [{ createdAt: { lt: before.createdAt } }, { createdAt: before.createdAt, id: { lt: before.id } }] } : {};

/** The L1 queue: internal tickets, newest first, optionally by status. */
export async function queue(ctx: Caller, query: Query, f: { status?: string | null; first?: number | null; after?: string | null }) {
  return page(
    (take, before) =>
      ctx.deps.prisma.internalTicket
        .findMany({
          ...query,
          where: { ...(f.status ? statusWhere(f.status) : {}), ...keyset(before) },
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
          take,
        })
        .then((rows) =>
          f.status === 'open' || f.status === 'walking' ? rows.map((r) => ({ ...r, walking: f.status === 'walking' })) : rows,
        ),
    f.first,
    f.after,
  );
}

export async function get(ctx: Caller, query: Query, input: { ticketId: string }) {
  const { ticketId } = parse(ticketIdInput, input);
  const t = await ctx.deps.prisma.internalTicket.findUnique({ ...query, where: { id: ticketId } });
  if (!t) throw new NotFoundError('Ticket');
  return t;
}

/** Escalated tickets with their handoff package, newest first; unclaimed first when asked. */
export async function escalations(
  ctx: Caller,
  query: Query,
  f: { first?: number | null; after?: string | null; unclaimedOnly?: boolean | null },
) {
  return page(
    (take, before) =>
      ctx.deps.prisma.internalTicket.findMany({
        ...query,
        where: { status: 'escalated', ...(f.unclaimedOnly ? { assignedEngineerId: null } : {}), ...keyset(before) },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take,
      }),
    f.first,
    f.after,
  );
}

/** An engineer takes an escalation. Claiming one someone else holds is a ConflictError naming them. */
export async function claim(ctx: Caller, input: { ticketId: string }) {
  const p = requireUser(ctx);
  const { ticketId } = parse(ticketIdInput, input);
  const { rows } = await sql<{ status: string; assigned_engineer_id: string | null; name: string | null }>(
    `SELECT t.status, t.assigned_engineer_id, u.name FROM internal_tickets t LEFT JOIN users u ON u.id = t.assigned_engineer_id
     WHERE t.id = $1 FOR UPDATE OF t`,
    [ticketId],
  );
  const t = rows[0];
  if (!t) throw new NotFoundError('Ticket');
  if (t.status !== 'escalated') throw ValidationError.of('ticketId', `Only escalated tickets can be claimed; this one is ${t.status}.`);
  if (t.assigned_engineer_id && t.assigned_engineer_id !== p.userId) {
    throw new ConflictError('state_changed', `${t.name} already claimed this escalation.`);
  }
  const ticket = await ctx.deps.prisma.internalTicket.update({
    where: { id: ticketId },
    data: { assignedEngineerId: p.userId, updatedAt: ctx.deps.clock.now() },
  });
  if (!t.assigned_engineer_id) {
    await audit(ctx, { action: 'ticket.claim', entityType: 'ticket', entityId: ticketId });
    afterCommit(() => publishEscalation(ctx.deps.events, p.accountId, ticketId, 'claimed'));
  }
  return ticket;
}

const managesAccount = (p: UserPrincipal) => p.isSuperAdmin || p.role === 'owner' || p.role === 'admin';

/**
 * The escalation as the caller may finish it: escalated, and claimed by them (an owner or admin
 * may act on anyone's). Locked, so a resolve and a release cannot both win.
 */
async function claimedEscalation(ctx: Caller, p: UserPrincipal, ticketId: string, verb: 'resolve' | 'release') {
  const { rows } = await sql<{ status: string; assigned_engineer_id: string | null; name: string | null }>(
    `SELECT t.status, t.assigned_engineer_id, u.name FROM internal_tickets t LEFT JOIN users u ON u.id = t.assigned_engineer_id
     WHERE t.id = $1 FOR UPDATE OF t`,
    [ticketId],
  );
  const t = rows[0];
  if (!t) throw new NotFoundError('Ticket');
  if (t.status === 'resolved') throw new ConflictError('escalation_closed', 'This escalation is already resolved');
  if (t.status !== 'escalated') throw ValidationError.of('ticketId', `only escalated tickets can be ${verb}d (this one is ${t.status})`);
  if (t.assigned_engineer_id !== p.userId && !managesAccount(p)) {
    throw new ConflictError(
      'not_assignee',
      t.assigned_engineer_id
        ? `${t.name} claimed this escalation; only they or an admin can ${verb} it`
        : `Claim this escalation before you ${verb} it`,
    );
  }
  return t;
}

/** The engineer who claimed an escalation resolves it with notes: the ticket is resolved. */
export async function resolveEscalation(ctx: Caller, input: { ticketId: string; resolutionNotes: string }) {
  const p = requireUser(ctx);
  const v = parse(resolveEscalationInput, input);
  const t = await claimedEscalation(ctx, p, v.ticketId, 'resolve');
  const now = ctx.deps.clock.now();
  const ticket = await ctx.deps.prisma.internalTicket.update({
    where: { id: v.ticketId },
    data: {
      status: 'resolved',
      resolutionNotes: v.resolutionNotes,
      resolvedAt: now,
      updatedAt: now,
      assignedEngineerId: t.assigned_engineer_id ?? p.userId,
    },
  });
  await audit(ctx, {
    action: 'ticket.resolve',
    entityType: 'ticket',
    entityId: v.ticketId,
    payload: {
      assignedEngineerId: ticket.assignedEngineerId,
      onBehalfOf: t.assigned_engineer_id && t.assigned_engineer_id !== p.userId ? t.assigned_engineer_id : null,
    },
  });
  afterCommit(() => publishEscalation(ctx.deps.events, p.accountId, v.ticketId, 'resolved'));
  return ticket;
}

/** The claimer hands an escalation back to the queue, unclaimed. Releasing an unclaimed one changes nothing. */
export async function releaseEscalation(ctx: Caller, input: { ticketId: string }) {
  const p = requireUser(ctx);
  const { ticketId } = parse(ticketIdInput, input);
  const { rows } = await sql<{ assigned_engineer_id: string | null; status: string }>(
    'SELECT assigned_engineer_id, status FROM internal_tickets WHERE id = $1',
    [ticketId],
  );
  if (rows[0] && rows[0].status === 'escalated' && !rows[0].assigned_engineer_id) return get(ctx, {}, { ticketId });
  const t = await claimedEscalation(ctx, p, ticketId, 'release');
  const ticket = await ctx.deps.prisma.internalTicket.update({
    where: { id: ticketId },
    data: { assignedEngineerId: null, updatedAt: ctx.deps.clock.now() },
  });
  await audit(ctx, { action: 'ticket.release', entityType: 'ticket', entityId: ticketId, payload: { from: t.assigned_engineer_id } });
  afterCommit(() => publishEscalation(ctx.deps.events, p.accountId, ticketId, 'released'));
  return ticket;
}

/** The empty-state card: no published flow and no knowledge base yet. */
export async function onboarding(ctx: Caller) {
  const { rows } = await sql<{ published: number }>(`SELECT count(*)::int AS published FROM flows WHERE status = 'published'`);
  const hasKnowledgeBase = await ctx.deps.knowledgeBase.hasContent();
  const published = rows[0]?.published ?? 0;
  return { publishedFlows: published, hasKnowledgeBase, needsSetup: published === 0 && !hasKnowledgeBase };
}
