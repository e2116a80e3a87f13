import { z } from 'zod';
import { afterCommit, sql } from '../../db/tenant.ts';
import type { Caller } from '../caller.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { type NodeInput, normaliseNodes, validateGraph } from '../flows/graph.ts';
import { actingAs, requireUser } from '../identity/principal.ts';
import { blankToNull, parse, text, uuid } from '../validation.ts';
import { publishWalk } from './events.ts';
import { remember, walkAuditRow } from './repo.ts';
import { walkColumns, type WalkRow } from './rows.ts';

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
  ctx: Caller,
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
  let version: { id: string; rootNodeId: string } | null = null;
  if (v.flowId) version = await publishedVersion(v.flowId);
  const now = ctx.deps.clock.now();
  const acting = actingAs(ctx.principal);
  const ticket = await ctx.deps.tickets.open({
    accountId: p.accountId,
    createdBy: p.userId,
    problemStatement: v.problemStatement,
    customerName: blankToNull(v.customerName),
    customerContact: blankToNull(v.customerContact),
    at: now,
  });
  // The walk and its audit row are the operation's last write, so COMMIT rides with them.
  const { rows } = await sql<WalkRow>(
    `WITH w AS (
       INSERT INTO walk_sessions (account_id, kind, flow_id, flow_version_id, proposal_id, internal_ticket_id, current_node_id,
         created_by, handler_user_id, acting_as, started_at, last_step_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, $10)
       RETURNING *
     ), a AS (
       ${walkAuditRow('l1.session.start', { actor: '$8', actingAs: '$9', at: '$10', payload: "jsonb_build_object('kind', $2::text, 'ticketId', w.internal_ticket_id)" })}
     )
     SELECT ${walkColumns('w')} FROM w`,
    [
      p.accountId,
      kind,
      v.flowId ?? null,
      version?.id ?? null,
      v.proposalId ?? null,
      ticket.id,
      version?.rootNodeId ?? rootNodeId,
      p.userId,
      acting,
      now,
    ],
    'walk_intake',
    { commit: true },
  );
  const row = rows[0]!;
  const walk = row;
  remember(walk.id, { accountId: walk.accountId, kind: walk.kind, flowVersionId: walk.flowVersionId, proposalId: walk.proposalId });
  afterCommit(() => publishWalk(ctx.deps.events, walk, 'started'));
  return { outcome: kind, walk };
}

/** The version a new walk of this flow pins: its latest, if the flow is published. */
async function publishedVersion(flowId: string): Promise<{ id: string; rootNodeId: string }> {
  const { rows } = await sql<{ status: string; id: string | null; rootNodeId: string | null }>(
    `SELECT f.status, fv.id, fv.root_node_id AS "rootNodeId"
     FROM flows f LEFT JOIN flow_versions fv ON fv.id = f.latest_version_id WHERE f.id = $1`,
    [flowId],
  );
  const f = rows[0];
  // Another account's flow is invisible here (RLS), like one that does not exist.
  if (!f?.id || !f.rootNodeId) throw new NotFoundError('Flow');
  if (f.status !== 'published') throw ValidationError.of('flowId', 'This flow was archived; choose a published flow.');
  return { id: f.id, rootNodeId: f.rootNodeId };
}
