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

export class ValidationError extends AppError {
  readonly code = 'validation_failed';
  constructor(
    readonly issues: Issue[],
    message = issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; '),
  ) {
    super(message || 'Invalid input');
  }
  static of(path: string | string[], message: string): ValidationError {
    return new ValidationError([{ path: Array.isArray(path) ? path : [path], message }]);
  }
}

export class NotFoundError extends AppError {
  readonly code = 'not_found';
  constructor(readonly entity: string) {
    super(`${entity} not found`);
  }
}

export type ConflictReason =
  | 'stale_version'
  | 'walk_not_active'
  | 'not_handler'
  | 'not_current_node'
  | 'takeover_lost'
  | 'state_changed'
  | 'last_owner'
  /** An L1 tech may not take a call a coverer took over: they ask for it back. */
  | 'taken_by_coverer'
  /** A peer's call that is neither handed off nor idle long enough. */
  | 'peer_still_handling'
  /** Asking for a call back that was not taken from you. */
  | 'not_taken_from_you'
  /** Resolving or releasing an escalation someone else claimed (or nobody has). */
  | 'not_assignee'
  /** The escalation was already resolved. */
  | 'escalation_closed'
  /** Publishing a draft identical to the latest version. */

  | 'nothing_changed';

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
  ) {
    super(`${role === 'engineer' ? 'Engineer' : 'L1'} seats full: ${current} of ${limit}`);
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
  constructor(message = 'This invite link is invalid, expired or already used') {
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
