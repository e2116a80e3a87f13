import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { txObservers } from '../src/db/tenant.ts';
import { PrincipalCache } from '../src/services/identity/principal-cache.ts';
import { graphql } from './gql/index.ts';
import { logger, startTestApp, type TestApp } from './helpers/app.ts';

const Me = graphql(`
  query PrincipalCacheTest_Me {
    me {
      id
      role
      canCoverL1
    }
  }
`);

const MyWalks = graphql(`
  query PrincipalCacheTest_MyWalks {
    myActiveWalks {
      id
    }
  }
`);

const SignOut = graphql(`
  mutation PrincipalCacheTest_SignOut {
    logout
  }
`);

let t: TestApp;
let accountId: string;

beforeAll(async () => {
  t = await startTestApp();
  accountId = (await t.factory.account()).id;
});
afterAll(() => t.close());

/** Statements one operation sent, through the tenant scope's counter. */
async function statements(fn: () => Promise<unknown>): Promise<number> {
  let count = -1;
  const observe = (s: { queryCount: number }) => (count = s.queryCount);
  txObservers.add(observe);
  try {
    await fn();
  } finally {
    txObservers.delete(observe);
  }
  return count;
}

const roleOf = async (token: string) => {
  const r = await t.gql.run(Me, {}, { token });
  return r.data?.me?.role ?? (r.errors?.[0]?.extensions as { code?: string } | undefined)?.code;
};

/** The L1 surface answers by the principal's scopes: OK, or the error code. */
const l1Surface = async (token: string) => {
  const r = await t.gql.run(MyWalks, {}, { token });
  return r.errors?.length ? (r.errors[0]!.extensions as { code?: string }).code : 'OK';
};

describe('principal cache', () => {
  it('looks a signed-in user up once; later operations touch the database only for their own work', async () => {
    const user = await t.factory.user(accountId, 'engineer');
    const token = await t.factory.token(user);
    expect(t.app.deps.principals.serving).toBe(true);
    const typename = () => t.gql.raw({ query: '{ __typename }' }, { token }).then((r) => r.json());
    // The lookup (with BEGIN), then COMMIT.
    expect(await statements(typename)).toBe(2);
    // Known now: an operation that needs no rows opens no transaction at all.
    expect(await statements(typename)).toBe(0);
    expect((await t.gql.runOk(Me, {}, { token })).me.id).toBe(user.id);
  });

  it('sees a change made by hand in SQL within moments (database notification)', async () => {
    const user = await t.factory.user(accountId, 'engineer');
    const token = await t.factory.token(user);
    expect(await l1Surface(token)).toBe('FORBIDDEN');
    await t.system.query('UPDATE users SET can_cover_l1 = true WHERE id = $1', [user.id]);
    await expect.poll(() => l1Surface(token), { timeout: 2000, interval: 20 }).toBe('OK');
    await t.system.query('UPDATE auth_sessions SET revoked_at = now() WHERE user_id = $1', [user.id]);
    await expect.poll(() => roleOf(token), { timeout: 2000, interval: 20 }).toBe('UNAUTHENTICATED');
  });

  it('refuses a signed-out token on the very next request, on this instance and on another one', async () => {
    const other = await startTestApp({ urls: t.urls });
    try {
      const user = await t.factory.user(accountId, 'l1_tech');
      const token = await t.factory.token(user);
      expect(await roleOf(token)).toBe('L1_TECH');
      expect(await other.gql.run(Me, {}, { token }).then((r) => r.data?.me?.role)).toBe('L1_TECH');
      await t.gql.runOk(SignOut, {}, { token });
      expect(await roleOf(token)).toBe('UNAUTHENTICATED');
      // The other instance hears of it from Postgres, not from this process.
      await expect
        .poll(() => other.gql.run(Me, {}, { token }).then((r) => (r.errors?.[0]?.extensions as { code?: string })?.code), {
          timeout: 2000,
          interval: 20,
        })
        .toBe('UNAUTHENTICATED');
    } finally {
      await other.close();
    }
  });

  it('serves nothing while its listener is down, and resumes once it reconnects', async () => {
    const user = await t.factory.user(accountId, 'engineer');
    const token = await t.factory.token(user);
    expect(await l1Surface(token)).toBe('FORBIDDEN');
    const admin = await t.system.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'l1-workspace-auth-listener' AND datname = current_database()`,
    );
    expect(admin.rows[0]!.n).toBeGreaterThanOrEqual(1);
    // The superuser URL can end another role's backend; the system role cannot.
    const { default: pg } = await import('pg');
    const su = new pg.Client({ connectionString: t.urls.admin });
    await su.connect();
    try {
      await su.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'l1-workspace-auth-listener' AND datname = current_database()`,
      );
      await expect.poll(() => t.app.deps.principals.serving, { timeout: 2000, interval: 10 }).toBe(false);
      // Meanwhile every operation looks its principal up, so a change takes effect at once.
      await su.query('UPDATE users SET can_cover_l1 = true WHERE id = $1', [user.id]);
      expect(await l1Surface(token)).toBe('OK');
      await expect.poll(() => t.app.deps.principals.serving, { timeout: 5000, interval: 50 }).toBe(true);
      await t.gql.runOk(Me, {}, { token });
      expect(await statements(() => t.gql.raw({ query: '{ __typename }' }, { token }))).toBe(0);
    } finally {
      await su.end();
    }
  });

  it('never stores what a lookup read when a change was seen while it ran', () => {
    const cache = new PrincipalCache('postgres://unused', logger);
    // Not started: serves and stores nothing.
    cache.set('k', 'u:1', [{ id: '1' }], cache.mark());
    expect(cache.get('k')).toBeUndefined();
    (cache as unknown as { live: boolean }).live = true;
    const mark = cache.mark();
    cache.forgetUser('1');
    cache.set('k', 'u:1', [{ id: '1' }], mark);
    expect(cache.get('k')).toBeUndefined();
    cache.set('k', 'u:1', [{ id: '1' }], cache.mark());
    expect(cache.get('k')).toEqual([{ id: '1' }]);
    cache.forgetUser('1');
    expect(cache.get('k')).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
