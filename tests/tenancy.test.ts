import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { afterCommit, savepoint, type Scope, sql, txObservers, withTenantTx } from '../src/db/tenant.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';

let t: TestApp;
let admin: pg.Pool;
let app: pg.Pool;
let a: Awaited<ReturnType<TestApp['factory']['fullTenant']>>;
let b: Awaited<ReturnType<TestApp['factory']['fullTenant']>>;
let tenantTables: string[];

beforeAll(async () => {
  t = await startTestApp();
  admin = new pg.Pool({ connectionString: t.urls.admin, max: 2 });
  app = new pg.Pool({ connectionString: t.urls.app, max: 1 });
  a = await t.factory.fullTenant();
  b = await t.factory.fullTenant();
  const { rows } = await admin.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.columns
     WHERE table_schema = 'public' AND column_name = 'account_id' ORDER BY table_name`,
  );
  tenantTables = rows.map((r) => r.table_name);
});

afterAll(async () => {
  await admin.end();
  await app.end();
  await t.close();
});

/** Run statements as the request role with a tenant set, the way requests do. */
function asTenant<T>(accountId: string | null, fn: () => Promise<T>): Promise<T> {
  return withTenantTx(app, accountId, fn);
}

describe('catalog', () => {
  it('covers every table of the model', () => {
    expect(tenantTables).toEqual(
      expect.arrayContaining([
        'api_tokens',
        'audit_logs',
        'auth_sessions',
        'billing_plans',
        'flow_proposals',
        'flow_versions',
        'flows',
        'internal_tickets',
        'kb_chunks',
        'kb_documents',
        'invites',
        'notifications',
        'users',
        'walk_sessions',
        'walk_steps',
      ]),
    );
  });

  it('has RLS enabled and forced, with USING and WITH CHECK, on every tenant table and on accounts', async () => {
    const { rows } = await admin.query<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>(
      `SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class
       WHERE relnamespace = 'public'::regnamespace AND relname = ANY($1)`,
      [[...tenantTables, 'accounts']],
    );
    expect(rows).toHaveLength(tenantTables.length + 1);
    for (const r of rows) {
      expect(r, r.relname).toMatchObject({ relrowsecurity: true, relforcerowsecurity: true });
    }
    const policies = await admin.query<{ tablename: string; qual: string; with_check: string }>(
      `SELECT tablename, qual, with_check FROM pg_policies
       WHERE schemaname = 'public' AND policyname = 'tenant_isolation' AND 'l1_app' = ANY(roles)`,
    );
    expect(policies.rows.map((p) => p.tablename).sort()).toEqual([...tenantTables, 'accounts'].sort());
    for (const p of policies.rows) {
      expect(p.qual, p.tablename).toContain("current_setting('app.current_account_id'");
      expect(p.with_check, p.tablename).toContain("current_setting('app.current_account_id'");
    }
  });

  it('connects requests as a role that is not superuser, cannot bypass RLS and owns nothing', async () => {
    const me = await app.query<{ current_user: string; rolsuper: boolean; rolbypassrls: boolean; owned: string }>(
      `SELECT current_user, r.rolsuper, r.rolbypassrls,
        (SELECT count(*) FROM pg_class c WHERE c.relowner = r.oid)::text
          || '/' || (SELECT count(*) FROM pg_namespace n WHERE n.nspowner = r.oid)::text
          || '/' || (SELECT count(*) FROM pg_proc p WHERE p.proowner = r.oid)::text AS owned
       FROM pg_roles r WHERE r.rolname = current_user`,
    );
    expect(me.rows[0]).toEqual({ current_user: 'l1_app', rolsuper: false, rolbypassrls: false, owned: '0/0/0' });
  });

  it('lets the request role only insert and read audit rows, walk steps and published versions', async () => {
    for (const table of ['audit_logs', 'walk_steps', 'flow_versions']) {
      const { rows } = await admin.query<{ privilege_type: string }>(
        `SELECT privilege_type FROM information_schema.role_table_grants
         WHERE grantee = 'l1_app' AND table_name = $1 ORDER BY privilege_type`,
        [table],
      );
      expect(
        rows.map((r) => r.privilege_type),
        table,
      ).toEqual(['INSERT', 'SELECT']);
    }
    await expect(asTenant(a.account.id, () => sql(`UPDATE audit_logs SET action = 'x'`))).rejects.toThrow(/permission denied/);
    await expect(asTenant(a.account.id, () => sql(`DELETE FROM audit_logs`))).rejects.toThrow(/permission denied/);
  });
});

describe('cross-tenant isolation (every tenant table)', () => {
  it('reads only the current account, and nothing without one', async () => {
    for (const table of tenantTables) {
      const seen = await asTenant(a.account.id, () => sql<{ account_id: string }>(`SELECT DISTINCT account_id FROM ${table}`));
      expect(
        seen.rows.map((r) => r.account_id),
        table,
      ).toEqual([a.account.id]);
      const none = await asTenant(null, () => sql<{ n: string }>(`SELECT count(*)::text AS n FROM ${table}`));
      expect(none.rows[0]!.n, `${table} without a tenant`).toBe('0');
    }
    const accounts = await asTenant(a.account.id, () => sql<{ id: string }>('SELECT id FROM accounts'));
    expect(accounts.rows.map((r) => r.id)).toEqual([a.account.id]);
  });

  it('refuses inserting a row into another account', async () => {
    for (const table of tenantTables) {
      // Copy one of A's own rows, point it at B, and try to write it while acting as A.
      const { rows } = await admin.query(`SELECT * FROM ${table} WHERE account_id = $1 LIMIT 1`, [a.account.id]);
      const row = { ...rows[0], id: randomUUID(), account_id: b.account.id } as Record<string, unknown>;
      // Fresh values for unique columns, so only the policy can refuse the row.
      const fresh: Record<string, () => string> = {
        email: () => `${randomUUID()}@x.test`,
        token_hash: () => randomUUID().replace(/-/g, '').padEnd(64, '0'),
        client_step_id: () => randomUUID(),
        jti: () => randomUUID(),
        dedupe_key: () => randomUUID(),
        content_hash: () => randomUUID().replace(/-/g, '').padEnd(64, '0'),
      };
      for (const [k, make] of Object.entries(fresh)) if (typeof row[k] === 'string') row[k] = make();
      if ('seq' in row) row.seq = 99;
      if ('ordinal' in row) row.ordinal = 99;
      if ('version' in row && table === 'flow_versions') row.version = 99;
      if (table === 'flows') row.latest_version_id = null;
      if (table === 'flows') row.status = 'draft';
      if (table === 'flow_proposals') row.source_walk_id = null;
      const types = await admin.query<{ column_name: string; data_type: string; is_generated: string }>(
        `SELECT column_name, data_type, is_generated FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1`,
        [table],
      );
      // Generated columns (kb_chunks' search vector) take no value.
      for (const c of types.rows) if (c.is_generated === 'ALWAYS') delete row[c.column_name];
      const cols = Object.keys(row);
      const jsonCols = new Set(types.rows.filter((r) => r.data_type === 'jsonb').map((r) => r.column_name));
      const values = cols.map((c) => (jsonCols.has(c) && row[c] !== null ? JSON.stringify(row[c]) : row[c]));
      const text = `INSERT INTO ${table} (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`;
      await expect(
        asTenant(a.account.id, () => sql(text, values)),
        table,
      ).rejects.toThrow(/row-level security/);
    }
  });

  it('refuses moving a row into another account, and cannot touch the other account’s rows', async () => {
    for (const table of tenantTables) {
      const updatable = await admin.query(
        `SELECT 1 FROM information_schema.role_table_grants WHERE grantee = 'l1_app' AND table_name = $1 AND privilege_type = 'UPDATE'`,
        [table],
      );
      if (!updatable.rowCount) {
        await expect(
          asTenant(a.account.id, () => sql(`UPDATE ${table} SET account_id = account_id`)),
          table,
        ).rejects.toThrow(/permission denied/);
        continue;
      }
      await expect(
        asTenant(a.account.id, () => sql(`UPDATE ${table} SET account_id = $1 WHERE account_id = $2`, [b.account.id, a.account.id])),
        table,
      ).rejects.toThrow(/row-level security/);
      const touched = await asTenant(a.account.id, () =>
        sql(`UPDATE ${table} SET account_id = account_id WHERE account_id = $1`, [b.account.id]),
      );
      expect(touched.rowCount, table).toBe(0);
      const deleted = await asTenant(a.account.id, () => sql(`DELETE FROM ${table} WHERE account_id = $1`, [b.account.id]));
      expect(deleted.rowCount, table).toBe(0);
    }
    const bRows = await admin.query<{ n: string }>(`SELECT count(*)::text AS n FROM users WHERE account_id = $1`, [b.account.id]);
    expect(bRows.rows[0]!.n).toBe('2');
  });
});

describe('a statement that carries its COMMIT', () => {
  // The app's own pool pipelines, so the statement and its COMMIT leave in one write.
  let piped: pg.Pool;
  beforeAll(() => {
    piped = new pg.Pool({ connectionString: t.urls.app, max: 1, pipeline: true } as pg.PoolConfig);
  });
  afterAll(() => piped.end());

  /** A scope as a one-field mutation gets it (commitAhead), observed when it ends. */
  async function mutation<T>(fn: (s: Scope) => Promise<T>): Promise<{ value: T; scope: Scope }> {
    let seen: Scope | undefined;
    const observe = (s: Scope) => (seen = s);
    txObservers.add(observe);
    try {
      const value = await withTenantTx(
        piped,
        a.account.id,
        async (s) => {
          s.commitAhead = true;
          return fn(s);
        },
        { lazy: true },
      );
      return { value, scope: seen! };
    } finally {
      txObservers.delete(observe);
    }
  }
  const note = () => `commit-ahead ${randomUUID()}`;
  const insertTicket = (text: string) =>
    sql<{ id: string }>(
      `INSERT INTO internal_tickets (account_id, customer_name, customer_contact, problem_statement, status, created_by)
       VALUES (current_setting('app.current_account_id')::uuid, 'C', 'c@x.test', $1, 'open', $2) RETURNING id`,
      [text, a.owner.id],
      undefined,
      { commit: true },
    );
  const count = async (text: string) =>
    Number(
      (await admin.query<{ n: string }>('SELECT count(*)::text AS n FROM internal_tickets WHERE problem_statement = $1', [text])).rows[0]!
        .n,
    );

  it('commits with the statement, and later reads in the operation still see the tenant and the write', async () => {
    const text = note();
    const published: string[] = [];
    const { value, scope } = await mutation(async () => {
      const { rows } = await insertTicket(text);
      afterCommit(() => void published.push(rows[0]!.id));
      // A read after the COMMIT: a transaction of its own, tenant set again, the write visible.
      const after = await sql<{ tenant: string; n: string }>(
        `SELECT current_setting('app.current_account_id', true) AS tenant, count(*)::text AS n FROM internal_tickets WHERE id = $1`,
        [rows[0]!.id],
      );
      return { id: rows[0]!.id, read: after.rows[0] };
    });
    expect(scope.committed).toHaveLength(1);
    expect(value.read).toEqual({ tenant: a.account.id, n: '1' });
    expect(await count(text)).toBe(1);
    expect(published).toEqual([value.id]);
    // The one pooled connection came back clean: no transaction open, no tenant left on it.
    const idle = await piped.query<{ tenant: string | null }>(`SELECT current_setting('app.current_account_id', true) AS tenant`);
    expect(idle.rows[0]!.tenant).toBe('');
  });

  it('keeps what it committed when the operation fails afterwards, and still announces it', async () => {
    const text = note();
    const published: string[] = [];
    await expect(
      mutation(async () => {
        await insertTicket(text);
        afterCommit(() => void published.push('announced'));
        throw new Error('payload failed');
      }),
    ).rejects.toThrow('payload failed');
    // Thrown after the write landed: the caller sees the error (the services that use this are
    // idempotent on retry), and the committed write is kept and announced, not lost to watchers.
    expect(await count(text)).toBe(1);
    expect(published).toEqual(['announced']);
  });

  it('a failing statement rolls back, reports its own error, and leaves the connection usable', async () => {
    const text = note();
    const published: string[] = [];
    await expect(
      mutation(async () => {
        await insertTicket(text);
        afterCommit(() => void published.push('first'));
        await sql(`SELECT 1/0`, [], undefined, { commit: true });
      }),
    ).rejects.toThrow(/division by zero/);
    // The first write committed on its own: it stays, and its watchers still hear of it.
    expect(await count(text)).toBe(1);
    expect(published).toEqual(['first']);
    // An operation that swallows the failed statement and returns is still told it failed.
    const swallowed = note();
    await expect(
      mutation(async () => {
        await insertTicket(swallowed);
        afterCommit(() => void published.push('second'));
        await sql(`SELECT 1/0`, [], undefined, { commit: true }).catch(() => undefined);
        return 'looks fine';
      }),
    ).rejects.toThrow('transaction was aborted and rolled back');
    expect(await count(swallowed)).toBe(1);
    expect(published).toEqual(['first', 'second']);
    const ok = await mutation(async () => (await sql<{ one: number }>('SELECT 1 AS one', [], undefined, { commit: true })).rows[0]!.one);
    expect(ok.value).toBe(1);
  });

  it('is only an option: without commitAhead, or inside a savepoint, the operation stays one transaction', async () => {
    const text = note();
    await expect(
      withTenantTx(
        piped,
        a.account.id,
        async () => {
          await insertTicket(text);
          throw new Error('undo');
        },
        { lazy: true },
      ),
    ).rejects.toThrow('undo');
    expect(await count(text)).toBe(0);
    const { scope } = await mutation(async (s) => {
      s.rollbackOnly = true;
      await insertTicket(text);
    });
    expect(scope.committed).toHaveLength(0);
    expect(await count(text)).toBe(0);
    // In a savepoint, a COMMIT would end the whole transaction; the field's failure then undoes it.
    await expect(
      mutation(async () => {
        await savepoint(() => insertTicket(text));
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(await count(text)).toBe(0);
  });
});

describe('pooled connections', () => {
  it('never carry the tenant setting into the next transaction', async () => {
    // The pool has a single connection, so every transaction below reuses it.
    await asTenant(a.account.id, async () => {
      const r = await sql<{ n: string }>('SELECT count(*)::text AS n FROM users');
      expect(Number(r.rows[0]!.n)).toBeGreaterThan(0);
    });
    const after = await app.query<{ setting: string | null; n: string }>(
      `SELECT current_setting('app.current_account_id', true) AS setting, (SELECT count(*)::text FROM users) AS n`,
    );
    expect(after.rows[0]).toEqual({ setting: '', n: '0' });
    const next = await asTenant(null, () => sql<{ n: string }>('SELECT count(*)::text AS n FROM walk_sessions'));
    expect(next.rows[0]!.n).toBe('0');
    const other = await asTenant(b.account.id, () => sql<{ account_id: string }>('SELECT DISTINCT account_id FROM users'));
    expect(other.rows.map((r) => r.account_id)).toEqual([b.account.id]);
  });

  it('discards the tenant setting after a failed transaction too', async () => {
    await expect(
      asTenant(a.account.id, async () => {
        await sql('SELECT 1');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const after = await app.query<{ n: string }>('SELECT count(*)::text AS n FROM users');
    expect(after.rows[0]!.n).toBe('0');
  });

  it('refuses Prisma queries outside a tenant transaction', async () => {
    await expect(t.app.deps.prisma.user.findMany()).rejects.toThrow(/outside a tenant transaction/);
  });
});
