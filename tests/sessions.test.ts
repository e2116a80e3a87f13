import type { ResultOf } from '@graphql-typed-document-node/core';
import { type ExecutionResult, print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/lib/clock.ts';
import { TEST_PASSWORD } from './factories/index.ts';
import { graphql } from './gql/index.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';

const Login = graphql(`
  mutation Sessions_Login($email: String!, $password: String!) {
    login(email: $email, password: $password) {
      __typename
      ... on SessionPayload {
        accessToken
        refreshToken
      }
      ... on RateLimited {
        retryAfterSeconds
        message
      }
    }
  }
`);
const Refresh = graphql(`
  mutation Sessions_Refresh($refreshToken: String) {
    refreshSession(refreshToken: $refreshToken) {
      __typename
      ... on SessionPayload {
        accessToken
        refreshToken
        user {
          id
        }
      }
      ... on SessionRefused {
        code
        message
      }
    }
  }
`);
const Me = graphql(`
  query Sessions_Me {
    me {
      id
    }
  }
`);
const Logout = graphql(`
  mutation Sessions_Logout {
    logout
  }
`);
const Revoke = graphql(`
  mutation Sessions_Revoke($scope: RevokeScope!) {
    revokeSessions(scope: $scope) {
      revoked
    }
  }
`);
const Policy = graphql(`
  mutation Sessions_Policy($idle: Int, $abs: Int) {
    updateSessionPolicy(idleSeconds: $idle, absoluteSeconds: $abs) {
      __typename
      ... on Account {
        sessionPolicy {
          idleSeconds
          absoluteSeconds
          idleOverrideSeconds
        }
      }
      ... on ValidationError {
        issues {
          path
          message
        }
      }
    }
  }
`);

const DAY = 24 * 3600 * 1000;
let t: TestApp;
const clock = new ManualClock(Date.parse('2026-11-21T09:00:00Z'));

beforeAll(async () => {
  t = await startTestApp({ clock });
});
afterAll(() => t.close());

async function signIn(role: 'owner' | 'l1_tech' = 'l1_tech', accountId?: string) {
  const acc = accountId ?? (await t.factory.account()).id;
  const user = await t.factory.user(acc, role);
  const res = await t.gql.raw({ query: print(Login), variables: { email: user.email, password: TEST_PASSWORD } });
  const r = ((await res.json()) as ExecutionResult<ResultOf<typeof Login>>).data!;
  if (r.login.__typename !== 'SessionPayload') throw new Error(r.login.__typename);
  // The refresh token travels only in the HttpOnly cookie, as a browser holds it.
  const refresh = /l1_refresh=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
  if (!refresh) throw new Error('no refresh cookie');
  expect(r.login.refreshToken).toBeNull();
  return { user, accountId: acc, access: r.login.accessToken, refresh: decodeURIComponent(refresh) };
}

function decode(jwt: string) {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());
}

const Invite = graphql(`
  mutation Sessions_Invite($email: String!) {
    createInvite(email: $email, role: VIEWER) {
      __typename
      ... on CreatedInvite {
        token
      }
    }
  }
`);
const Accept = graphql(`
  mutation Sessions_Accept($token: String!) {
    acceptInvite(token: $token, name: "New Member", password: "long-enough-pw") {
      __typename
      ... on SessionPayload {
        accessToken
        refreshToken
      }
    }
  }
`);

describe('the refresh token stays out of page script (issue 18 item 2)', () => {
  const cookieOf = (res: Response) => /l1_refresh=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];

  it('login and acceptInvite set the cookie and return no refresh token in the body', async () => {
    // signIn() asserts the login half.
    const owner = await signIn('owner');
    const inv = await t.gql.runOk(Invite, { email: `joiner-${Date.now()}@example.test` }, { token: owner.access });
    if (inv.createInvite.__typename !== 'CreatedInvite') throw new Error(inv.createInvite.__typename);
    const res = await t.gql.raw({ query: print(Accept), variables: { token: inv.createInvite.token } });
    const body = (await res.json()) as ExecutionResult<ResultOf<typeof Accept>>;
    expect(body.data?.acceptInvite).toMatchObject({ __typename: 'SessionPayload', refreshToken: null });
    expect(cookieOf(res)).toBeTruthy();
  });

  it('a refresh driven by the cookie rotates the cookie and returns no token; one sent as an argument gets the new one back', async () => {
    const s = await signIn();
    const res = await t.gql.raw(
      { query: print(Refresh), variables: {} },
      { headers: { cookie: `l1_refresh=${encodeURIComponent(s.refresh)}` } },
    );
    const body = (await res.json()) as ExecutionResult<ResultOf<typeof Refresh>>;
    expect(body.data?.refreshSession).toMatchObject({ __typename: 'SessionPayload', refreshToken: null });
    const rotated = decodeURIComponent(cookieOf(res) ?? '');
    expect(rotated).toBeTruthy();
    expect(rotated).not.toBe(s.refresh);

    const byArgument = await t.gql.runOk(Refresh, { refreshToken: rotated });
    if (byArgument.refreshSession.__typename !== 'SessionPayload') throw new Error(byArgument.refreshSession.__typename);
    expect(byArgument.refreshSession.refreshToken).toMatch(/^ey/);
  });
});

describe('refreshing a session', () => {
  it('rotates the refresh token; the replayed old token is refused and ends the family', async () => {
    const s = await signIn();
    const first = await t.gql.runOk(Refresh, { refreshToken: s.refresh });
    expect(first.refreshSession.__typename).toBe('SessionPayload');
    if (first.refreshSession.__typename !== 'SessionPayload') return;
    expect(first.refreshSession.refreshToken).not.toBe(s.refresh);
    await t.gql.runOk(Me, {}, { token: first.refreshSession.accessToken });

    const replay = await t.gql.runOk(Refresh, { refreshToken: s.refresh });
    expect(replay.refreshSession).toMatchObject({ __typename: 'SessionRefused', code: 'invalid_refresh_token' });
    // The family is gone: the legitimately rotated token and its access token stop working too.
    const after = await t.gql.runOk(Refresh, { refreshToken: first.refreshSession.refreshToken });
    expect(after.refreshSession).toMatchObject({ code: 'invalid_refresh_token' });
    await t.gql.runDenied(Me, {}, 'UNAUTHENTICATED', { token: first.refreshSession.accessToken });
  });

  it('carries the family’s auth_time and limits in every refresh token', async () => {
    const s = await signIn();
    const c = decode(s.refresh);
    expect(c).toMatchObject({ idle: 3 * 24 * 3600, abs: 14 * 24 * 3600, auth_time: Math.floor(clock.now().getTime() / 1000) });
    clock.advance(60_000);
    const r = await t.gql.runOk(Refresh, { refreshToken: s.refresh });
    if (r.refreshSession.__typename !== 'SessionPayload') throw new Error('refused');
    expect(decode(r.refreshSession.refreshToken!)).toMatchObject({ auth_time: c.auth_time, idle: c.idle, abs: c.abs });
  });

  it('refuses a token idle past its limit, and at the idle deadline exactly', async () => {
    const s = await signIn();
    clock.advance(3 * DAY);
    const r = await t.gql.runOk(Refresh, { refreshToken: s.refresh });
    expect(r.refreshSession).toMatchObject({ __typename: 'SessionRefused', code: 'session_expired_idle' });
  });

  it('refuses at the absolute deadline exactly, even when refreshed often, and consumes the token', async () => {
    const s = await signIn();
    let token = s.refresh;
    // Refresh every 2 days for 14 days: never idle, but the absolute cap still ends it.
    for (let i = 0; i < 6; i++) {
      clock.advance(2 * DAY);
      const r = await t.gql.runOk(Refresh, { refreshToken: token });
      if (r.refreshSession.__typename !== 'SessionPayload') throw new Error(`refused at step ${i}`);
      token = r.refreshSession.refreshToken!;
    }
    clock.advance(2 * DAY); // exactly 14 days after sign-in
    const r = await t.gql.runOk(Refresh, { refreshToken: token });
    expect(r.refreshSession).toMatchObject({ code: 'session_expired_absolute' });
    const again = await t.gql.runOk(Refresh, { refreshToken: token });
    expect(again.refreshSession).toMatchObject({ code: 'invalid_refresh_token' });
  });

  it('refuses garbage, forged and missing tokens', async () => {
    for (const refreshToken of ['garbage', s404(), null]) {
      const r = await t.gql.runOk(Refresh, { refreshToken });
      expect(r.refreshSession).toMatchObject({ __typename: 'SessionRefused', code: 'invalid_refresh_token' });
    }
  });

  it('reads the token from the HttpOnly cookie when no argument is given', async () => {
    const s = await signIn();
    const res = await t.gql.raw(
      { query: 'mutation { refreshSession { __typename } }' },
      { headers: { cookie: `l1_refresh=${s.refresh}` } },
    );
    expect(await res.json()).toEqual({ data: { refreshSession: { __typename: 'SessionPayload' } } });
    expect(res.headers.get('set-cookie')).toMatch(/^l1_refresh=ey/);
  });

  it('expires access tokens after their short lifetime', async () => {
    const s = await signIn();
    await t.gql.runOk(Me, {}, { token: s.access });
    clock.advance(15 * 60 * 1000);
    const r = await t.gql.run(Me, {}, { token: s.access });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'expired' });
  });
});

function s404() {
  // Well-formed, signed with another key.
  return 'eyJhbGciOiJIUzI1NiJ9.eyJ0eXAiOiJyZWZyZXNoIn0.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
}

describe('session policy', () => {
  it('lets the owner override idle and absolute limits, applied from the next sign-in', async () => {
    const owner = await signIn('owner');
    const set = await t.gql.runOk(Policy, { idle: 3600, abs: 7200 }, { token: owner.access });
    expect(set.updateSessionPolicy).toMatchObject({
      sessionPolicy: { idleSeconds: 3600, absoluteSeconds: 7200, idleOverrideSeconds: 3600 },
    });
    const next = await signIn('l1_tech', owner.accountId);
    expect(decode(next.refresh)).toMatchObject({ idle: 3600, abs: 7200 });
    clock.advance(3600 * 1000);
    const r = await t.gql.runOk(Refresh, { refreshToken: next.refresh });
    expect(r.refreshSession).toMatchObject({ code: 'session_expired_idle' });
  });

  it('keeps overrides within bounds, including when only one side is overridden', async () => {
    const owner = await signIn('owner');
    const cases: Array<[number | null, number | null, string]> = [
      [60, null, 'idleSeconds'],
      [null, 60, 'absoluteSeconds'],
      [31 * 24 * 3600, null, 'idleSeconds'],
      [null, 91 * 24 * 3600, 'absoluteSeconds'],
      [7200, 3600, 'idleSeconds'],
      [20 * 24 * 3600, null, 'idleSeconds'], // above the default 14-day absolute
      [null, 2 * 3600, 'absoluteSeconds'], // below the default 3-day idle
    ];
    for (const [idle, abs, path] of cases) {
      const r = await t.gql.runOk(Policy, { idle, abs }, { token: owner.access });
      expect(r.updateSessionPolicy.__typename, `${idle}/${abs}`).toBe('ValidationError');
      if (r.updateSessionPolicy.__typename === 'ValidationError') expect(r.updateSessionPolicy.issues[0]!.path).toEqual([path]);
    }
  });

  it('is for owners only', async () => {
    const l1 = await signIn('l1_tech');
    await t.gql.runDenied(Policy, { idle: 3600, abs: 7200 }, 'FORBIDDEN', { token: l1.access });
  });
});

describe('ending sessions', () => {
  it('logout ends the current session only', async () => {
    const a = await signIn();
    const other = await t.factory.token(a.user);
    await t.gql.runOk(Logout, {}, { token: a.access });
    await t.gql.runDenied(Me, {}, 'UNAUTHENTICATED', { token: a.access });
    const r = await t.gql.runOk(Refresh, { refreshToken: a.refresh });
    expect(r.refreshSession).toMatchObject({ code: 'invalid_refresh_token' });
    await t.gql.runOk(Me, {}, { token: other });
  });

  it('revokeSessions OTHERS keeps the owner signed in; ALL ends everything; a repeat reports 0; each writes one audit row', async () => {
    const owner = await signIn('owner');
    const l1 = await t.factory.user(owner.accountId, 'l1_tech');
    const l1Tokens = [await t.factory.token(l1), await t.factory.token(l1)];
    const others = await t.gql.runOk(Revoke, { scope: 'OTHERS' }, { token: owner.access });
    expect(others.revokeSessions.revoked).toBe(2);
    for (const tok of l1Tokens) await t.gql.runDenied(Me, {}, 'UNAUTHENTICATED', { token: tok });
    await t.gql.runOk(Me, {}, { token: owner.access });
    clock.advance(1000);
    const again = await t.gql.runOk(Revoke, { scope: 'OTHERS' }, { token: owner.access });
    expect(again.revokeSessions.revoked).toBe(0);
    clock.advance(1000);
    const all = await t.gql.runOk(Revoke, { scope: 'ALL' }, { token: owner.access });
    expect(all.revokeSessions.revoked).toBe(1);
    await t.gql.runDenied(Me, {}, 'UNAUTHENTICATED', { token: owner.access });
    const { rows } = await t.system.query(
      `SELECT payload FROM audit_logs WHERE account_id = $1 AND action = 'auth.sessions.revoke' ORDER BY created_at`,
      [owner.accountId],
    );
    expect(rows.map((r) => r.payload)).toEqual([
      { scope: 'others', revoked_count: 2 },
      { scope: 'others', revoked_count: 0 },
      { scope: 'all', revoked_count: 1 },
    ]);
  });

  it('is owner-only and never reaches another account', async () => {
    const a = await signIn('owner');
    const b = await signIn('l1_tech');
    await t.gql.runOk(Revoke, { scope: 'ALL' }, { token: a.access });
    await t.gql.runOk(Me, {}, { token: b.access });
    await t.gql.runDenied(Revoke, { scope: 'ALL' }, 'FORBIDDEN', { token: b.access });
  });
});

describe('sign-in throttling', () => {
  it('refuses after too many failures for an email, with retryAfterSeconds', async () => {
    const limited = await startTestApp({ clock, urls: t.urls, env: { LOGIN_MAX_FAILURES_PER_EMAIL: '3' } });
    try {
      const user = await limited.factory.user((await limited.factory.account()).id, 'l1_tech');
      for (let i = 0; i < 3; i++) {
        const r = await limited.gql.runOk(Login, { email: user.email, password: 'wrong-password' });
        expect(r.login.__typename).toBe('InvalidCredentials');
      }
      const r = await limited.gql.runOk(Login, { email: user.email, password: TEST_PASSWORD });
      expect(r.login.__typename).toBe('RateLimited');
      if (r.login.__typename === 'RateLimited') expect(r.login.retryAfterSeconds).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });

  it('refuses after too many attempts from one client address', async () => {
    const limited = await startTestApp({ clock, urls: t.urls, env: { LOGIN_MAX_ATTEMPTS_PER_IP: '2', TRUST_PROXY: 'true' } });
    try {
      const headers = { 'x-forwarded-for': '203.0.113.9' };
      for (let i = 0; i < 2; i++) await limited.gql.runOk(Login, { email: `x${i}@example.test`, password: 'whatever' }, { headers });
      const r = await limited.gql.runOk(Login, { email: 'y@example.test', password: 'whatever' }, { headers });
      expect(r.login.__typename).toBe('RateLimited');
      const elsewhere = await limited.gql.runOk(
        Login,
        { email: 'y@example.test', password: 'whatever' },
        { headers: { 'x-forwarded-for': '198.51.100.1' } },
      );
      expect(elsewhere.login.__typename).toBe('InvalidCredentials');
    } finally {
      await limited.close();
    }
  });
});
