import { z } from 'zod';
import { afterCommit, sql } from '../../db/tenant.ts';
import type { Caller } from '../caller.ts';
import { actingAs, requireUser } from '../identity/principal.ts';
import { escalationNotice } from '../notifications/topics.ts';
import { addToOutbox } from '../outbox/write.ts';
import { publishEscalation } from '../tickets/tickets.ts';
import { blankToNull, parse, text, uuid } from '../validation.ts';
import { COVERER_SQL } from './coverage.ts';
import { auditRow } from '../audit/audit.ts';
import { publishWalk } from './events.ts';
import { forgetPin, refusal, steps, walkAuditRow } from './repo.ts';
import { type Handoff, walkColumns, type WalkRow } from './rows.ts';

export const ESCALATION_REASONS = [
  'no_kb_available',
  'flow_did_not_help',
  'needs_admin_access',
  'hardware_failure',
  'customer_request',
  'out_of_scope',
  'other',
] as const;

const recipientsSchema = z.array(uuid).max(100, 'Choose at most 100 people to notify.').nullable().optional();

const escalateInput = z
  .object({
    sessionId: uuid,
    reasonCategory: z.enum(ESCALATION_REASONS),
    reason: text(4000).nullable().optional(),
    notifyUserIds: recipientsSchema,
    expectedVersion: z.number().int().min(1).nullable().optional(),
  })
  .refine((v) => v.reasonCategory !== 'other' || (v.reason?.trim().length ?? 0) > 0, {
    message: 'Describe the reason when you choose “Other”.',
    path: ['reason'],
  });

/**
 * Notifications fan out through the escalation-notify job, started through the outbox: its
 * messages are written in the escalation's own transaction, so they exist exactly when the
 * escalation does (a rolled-back one notifies nobody, a crash after COMMIT loses nothing).
 */
async function enqueueNotifications(all: z.infer<typeof escalationNotice.payload>): Promise<void> {
  // A job carries at most 100 recipients; by default every engineer hears, which can be more.
  for (let i = 0; i < all.recipientIds.length; i += 100) {
    // One message per batch, keyed by the escalation and the batch's place in it.
    const key = i === 0 ? all.dedupeKey : `${all.dedupeKey}:${i / 100}`;
    await addToOutbox(escalationNotice, { ...all, recipientIds: all.recipientIds.slice(i, i + 100) }, { key });
  }
}

export interface EscalationResult {
  walk: WalkRow | null;
  ticketId: string;
  notified: number;
  warning: string | null;
}

/**
 * Who hears about an escalation: the chosen people, or by default the engineers — every active
 * engineer, plus whoever covers the desk (owners, admins, super admins) — but never the person
 * escalating. Never a deleted or inactive user. An explicit empty list notifies nobody.
 */
async function recipients(ctx: Caller, requested: string[] | null | undefined): Promise<{ ids: string[]; warning: string | null }> {
  if (requested === null || requested === undefined) {
    const me = requireUser(ctx).userId;
    const { rows } = await sql<{ id: string }>(
      `SELECT u.id FROM users u WHERE (u.role = 'engineer' OR ${COVERER_SQL}) AND u.is_active AND u.deleted_at IS NULL AND u.id <> $1 ORDER BY u.id`,
      [me],
    );
    return {
      ids: rows.map((r) => r.id),
      warning: rows.length ? null : 'Nobody was notified: the account has no active engineer, owner or admin',
    };
  }
  if (requested.length === 0) return { ids: [], warning: 'Nobody was notified: no recipients were chosen' };
  const unique = [...new Set(requested)];
  const { rows } = await sql<{ id: string }>(
    'SELECT id FROM users WHERE id = ANY($1::uuid[]) AND is_active AND deleted_at IS NULL ORDER BY id',
    [unique],
  );
  const skipped = unique.length - rows.length;
  const warning = !rows.length
    ? 'Nobody was notified: none of the chosen people can receive notifications'
    : skipped
      ? `${skipped} of the chosen people could not be notified (inactive, deleted or not in this account)`
      : null;
  return { ids: rows.map((r) => r.id), warning };
}

export async function escalate(
  ctx: Caller,
  input: {
    sessionId: string;
    reasonCategory: string;
    reason?: string | null;
    notifyUserIds?: string[] | null;
    expectedVersion?: number | null;
  },
): Promise<EscalationResult> {
  const p = requireUser(ctx);
  const v = parse(escalateInput, input);
  const now = ctx.deps.clock.now();
  const locked = await sql<
    WalkRow & { problemStatement: string; customerName: string | null; customerContact: string | null; flowTitle: string | null }
  >(
    `SELECT ${walkColumns('w')}, t.problem_statement AS "problemStatement", t.customer_name AS "customerName",
       t.customer_contact AS "customerContact", coalesce(f.title, pr.title) AS "flowTitle"
     FROM walk_sessions w
     LEFT JOIN internal_tickets t ON t.id = w.internal_ticket_id
     LEFT JOIN flows f ON f.id = w.flow_id
     LEFT JOIN flow_proposals pr ON pr.id = w.proposal_id
     WHERE w.id = $1 FOR UPDATE OF w`,
    [v.sessionId],
  );
  const w = locked.rows[0];
  if (!w || w.status !== 'active' || w.handlerUserId !== p.userId || (v.expectedVersion != null && v.expectedVersion !== w.version)) {
    throw await refusal(ctx, v.sessionId, p, v.expectedVersion);
  }
  const transcript = (await steps(w.id)).map((s) => ({
    seq: s.seq,
    nodeId: s.nodeId,
    question: s.question,
    answerLabel: s.answerLabel,
    note: s.note,
    at: s.createdAt.toISOString(),
  }));
  const reason = blankToNull(v.reason);
  const handoff = handoffOf(ctx, { ...w, reasonCategory: v.reasonCategory, reason, transcript, at: now });
  const acting = actingAs(ctx.principal);
  const { rows } = await sql<WalkRow>(
    `WITH w AS (
       UPDATE walk_sessions SET status = 'escalated', escalation_reason_category = $2, escalation_reason = $3, handoff = $4,
         ended_at = $5, version = version + 1
       WHERE id = $1 RETURNING *
     ), ${ctx.deps.tickets.escalate('t', '(SELECT internal_ticket_id FROM w)', { reasonCategory: '$2', reason: '$3', handoff: '$4', at: '$5' })}, a AS (
       ${walkAuditRow('l1.session.escalate', { actor: '$6', actingAs: '$7', at: '$5', payload: "jsonb_build_object('reasonCategory', $2::text, 'ticketId', w.internal_ticket_id)" })}
     )
     SELECT ${walkColumns('w')} FROM w`,
    [w.id, v.reasonCategory, reason, JSON.stringify(handoff), now, p.userId, acting],
  );
  const walk = rows[0]!;
  const who = await recipients(ctx, v.notifyUserIds);
  await enqueueNotifications({
    accountId: p.accountId,
    recipientIds: who.ids,
    kind: 'escalation',
    payload: {
      ticketId: w.internalTicketId,
      walkId: w.id,
      problemStatement: w.problemStatement,
      reasonCategory: v.reasonCategory,
      escalatedBy: p.name,
    },
    dedupeKey: `escalation:${w.id}`,
  });
  afterCommit(() => {
    forgetPin(walk.id);
    publishWalk(ctx.deps.events, walk, 'escalated');
    publishEscalation(ctx.deps.events, p.accountId, w.internalTicketId!, 'escalated');
  });
  return { walk, ticketId: w.internalTicketId!, notified: who.ids.length, warning: who.warning };
}

const noWalkInput = z
  .object({
    problemStatement: text(4000, 1),
    // Optional (DESIGN §14): only the problem is needed to start; blank means not given.
    customerName: text(200).nullable().optional(),
    customerContact: text(320).nullable().optional(),
    reasonCategory: z.enum(ESCALATION_REASONS),
    reason: text(4000).nullable().optional(),
    notifyUserIds: recipientsSchema,
  })
  .refine((v) => v.reasonCategory !== 'other' || (v.reason?.trim().length ?? 0) > 0, {
    message: 'Describe the reason when you choose “Other”.',
    path: ['reason'],
  });

/**
 * A call escalated before any walk (for instance when there is no knowledge base yet). It leaves
 * what the seed leaves: the escalated ticket, and an ad-hoc walk on it that starts and ends
 * escalated at once (the L1 its creator and handler, the handoff stored), so the ticket's walks,
 * the escalation's transcript view and the audit trail read like any other escalation. Ticket,
 * walk and audit row are written by one statement.
 */
export async function escalateWithoutWalk(
  ctx: Caller,
  input: {
    problemStatement: string;
    customerName?: string | null;
    customerContact?: string | null;
    reasonCategory: string;
    reason?: string | null;
    notifyUserIds?: string[] | null;
  },
): Promise<EscalationResult> {
  const p = requireUser(ctx);
  const v = parse(noWalkInput, input);
  const now = ctx.deps.clock.now();
  const reason = blankToNull(v.reason);
  const customerName = blankToNull(v.customerName);
  const customerContact = blankToNull(v.customerContact);
  const handoff = JSON.stringify(
    handoffOf(ctx, { ...v, customerName, customerContact, reason, flowTitle: null, transcript: [], notes: [], at: now }),
  );
  // Ticket, walk and audit row in one statement.
  const { rows } = await sql<WalkRow>(
    `WITH ${ctx.deps.tickets.openEscalated(
      't',
      {
        from: '(SELECT 1) one',
        accountId: '$1',
        customerName: '$2',
        customerContact: '$3',
        problemStatement: '$4',
        createdBy: '$5',
        at: '$9::timestamptz',
      },
      { reasonCategory: '$6', reason: '$7', handoff: '$8::jsonb', at: '$9::timestamptz' },
    )}, w AS (
       INSERT INTO walk_sessions (account_id, kind, status, internal_ticket_id, created_by, handler_user_id, acting_as,
         escalation_reason_category, escalation_reason, handoff, started_at, last_step_at, ended_at)
       SELECT $1, 'adhoc', 'escalated', t.id, $5, $5, $10, $6, $7, $8, $9, $9, $9 FROM t
       RETURNING *
     ), a AS (
       ${auditRow({
         action: 'l1.session.escalate_no_walk',
         entityType: 'ticket',
         from: 'w',
         account: '$1',
         actor: '$5',
         entityId: 'w.internal_ticket_id',
         actingAs: '$10',
         at: '$9',
         payload: "jsonb_build_object('reasonCategory', $6::text, 'walkId', w.id)",
       })}
     )
     SELECT ${walkColumns('w')} FROM w`,
    [
      p.accountId,
      customerName,
      customerContact,
      v.problemStatement,
      p.userId,
      v.reasonCategory,
      reason,
      handoff,
      now,
      actingAs(ctx.principal),
    ],
  );
  const walk = rows[0]!;
  const ticketId = walk.internalTicketId!;
  const who = await recipients(ctx, v.notifyUserIds);
  await enqueueNotifications({
    accountId: p.accountId,
    recipientIds: who.ids,
    kind: 'escalation',
    payload: { ticketId, walkId: walk.id, problemStatement: v.problemStatement, reasonCategory: v.reasonCategory, escalatedBy: p.name },
    dedupeKey: `escalation:ticket:${ticketId}`,
  });
  afterCommit(() => publishEscalation(ctx.deps.events, p.accountId, ticketId, 'escalated'));
  return { walk, ticketId, notified: who.ids.length, warning: who.warning };
}

/** The handoff an engineer receives: what the call was, why it was escalated, and what was tried. */
function handoffOf(ctx: Caller, h: Omit<Handoff, 'escalatedBy' | 'escalatedAt'> & { at: Date }): Handoff {
  const p = requireUser(ctx);
  return {
    problemStatement: h.problemStatement,
    customerName: h.customerName,
    customerContact: h.customerContact,
    reasonCategory: h.reasonCategory,
    reason: h.reason,
    flowTitle: h.flowTitle,
    transcript: h.transcript,
    notes: h.notes,
    escalatedBy: { id: p.userId, name: p.name },
    escalatedAt: h.at.toISOString(),
  };
}
