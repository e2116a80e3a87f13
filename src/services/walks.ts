import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import type { Context } from '../context.ts';
import { afterCommit, sql } from '../db/tenant.ts';
import { ConflictError, NotFoundError, ValidationError } from './errors.ts';
import { ANSWERS, type Answer, type FlowNode, type NodeInput, normaliseNodes, resolveStep, validateGraph } from './flow-graph.ts';
import { versionNodes } from './flows.ts';
import { loaders } from './loaders.ts';
import { escalationNotify } from '../jobs/escalation-notify.ts';
import { addToOutbox } from './outbox/write.ts';
import { COVERER_SQL, isCoverer, worksL1Desk } from './coverage.ts';
import { NOTIFICATION_COLUMNS, notificationFromJson, type NotificationJson, notifyNow, publishNotifications } from './notifications.ts';
import { publishEscalation } from './tickets.ts';
import { actingAs, requireUser, type UserPrincipal } from './principal.ts';
import { shortTitle } from '../lib/short-title.ts';
import { blankToNull, parse, text, uuid } from './validation.ts';
import { publishWalk } from './walk-events.ts';
import { type Handoff, STEP_COLUMNS, type StepRow, walkColumns, type WalkRow } from './walk-rows.ts';

// Input schemas are built once: zod compiles each on its first parse.
const sessionIdInput = z.object({ sessionId: uuid });
const takeOverInput = z.object({ sessionId: uuid, expectedVersion: z.number().int().min(1).nullable().optional() });

export const NOTES_MAX_BYTES = 256 * 1024;
export const ESCALATION_REASONS = [
  'no_kb_available',
  'flow_did_not_help',
  'needs_admin_access',
  'hardware_failure',
  'customer_request',
  'out_of_scope',
  'other',
] as const;

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

function remember(id: string, pin: Pin) {
  pins.set(id, pin);
}

/** An ended walk takes no more steps: drop its pin so the cache holds live walks only. */
export function forgetPin(walkId: string): void {
  pins.delete(walkId);
}

async function pinOf(ctx: Context, walkId: string): Promise<Pin> {
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
  ctx: Context,
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

export async function get(ctx: Context, walkId: string): Promise<WalkRow> {
  const { sessionId } = parse(sessionIdInput, { sessionId: walkId });
  const { rows } = await sql<WalkRow>(`SELECT ${walkColumns('w')} FROM walk_sessions w WHERE w.id = $1`, [sessionId]);
  if (!rows[0]) throw new NotFoundError('Walk');
  return rows[0];
}

export async function steps(walkId: string): Promise<StepRow[]> {
  const { rows } = await sql<StepRow>(`SELECT ${STEP_COLUMNS} FROM walk_steps WHERE session_id = $1 ORDER BY seq`, [walkId]);
  return rows;
}

/** My active walks, most recent step first. */
export async function myActive(ctx: Context, limit = 20): Promise<WalkRow[]> {
  const p = requireUser(ctx);
  const { rows } = await sql<WalkRow>(
    `SELECT ${walkColumns('w')} FROM walk_sessions w WHERE w.handler_user_id = $1 AND w.status = 'active'
     ORDER BY w.last_step_at DESC, w.id LIMIT $2`,
    [p.userId, limit],
  );
  return rows;
}

/** Every active walk of the account, for the coverage board. */
export async function activeInAccount(): Promise<WalkRow[]> {
  const { rows } = await sql<WalkRow>(
    `SELECT ${walkColumns('w')} FROM walk_sessions w WHERE w.status = 'active' ORDER BY w.last_step_at DESC, w.id LIMIT 500`,
  );
  return rows;
}

/**
 * The title a walk shows: its flow's or proposal's, or for ad-hoc notes the ticket's problem,
 * shortened (a board of calls all titled "Ad-hoc notes" cannot be told apart). Batched: a list of
 * walks costs one query per kind of title, not one per walk.
 */
export async function title(ctx: Context, w: WalkRow): Promise<string> {
  if (w.flowId) return (await loaders(ctx).flowTitle.load(w.flowId)) ?? 'Flow';
  if (w.proposalId) return (await loaders(ctx).proposal.load(w.proposalId))?.title ?? 'Proposal';
  const ticket = w.internalTicketId ? await loaders(ctx).ticket.load(w.internalTicketId) : null;
  return ticket?.problemStatement.trim() ? shortTitle(ticket.problemStatement) : 'Ad-hoc notes';
}

// ---------------------------------------------------------------------------------------------
// Intake

const intakeInput = z
  .object({
    problemStatement: text(4000, 1),
    // Optional (DESIGN §14): only the problem is needed to start; blank means not given.
    customerName: text(200).nullable().optional(),
    customerContact: text(320).nullable().optional(),
    flowId: uuid.nullable().optional(),
    proposalId: uuid.nullable().optional(),
  })
  .refine((v) => !(v.flowId && v.proposalId), { message: 'Choose a flow or a draft to walk, not both.', path: ['proposalId'] });

export type IntakeOutcome = 'flow' | 'proposal' | 'adhoc';

/**
 * Opens an internal ticket (walking while the walk is active) and starts a walk on it: the
 * published version of a flow (pinned), a draft proposal, or ad-hoc notes when neither is chosen.
 */
export async function intake(
  ctx: Context,
  input: {
    problemStatement: string;
    customerName?: string | null;
    customerContact?: string | null;
    flowId?: string | null;
    proposalId?: string | null;
  },
): Promise<{ outcome: IntakeOutcome; walk: WalkRow }> {
  const p = requireUser(ctx);
  const v = parse(intakeInput, input);
  let kind: IntakeOutcome = 'adhoc';
  let rootNodeId: string | null = null;
  if (v.flowId) {
    kind = 'flow';
  } else if (v.proposalId) {
    const proposal = await ctx.deps.prisma.flowProposal.findUnique({ where: { id: v.proposalId } });
    if (!proposal) throw new NotFoundError('Proposal');
    if (proposal.status === 'rejected') throw ValidationError.of('proposalId', 'This draft was rejected; choose a published flow instead.');
    const issues = validateGraph(normaliseNodes(proposal.nodes as NodeInput[]), proposal.rootNodeId);
    if (issues.length)
      throw ValidationError.of(
        'proposalId',
        'This draft is not finished yet, so it cannot be walked; choose a published flow or take notes.',
      );
    kind = 'proposal';
    rootNodeId = proposal.rootNodeId;
  }
  const now = ctx.deps.clock.now();
  const acting = actingAs(ctx.principal);
  // Ticket, walk and audit row in one statement, which also checks the flow (when one is asked
  // for) and pins its latest version: nothing is written unless that flow is published. It is the
  // operation's only write, so COMMIT rides with it: an intake costs one round trip.
  const { rows } = await sql<WalkRow & { flowVersion: string | null }>(
    `WITH f AS (
       SELECT f.status, f.latest_version_id, fv.root_node_id
       FROM flows f LEFT JOIN flow_versions fv ON fv.id = f.latest_version_id
       WHERE f.id = $8
     ), go AS (
       SELECT 1 WHERE $8::uuid IS NULL OR EXISTS (SELECT 1 FROM f WHERE f.status = 'published' AND f.latest_version_id IS NOT NULL)
     ), t AS (
       INSERT INTO internal_tickets (account_id, customer_name, customer_contact, problem_statement, status, created_by, created_at, updated_at)
       SELECT $1, $2, $3, $4, 'open', $5, $6, $6 FROM go RETURNING id
     ), w AS (
       INSERT INTO walk_sessions (account_id, kind, flow_id, flow_version_id, proposal_id, internal_ticket_id, current_node_id,
         created_by, handler_user_id, acting_as, started_at, last_step_at)
       SELECT $1, $7, $8, (SELECT latest_version_id FROM f), $9, t.id, COALESCE((SELECT root_node_id FROM f), $10), $5, $5, $11, $6, $6 FROM t
       RETURNING *
     ), a AS (
       INSERT INTO audit_logs (account_id, actor_id, action, entity_type, entity_id, acting_as, payload, created_at)
       SELECT $1, $5, 'l1.session.start', 'walk_session', w.id, $11, jsonb_build_object('kind', $7::text, 'ticketId', w.internal_ticket_id), $6 FROM w
     )
     SELECT ${walkColumns('w')}, (SELECT latest_version_id FROM f) AS "flowVersion"
     FROM (SELECT 1) one LEFT JOIN w ON true`,
    [
      p.accountId,
      blankToNull(v.customerName),
      blankToNull(v.customerContact),
      v.problemStatement,
      p.userId,
      now,
      kind,
      v.flowId ?? null,
      v.proposalId ?? null,
      rootNodeId,
      acting,
    ],
    'walk_intake',
    { commit: true },
  );
  const { flowVersion, ...row } = rows[0]!;
  if (!row.id) {
    // Nothing written: the flow is not this account's (or has no version), or it is archived.
    if (!flowVersion) throw new NotFoundError('Flow');
    throw ValidationError.of('flowId', 'This flow was archived; choose a published flow.');
  }
  const walk = row as WalkRow;
  remember(walk.id, { accountId: walk.accountId, kind: walk.kind, flowVersionId: walk.flowVersionId, proposalId: walk.proposalId });
  afterCommit(() => publishWalk(ctx.deps.events, walk, 'started'));
  return { outcome: kind, walk };
}

// ---------------------------------------------------------------------------------------------
// Refusals shared by every write to a walk

/** Why a conditional write to a walk matched nothing, as the typed error the caller should get. */
async function refusal(ctx: Context, walkId: string, actor: UserPrincipal, expectedVersion: number | null | undefined): Promise<Error> {
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

// ---------------------------------------------------------------------------------------------
// Walking

const stepInput = z.object({
  sessionId: uuid,
  nodeId: text(100, 1),
  answer: z.enum(ANSWERS),
  note: text(4000).nullable().optional(),
  clientStepId: text(100, 1),
  expectedVersion: z.number().int().min(1).nullable().optional(),
});

/**
 * One step. Validated against the pinned tree (cached); then a single statement locks the walk,
 * checks it is active, that the caller handles it, that `nodeId` is its current node and the
 * version matches, appends the step (seq from the locked step count), and advances the walk.
 * The same clientStepId again returns the walk and writes nothing.
 */
export async function recordStep(
  ctx: Context,
  input: { sessionId: string; nodeId: string; answer: Answer; note?: string | null; clientStepId: string; expectedVersion?: number | null },
): Promise<{ walk: WalkRow; step: StepRow | null }> {
  const p = requireUser(ctx);
  const v = parse(stepInput, input);
  const pin = await pinOf(ctx, v.sessionId);
  if (pin.kind === 'adhoc' || pin.kind === 'ai_build') {
    throw ValidationError.of('sessionId', 'This call takes notes, not steps.');
  }
  const nodes = (await walkNodes(ctx, pin))!;
  const node = nodes.get(v.nodeId);
  if (!node) throw ValidationError.of('nodeId', 'That step is not part of this flow; reload the call.');
  const r = resolveStep(node, v.answer);
  if (!r.ok) throw ValidationError.of('answer', r.message);
  const note = blankToNull(v.note);
  const now = ctx.deps.clock.now();
  const acting = actingAs(ctx.principal);

  const { rows } = await sql<WalkRow & { stepId: string | null; stepSeq: number | null }>(
    `WITH w AS (
       SELECT id, account_id, status, current_node_id, version, handler_user_id, step_count
       FROM walk_sessions WHERE id = $1 FOR UPDATE
     ), ins AS (
       INSERT INTO walk_steps (account_id, session_id, seq, node_id, question, answer, answer_label, yes_label, no_label,
         next_node_id, note, actor_id, acting_as, client_step_id, created_at)
       SELECT w.account_id, w.id, w.step_count + 1, $2::text, $3, $4, $5, $6, $7, $8::text, $9, $10::uuid, $11, $12, $13::timestamptz
       FROM w
       WHERE w.status = 'active' AND w.current_node_id = $2::text AND w.handler_user_id = $10::uuid AND ($14::int IS NULL OR w.version = $14)
       ON CONFLICT (session_id, client_step_id) DO NOTHING
       RETURNING id, seq
     ), upd AS (
       UPDATE walk_sessions ws
       SET current_node_id = $8::text, version = ws.version + 1, step_count = ws.step_count + 1, last_step_at = $13::timestamptz
       FROM ins WHERE ws.id = $1
       RETURNING ws.*
     )
     SELECT ${walkColumns('upd')}, ins.id AS "stepId", ins.seq AS "stepSeq"
     FROM w LEFT JOIN ins ON true LEFT JOIN upd ON true`,
    [
      v.sessionId,
      v.nodeId,
      r.question,
      v.answer,
      r.answerLabel,
      r.yesLabel,
      r.noLabel,
      r.nextNodeId,
      note,
      p.userId,
      acting,
      v.clientStepId,
      now,
      v.expectedVersion ?? null,
    ],
    'walk_record_step',
    { commit: true },
  );
  const row = rows[0];
  if (!row) throw new NotFoundError('Walk');
  if (row.stepId) {
    const { stepId, stepSeq, ...walk } = row;
    const step: StepRow = {
      id: stepId,
      sessionId: v.sessionId,
      seq: stepSeq!,
      nodeId: v.nodeId,
      question: r.question,
      answer: v.answer,
      answerLabel: r.answerLabel,
      yesLabel: r.yesLabel,
      noLabel: r.noLabel,
      nextNodeId: r.nextNodeId,
      note,
      actorId: p.userId,
      actingAs: acting,
      clientStepId: v.clientStepId,
      createdAt: now,
    };
    afterCommit(() => publishWalk(ctx.deps.events, walk as WalkRow, 'stepped', step));
    return { walk: walk as WalkRow, step };
  }
  // Nothing written: a retry of a step that already landed, or a refusal.
  const prior = await sql<{ node_id: string; answer: string; note: string | null }>(
    'SELECT node_id, answer, note FROM walk_steps WHERE session_id = $1 AND client_step_id = $2',
    [v.sessionId, v.clientStepId],
  );
  const same = prior.rows[0];
  if (same) {
    if (same.node_id !== v.nodeId || same.answer !== v.answer || (same.note ?? null) !== note) {
      throw ValidationError.of('clientStepId', 'This answer was already sent for a different step; reload the call.');
    }
    return { walk: await get(ctx, v.sessionId), step: null };
  }
  const refused = await refusal(ctx, v.sessionId, p, v.expectedVersion);
  if (refused instanceof ConflictError && refused.reason === 'state_changed') {
    throw new ConflictError(
      'not_current_node',
      'This call has already moved past that step; reload it to see where it is now.',
      refused.currentVersion,
    );
  }
  throw refused;
}

const notesInput = z.object({
  sessionId: uuid,
  notes: z.array(z.object({ at: z.coerce.date(), content: text(20_000) })).max(2000, 'Keep to at most 2000 notes on one call.'),
  expectedVersion: z.number().int().min(1).nullable().optional(),
});

/** Replaces the walk's notes (the ad-hoc notes editor autosaves through this). */
export async function updateNotes(
  ctx: Context,
  input: { sessionId: string; notes: Array<{ at: Date | string; content: string }>; expectedVersion?: number | null },
): Promise<WalkRow> {
  const p = requireUser(ctx);
  const v = parse(notesInput, input);
  const notes = v.notes.map((n) => ({ at: n.at.toISOString(), content: n.content }));
  const json = JSON.stringify(notes);
  if (Buffer.byteLength(json) > NOTES_MAX_BYTES) {
    throw ValidationError.of(
      'notes',
      `Notes on one call are limited to ${NOTES_MAX_BYTES / 1024} KB; these are ${Math.ceil(Buffer.byteLength(json) / 1024)} KB. Shorten them.`,
    );
  }
  const now = ctx.deps.clock.now();
  const { rows } = await sql<WalkRow>(
    `UPDATE walk_sessions w SET notes = $2, version = version + 1, last_step_at = $3
     WHERE id = $1 AND status = 'active' AND handler_user_id = $4 AND ($5::int IS NULL OR version = $5)
     RETURNING ${walkColumns('w')}`,
    [v.sessionId, json, now, p.userId, v.expectedVersion ?? null],
  );
  if (!rows[0]) throw await refusal(ctx, v.sessionId, p, v.expectedVersion);
  const walk = rows[0];
  afterCommit(() => publishWalk(ctx.deps.events, walk, 'notes'));
  return walk;
}

// ---------------------------------------------------------------------------------------------
// Ending a walk

const resolveInput = z.object({
  sessionId: uuid,
  helpful: z.boolean(),
  resolutionNotes: text(20_000, 1),
  expectedVersion: z.number().int().min(1).nullable().optional(),
});

/**
 * Resolved: the ticket is resolved with the notes, and a helpful walk of a proposal marks the
 * proposal validated by outcome (it rises in the review queue). Walk, ticket, proposal and audit
 * row change in one statement.
 */
export async function resolve(
  ctx: Context,
  input: { sessionId: string; helpful: boolean; resolutionNotes: string; expectedVersion?: number | null },
): Promise<WalkRow> {
  const p = requireUser(ctx);
  const v = parse(resolveInput, input);
  const now = ctx.deps.clock.now();
  const acting = actingAs(ctx.principal);
  // Every row is reached by primary key. Joined through `w`, the ticket update went through the RLS
  // account index, and the plan cached while the table was small scanned the account's tickets on
  // every resolve as it grew (bench: 5.5 ms of Postgres time per resolve, now ~0.5 ms).
  const { rows } = await sql<WalkRow>(
    `WITH cur AS (
       SELECT id, status, handler_user_id, version FROM walk_sessions WHERE id = $1 FOR UPDATE
     ), w AS (
       UPDATE walk_sessions ws SET status = 'resolved', helpful = $2, resolution_notes = $3, resolved_at = $4, ended_at = $4, version = ws.version + 1
       FROM cur
       WHERE ws.id = $1 AND cur.status = 'active' AND cur.handler_user_id = $5 AND ($6::int IS NULL OR cur.version = $6)
       RETURNING ws.*
     ), t AS (
       UPDATE internal_tickets SET status = 'resolved', resolution_notes = $3, resolved_at = $4, updated_at = $4
       WHERE internal_tickets.id = (SELECT internal_ticket_id FROM w) RETURNING internal_tickets.id
     ), pr AS (
       UPDATE flow_proposals SET validated_by_outcome = true, validated_at = $4, updated_at = $4
       WHERE flow_proposals.id = (SELECT proposal_id FROM w) AND $2 RETURNING flow_proposals.id
     ), a AS (
       INSERT INTO audit_logs (account_id, actor_id, action, entity_type, entity_id, acting_as, payload, created_at)
       SELECT w.account_id, $5, 'l1.session.resolve', 'walk_session', w.id, $7,
         jsonb_build_object('helpful', $2::boolean, 'ticketId', w.internal_ticket_id, 'proposalValidated', (SELECT count(*) FROM pr) > 0), $4
       FROM w
     )
     SELECT ${walkColumns('w')} FROM w`,
    [v.sessionId, v.helpful, v.resolutionNotes, now, p.userId, v.expectedVersion ?? null, acting],
    'walk_resolve',
    { commit: true },
  );
  if (!rows[0]) throw await refusal(ctx, v.sessionId, p, v.expectedVersion);
  const walk = rows[0];
  afterCommit(() => {
    forgetPin(walk.id);
    publishWalk(ctx.deps.events, walk, 'resolved');
  });
  return walk;
}

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
async function enqueueNotifications(all: z.infer<typeof escalationNotify.payload>): Promise<void> {
  // A job carries at most 100 recipients; by default every engineer hears, which can be more.
  for (let i = 0; i < all.recipientIds.length; i += 100) {
    // One message per batch, keyed by the escalation and the batch's place in it.
    const key = i === 0 ? all.dedupeKey : `${all.dedupeKey}:${i / 100}`;
    await addToOutbox(escalationNotify, { ...all, recipientIds: all.recipientIds.slice(i, i + 100) }, { key });
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
async function recipients(ctx: Context, requested: string[] | null | undefined): Promise<{ ids: string[]; warning: string | null }> {
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
  ctx: Context,
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
  const handoff: Handoff = {
    problemStatement: w.problemStatement,
    customerName: w.customerName,
    customerContact: w.customerContact,
    reasonCategory: v.reasonCategory,
    reason,
    flowTitle: w.flowTitle,
    transcript,
    notes: w.notes,
    escalatedBy: { id: p.userId, name: p.name },
    escalatedAt: now.toISOString(),
  };
  const acting = actingAs(ctx.principal);
  const { rows } = await sql<WalkRow>(
    `WITH w AS (
       UPDATE walk_sessions SET status = 'escalated', escalation_reason_category = $2, escalation_reason = $3, handoff = $4,
         ended_at = $5, version = version + 1
       WHERE id = $1 RETURNING *
     ), t AS (
       UPDATE internal_tickets SET status = 'escalated', escalation_reason_category = $2, escalation_reason = $3, handoff = $4,
         escalated_at = $5, updated_at = $5
       WHERE internal_tickets.id = (SELECT internal_ticket_id FROM w) RETURNING internal_tickets.id
     ), a AS (
       INSERT INTO audit_logs (account_id, actor_id, action, entity_type, entity_id, acting_as, payload, created_at)
       SELECT w.account_id, $6, 'l1.session.escalate', 'walk_session', w.id, $7,
         jsonb_build_object('reasonCategory', $2::text, 'ticketId', w.internal_ticket_id), $5
       FROM w
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
  ctx: Context,
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
  const handoff: Handoff = {
    problemStatement: v.problemStatement,
    customerName: blankToNull(v.customerName),
    customerContact: blankToNull(v.customerContact),
    reasonCategory: v.reasonCategory,
    reason,
    flowTitle: null,
    transcript: [],
    notes: [],
    escalatedBy: { id: p.userId, name: p.name },
    escalatedAt: now.toISOString(),
  };
  const { rows } = await sql<WalkRow>(
    `WITH t AS (
       INSERT INTO internal_tickets (account_id, customer_name, customer_contact, problem_statement, status, created_by,
         escalation_reason_category, escalation_reason, handoff, escalated_at, created_at, updated_at)
       VALUES ($1, $2, $3, $4, 'escalated', $5, $6, $7, $8, $9, $9, $9) RETURNING id
     ), w AS (
       INSERT INTO walk_sessions (account_id, kind, status, internal_ticket_id, created_by, handler_user_id, acting_as,
         escalation_reason_category, escalation_reason, handoff, started_at, last_step_at, ended_at)
       SELECT $1, 'adhoc', 'escalated', t.id, $5, $5, $10, $6, $7, $8, $9, $9, $9 FROM t
       RETURNING *
     ), a AS (
       INSERT INTO audit_logs (account_id, actor_id, action, entity_type, entity_id, acting_as, payload, created_at)
       SELECT $1, $5, 'l1.session.escalate_no_walk', 'ticket', w.internal_ticket_id, $10,
         jsonb_build_object('reasonCategory', $6::text, 'walkId', w.id), $9
       FROM w
     )
     SELECT ${walkColumns('w')} FROM w`,
    [
      p.accountId,
      handoff.customerName,
      handoff.customerContact,
      v.problemStatement,
      p.userId,
      v.reasonCategory,
      reason,
      JSON.stringify(handoff),
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

// ---------------------------------------------------------------------------------------------
// Taking over a call

/** May the caller take this walk over now? Null when they may; otherwise why not, in plain words. */
export interface TakeOverRule {
  allowed: boolean;
  /** For an L1 tech waiting on a peer's idle call: when it opens up. */
  opensAt: Date | null;
  reason: string | null;
}

function idleMs(ctx: Context): number {
  return ctx.deps.config.TAKEOVER_IDLE_MINUTES * 60_000;
}

function minutes(ms: number): string {
  const m = Math.max(1, Math.round(ms / 60_000));
  return `${m} minute${m === 1 ? '' : 's'}`;
}

/**
 * The takeover rule (the same one `takeOver` enforces in SQL), for the walk page to explain
 * greyed-out controls: a coverer may take any call; an L1 tech may take a peer's call once it was
 * handed off to the desk or has had no step for TAKEOVER_IDLE_MINUTES, and never a call a coverer
 * holds (they ask for it back instead).
 */
export async function takeOverRule(
  ctx: Context,
  w: WalkRow & { handlerUser?: { role: string; isSuperAdmin: boolean; canCoverL1: boolean; name: string } },
): Promise<TakeOverRule> {
  const p = ctx.principal;
  if (p.kind !== 'user' || !worksL1Desk(p))
    return { allowed: false, opensAt: null, reason: 'Only the L1 desk and its coverers take calls.' };
  if (w.status !== 'active') return { allowed: false, opensAt: null, reason: 'This call has ended.' };
  if (w.handlerUserId === p.userId) return { allowed: false, opensAt: null, reason: 'You are handling this call.' };
  if (isCoverer(p) || w.releasedAt) return { allowed: true, opensAt: null, reason: null };
  const handler = w.handlerUser ?? (await loaders(ctx).user.load(w.handlerUserId));
  const name = handler?.name ?? 'Someone';
  if (!handler || isCoverer(handler)) {
    return {
      allowed: false,
      opensAt: null,
      reason:
        w.takenFromId === p.userId
          ? `${name} took over this call. Ask for it back and they can hand it to you.`
          : `${name} is covering this call; only they can hand it on.`,
    };
  }
  const opensAt = new Date(w.lastStepAt.getTime() + idleMs(ctx));
  if (ctx.deps.clock.now() >= opensAt) return { allowed: true, opensAt, reason: null };
  return {
    allowed: false,
    opensAt,
    reason: `${name} is handling this call. You can take it over if they hand it off to the desk, or after ${minutes(idleMs(ctx))} without a step.`,
  };
}

/**
 * The caller becomes the walk's handler, if the rule allows it (see `takeOverRule`): a coverer
 * from anyone; an L1 tech from a peer only when the walk was handed off or has sat idle. A coverer
 * who takes a technician's call remembers whose it was, so it sticks: that technician asks for it
 * back rather than taking it. Taking a walk from the technician who started it needs no version;
 * taking it from someone who already took it over needs the version the caller saw, so of two
 * concurrent takeovers exactly one wins and the other learns who did. One statement decides.
 */
export async function takeOver(ctx: Context, input: { sessionId: string; expectedVersion?: number | null }): Promise<WalkRow> {
  const p = requireUser(ctx);
  const v = parse(takeOverInput, input);
  const now = ctx.deps.clock.now();
  const acting = actingAs(ctx.principal);
  const covers = isCoverer(p);
  const idleSince = new Date(now.getTime() - idleMs(ctx));
  const { rows } = await sql<WalkRow & { previousHandler: string; previousCovers: boolean; notification: NotificationJson | null }>(
    `WITH cur AS (
       SELECT id, handler_user_id, created_by, version, status, last_step_at, released_at FROM walk_sessions WHERE id = $1 FOR UPDATE
     ), h AS (
       SELECT cur.*, ${COVERER_SQL} AS handler_covers FROM cur JOIN users u ON u.id = cur.handler_user_id
     ), w AS (
       UPDATE walk_sessions ws SET handler_user_id = $2, version = ws.version + 1, acting_as = $4, last_step_at = $5,
         released_at = NULL, handback_requested_at = NULL,
         taken_from_user_id = CASE WHEN NOT $6 THEN NULL WHEN h.handler_covers THEN ws.taken_from_user_id ELSE h.handler_user_id END
       FROM h
       WHERE ws.id = $1 AND h.status = 'active' AND h.handler_user_id <> $2
         AND (($3::int IS NULL AND h.handler_user_id = h.created_by) OR h.version = $3)
         AND ($6 OR h.released_at IS NOT NULL OR (NOT h.handler_covers AND h.last_step_at <= $7))
       RETURNING ws.*, h.handler_user_id AS previous_handler, h.handler_covers AS previous_covers
     ), a AS (
       INSERT INTO audit_logs (account_id, actor_id, action, entity_type, entity_id, acting_as, payload, created_at)
       SELECT w.account_id, $2, 'l1.session.takeover', 'walk_session', w.id, $4, jsonb_build_object('from', w.previous_handler), $5 FROM w
     ), n AS (
       -- The technician whose call it was hears about it (their notifications open the walk).
       INSERT INTO notifications (account_id, recipient_id, kind, payload, dedupe_key, created_at)
       SELECT w.account_id, w.previous_handler, 'walk_taken_over',
         jsonb_build_object('walkId', w.id, 'ticketId', w.internal_ticket_id, 'by', $8::text, 'byId', $2::uuid,
           'canAskBack', w.taken_from_user_id IS NOT DISTINCT FROM w.previous_handler),
         'walk:' || w.id || ':v' || w.version, $5
       FROM w JOIN users u ON u.id = w.previous_handler AND u.is_active AND u.deleted_at IS NULL
       ON CONFLICT (recipient_id, dedupe_key) DO NOTHING
       RETURNING ${NOTIFICATION_COLUMNS}
     )
     SELECT ${walkColumns('w')}, w.previous_handler AS "previousHandler", w.previous_covers AS "previousCovers",
       (SELECT row_to_json(n) FROM n) AS notification
     FROM w`,
    [v.sessionId, p.userId, v.expectedVersion ?? null, acting, now, covers, idleSince, p.name],
  );
  if (!rows[0]) {
    const refused = await takeOverRefusal(ctx, p, v.sessionId, v.expectedVersion, covers, idleSince);
    if (refused instanceof Error) throw refused;
    return refused;
  }
  const { previousHandler: _p, previousCovers: _c, notification, ...walk } = rows[0];
  afterCommit(() => {
    if (notification) publishNotifications(ctx.deps.events, [notificationFromJson(notification)]);
    publishWalk(ctx.deps.events, walk as WalkRow, 'handover');
  });
  return walk as WalkRow;
}

/** Why a takeover wrote nothing (or the walk, when the caller already handles it). */
async function takeOverRefusal(
  ctx: Context,
  p: UserPrincipal,
  walkId: string,
  expectedVersion: number | null | undefined,
  covers: boolean,
  idleSince: Date,
): Promise<Error | WalkRow> {
  const { rows } = await sql<{
    status: string;
    version: number;
    handler_user_id: string;
    created_by: string;
    taken_from_user_id: string | null;
    released_at: Date | null;
    last_step_at: Date;
    name: string;
    covers: boolean;
  }>(
    `SELECT w.status, w.version, w.handler_user_id, w.created_by, w.taken_from_user_id, w.released_at, w.last_step_at, u.name,
       ${COVERER_SQL} AS covers
     FROM walk_sessions w JOIN users u ON u.id = w.handler_user_id WHERE w.id = $1`,
    [walkId],
  );
  const c = rows[0];
  if (!c) return new NotFoundError('Walk');
  if (c.status !== 'active')
    return new ConflictError('walk_not_active', `this call is ${c.status}; it can no longer be taken over`, c.version);
  if (c.handler_user_id === p.userId) return get(ctx, walkId);
  if (expectedVersion != null && expectedVersion !== c.version) {
    return new ConflictError('stale_version', `this call changed (version ${c.version}); ${c.name} is handling it now`, c.version);
  }
  // A blind takeover (no version) of a call someone already took from its technician: it lost.
  if (expectedVersion == null && c.handler_user_id !== c.created_by) {
    return new ConflictError('takeover_lost', `${c.name} is handling this walk now`, c.version);
  }
  if (!covers && !c.released_at) {
    if (c.covers) {
      return new ConflictError(
        'taken_by_coverer',
        c.taken_from_user_id === p.userId
          ? `${c.name} took over this call; ask for it back and they can hand it to you`
          : `${c.name} is covering this call; only they can hand it on`,
        c.version,
      );
    }
    if (c.last_step_at > idleSince) {
      return new ConflictError(
        'peer_still_handling',
        `${c.name} is still working this call. You can take it over once they hand it off to the desk, or after ${minutes(idleMs(ctx))} without a step`,
        c.version,
      );
    }
  }
  return new ConflictError('takeover_lost', `${c.name} is handling this walk now`, c.version);
}

const handBackInput = z.object({ sessionId: uuid, toUserId: uuid.nullable().optional() });

/**
 * The technician a coverer took the call from asks for it back. The coverer sees the request live
 * (on the walk and in their notifications); asking twice changes nothing.
 */
export async function requestWalkBack(ctx: Context, input: { sessionId: string }): Promise<WalkRow> {
  const p = requireUser(ctx);
  const { sessionId } = parse(sessionIdInput, input);
  const now = ctx.deps.clock.now();
  const acting = actingAs(ctx.principal);
  const { rows } = await sql<WalkRow>(
    `WITH w AS (
       UPDATE walk_sessions SET handback_requested_at = $3, version = version + 1
       WHERE id = $1 AND status = 'active' AND taken_from_user_id = $2 AND handler_user_id <> $2 AND handback_requested_at IS NULL
       RETURNING *
     ), a AS (
       INSERT INTO audit_logs (account_id, actor_id, action, entity_type, entity_id, acting_as, payload, created_at)
       SELECT w.account_id, $2, 'l1.session.handback_request', 'walk_session', w.id, $4,
         jsonb_build_object('from', w.handler_user_id, 'to', $2::uuid), $3 FROM w
     )
     SELECT ${walkColumns('w')} FROM w`,
    [sessionId, p.userId, now, acting],
  );
  const walk = rows[0];
  if (!walk) {
    const cur = await get(ctx, sessionId);
    if (cur.status !== 'active')
      throw new ConflictError('walk_not_active', `this call is ${cur.status}; there is nothing to take back`, cur.version);
    if (cur.handlerUserId === p.userId) return cur;
    if (cur.takenFromId !== p.userId) {
      throw new ConflictError('not_taken_from_you', 'This call was not taken from you, so you cannot ask for it back', cur.version);
    }
    return cur; // already asked
  }
  await notifyNow(ctx, {
    recipientIds: [walk.handlerUserId],
    kind: 'walk_handback_requested',
    payload: { walkId: walk.id, ticketId: walk.internalTicketId, by: p.name, byId: p.userId },
    dedupeKey: `walk:${walk.id}:v${walk.version}`,
  });
  afterCommit(() => publishWalk(ctx.deps.events, walk, 'handback_requested'));
  return walk;
}

/**
 * The handler hands the call to someone else on the desk: by default back to the technician it was
 * taken from. The receiver becomes the handler at once and is notified.
 */
export async function handBack(ctx: Context, input: { sessionId: string; toUserId?: string | null }): Promise<WalkRow> {
  const p = requireUser(ctx);
  const v = parse(handBackInput, input);
  const cur = await get(ctx, v.sessionId);
  if (cur.status !== 'active' || cur.handlerUserId !== p.userId) throw await refusal(ctx, v.sessionId, p, null);
  const to = v.toUserId ?? cur.takenFromId ?? null;
  if (!to) throw ValidationError.of('toUserId', 'This call was not taken from anyone: choose who should take it');
  if (to === p.userId) throw ValidationError.of('toUserId', 'You are already handling this call: choose someone else');
  const target = await loaders(ctx).user.load(to);
  if (!target) throw new NotFoundError('User');
  if (!target.isActive || target.deletedAt || !worksL1Desk(target)) {
    throw ValidationError.of('toUserId', `${target.name} cannot take calls: choose an L1 technician or someone who covers the desk`);
  }
  const now = ctx.deps.clock.now();
  const targetActing = actingAs({
    ...p,
    userId: target.id,
    role: target.role as UserPrincipal['role'],
    canCoverL1: target.canCoverL1,
    isSuperAdmin: target.isSuperAdmin,
  });
  const { rows } = await sql<WalkRow>(
    `WITH w AS (
       UPDATE walk_sessions SET handler_user_id = $3, acting_as = $4, taken_from_user_id = NULL, handback_requested_at = NULL,
         released_at = NULL, last_step_at = $5, version = version + 1
       WHERE id = $1 AND status = 'active' AND handler_user_id = $2 AND version = $6
       RETURNING *
     ), a AS (
       INSERT INTO audit_logs (account_id, actor_id, action, entity_type, entity_id, acting_as, payload, created_at)
       SELECT w.account_id, $2, 'l1.session.handback', 'walk_session', w.id, $7,
         jsonb_build_object('from', $2::uuid, 'to', $3::uuid, 'requested', $8::boolean), $5 FROM w
     )
     SELECT ${walkColumns('w')} FROM w`,
    [v.sessionId, p.userId, target.id, targetActing, now, cur.version, actingAs(ctx.principal), cur.handbackRequestedAt != null],
  );
  const walk = rows[0];
  if (!walk) throw await refusal(ctx, v.sessionId, p, cur.version);
  await notifyNow(ctx, {
    recipientIds: [target.id],
    kind: 'walk_handed_back',
    payload: { walkId: walk.id, ticketId: walk.internalTicketId, by: p.name, byId: p.userId },
    dedupeKey: `walk:${walk.id}:v${walk.version}`,
  });
  afterCommit(() => publishWalk(ctx.deps.events, walk, 'handover'));
  return walk;
}

/**
 * The handler hands the call off to the desk (a break, the end of a shift): any L1 tech may pick
 * it up from now on without waiting for it to go idle. The handler keeps it until someone does.
 */
export async function release(ctx: Context, input: { sessionId: string }): Promise<WalkRow> {
  const p = requireUser(ctx);
  const { sessionId } = parse(sessionIdInput, input);
  const now = ctx.deps.clock.now();
  const { rows } = await sql<WalkRow>(
    `WITH w AS (
       UPDATE walk_sessions SET released_at = $3, version = version + 1
       WHERE id = $1 AND status = 'active' AND handler_user_id = $2 AND released_at IS NULL
       RETURNING *
     ), a AS (
       INSERT INTO audit_logs (account_id, actor_id, action, entity_type, entity_id, acting_as, payload, created_at)
       SELECT w.account_id, $2, 'l1.session.release', 'walk_session', w.id, $4, jsonb_build_object('from', $2::uuid), $3 FROM w
     )
     SELECT ${walkColumns('w')} FROM w`,
    [sessionId, p.userId, now, actingAs(ctx.principal)],
  );
  const walk = rows[0];
  if (!walk) {
    const cur = await get(ctx, sessionId);
    if (cur.status === 'active' && cur.handlerUserId === p.userId && cur.releasedAt) return cur; // already handed off
    throw await refusal(ctx, sessionId, p, null);
  }
  afterCommit(() => publishWalk(ctx.deps.events, walk, 'released'));
  return walk;
}
