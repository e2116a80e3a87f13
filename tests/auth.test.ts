import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from './factories/index.ts';
import { graphql } from './gql/index.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';

const Login = graphql(`
  mutation AuthTest_Login($email: String!, $password: String!) {
    login(email: $email, password: $password) {
      __typename
      ... on SessionPayload {
        accessToken
        refreshToken
        accessTokenExpiresAt
        user {
          id
          email
          role
        }
      }
      ... on Error {
        message
        code
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

const Me = graphql(`
  query AuthTest_Me {
    me {
      id
      email
      name
      role
      canCoverL1
      account {
        name
      }
    }
  }
`);

let t: TestApp;
let account: { id: string };

beforeAll(async () => {
  t = await startTestApp();
  account = await t.factory.account({ name: 'Auth Test MSP' });
});
afterAll(() => t.close());

describe('login and me', () => {
  it('signs in with email and password (email case-insensitive) and returns the role through me', async () => {
    const user = await t.factory.user(account.id, 'engineer', { canCoverL1: true });
    const r = await t.gql.runOk(Login, { email: `  ${user.email.toUpperCase()} `, password: TEST_PASSWORD });
    expect(r.login.__typename).toBe('SessionPayload');
    if (r.login.__typename !== 'SessionPayload') return;
    expect(r.login.user).toEqual({ id: user.id, email: user.email, role: 'ENGINEER' });
    const me = await t.gql.runOk(Me, {}, { token: r.login.accessToken });
    expect(me.me).toMatchObject({ id: user.id, role: 'ENGINEER', canCoverL1: true, account: { name: 'Auth Test MSP' } });
  });

  it('sets the refresh token as an HttpOnly, SameSite=Strict cookie', async () => {
    const user = await t.factory.user(account.id, 'l1_tech');
    const res = await t.gql.raw({
      query: 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { __typename } }',
      variables: { e: user.email, p: TEST_PASSWORD },
    });
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^l1_refresh=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\/graphql/i);
  });

  it('gives the same refusal for an unknown email and a wrong password', async () => {
    const user = await t.factory.user(account.id, 'l1_tech');
    const wrong = await t.gql.runOk(Login, { email: user.email, password: 'not-the-password' });
    const unknown = await t.gql.runOk(Login, { email: 'nobody-here@example.test', password: 'not-the-password' });
    expect(wrong.login).toEqual({
      __typename: 'InvalidCredentials',
      message: 'Email or password is incorrect',
      code: 'invalid_credentials',
    });
    expect(unknown.login).toEqual(wrong.login);
  });

  it('refuses deactivated and deleted users like a wrong password', async () => {
    const inactive = await t.factory.user(account.id, 'l1_tech', { isActive: false });
    const deleted = await t.factory.user(account.id, 'l1_tech', { deleted: true });
    for (const u of [inactive, deleted]) {
      const r = await t.gql.runOk(Login, { email: u.email, password: TEST_PASSWORD });
      expect(r.login.__typename).toBe('InvalidCredentials');
    }
  });

  it('answers a malformed email with a ValidationError naming the field', async () => {
    const r = await t.gql.runOk(Login, { email: 'not-an-email', password: 'x' });
    expect(r.login).toMatchObject({ __typename: 'ValidationError', code: 'validation_failed' });
    if (r.login.__typename === 'ValidationError') expect(r.login.issues[0]!.path).toEqual(['email']);
  });

  it('records the time of the last sign-in', async () => {
    const user = await t.factory.user(account.id, 'admin');
    await t.gql.runOk(Login, { email: user.email, password: TEST_PASSWORD });
    const { rows } = await t.system.query('SELECT last_login_at FROM users WHERE id = $1', [user.id]);
    expect(rows[0].last_login_at).toBeInstanceOf(Date);
  });
});

describe('bad credentials and bad requests', () => {
  it('is UNAUTHENTICATED without a token, with a malformed token, and with a forged one', async () => {
    await t.gql.runDenied(Me, {}, 'UNAUTHENTICATED');
    await t.gql.runDenied(Me, {}, 'UNAUTHENTICATED', { token: 'not-a-jwt' });
    await t.gql.runDenied(Me, {}, 'UNAUTHENTICATED', { headers: { authorization: 'Basic abc' } });
    const forged =
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIwMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDAiLCJhY2MiOiIwMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDAiLCJzaWQiOiIwMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDAiLCJ0eXAiOiJhY2Nlc3MiLCJpc3MiOiJsMS13b3Jrc3BhY2UiLCJpYXQiOjE3MDAwMDAwMDAsImV4cCI6OTkwMDAwMDAwMH0.c2lnbmF0dXJlLWRvZXMtbm90LW1hdGNo';
    await t.gql.runDenied(Me, {}, 'UNAUTHENTICATED', { token: forged });
  });

  it('treats a token for a deactivated user as signed out', async () => {
    const user = await t.factory.user(account.id, 'l1_tech');
    const token = await t.factory.token(user);
    await t.gql.runOk(Me, {}, { token });
    // By hand in SQL: instances hear of it through a database notification, within moments.
    await t.system.query('UPDATE users SET is_active = false WHERE id = $1', [user.id]);
    await expect
      .poll(
        () =>
          t.gql.runDenied(Me, {}, 'UNAUTHENTICATED', { token }).then(
            () => true,
            () => false,
          ),
        { timeout: 2000, interval: 20 },
      )
      .toBe(true);
  });

  it('answers syntax errors, unknown fields and wrong variable types as GraphQL errors, never 500', async () => {
    for (const body of [
      '{"query": "{ me { id "}',
      '{"query": "{ nope }"}',
      '{"query": "mutation($e: String!) { login(email: $e, password: 1) { __typename } }", "variables": {"e": 5}}',
      'not json at all',
      '{"query": 42}',
    ]) {
      const res = await t.gql.raw(body);
      expect(res.status, body).toBeLessThan(500);
      const json = (await res.json()) as { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
      expect(json.errors?.length, body).toBeGreaterThan(0);
      expect(JSON.stringify(json), body).not.toMatch(/at .*\.ts:\d+|stack/);
    }
  });
});
