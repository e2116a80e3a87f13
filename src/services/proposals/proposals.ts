import { z } from 'zod';
import type { Caller } from '../caller.ts';
import { sql } from '../../db/tenant.ts';
import { audit } from '../audit/audit.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { publishVersion } from '../flows/flows.ts';
import { type FlowNode, LIMITS, type NodeInput, normaliseNodes } from '../flows/graph.ts';
import { publishableTree, submittedNodes, treeIssues } from '../flows/tree.ts';
import { shortTitle } from '../../lib/short-title.ts';
import { requireUser } from '../identity/principal.ts';
import { blankToNull, parse, text, uuid } from '../validation.ts';

// Input schemas are built once: zod compiles each on its first parse.
const sessionIdInput = z.object({ sessionId: uuid });
// No title (null) keeps the draft's, shortened (see approve); a title sent blank is refused.
const approveInput = z.object({ proposalId: uuid, title: text(200, 1).nullable().optional() });
const rejectInput = z.object({ proposalId: uuid, note: text(2000).nullable().optional() });

type Query = { include?: object; select?: object };

const createInput = z.object({
  title: text(200, 1),
  nodes: submittedNodes,
  rootNodeId: text(LIMITS.idLength).nullable().optional(),
  ticketId: uuid.nullable().optional(),
});

/** An engineer's manual draft tree, optionally linked to a ticket. */
export async function create(
  ctx: Caller,
  input: { title: string; nodes: NodeInput[]; rootNodeId?: string | null; ticketId?: string | null },
) {
  const p = requireUser(ctx);
  const v = parse(createInput, input);
  if (v.ticketId && !(await ctx.deps.prisma.internalTicket.findUnique({ where: { id: v.ticketId } }))) {
    throw new NotFoundError('Ticket');
  }
  const proposal = await ctx.deps.prisma.flowProposal.create({
    data: {
      accountId: p.accountId,
      title: v.title,
      source: 'manual_draft',
      nodes: normaliseNodes(v.nodes),
      rootNodeId: v.rootNodeId ?? null,
      ticketId: v.ticketId ?? null,
      createdById: p.userId,
      createdAt: ctx.deps.clock.now(),
    },
  });
  await audit(ctx, { action: 'proposal.create', entityType: 'proposal', entityId: proposal.id, payload: { source: 'manual_draft' } });
  return proposal;
}

/**
 * After an ad-hoc walk ends (resolved or escalated), its creator turns the notes into a draft tree
 * linked to the ticket: one instruction per note, ending in a resolution with the resolution notes,
 * or for an escalated call in an escalation with its reason (what the desk could not fix is worth
 * a tree too: the next call gets the checks and hands over sooner).
 */
export async function createFromWalk(ctx: Caller, input: { sessionId: string }) {
  const p = requireUser(ctx);
  const { sessionId } = parse(sessionIdInput, input);
  const { rows } = await sql<{
    kind: string;
    status: string;
    created_by: string;
    notes: Array<{ at: string; content: string }>;
    resolution_notes: string | null;
    escalation_reason: string | null;
    internal_ticket_id: string | null;
    problem_statement: string | null;
  }>(
    `SELECT w.kind, w.status, w.created_by, w.notes, w.resolution_notes, w.escalation_reason, w.internal_ticket_id, t.problem_statement
     FROM walk_sessions w LEFT JOIN internal_tickets t ON t.id = w.internal_ticket_id WHERE w.id = $1`,
    [sessionId],
  );
  const w = rows[0];
  if (!w) throw new NotFoundError('Walk');
  if (w.created_by !== p.userId)
    throw new ConflictError('state_changed', 'Only the technician who took this call can turn it into a draft.');
  if (w.kind !== 'adhoc') throw ValidationError.of('sessionId', 'Only calls with notes (no flow) can be turned into a draft.');
  if (w.status !== 'resolved' && w.status !== 'escalated') {
    throw new ConflictError('walk_not_active', 'Resolve or escalate the call before turning its notes into a draft.');
  }
  const existing = await ctx.deps.prisma.flowProposal.findUnique({ where: { sourceWalkId: sessionId } });
  if (existing) return existing;
  // Nothing is cut: a note longer than a node's text becomes several steps, and the ending's
  // text (resolution notes run to 20 000 characters) continues in steps before it.
  const ending =
    w.status === 'escalated'
      ? w.escalation_reason?.trim()
        ? `Escalate to an engineer: ${w.escalation_reason.trim()}`
        : 'Escalate to an engineer.'
      : w.resolution_notes?.trim() || 'Resolved.';
  const endingParts = splitText(ending, LIMITS.textLength);
  const steps = [...w.notes.flatMap((n) => splitText(n.content.trim(), LIMITS.textLength)), ...endingParts.slice(0, -1)];
  if (!w.notes.some((n) => n.content.trim())) throw ValidationError.of('sessionId', 'This call has no notes to turn into a draft yet.');
  if (steps.length > LIMITS.maxNodes - 1) {
    throw ValidationError.of(
      'sessionId',
      `These notes make ${steps.length} steps; a draft holds at most ${LIMITS.maxNodes - 1}. Create the draft by hand instead.`,
    );
  }
  const endId = w.status === 'escalated' ? 'escalate' : 'resolved';
  const nodes: FlowNode[] = steps.map((content, i) => ({
    id: `step-${i + 1}`,
    kind: 'instruction',
    text: content,
    next: i + 1 < steps.length ? `step-${i + 2}` : endId,
  }));
  nodes.push({ id: endId, kind: w.status === 'escalated' ? 'escalation' : 'resolution', text: endingParts.at(-1)! });
  const title = w.problem_statement?.trim() ? shortTitle(w.problem_statement) : 'Draft from call notes';
  const proposal = await ctx.deps.prisma.flowProposal.create({
    data: {
      accountId: p.accountId,
      title,
      source: 'manual_draft',
      nodes,
      rootNodeId: nodes[0]!.id,
      ticketId: w.internal_ticket_id,
      sourceWalkId: sessionId,
      createdById: p.userId,
      createdAt: ctx.deps.clock.now(),
    },
  });
  await audit(ctx, { action: 'proposal.create_from_walk', entityType: 'proposal', entityId: proposal.id, payload: { sessionId } });
  return proposal;
}

/** Text in pieces of at most `max` characters, cut at whitespace where there is some; blank gives none. */
function splitText(text: string, max: number): string[] {
  const out: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const space = rest.lastIndexOf(' ', max);
    let cut = space > max / 2 ? space : max;
    // Never split a surrogate pair.
    if (/[\uD800-\uDBFF]/.test(rest[cut - 1]!)) cut -= 1;
    out.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest) out.push(rest);
  return out;
}

/** Drafts awaiting review: those a helpful walk validated first, then newest. */
export async function reviewQueue(ctx: Caller, query: Query) {
  return ctx.deps.prisma.flowProposal.findMany({
    ...query,
    where: { status: 'draft' },
    orderBy: [{ validatedByOutcome: 'desc' }, { createdAt: 'desc' }, { id: 'desc' }],
    take: 200,
  });
}

/** Drafts linked to tickets I opened. */
export async function myDrafts(ctx: Caller, query: Query) {
  const p = requireUser(ctx);
  return ctx.deps.prisma.flowProposal.findMany({
    ...query,
    where: { OR: [{ ticket: { createdById: p.userId } }, { sourceWalk: { createdById: p.userId } }] },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: 100,
  });
}

async function lockDraft(proposalId: string) {
  const { rows } = await sql<{ status: string; nodes: NodeInput[]; root_node_id: string | null; title: string }>(
    'SELECT status, nodes, root_node_id, title FROM flow_proposals WHERE id = $1 FOR UPDATE',
    [proposalId],
  );
  if (!rows[0]) throw new NotFoundError('Proposal');
  if (rows[0].status !== 'draft') throw new ConflictError('state_changed', `This draft was already ${rows[0].status}.`);
  return rows[0];
}

/** Publishes the draft as a new flow (version 1). The tree must pass the same checks as any flow. */
export async function approve(ctx: Caller, input: { proposalId: string; title?: string | null }) {
  const p = requireUser(ctx);
  const v = parse(approveInput, input);
  const draft = await lockDraft(v.proposalId);
  const tree = publishableTree(draft.nodes, draft.root_node_id);
  const now = ctx.deps.clock.now();
  const { prisma } = ctx.deps;
  const flow = await prisma.flow.create({
    data: {
      accountId: p.accountId,
      // A cleared title falls back to the draft's, shortened to one line: a draft made from a call
      // is titled with its problem statement, which may run to thousands of characters.
      title: blankToNull(v.title) ?? (shortTitle(draft.title) || 'Untitled flow'),
      description: 'Published from an approved proposal.',
      draftNodes: tree.nodes,
      draftRootNodeId: tree.rootNodeId,
      createdById: p.userId,
    },
  });
  await publishVersion(ctx, { id: flow.id, latestVersionNo: 0, latestVersionId: null }, tree, now);
  const proposal = await prisma.flowProposal.update({
    where: { id: v.proposalId },
    data: { status: 'approved', approvedFlowId: flow.id, reviewedById: p.userId, reviewedAt: now },
  });
  await audit(ctx, { action: 'proposal.approve', entityType: 'proposal', entityId: v.proposalId, payload: { flowId: flow.id } });
  return proposal;
}

export async function reject(ctx: Caller, input: { proposalId: string; note?: string | null }) {
  const p = requireUser(ctx);
  const v = parse(rejectInput, input);
  await lockDraft(v.proposalId);
  const proposal = await ctx.deps.prisma.flowProposal.update({
    where: { id: v.proposalId },
    data: { status: 'rejected', reviewedById: p.userId, reviewedAt: ctx.deps.clock.now(), reviewNote: blankToNull(v.note) },
  });
  await audit(ctx, { action: 'proposal.reject', entityType: 'proposal', entityId: v.proposalId });
  return proposal;
}

export function proposalIssues(p: { nodes: unknown; rootNodeId: string | null }) {
  return treeIssues(p.nodes, p.rootNodeId);
}
