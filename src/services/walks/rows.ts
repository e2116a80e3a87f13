/** Row shapes of walks and steps as the services and the schema pass them around. */

export interface WalkNote {
  at: string;
  content: string;
}

export const WALK_KINDS = ['flow', 'proposal', 'adhoc', 'ai_build'] as const;
export type WalkKind = (typeof WALK_KINDS)[number];
export const WALK_STATUSES = ['active', 'resolved', 'escalated', 'abandoned'] as const;
export type WalkStatus = (typeof WALK_STATUSES)[number];

export interface WalkRow {
  id: string;
  accountId: string;
  kind: WalkKind;
  status: WalkStatus;
  flowId: string | null;
  flowVersionId: string | null;
  proposalId: string | null;
  ticketKind: 'internal' | 'psa';
  internalTicketId: string | null;
  psaTicketRef: string | null;
  currentNodeId: string | null;
  createdById: string;
  handlerUserId: string;
  version: number;
  stepCount: number;
  notes: WalkNote[];
  helpful: boolean | null;
  resolutionNotes: string | null;
  escalationReasonCategory: string | null;
  escalationReason: string | null;
  handoff: Handoff | null;
  actingAs: 'l1_coverage' | null;
  startedAt: Date;
  lastStepAt: Date;
  resolvedAt: Date | null;
  endedAt: Date | null;
  /** The technician a coverer took this walk from: they may ask for it back. */
  takenFromId?: string | null;
  handbackRequestedAt?: Date | null;
  /** Put back on the desk by its handler: any L1 may pick it up. */
  releasedAt?: Date | null;
}

export interface StepRow {
  id: string;
  sessionId: string;
  seq: number;
  nodeId: string;
  question: string;
  answer: 'yes' | 'no' | 'continue';
  answerLabel: string;
  yesLabel: string | null;
  noLabel: string | null;
  nextNodeId: string | null;
  note: string | null;
  actorId: string;
  actingAs: 'l1_coverage' | null;
  clientStepId: string;
  createdAt: Date;
}

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
export function walkColumns(a: string): string {
  return [
    `${a}.id`,
    `${a}.account_id AS "accountId"`,
    `${a}.kind`,
    `${a}.status`,
    `${a}.flow_id AS "flowId"`,
    `${a}.flow_version_id AS "flowVersionId"`,
    `${a}.proposal_id AS "proposalId"`,
    `${a}.ticket_kind AS "ticketKind"`,
    `${a}.internal_ticket_id AS "internalTicketId"`,
    `${a}.psa_ticket_ref AS "psaTicketRef"`,
    `${a}.current_node_id AS "currentNodeId"`,
    `${a}.created_by AS "createdById"`,
    `${a}.handler_user_id AS "handlerUserId"`,
    `${a}.version`,
    `${a}.step_count AS "stepCount"`,
    `${a}.notes`,
    `${a}.helpful`,
    `${a}.resolution_notes AS "resolutionNotes"`,
    `${a}.escalation_reason_category AS "escalationReasonCategory"`,
    `${a}.escalation_reason AS "escalationReason"`,
    `${a}.handoff`,
    `${a}.acting_as AS "actingAs"`,
    `${a}.started_at AS "startedAt"`,
    `${a}.last_step_at AS "lastStepAt"`,
    `${a}.resolved_at AS "resolvedAt"`,
    `${a}.ended_at AS "endedAt"`,
    `${a}.taken_from_user_id AS "takenFromId"`,
    `${a}.handback_requested_at AS "handbackRequestedAt"`,
    `${a}.released_at AS "releasedAt"`,
  ].join(', ');
}

export const STEP_COLUMNS = `id, session_id AS "sessionId", seq, node_id AS "nodeId", question, answer, answer_label AS "answerLabel",
  yes_label AS "yesLabel", no_label AS "noLabel", next_node_id AS "nextNodeId", note, actor_id AS "actorId",
  acting_as AS "actingAs", client_step_id AS "clientStepId", created_at AS "createdAt"`;
