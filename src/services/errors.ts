/**
 * Expected failures. Services throw these; the schema renders each as a member of the field's
 * result union (Pothos errors plugin) with a stable `code`. Anything else is unexpected, thrown,
 * logged and masked.
 */
export abstract class AppError extends Error {
  abstract readonly code: string;
}

export interface Issue {
  path: string[];
  message: string;
}

/**
 * What each input field is called on screen. Issues keep the argument's path (the SPA maps it to
 * the form field it highlights), but their message is read by people: "Problem is required", not
 * "problemStatement: must not be empty".
 */
const FIELD_LABELS: Record<string, string> = {
  email: 'Email',
  password: 'Password',
  name: 'Name',
  role: 'Role',
  token: 'Invite link',
  idleSeconds: 'Idle timeout',
  absoluteSeconds: 'Maximum session length',
  problemStatement: 'Problem',
  customerName: 'Customer name',
  customerContact: 'Contact',
  title: 'Title',
  description: 'Description',
  text: 'Text',
  yesLabel: 'Yes answer label',
  noLabel: 'No answer label',
  resolutionNotes: 'Resolution notes',
  reason: 'Reason',
  note: 'Note',
  notes: 'Notes',
  content: 'Note',
  scopes: 'Access',
  engineerSeatLimit: 'Engineer seat limit',
  l1SeatLimit: 'L1 seat limit',
  body: 'Article text',
  category: 'Category',
  files: 'Files',
};

function labelFor(path: Array<string | number>): string | null {
  for (let i = path.length - 1; i >= 0; i--) {
    const seg = path[i];
    if (typeof seg === 'string' && FIELD_LABELS[seg]) return FIELD_LABELS[seg]!;
  }
  return null;
}

/**
 * A field rule's message ("must not be empty") becomes a sentence naming the field in user words.
 * Messages already written as sentences (capitalised) are kept as they are.
 */
export function sentence(path: Array<string | number>, message: string): string {
  if (/^[A-Z"“]/.test(message)) return message;
  const label = labelFor(path);
  const text = label ? `${label} ${message}` : message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

export class ValidationError extends AppError {
  readonly code = 'validation_failed';
  constructor(
    readonly issues: Issue[],
    // Issue messages are sentences in the user's words; the path is for programs, not people.
    message = issues.map((i) => i.message).join(' '),
  ) {
    super(message || 'Please check the details and try again.');
  }
  /** One issue; `message` is a whole sentence in the user's words (it may start with an address). */
  static of(path: string | string[], message: string): ValidationError {
    return new ValidationError([{ path: Array.isArray(path) ? path : [path], message }]);
  }
}

const NOT_FOUND_WORDS: Record<string, string> = {
  Walk: 'This call',
  Ticket: 'This ticket',
  Flow: 'This flow',
  Proposal: 'This draft',
  User: 'This member',
  Invite: 'This invite',
  Account: 'This team',
  ApiToken: 'This API token',
  KbDocument: 'This article',
};

export class NotFoundError extends AppError {
  readonly code = 'not_found';
  constructor(readonly entity: string) {
    super(
      `${NOT_FOUND_WORDS[entity] ?? `This ${entity.toLowerCase()}`} was not found. It may have been removed, or the link is out of date.`,
    );
  }
}

export const CONFLICT_REASONS = [
  'stale_version',
  'walk_not_active',
  'not_handler',
  'not_current_node',
  'takeover_lost',
  'state_changed',
  'last_owner',
  // An L1 tech may not take a call a coverer took over: they ask for it back.
  'taken_by_coverer',
  // A peer's call that is neither handed off nor idle long enough.
  'peer_still_handling',
  // Asking for a call back that was not taken from you.
  'not_taken_from_you',
  // Resolving or releasing an escalation someone else claimed (or nobody has).
  'not_assignee',
  // The escalation was already resolved.
  'escalation_closed',
  // Publishing a draft identical to the latest version.
  'nothing_changed',
] as const;
export type ConflictReason = (typeof CONFLICT_REASONS)[number];

export class ConflictError extends AppError {
  readonly code = 'conflict';
  constructor(
    readonly reason: ConflictReason,
    message: string,
    readonly currentVersion: number | null = null,
  ) {
    super(message);
  }
}

export type SeatRole = 'engineer' | 'l1_tech';

export class SeatLimitExceeded extends AppError {
  readonly code = 'seat_limit_exceeded';
  constructor(
    readonly role: SeatRole,
    readonly current: number,
    readonly limit: number,
    readonly upgradeUrl: string,
    /** Seats held by pending invites of this kind (counted against the limit too). */
    readonly pending = 0,
  ) {
    super(seatMessage(role, current, limit, pending));
  }
}

function seatMessage(role: SeatRole, current: number, limit: number, pending: number): string {
  const kind = role === 'engineer' ? 'Engineer' : 'L1';
  if (!pending) return `${kind} seats full: ${current} of ${limit}`;
  return `${kind} seats full: ${current} in use and ${pending} held by pending ${pending === 1 ? 'invite' : 'invites'}, of ${limit}. Revoke an invite or add seats.`;
}

/** The same article (by content) is already in the knowledge base; nothing was stored. */
export class DuplicateKbDocumentError extends AppError {
  readonly code = 'duplicate_kb_document';
  constructor(readonly existing: { id: string; title: string }) {
    super(`This article is already in the knowledge base as “${existing.title}”.`);
  }
}

export class InvalidCredentials extends AppError {
  readonly code = 'invalid_credentials';
  constructor() {
    super('Email or password is incorrect');
  }
}

export class RateLimited extends AppError {
  readonly code = 'rate_limited';
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many attempts; try again in ${retryAfterSeconds} s`);
  }
}

export type SessionRefusalCode = 'invalid_refresh_token' | 'session_expired_idle' | 'session_expired_absolute';

export class SessionRefused extends AppError {
  constructor(readonly code: SessionRefusalCode) {
    super(
      code === 'invalid_refresh_token'
        ? 'This session is no longer valid; sign in again'
        : code === 'session_expired_idle'
          ? 'Your session expired after a period of inactivity; sign in again'
          : 'Your session reached its maximum length; sign in again',
    );
  }
}

export class InviteInvalid extends AppError {
  readonly code = 'invite_invalid';
  constructor(message = 'This invite link can’t be used: it has expired, was already used, or was replaced by a newer link.') {
    super(message);
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/** A unique index refused the row (pg 23505, or Prisma's P2002 for the same). */
export function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; cause?: { originalCode?: string } } | null;
  return err?.code === '23505' || err?.code === 'P2002' || err?.cause?.originalCode === '23505';
}
