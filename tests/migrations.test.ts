import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { bootstrapRoles } from '../src/db/bootstrap.ts';
import { MIGRATIONS_DIR, migrate, readMigrations } from '../src/db/migrate.ts';
import { validateGraph } from '../src/services/flows/graph.ts';
import { OUTLOOK_FLOW, DEMO_USERS, seedDemo } from '../src/services/demo/seed.ts';
import { DEMO_KB_ARTICLES } from '../src/services/demo/kb-seed.ts';
import { getDatamodel } from '../src/generated/pothos-types.ts';
import { inject } from 'vitest';
import { ensureDatabase } from '../src/db/bootstrap.ts';
import { DB_PREFIX, assertTestDatabase } from './helpers/guard.ts';
import { logger } from './helpers/app.ts';

const cleanup: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanup) await c();
});

/** An empty (unmigrated) database. */
async function emptyDatabase() {
  const server = inject('pgServerUrl');
  const name = `${DB_PREFIX}empty_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await ensureDatabase(server, name);
  const u = new URL(server);
  u.pathname = `/${name}`;
  assertTestDatabase(u.toString());
  return bootstrapRoles(u.toString(), logger, { rolesExist: true });
}

describe('offline migrations', () => {
  it('apply once when two instances start at the same time, recorded the way Prisma records them', async () => {
    const urls = await emptyDatabase();
    const [a, b] = await Promise.all([migrate(urls.admin, logger), migrate(urls.admin, logger)]);
    const all = (await readMigrations()).map((m) => m.name);
    expect([...a, ...b].sort()).toEqual(all.sort());
    const c = new pg.Client({ connectionString: urls.admin });
    await c.connect();
    cleanup.push(() => c.end());
    const { rows } = await c.query(
      'SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(rows).toHaveLength(all.length);
    for (const r of rows) {
      const sql = readFileSync(path.join(MIGRATIONS_DIR, r.migration_name, 'migration.sql'));
      expect(r.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
      expect(r.finished_at).toBeInstanceOf(Date);
      expect(r.rolled_back_at).toBeNull();
      expect(r.applied_steps_count).toBe(1);
    }
    // A restart applies nothing.
    expect(await migrate(urls.admin, logger)).toEqual([]);
  });

  it('leave the Prisma schema and the database in step (every model field is a column of that type)', async () => {
    const urls = await emptyDatabase();
    await migrate(urls.admin, logger);
    const c = new pg.Client({ connectionString: urls.admin });
    await c.connect();
    cleanup.push(() => c.end());
    const schema = readFileSync(path.resolve(MIGRATIONS_DIR, '..', 'schema.prisma'), 'utf8');
    const models = getDatamodel().datamodel.models as unknown as Record<
      string,
      { fields: ReadonlyArray<{ name: string; kind: string; type: string; isRequired: boolean; isList: boolean }> }
    >;
    const typeMap: Record<string, string[]> = {
      String: ['text', 'character varying', 'uuid', 'character'],
      Int: ['integer'],
      Boolean: ['boolean'],
      DateTime: ['timestamp with time zone'],
      Json: ['jsonb'],
    };
    for (const [model, def] of Object.entries(models)) {
      const table = new RegExp(`model ${model} \\{[\\s\\S]*?@@map\\("([a-z_]+)"\\)`).exec(schema)?.[1];
      expect(table, model).toBeTruthy();
      const { rows } = await c.query<{ column_name: string; data_type: string; is_nullable: string; udt_name: string }>(
        `SELECT column_name, data_type, is_nullable, udt_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1`,
        [table],
      );
      const cols = new Map(rows.map((r) => [r.column_name, r]));
      const block = new RegExp(`model ${model} \\{([\\s\\S]*?)\\n\\}`).exec(schema)![1]!;
      for (const f of def.fields.filter((x) => x.kind === 'scalar')) {
        const line = block.split('\n').find((l) => new RegExp(`^\\s+${f.name}\\s`).test(l)) ?? '';
        const column = /@map\("([a-z_0-9]+)"\)/.exec(line)?.[1] ?? f.name;
        const col = cols.get(column);
        expect(col, `${model}.${f.name} -> ${table}.${column}`).toBeTruthy();
        if (f.isList) expect(col!.data_type, `${model}.${f.name}`).toBe('ARRAY');
        else expect(typeMap[f.type], `${model}.${f.name} is ${col!.data_type}`).toContain(col!.data_type);
        if (f.isRequired && !f.isList) expect(col!.is_nullable, `${model}.${f.name} nullability`).toBe('NO');
        if (!f.isRequired) expect(col!.is_nullable, `${model}.${f.name} nullability`).toBe('YES');
      }
    }
  });
});

describe('demo data', () => {
  it('seeds once, with a valid published flow that uses every node kind', async () => {
    const urls = await emptyDatabase();
    await migrate(urls.admin, logger);
    const c = new pg.Client({ connectionString: urls.system });
    await c.connect();
    cleanup.push(() => c.end());
    expect(await seedDemo(c, logger)).toBe(true);
    expect(await seedDemo(c, logger)).toBe(false);
    const users = await c.query<{ email: string; role: string; can_cover_l1: boolean; name: string }>(
      'SELECT u.email, u.role, u.can_cover_l1, a.name FROM users u JOIN accounts a ON a.id = u.account_id ORDER BY u.email',
    );
    expect(users.rows).toHaveLength(DEMO_USERS.length);
    expect(users.rows.find((u) => u.email === 'engineer@demo.local')).toMatchObject({
      role: 'engineer',
      can_cover_l1: true,
      name: 'Demo MSP',
    });
    expect(users.rows.find((u) => u.email === 'other-l1@demo.local')).toMatchObject({ role: 'l1_tech', name: 'Other MSP' });
    const plan = await c.query(
      `SELECT engineer_seat_limit, l1_seat_limit FROM billing_plans b JOIN accounts a ON a.id = b.account_id WHERE a.name = 'Demo MSP'`,
    );
    expect(plan.rows[0]).toEqual({ engineer_seat_limit: 5, l1_seat_limit: 3 });
    const flow = await c.query(
      `SELECT f.title, f.status, v.nodes, v.root_node_id FROM flows f JOIN flow_versions v ON v.id = f.latest_version_id`,
    );
    expect(flow.rows).toHaveLength(1);
    expect(flow.rows[0]).toMatchObject({ title: "Outlook won't connect", status: 'published' });
    expect(validateGraph(flow.rows[0].nodes, flow.rows[0].root_node_id)).toEqual([]);
    expect(new Set(OUTLOOK_FLOW.nodes.map((n) => n.kind))).toEqual(new Set(['question', 'instruction', 'resolution', 'escalation']));
    expect(OUTLOOK_FLOW.nodes.length).toBeGreaterThanOrEqual(6);
    // The demo knowledge base: every article stored, chunked, in the demo account only.
    const kb = await c.query<{ name: string; docs: number; chunkless: number }>(
      `SELECT a.name, count(d.id)::int AS docs,
         count(d.id) FILTER (WHERE NOT EXISTS (SELECT 1 FROM kb_chunks k WHERE k.document_id = d.id))::int AS chunkless
       FROM kb_documents d JOIN accounts a ON a.id = d.account_id GROUP BY a.name`,
    );
    expect(kb.rows).toEqual([{ name: 'Demo MSP', docs: DEMO_KB_ARTICLES.length, chunkless: 0 }]);
  });
});
