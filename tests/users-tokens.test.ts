import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/lib/clock.ts';
import { sha256Hex } from '../src/lib/crypto.ts';
import { TEST_PASSWORD } from './factories/index.ts';
import { graphql } from './gql/index.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';

const ChangeRole = graphql(`
  mutation UsersTokens_ChangeRole($userId: ID!, $role: AccountRole!) {
    changeUserRole(userId: $userId, role: $role) {
      __typename
      ... on User {
        role
        canCoverL1
      }
      ... on ConflictError {
        reason
        message
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
const SetCoverage = graphql(`
  mutation UsersTokens_Coverage($userId: ID!, $on: Boolean!) {
    setUserCoverage(userId: $userId, canCoverL1: $on) {
      __typename
      ... on User {
        canCoverL1
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
const Deactivate = graphql(`
  mutation UsersTokens_Deactivate($userId: ID!) {
    deactivateUser(userId: $userId) {
      __typename
      ... on User {
        isActive
      }
      ... on Error {
        message
      }
    }
  }
`);
const Users = graphql(`
  query UsersTokens_Users {
    users {
      id
      email
      role
      isActive
    }
  }
`);
const Me = graphql(`
  query UsersTokens_Me {
    me {
      id
      role
      canCoverL1
    }
  }
`);
const Audit = graphql(`
  query UsersTokens_Audit($action: String) {
    auditLog(action: $action) {
      action
      actor {
        id
      }
      entityId
      payload
      actingAs
    }
  }
`);
const CreateToken = graphql(`
  mutation UsersTokens_CreateToken($name: String!, $scopes: [ApiTokenScope!]!) {
    createApiToken(name: $name, scopes: $scopes) {
      __typename
      ... on CreatedApiToken {
        secret
        apiToken {
          id
          name
          prefix
          scopes
          lastUsedAt
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
const RevokeToken = graphql(`
  mutation UsersTokens_RevokeToken($tokenId: ID!) {
    revokeApiToken(tokenId: $tokenId) {
      __typename
      ... on ApiToken {
        revokedAt
      }
    }
  }
`);
const Seats = graphql(`
  query UsersTokens_Seats {
    seatUsage {
      engineer {
        current
        limit
      }
      l1Tech {
        current
        limit
      }
    }
  }
`);

const clock = new ManualClock(Date.parse('2026-11-21T11:00:00Z'));
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ clock, listen: true });
});
afterAll(() => t.close());

async function team() {
  const account = await t.factory.account();
  const owner = await t.factory.user(account.id, 'owner');
  const admin = await t.factory.user(account.id, 'admin');
  const engineer = await t.factory.user(account.id, 'engineer');
  const l1 = await t.factory.user(account.id, 'l1_tech');
  return {
    account,
    owner,
    admin,
    engineer,
    l1,
    ownerToken: await t.factory.token(owner),
    adminToken: await t.factory.token(admin),
  };
}

describe('roles', () => {
  it('changes a role with an audit row; leaving engineer drops coverage', async () => {
    const x = await team();
    await t.system.query('UPDATE users SET can_cover_l1 = true WHERE id = $1', [x.engineer.id]);
    const r = await t.gql.runOk(ChangeRole, { userId: x.engineer.id, role: 'ADMIN' }, { token: x.adminToken });
    expect(r.changeUserRole).toEqual({ __typename: 'User', role: 'ADMIN', canCoverL1: false });
    const audit = await t.gql.runOk(Audit, { action: 'user.role_change' }, { token: x.ownerToken });
    expect(audit.auditLog[0]).toMatchObject({
      actor: { id: x.admin.id },
      entityId: x.engineer.id,
      payload: { from: 'engineer', to: 'admin' },
      actingAs: null,
    });
  });

  it('never leaves an account without an owner, and only owners grant or remove ownership', async () => {
    const x = await team();
    const last = await t.gql.runOk(ChangeRole, { userId: x.owner.id, role: 'ADMIN' }, { token: x.ownerToken });
    expect(last.changeUserRole).toMatchObject({ __typename: 'ConflictError', reason: 'LAST_OWNER' });
    const byAdmin = await t.gql.runOk(ChangeRole, { userId: x.l1.id, role: 'OWNER' }, { token: x.adminToken });
    expect(byAdmin.changeUserRole).toMatchObject({ __typename: 'ValidationError', issues: [{ path: ['role'] }] });
    const promote = await t.gql.runOk(ChangeRole, { userId: x.admin.id, role: 'OWNER' }, { token: x.ownerToken });
    expect(promote.changeUserRole).toMatchObject({ role: 'OWNER' });
    const step = await t.gql.runOk(ChangeRole, { userId: x.owner.id, role: 'ADMIN' }, { token: x.ownerToken });
    expect(step.changeUserRole).toMatchObject({ role: 'ADMIN' });
  });

  it('two owners demoting each other at once: exactly one succeeds', async () => {
    const x = await team();
    const second = await t.factory.user(x.account.id, 'owner');
    const secondToken = await t.factory.token(second);
    const [a, b] = await Promise.all([
      t.gql.runOk(ChangeRole, { userId: second.id, role: 'ADMIN' }, { token: x.ownerToken }),
      t.gql.runOk(ChangeRole, { userId: x.owner.id, role: 'ADMIN' }, { token: secondToken }),
    ]);
    const kinds = [a.changeUserRole.__typename, b.changeUserRole.__typename];
    // The loser is either refused as the last owner, or its token lost its owner role first.
    expect(kinds.filter((k) => k === 'User')).toHaveLength(1);
    const { rows } = await t.system.query(`SELECT count(*)::int AS n FROM users WHERE account_id = $1 AND role = 'owner'`, [x.account.id]);
    expect(rows[0].n).toBe(1);
  });

  it('answers NotFound for another account’s user and refuses non-managers', async () => {
    const x = await team();
    const y = await team();
    const r = await t.gql.runOk(ChangeRole, { userId: y.l1.id, role: 'VIEWER' }, { token: x.ownerToken });
    expect(r.changeUserRole.__typename).toBe('NotFoundError');
    const bad = await t.gql.runOk(ChangeRole, { userId: 'not-a-uuid', role: 'VIEWER' }, { token: x.ownerToken });
    expect(bad.changeUserRole).toMatchObject({ __typename: 'ValidationError', issues: [{ path: ['userId'] }] });
    await t.gql.runDenied(ChangeRole, { userId: x.l1.id, role: 'VIEWER' }, 'FORBIDDEN', { token: await t.factory.token(x.engineer) });
    const { rows } = await t.system.query('SELECT role FROM users WHERE id = $1', [y.l1.id]);
    expect(rows[0].role).toBe('l1_tech');
  });
});

describe('coverage', () => {
  it('is set by owners only, for engineers only; another account’s user is NotFound', async () => {
    const x = await team();
    const y = await team();
    const on = await t.gql.runOk(SetCoverage, { userId: x.engineer.id, on: true }, { token: x.ownerToken });
    expect(on.setUserCoverage).toEqual({ __typename: 'User', canCoverL1: true });
    const me = await t.gql.runOk(Me, {}, { token: await t.factory.token(x.engineer) });
    expect(me.me.canCoverL1).toBe(true);
    const notEngineer = await t.gql.runOk(SetCoverage, { userId: x.l1.id, on: true }, { token: x.ownerToken });
    expect(notEngineer.setUserCoverage).toMatchObject({ __typename: 'ValidationError', issues: [{ path: ['userId'] }] });
    const cross = await t.gql.runOk(SetCoverage, { userId: y.engineer.id, on: true }, { token: x.ownerToken });
    expect(cross.setUserCoverage.__typename).toBe('NotFoundError');
    await t.gql.runDenied(SetCoverage, { userId: x.engineer.id, on: false }, 'FORBIDDEN', { token: x.adminToken });
    const audit = await t.gql.runOk(Audit, { action: 'user.coverage_change' }, { token: x.ownerToken });
    expect(audit.auditLog).toHaveLength(1);
  });
});

describe('deactivation', () => {
  it('signs the user out everywhere, frees the seat, and can be undone', async () => {
    const x = await team();
    const l1Token = await t.factory.token(x.l1);
    const before = await t.gql.runOk(Seats, {}, { token: x.ownerToken });
    const r = await t.gql.runOk(Deactivate, { userId: x.l1.id }, { token: x.adminToken });
    expect(r.deactivateUser).toEqual({ __typename: 'User', isActive: false });
    await t.gql.runDenied(Me, {}, 'UNAUTHENTICATED', { token: l1Token });
    const after = await t.gql.runOk(Seats, {}, { token: x.ownerToken });
    expect(after.seatUsage.l1Tech.current).toBe(before.seatUsage.l1Tech.current - 1);
    const login = await t.gql.runOk(
      graphql(`
        mutation UsersTokens_Login($e: String!, $p: String!) {
          login(email: $e, password: $p) {
            __typename
          }
        }
      `),
      { e: x.l1.email, p: TEST_PASSWORD },
    );
    expect(login.login.__typename).toBe('InvalidCredentials');
    const listed = await t.gql.runOk(Users, {}, { token: x.ownerToken });
    expect(listed.users.find((u) => u.id === x.l1.id)?.isActive).toBe(false);
  });

  it('refuses deactivating yourself or the last owner', async () => {
    const x = await team();
    const self = await t.gql.runOk(Deactivate, { userId: x.admin.id }, { token: x.adminToken });
    expect(self.deactivateUser.__typename).toBe('ValidationError');
    const lastOwner = await t.gql.runOk(Deactivate, { userId: x.owner.id }, { token: x.adminToken });
    expect(lastOwner.deactivateUser.__typename).toBe('ValidationError');
  });
});

describe('API tokens', () => {
  it('show the secret once, store its SHA-256, read seatUsage and nothing else, and can be revoked', async () => {
    const x = await team();
    const r = await t.gql.runOk(CreateToken, { name: 'Grafana', scopes: ['SEATS_READ'] }, { token: x.adminToken });
    if (r.createApiToken.__typename !== 'CreatedApiToken') throw new Error(r.createApiToken.__typename);
    const { secret, apiToken } = r.createApiToken;
    expect(secret).toMatch(/^l1k_/);
    expect(apiToken.prefix).toBe(secret.slice(0, 12));
    const { rows } = await t.system.query('SELECT token_hash FROM api_tokens WHERE id = $1', [apiToken.id]);
    expect(rows[0].token_hash).toBe(sha256Hex(secret));
    const listed = await t.gql.runOk(
      graphql(`
        query UsersTokens_Tokens {
          apiTokens {
            id
            name
            prefix
          }
        }
      `),
      {},
      { token: x.ownerToken },
    );
    expect(JSON.stringify(listed)).not.toContain(secret);

    // Over real HTTP, the way a dashboard calls.
    const call = async (query: string) => {
      const res = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
        body: JSON.stringify({ query }),
      });
      return (await res.json()) as { data?: unknown; errors?: Array<{ extensions: { code: string } }> };
    };
    const seats = await call('{ seatUsage { engineer { current limit available } l1Tech { current } } }');
    expect(seats.errors).toBeUndefined();
    expect(seats.data).toMatchObject({ seatUsage: { l1Tech: { current: 1 } } });
    for (const q of ['{ me { id } }', '{ users { id } }', '{ apiTokens { id } }', 'mutation { revokeSessions(scope: ALL) { revoked } }']) {
      const denied = await call(q);
      expect(denied.errors?.[0]?.extensions.code, q).toBe('FORBIDDEN');
    }
    const rv = await t.gql.runOk(RevokeToken, { tokenId: apiToken.id }, { token: x.ownerToken });
    expect(rv.revokeApiToken.__typename).toBe('ApiToken');
    expect((await call('{ seatUsage { engineer { current } } }')).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('keeps lastUsedAt fresh without writing on every request', async () => {
    const x = await team();
    const r = await t.gql.runOk(CreateToken, { name: 'Dash', scopes: ['SEATS_READ'] }, { token: x.adminToken });
    if (r.createApiToken.__typename !== 'CreatedApiToken') throw new Error('token');
    const { secret, apiToken } = r.createApiToken;
    const read = async () =>
      (await t.system.query('SELECT last_used_at FROM api_tokens WHERE id = $1', [apiToken.id])).rows[0].last_used_at;
    expect(await read()).toBeNull();
    await t.gql.runOk(Seats, {}, { token: secret });
    const first = await read();
    expect(first).toEqual(clock.now());
    clock.advance(30_000);
    await t.gql.runOk(Seats, {}, { token: secret });
    expect(await read()).toEqual(first);
    clock.advance(31_000);
    await t.gql.runOk(Seats, {}, { token: secret });
    expect(await read()).toEqual(clock.now());
  });

  it('refuse bad names and empty scopes, and another account’s token id is NotFound', async () => {
    const x = await team();
    const y = await team();
    const empty = await t.gql.runOk(CreateToken, { name: '  ', scopes: ['SEATS_READ'] }, { token: x.adminToken });
    expect(empty.createApiToken).toMatchObject({ __typename: 'ValidationError', issues: [{ path: ['name'] }] });
    const none = await t.gql.runOk(CreateToken, { name: 'x', scopes: [] }, { token: x.adminToken });
    expect(none.createApiToken).toMatchObject({ __typename: 'ValidationError', issues: [{ path: ['scopes'] }] });
    const made = await t.gql.runOk(CreateToken, { name: 'mine', scopes: ['SEATS_READ'] }, { token: x.adminToken });
    if (made.createApiToken.__typename !== 'CreatedApiToken') throw new Error('token');
    const cross = await t.gql.runOk(RevokeToken, { tokenId: made.createApiToken.apiToken.id }, { token: y.ownerToken });
    expect(cross.revokeApiToken.__typename).toBe('NotFoundError');
  });
});

describe('GraphiQL', () => {
  async function cookieFor(role: 'owner' | 'admin' | 'l1_tech' | 'engineer') {
    const x = await team();
    const user = role === 'owner' ? x.owner : role === 'admin' ? x.admin : role === 'engineer' ? x.engineer : x.l1;
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { __typename } }',
        variables: { e: user.email, p: TEST_PASSWORD },
      }),
    });
    return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  }
  const page = (cookie?: string) => fetch(`${t.url}/graphql`, { headers: { accept: 'text/html', ...(cookie ? { cookie } : {}) } });

  it('is served to owners and admins from our own files; everyone else is told why, with a way back', async () => {
    for (const cookie of [undefined, 'l1_refresh=forged']) {
      const res = await page(cookie);
      expect(res.status).toBe(403);
      const html = await res.text();
      expect(html).toContain('GraphiQL is for owners and admins — sign in as one');
      expect(html).toContain('You are not signed in');
      expect(html).toContain('href="/sign-in"');
    }
    for (const role of ['l1_tech', 'engineer'] as const) {
      const res = await page(await cookieFor(role));
      expect(res.status, role).toBe(403);
      expect(await res.text()).toMatch(
        role === 'engineer' ? /You are signed in as .*, an engineer\./ : /You are signed in as .*, an L1 technician\./,
      );
    }
    for (const role of ['owner', 'admin'] as const) {
      const res = await page(await cookieFor(role));
      expect(res.status, role).toBe(200);
      const html = await res.text();
      expect(html).toMatch(/GraphiQL/i);
      // No CDN and no inline script: every script is a file of ours (the CSP is script-src 'self').
      expect(html).not.toMatch(/https?:\/\//);
      expect(html).not.toMatch(/<script>/);
      for (const src of [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]!)) {
        expect(src).toMatch(/^\/graphql\/assets\//);
        const asset = await fetch(`${t.url}${src}`);
        expect(asset.status, src).toBe(200);
        expect(asset.headers.get('content-type')).toContain('javascript');
      }
    }
    expect((await fetch(`${t.url}/graphql/assets/graphiql.css`)).headers.get('content-type')).toContain('text/css');
    expect((await fetch(`${t.url}/graphql/assets/package.json`)).status).toBe(404);
  });

  it('refuses introspection to everyone but account managers, as `npm start` runs (no NODE_ENV)', async () => {
    const prod = await startTestApp({ urls: t.urls, env: { NODE_ENV: '' } });
    try {
      const x = await team();
      const q = '{ __schema { queryType { name } } }';
      const asL1 = await (await prod.gql.raw({ query: q }, { token: await prod.factory.token(x.l1) })).json();
      expect(asL1.errors[0].extensions.code).toBe('FORBIDDEN');
      const anon = await (await prod.gql.raw({ query: q })).json();
      expect(anon.errors[0].extensions.code).toBe('FORBIDDEN');
      const asOwner = await (await prod.gql.raw({ query: q }, { token: await prod.factory.token(x.owner) })).json();
      expect(asOwner.data.__schema.queryType.name).toBe('Query');
      const typename = await (await prod.gql.raw({ query: '{ __typename }' })).json();
      expect(typename.data).toEqual({ __typename: 'Query' });
    } finally {
      await prod.close();
    }
  });
});
