import type { CombinedError } from 'urql';

/** What a toast shows for a failed operation, keyed on the API's stable `code`. */
export interface Failure {
  code: string;
  title: string;
  message: string;
  action?: { label: string; href: string };
}

const TITLES: Record<string, string> = {
  seat_limit_exceeded: 'Seat limit reached',
  conflict: 'Someone else changed this',
  validation_failed: 'Please check the details',
  not_found: 'Not found',
  invalid_credentials: 'Sign-in failed',
  rate_limited: 'Too many attempts',
  invite_invalid: 'Invite not valid',
  FORBIDDEN: 'You don’t have access to that',
  UNAUTHENTICATED: 'You were signed out',
  NOT_FOUND: 'Not found',
  network: 'Connection problem',
  unexpected: 'Something went wrong',
};

const CONFLICT_TITLES: Record<string, string> = {
  NOT_HANDLER: 'Someone else is handling this call',
  TAKEOVER_LOST: 'Someone else took this call first',
  STALE_VERSION: 'This walk changed',
  NOT_CURRENT_NODE: 'This walk moved on',
  WALK_NOT_ACTIVE: 'This walk has ended',
  STATE_CHANGED: 'This walk changed',
  LAST_OWNER: 'The account needs an owner',
  TAKEN_BY_COVERER: 'A coverer is handling this call',
  PEER_STILL_HANDLING: 'A colleague is still on this call',
  NOT_TAKEN_FROM_YOU: 'This call wasn’t taken from you',
  NOT_ASSIGNEE: 'Someone else has this escalation',
  ESCALATION_CLOSED: 'This escalation is already resolved',
};

export function titleFor(code: string): string {
  return TITLES[code] ?? TITLES.unexpected!;
}

export interface ErrorLike {
  __typename?: string;
  code?: string;
  message?: string;
  reason?: string;
  upgradeUrl?: string;
  issues?: ReadonlyArray<{ path: readonly string[]; message: string }>;
}

/** A typed result error (`ValidationError`, `SeatLimitExceeded`, `ConflictError`, …) as a toast. */
export function failureFromResult(v: ErrorLike): Failure {
  const code = v.code ?? 'unexpected';
  let title = titleFor(code);
  if (v.__typename === 'ConflictError' && v.reason && CONFLICT_TITLES[v.reason]) title = CONFLICT_TITLES[v.reason]!;
  let message = v.message ?? 'The request could not be completed.';
  // A list of issues reads better as its first item than as the joined technical message.
  if (v.__typename === 'ValidationError' && v.issues?.length) {
    const first = v.issues[0]!.message;
    // Messages are sentences; one that starts with an address keeps it as typed.
    message = /^\S*@/.test(first) ? first : first.charAt(0).toUpperCase() + first.slice(1);
    if (v.issues.length > 1) message += ` (and ${v.issues.length - 1} more)`;
  }
  const failure: Failure = { code, title, message };
  if (v.__typename === 'SeatLimitExceeded' && v.upgradeUrl) failure.action = { label: 'Upgrade plan', href: v.upgradeUrl };
  return failure;
}

/** A transport or GraphQL error (FORBIDDEN, UNAUTHENTICATED, network) as a toast. */
export function failureFromError(err: CombinedError): Failure {
  if (err.networkError) {
    return {
      code: 'network',
      title: titleFor('network'),
      message: 'The server could not be reached. Check your connection and try again.',
    };
  }
  const first = err.graphQLErrors[0];
  const code = (first?.extensions?.code as string | undefined) ?? 'unexpected';
  const messages: Record<string, string> = {
    FORBIDDEN: 'Your role does not allow this. Ask an admin if you need it.',
    UNAUTHENTICATED: 'Please sign in again.',
  };
  return { code, title: titleFor(code), message: messages[code] ?? first?.message ?? 'Unexpected error' };
}

/**
 * The successful member of a mutation's result union, or null after reporting the failure.
 * `value` is the root field (`data.intake`), `ok` the success typename.
 */
export function unwrap<R extends { __typename: string }, T extends R['__typename']>(
  value: R | null | undefined,
  error: CombinedError | undefined,
  ok: T,
  report: (f: Failure) => void,
): Extract<R, { __typename: T }> | null {
  if (error && !value) {
    report(failureFromError(error));
    return null;
  }
  if (!value) {
    report({ code: 'unexpected', title: titleFor('unexpected'), message: 'The server sent no answer.' });
    return null;
  }
  if (value.__typename === ok) return value as Extract<R, { __typename: T }>;
  report(failureFromResult(value as ErrorLike));
  return null;
}

/** Validation issues by the node they name: `["nodes", "<id>", "yesLabel"]` → id → messages. */
export function issuesByNode(issues: ReadonlyArray<{ path: readonly string[]; message: string }>): {
  byNode: Map<string, Array<{ field: string | null; message: string }>>;
  general: Array<{ path: readonly string[]; message: string }>;
} {
  const byNode = new Map<string, Array<{ field: string | null; message: string }>>();
  const general: Array<{ path: readonly string[]; message: string }> = [];
  for (const i of issues) {
    if (i.path[0] === 'nodes' && i.path.length >= 2 && i.path[1]) {
      const list = byNode.get(i.path[1]) ?? [];
      list.push({ field: i.path[2] ?? null, message: i.message });
      byNode.set(i.path[1], list);
    } else {
      general.push(i);
    }
  }
  return { byNode, general };
}

/**
 * Validation issues by form field: the issue's path names the argument (`["idleSeconds"]`,
 * `["invites", "0", "email"]`); `fields` maps argument names to the form's own field keys (by
 * default the same). Issues on no known field are left for the toast.
 */
export function fieldErrors(
  issues: ReadonlyArray<{ path: readonly string[]; message: string }> | null | undefined,
  fields?: Record<string, string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues ?? []) {
    const arg = [...i.path].reverse().find((seg) => !/^\d+$/.test(seg));
    if (!arg) continue;
    const key = fields ? fields[arg] : arg;
    if (key && !out[key]) out[key] = i.message;
  }
  return out;
}
