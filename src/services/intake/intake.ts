import { z } from 'zod';
import { audit } from '../audit/audit.ts';
import type { Caller } from '../caller.ts';
import { category, isHardFloor } from '../categories/catalogue.ts';
import { classify } from '../categories/classify.ts';
import { actingAs, requireUser } from '../identity/principal.ts';
import type { KbHit } from '../ports.ts';
import { parse, text, uuid } from '../validation.ts';
import { startWalk } from '../walks/intake.ts';
import type { WalkRow } from '../walks/rows.ts';
import { type RankedFlow, rankFlows } from './match.ts';

const intakeInput = z
  .object({
    problemStatement: text(4000, 1),
    // Optional (DESIGN §14): only the problem is needed to start; blank means not given.
    customerName: text(200).nullable().optional(),
    customerContact: text(320).nullable().optional(),
    flowId: uuid.nullable().optional(),
    proposalId: uuid.nullable().optional(),
    adhoc: z.boolean().nullable().optional(),
  })
  .refine((v) => !(v.flowId && v.proposalId), { message: 'Choose a flow or a draft to walk, not both.', path: ['proposalId'] })
  .refine((v) => !(v.adhoc && (v.flowId || v.proposalId)), {
    message: 'Choose a flow or a draft to walk, or take notes: not both.',
    path: ['adhoc'],
  });

export type IntakeOutcome = 'matched' | 'suggest' | 'out_of_scope' | 'build' | 'aborted_no_kb' | 'flow' | 'proposal' | 'adhoc';

export interface FlowSuggestion {
  flowId: string;
  score: number;
  reason: string;
}

export interface IntakeResult {
  outcome: IntakeOutcome;
  /** Why, in words an L1 reads with a caller on the line. */
  reason: string;
  /** Null when no walk starts (SUGGEST, OUT_OF_SCOPE, ABORTED_NO_KB). */
  walk: WalkRow | null;
  matchedFlowId: string | null;
  suggestions: FlowSuggestion[];
  /** The classified category key, when there is one. */
  category: string | null;
  /** BUILD: the chunks retrieved and listed on the walk. */
  knowledge: KbHit[];
  problemStatement: string;
}

export interface IntakeInput {
  problemStatement: string;
  customerName?: string | null;
  customerContact?: string | null;
  flowId?: string | null;
  proposalId?: string | null;
  adhoc?: boolean | null;
}

const round = (n: number) => Math.round(n * 100) / 100;
const quote = (s: string) => `“${s}”`;
const matchedOn = (f: RankedFlow) => `matched on: ${f.matchedOn.slice(0, 5).join(', ')}`;

/**
 * Intake (DESIGN §14, match_or_build). A flow, a draft or notes chosen by the L1 start at once.
 * Otherwise the statement is classified (the hard floor and categories the account does not take
 * are refused before anything else), the account's published flows are scored, and intake starts
 * the one that clearly fits, offers the few that might, builds from the knowledge base, or says
 * there is nothing to go on. Every outcome is audited with its reason.
 */
export async function intake(ctx: Caller, input: IntakeInput): Promise<IntakeResult> {
  const p = requireUser(ctx);
  const v = parse(intakeInput, input);
  const call = { problemStatement: v.problemStatement, customerName: v.customerName, customerContact: v.customerContact };
  const none = { matchedFlowId: null, suggestions: [], category: null, knowledge: [], problemStatement: v.problemStatement };

  if (v.flowId || v.proposalId || v.adhoc) {
    const kind = v.flowId ? 'flow' : v.proposalId ? 'proposal' : 'adhoc';
    const reason =
      kind === 'flow'
        ? 'The flow was chosen at intake.'
        : kind === 'proposal'
          ? 'The draft was chosen at intake.'
          : 'Notes were chosen at intake.';
    const walk = await startWalk(ctx, { ...call, kind, flowId: v.flowId, proposalId: v.proposalId, decision: { outcome: kind, reason } });
    return { ...none, outcome: kind, reason, walk };
  }

  const c = classify(v.problemStatement);
  const label = c.key ? category(c.key)!.label : null;
  // The floor is decided before anything is read: no flow can make these an L1 call.
  if (c.key && isHardFloor(c.key))
    return refuse(ctx, v.problemStatement, { ...none, outcome: 'out_of_scope', reason: c.reason, category: c.key });

  const ranking = await rankFlows(v.problemStatement, p.accountId, c.key);
  if (c.key && !ranking.enabled.includes(c.key)) {
    const reason = `${c.reason} This account’s L1 desk does not take ${label!.toLowerCase()} calls, so it goes to an engineer.`;
    return refuse(ctx, v.problemStatement, { ...none, outcome: 'out_of_scope', reason, category: c.key });
  }

  const { INTAKE_MATCH_THRESHOLD: match, INTAKE_SUGGEST_THRESHOLD: suggest, INTAKE_MATCH_MARGIN: margin } = ctx.deps.config;
  const [best, second] = ranking.flows;
  const base = { ...none, category: c.key };
  if (best && best.score >= match && best.score - (second?.score ?? 0) >= margin) {
    const reason = `Matched ${quote(best.title)} (score ${round(best.score)}): ${matchedOn(best)}.`;
    const decision = {
      outcome: 'matched',
      reason,
      category: c.key,
      score: round(best.score),
      runnerUp: second ? round(second.score) : null,
    };
    const walk = await startWalk(ctx, { ...call, kind: 'flow', flowId: best.flowId, decision });
    return { ...base, outcome: 'matched', reason, walk, matchedFlowId: best.flowId };
  }
  if (best && best.score >= suggest) {
    const offered = ranking.flows.filter((f) => f.score >= suggest).slice(0, 3);
    const suggestions = offered.map((f) => ({ flowId: f.flowId, score: round(f.score), reason: `${quote(f.title)}: ${matchedOn(f)}.` }));
    const why =
      best.score >= match && second
        ? `${quote(best.title)} and ${quote(second.title)} fit almost equally well`
        : `No flow fits clearly enough to start (best: ${quote(best.title)} at ${round(best.score)})`;
    const reason = `${why}: pick one, build from the knowledge base, or take notes.`;
    return refuse(ctx, v.problemStatement, { ...base, outcome: 'suggest', reason, suggestions });
  }

  const bestNote = best ? ` (best: ${quote(best.title)} at ${round(best.score)})` : '';
  const knowledge = await ctx.deps.knowledgeBase.relevant(v.problemStatement, 5);
  if (knowledge.length) {
    const titles = [...new Set(knowledge.map((k) => k.title))].slice(0, 3).map(quote).join(', ');
    const reason = `No published flow fits${bestNote}; building from the knowledge base: ${titles}.`;
    const decision = { outcome: 'build', reason, category: c.key, kbChunkIds: knowledge.map((k) => k.chunkId) };
    const walk = await startWalk(ctx, { ...call, kind: 'adhoc', knowledge, decision });
    return { ...base, outcome: 'build', reason, walk, knowledge };
  }
  const reason = `No published flow fits${bestNote} and the knowledge base has nothing on it: escalate to an engineer or take notes.`;
  return refuse(ctx, v.problemStatement, { ...base, outcome: 'aborted_no_kb', reason });
}

/** An outcome without a walk: nothing is written but its audit row, so a manager sees what was turned away and why. */
async function refuse(ctx: Caller, problemStatement: string, r: Omit<IntakeResult, 'walk'>): Promise<IntakeResult> {
  await audit(ctx, {
    action: 'l1.intake',
    entityType: 'intake',
    actingAs: actingAs(ctx.principal),
    payload: {
      outcome: r.outcome,
      reason: r.reason,
      category: r.category,
      problemStatement: problemStatement.slice(0, 500),
      suggestions: r.suggestions.map((s) => ({ flowId: s.flowId, score: s.score })),
    },
  });
  return { ...r, walk: null };
}
