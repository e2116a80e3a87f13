import { describe, expect, it } from 'vitest';
import { decodeJwtClaims, localExpiry, needsRefresh, refreshDelay } from '../../web/src/lib/auth-timing.ts';
import { failureFromResult, issuesByNode } from '../../web/src/lib/errors.ts';
import { firstName, formatDuration, formatIdle, greeting, humanize, initials, relativeTime } from '../../web/src/lib/format.ts';
import { canUseL1Desk, homePath, isCoverer, type Principal } from '../../web/src/lib/roles.ts';

// Pure SPA logic: what the dashboard greets with, how idle clocks read, when tokens refresh.

describe('greeting', () => {
  it('follows the hour of the day', () => {
    expect(greeting(5)).toBe('Good morning');
    expect(greeting(11)).toBe('Good morning');
    expect(greeting(12)).toBe('Good afternoon');
    expect(greeting(17)).toBe('Good afternoon');
    expect(greeting(18)).toBe('Good evening');
    expect(greeting(2)).toBe('Good evening');
  });

  it('uses the first name and initials', () => {
    expect(firstName('  Lena  Tech ')).toBe('Lena');
    expect(initials('Erin Engineer')).toBe('EE');
    expect(initials('Cher')).toBe('C');
    expect(initials('')).toBe('?');
  });
});

describe('idle time', () => {
  it('reads as a compact ticking clock', () => {
    expect(formatIdle(-5)).toBe('0s');
    expect(formatIdle(8_900)).toBe('8s');
    expect(formatIdle(65_000)).toBe('1m 05s');
    expect(formatIdle(59 * 60_000 + 59_000)).toBe('59m 59s');
    expect(formatIdle(2 * 3_600_000 + 3 * 60_000)).toBe('2h 03m');
    expect(formatIdle(27 * 3_600_000)).toBe('1d 3h');
  });

  it('relative times and durations read like a person would say them', () => {
    const now = Date.parse('2025-01-10T12:00:00Z');
    expect(relativeTime('2025-01-10T11:59:40Z', now)).toBe('just now');
    expect(relativeTime('2025-01-10T11:55:00Z', now)).toBe('5 min ago');
    expect(relativeTime('2025-01-10T09:00:00Z', now)).toBe('3 h ago');
    expect(relativeTime('2025-01-09T10:00:00Z', now)).toBe('yesterday');
    expect(relativeTime(null, now)).toBe('—');
    expect(formatDuration(900)).toBe('15 minutes');
    expect(formatDuration(259_200)).toBe('3 days');
    expect(formatDuration(3600)).toBe('1 hour');
    expect(humanize('NO_KB_AVAILABLE')).toBe('No knowledge base available');
    expect(humanize('needs_admin_access')).toBe('Needs admin access');
  });
});

function jwt(claims: Record<string, unknown>): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'HS256' })}.${b64(claims)}.signature`;
}

describe('token refresh scheduling', () => {
  it('refreshes a minute before a 15-minute token expires', () => {
    const now = 1_000_000;
    expect(refreshDelay(now + 900_000, now)).toBe(840_000);
  });

  it('keeps a proportional lead for short tokens and never loops faster than 5 s', () => {
    const now = 1_000_000;
    expect(refreshDelay(now + 100_000, now)).toBe(80_000);
    expect(refreshDelay(now + 3_000, now)).toBe(5_000);
    expect(refreshDelay(now - 60_000, now)).toBe(5_000);
  });

  it('counts the token lifetime from receipt, whatever the browser clock says', () => {
    const token = jwt({ sub: 'u', iat: 1_000, exp: 1_900 });
    // The server says it expires in 2001; our clock is years off: 900 s from receipt still holds.
    expect(localExpiry(token, '2001-01-01T00:00:00Z', 5_000_000)).toBe(5_000_000 + 900_000);
    expect(localExpiry('not-a-jwt', '2030-01-01T00:00:00Z', 0)).toBe(Date.parse('2030-01-01T00:00:00Z'));
    expect(decodeJwtClaims(token)).toMatchObject({ iat: 1_000, exp: 1_900 });
  });

  it('refreshes before use within ten seconds of expiry', () => {
    expect(needsRefresh(20_000, 0)).toBe(false);
    expect(needsRefresh(10_000, 0)).toBe(true);
  });
});

describe('errors as toasts', () => {
  it('shows the seat refusal with its counts and an upgrade link', () => {
    const f = failureFromResult({
      __typename: 'SeatLimitExceeded',
      code: 'seat_limit_exceeded',
      message: 'L1 seats full: 3 of 3',
      upgradeUrl: 'https://example.test/upgrade',
    });
    expect(f).toEqual({
      code: 'seat_limit_exceeded',
      title: 'Seat limit reached',
      message: 'L1 seats full: 3 of 3',
      action: { label: 'Upgrade plan', href: 'https://example.test/upgrade' },
    });
  });

  it('names a takeover conflict and shortens validation issues', () => {
    expect(
      failureFromResult({ __typename: 'ConflictError', code: 'conflict', reason: 'NOT_HANDLER', message: 'Erin is handling this walk now' })
        .title,
    ).toBe('Someone else is handling this call');
    const v = failureFromResult({
      __typename: 'ValidationError',
      code: 'validation_failed',
      message: 'a; b',
      issues: [
        { path: ['reason'], message: 'describe the reason' },
        { path: ['x'], message: 'other' },
      ],
    });
    expect(v.message).toBe('Describe the reason (and 1 more)');
  });

  it('groups draft issues by the node they name', () => {
    const { byNode, general } = issuesByNode([
      { path: ['nodes', 'q1', 'yesLabel'], message: 'yesLabel is required' },
      { path: ['nodes', 'q1'], message: 'unreachable' },
      { path: ['rootNodeId'], message: 'a root node is required' },
    ]);
    expect(byNode.get('q1')).toEqual([
      { field: 'yesLabel', message: 'yesLabel is required' },
      { field: null, message: 'unreachable' },
    ]);
    expect(general).toEqual([{ path: ['rootNodeId'], message: 'a root node is required' }]);
  });
});

describe('roles', () => {
  const p = (role: Principal['role'], canCoverL1 = false): Principal => ({ role, canCoverL1, isSuperAdmin: false });
  it('opens the L1 desk to L1s, owners, admins and covering engineers only', () => {
    expect(canUseL1Desk(p('L1_TECH'))).toBe(true);
    expect(canUseL1Desk(p('OWNER'))).toBe(true);
    expect(canUseL1Desk(p('ENGINEER', true))).toBe(true);
    expect(canUseL1Desk(p('ENGINEER'))).toBe(false);
    expect(canUseL1Desk(p('VIEWER'))).toBe(false);
    expect(isCoverer(p('L1_TECH'))).toBe(false);
    expect(isCoverer(p('ENGINEER', true))).toBe(true);
  });

  it('sends each role home', () => {
    expect(homePath(p('L1_TECH'))).toBe('/l1');
    expect(homePath(p('ENGINEER'))).toBe('/engineer/escalations');
    expect(homePath(p('VIEWER'))).toBe('/welcome');
  });
});
