import { describe, expect, it } from 'vitest';
import { EXPIRY_NOTICE_MS, expiryNotice, sessionDeadlines } from '../../web/src/lib/auth-timing.ts';
import { fieldErrors } from '../../web/src/lib/errors.ts';
import { describe as describeEntry } from '../../web/src/lib/audit-words.ts';

// Issue 18, items 16 and 18: which expiry notice shows when, issues by form field, audit details.

const MIN = 60_000;

describe('session expiry notice', () => {
  it('shows nothing until five minutes before the first deadline, then the idle or the absolute notice', () => {
    const now = 1_000_000_000_000;
    expect(expiryNotice({ idleAt: now + 6 * MIN, absoluteAt: now + 60 * MIN }, now)).toBeNull();
    expect(expiryNotice({ idleAt: now + EXPIRY_NOTICE_MS, absoluteAt: now + 60 * MIN }, now)).toEqual({
      kind: 'idle',
      endsAt: now + 5 * MIN,
    });
    // The absolute deadline cannot be extended: it wins when it comes first, or at the same time.
    expect(expiryNotice({ idleAt: now + 4 * MIN, absoluteAt: now + 4 * MIN }, now)).toEqual({ kind: 'absolute', endsAt: now + 4 * MIN });
    expect(expiryNotice({ idleAt: now + 30 * MIN, absoluteAt: now + 2 * MIN }, now)).toEqual({ kind: 'absolute', endsAt: now + 2 * MIN });
    expect(expiryNotice(null, now)).toBeNull();
  });

  it('moves the absolute deadline by the clock skew the access token shows, and keeps the idle timeout', () => {
    const d = sessionDeadlines(
      { accessTokenExpiresAt: '2026-12-01T10:15:00.000Z', absoluteExpiresAt: '2026-12-01T18:00:00.000Z', idleSeconds: 900 },
      Date.parse('2026-12-01T10:15:30.000Z'),
    );
    expect(d).toEqual({ absoluteAt: Date.parse('2026-12-01T18:00:30.000Z'), absoluteIso: '2026-12-01T18:00:00.000Z', idleMs: 900_000 });
  });
});

describe('validation issues by form field', () => {
  it('keys each issue by its argument, the first message winning, skipping list indexes', () => {
    expect(
      fieldErrors([
        { path: ['idleSeconds'], message: 'Idle timeout must be at least 15 minutes.' },
        { path: ['idleSeconds'], message: 'second' },
        { path: ['invites', '0', 'email'], message: 'Email must be an email address.' },
        { path: [], message: 'general' },
      ]),
    ).toEqual({ idleSeconds: 'Idle timeout must be at least 15 minutes.', email: 'Email must be an email address.' });
    expect(fieldErrors([{ path: ['problemStatement'], message: 'Problem is required.' }], { problemStatement: 'problem' })).toEqual({
      problem: 'Problem is required.',
    });
  });
});

describe('audit details', () => {
  it('reads as what changed, from what to what', () => {
    expect(describeEntry({ action: 'user.role_change', payload: { from: 'l1_tech', to: 'engineer' } })).toBe('L1 tech → Engineer');
    expect(describeEntry({ action: 'l1.session.takeover', payload: {}, relatedUser: { name: 'Lena Tech' } })).toBe('From Lena Tech');
    expect(
      describeEntry({
        action: 'account.session_policy',
        payload: {
          effectiveBefore: { idleSeconds: 259_200, absoluteSeconds: 1_209_600 },
          effective: { idleSeconds: 900, absoluteSeconds: 28_800 },
        },
      }),
    ).toBe('Idle timeout 3 days → 15 minutes; maximum session 14 days → 8 hours');
    expect(describeEntry({ action: 'auth.sessions.revoke', payload: { scope: 'others', revoked_count: 3 } })).toBe(
      '3 sessions ended (everyone else)',
    );
  });
});
