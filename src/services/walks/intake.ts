import { afterCommit, sql } from '../../db/tenant.ts';
import type { Caller } from '../caller.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { type NodeInput, normaliseNodes, validateGraph } from '../flows/graph.ts';
import { actingAs, requireUser } from '../identity/principal.ts';
import { blankToNull } from '../validation.ts';
import { publishWalk } from './events.ts';
import { remember, walkAuditRow } from './repo.ts';
import { walkColumns, type WalkRow } from './rows.ts';

export interface WalkStart {
  problemStatement: string;
  customerName?: string | null;
  customerContact?: string | null;
  kind: 'flow' | 'proposal' | 'adhoc';
  flowId?: string | null;
  proposalId?: string | null;
  /** KB chunks retrieved at intake, listed on the walk (a BUILD intake), with their relevance. */
  knowledge?: Array<{ chunkId: string; score: number }>;
  /** What intake decided and why, kept on the walk's start audit row. */
  decision: Record<string, unknown>;
}

/** The root of a proposal that may be walked, or a typed refusal saying why not. */
export async function walkableProposal(ctx: Caller, proposalId: string): Promise<string | null> {
  const proposal = await ctx.deps.prisma.flowProposal.findUnique({ where: { id: proposalId } });
  if (!proposal) throw new NotFoundError('Proposal');
  if (proposal.status === 'rejected') throw ValidationError.of('proposalId', 'This draft was rejected; choose a published flow instead.');
  const issues = validateGraph(normaliseNodes(proposal.nodes as NodeInput[]), proposal.rootNodeId);
  if (issues.length)
    throw ValidationError.of(
      'proposalId',
      'This draft is not finished yet, so it cannot be walked; choose a published flow or take notes.',
    );
  return proposal.rootNodeId;
}

/**
 * Opens an internal ticket (walking while the walk is active) and starts a walk on it: the
 * published version of a flow (pinned), a draft proposal, or ad-hoc notes.
 */
export async function startWalk(ctx: Caller, s: WalkStart): Promise<WalkRow> {
  const p = requireUser(ctx);
  const rootNodeId = s.kind === 'proposal' ? await walkableProposal(ctx, s.proposalId!) : null;
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
     ), ${ctx.deps.tickets.open('t', {
       from: 'go',
       accountId: '$1',
       customerName: '$2',
       customerContact: '$3',
       problemStatement: '$4',
       createdBy: '$5',
       at: '$6::timestamptz',
     })}, w AS (
       INSERT INTO walk_sessions (account_id, kind, flow_id, flow_version_id, proposal_id, internal_ticket_id, current_node_id,
         created_by, handler_user_id, acting_as, started_at, last_step_at, kb_chunk_ids, kb_chunk_scores)
       SELECT $1, $7, $8, (SELECT latest_version_id FROM f), $9, t.id, COALESCE((SELECT root_node_id FROM f), $10), $5, $5, $11, $6, $6, $12::uuid[], $14::float8[] FROM t
       RETURNING *
     ), a AS (
       ${walkAuditRow('l1.session.start', {
         actor: '$5',
         actingAs: '$11',
         at: '$6',
         payload: "jsonb_build_object('kind', $7::text, 'ticketId', w.internal_ticket_id) || $13::jsonb",
       })}
     )
     SELECT ${walkColumns('w')}, (SELECT latest_version_id FROM f) AS "flowVersion"
     FROM (SELECT 1) one LEFT JOIN w ON true`,
    [
      p.accountId,
      blankToNull(s.customerName),
      blankToNull(s.customerContact),
      s.problemStatement,
      p.userId,
      now,
      s.kind,
      s.kind === 'flow' ? s.flowId : null,
      s.kind === 'proposal' ? s.proposalId : null,
      rootNodeId,
      acting,
      (s.knowledge ?? []).map((k) => k.chunkId),
      JSON.stringify(s.decision),
      (s.knowledge ?? []).map((k) => k.score),
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
  return walk;
}
