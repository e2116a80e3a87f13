/** Row shapes of walks and steps as the services and the schema pass them around. */
import { col, columns, type RowOf } from '../../db/columns.ts';

export interface WalkNote {
  at: string;
  content: string;
}

export const WALK_KINDS = ['flow', 'proposal', 'adhoc', 'ai_build'] as const;
export type WalkKind = (typeof WALK_KINDS)[number];
export const WALK_STATUSES = ['active', 'resolved', 'escalated', 'abandoned'] as const;
export type WalkStatus = (typeof WALK_STATUSES)[number];

const walk = columns({
  id: col<string>('id'),
  accountId: col<string>('account_id'),
  kind: col<WalkKind>('kind'),
  status: col<WalkStatus>('status'),
  flowId: col<string | null>('flow_id'),
  flowVersionId: col<string | null>('flow_version_id'),
  proposalId: col<string | null>('proposal_id'),
  ticketKind: col<'internal' | 'psa'>('ticket_kind'),
  internalTicketId: col<string | null>('internal_ticket_id'),
  psaTicketRef: col<string | null>('psa_ticket_ref'),
  currentNodeId: col<string | null>('current_node_id'),
  createdById: col<string>('created_by'),
  handlerUserId: col<string>('handler_user_id'),
  version: col<number>('version'),
  stepCount: col<number>('step_count'),
  notes: col<WalkNote[]>('notes'),
  helpful: col<boolean | null>('helpful'),
  resolutionNotes: col<string | null>('resolution_notes'),
  escalationReasonCategory: col<string | null>('escalation_reason_category'),
  escalationReason: col<string | null>('escalation_reason'),
  handoff: col<Handoff | null>('handoff'),
  actingAs: col<'l1_coverage' | null>('acting_as'),
  startedAt: col<Date>('started_at'),
  lastStepAt: col<Date>('last_step_at'),
  resolvedAt: col<Date | null>('resolved_at'),
  endedAt: col<Date | null>('ended_at'),
  /** The technician a coverer took this walk from: they may ask for it back. */
  takenFromId: col<string | null>('taken_from_user_id'),
  handbackRequestedAt: col<Date | null>('handback_requested_at'),
  /** Put back on the desk by its handler: any L1 may pick it up. */
  releasedAt: col<Date | null>('released_at'),
  /** The KB chunks a BUILD intake retrieved for this walk ([] otherwise). */
  kbChunkIds: col<string[]>('kb_chunk_ids'),
  kbChunkScores: col<number[]>('kb_chunk_scores'),
});
export type WalkRow = RowOf<typeof walk>;

const step = columns({
  id: col<string>('id'),
  sessionId: col<string>('session_id'),
  seq: col<number>('seq'),
  nodeId: col<string>('node_id'),
  question: col<string>('question'),
  answer: col<'yes' | 'no' | 'continue'>('answer'),
  answerLabel: col<string>('answer_label'),
  yesLabel: col<string | null>('yes_label'),
  noLabel: col<string | null>('no_label'),
  nextNodeId: col<string | null>('next_node_id'),
  note: col<string | null>('note'),
  actorId: col<string>('actor_id'),
  actingAs: col<'l1_coverage' | null>('acting_as'),
  clientStepId: col<string>('client_step_id'),
  createdAt: col<Date>('created_at'),
});
export type StepRow = RowOf<typeof step>;

export interface Handoff {
  problemStatement: string;
  /** Null when the caller's name or contact was not given (only the problem is required). */
  customerName: string | null;
  customerContact: string | null;
  reasonCategory: string;
  reason: string | null;
  flowTitle: string | null;
  transcript: Array<{
    seq: number;
    nodeId: string;
    question: string;
    answerLabel: string;
    note: string | null;
    at: string;
  }>;
  notes: WalkNote[];
  escalatedBy: { id: string; name: string };
  escalatedAt: string;
}

/** The walk_sessions columns under the WalkRow names, for `SELECT ${walkColumns('w')}`. */
export function walkColumns(alias: string): string {
  return walk.select(alias);
}

export const STEP_COLUMNS = step.select();
