import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from './factories/index.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';

/*
 * What a hostile web page or a careless deployment could do (issue 18, security items): requests a
 * browser sends cross-site without asking, what the server tells strangers about itself, and the
 * headers that keep the SPA from being framed or fed foreign scripts.
 */

let t: TestApp;
let accountId: string;

beforeAll(async () => {
  t = await startTestApp({ listen: true });
  accountId = (await t.factory.account()).id;
});
afterAll(() => t.close());

/** Signs a new user in over real HTTP and returns the refresh cookie a browser would hold. */
async function browserSession() {
  const user = await t.factory.user(accountId, 'l1_tech');
  const res = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { __typename } }',
      variables: { e: user.email, p: TEST_PASSWORD },
    }),
  });
  const cookie = /l1_refresh=[^;]+/.exec(res.headers.get('set-cookie') ?? '')?.[0];
  if (!cookie) throw new Error('no refresh cookie');
  return { user, cookie };
}

async function liveSessions(userId: string): Promise<number> {
  const { rows } = await t.system.query('SELECT count(*)::int AS n FROM auth_sessions WHERE user_id = $1 AND revoked_at IS NULL', [userId]);
  return rows[0].n;
}

describe('cross-site request forgery (item 3)', () => {
  // What a form on another site can send with the victim's cookie, without a preflight.
  for (const [contentType, body] of [
    ['application/x-www-form-urlencoded', 'query=mutation%7Blogout%7D'],
    ['text/plain', '{"query":"mutation{logout}"}'],
    ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="query"\r\n\r\nmutation{logout}\r\n--x--\r\n'],
  ] as const) {
    it(`refuses a cookie-carrying ${contentType.split(';')[0]} post with 403 and leaves the session alone`, async () => {
      const { user, cookie } = await browserSession();
      for (const op of [body, body.replace('logout', 'refreshSession%7B__typename%7D').replace('logout', 'refreshSession{__typename}')]) {
        const res = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': contentType, cookie }, body: op });
        expect(res.status).toBe(403);
        expect(res.headers.get('set-cookie')).toBeNull();
      }
      expect(await liveSessions(user.id)).toBe(1);
    });
  }

  it('refuses a GET without a JSON body or a CSRF header, and lets JSON, the header and Bearer tokens through', async () => {
    const { user, cookie } = await browserSession();
    const q = encodeURIComponent('{ __typename }');
    expect((await fetch(`${t.url}/graphql?query=${q}`, { headers: { cookie, accept: 'application/json' } })).status).toBe(403);
    const withHeader = await fetch(`${t.url}/graphql?query=${q}`, { headers: { accept: 'application/json', 'x-graphql-yoga-csrf': '1' } });
    expect(withHeader.status).toBe(200);
    const token = await t.factory.token(user);
    const bearer = await fetch(`${t.url}/graphql?query=${encodeURIComponent('{ me { id } }')}`, {
      headers: { accept: 'application/json', authorization: `Bearer ${token}` },
    });
    expect(await bearer.json()).toEqual({ data: { me: { id: user.id } } });
    // The SPA's own requests: JSON, which a page elsewhere cannot send cross-site without a preflight.
    const json = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ query: 'mutation { refreshSession { __typename } }' }),
    });
    expect(await json.json()).toEqual({ data: { refreshSession: { __typename: 'SessionPayload' } } });
  });
});

describe('what the API tells a stranger (item 4)', () => {
  const ask = async (app: TestApp, query: string) =>
    (await (await app.gql.raw({ query })).json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> };

  it('as `npm start` runs it (no NODE_ENV): no anonymous introspection and no "Did you mean" hints', async () => {
    const app = await startTestApp({ urls: t.urls, env: { NODE_ENV: '' } });
    try {
      expect((await ask(app, '{ __schema { types { name } } }')).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect((await ask(app, '{ __type(name: "User") { fields { name } } }')).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const typo = await ask(app, '{ mee { id } }');
      expect(typo.errors?.[0]?.message).toMatch(/Cannot query field "mee"/);
      expect(JSON.stringify(typo)).not.toMatch(/Did you mean/i);
      const argTypo = await ask(app, 'mutation { login(emial: "a@b.c", password: "x") { __typename } }');
      expect(JSON.stringify(argTypo)).not.toMatch(/Did you mean/i);
    } finally {
      await app.close();
    }
  });

  it('`npm run dev` (NODE_ENV=development) keeps the developer conveniences', async () => {
    const app = await startTestApp({ urls: t.urls, env: { NODE_ENV: 'development' } });
    try {
      expect((await ask(app, '{ __schema { queryType { name } } }')).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
      expect((await ask(app, '{ mee { id } }')).errors?.[0]?.message).toMatch(/Did you mean "me"/);
    } finally {
      await app.close();
    }
  });
});
