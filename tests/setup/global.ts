import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { bootstrapRoles, ensureDatabase } from '../../src/db/bootstrap.ts';
import { type EmbeddedServer, startEmbeddedPostgres } from '../../src/db/embedded.ts';
import { migrate } from '../../src/db/migrate.ts';
import { BOSS_SCHEMA } from '../../src/jobs/queue.ts';
import { PgBoss } from 'pg-boss';
import { createLogger } from '../../src/logger.ts';
import { assertTestDatabase, TEMPLATE_PREFIX } from '../helpers/guard.ts';
import { freePort } from '../helpers/ports.ts';
import { spaDistDir } from '../e2e/spa-dir.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the test server (any database); databases are created per file. */
    pgServerUrl: string;
    templateDb: string;
  }
}

/**
 * Real Postgres for the whole run: embedded by default (fast, throwaway), or the server named by
 * TEST_DATABASE_URL. Migrations run once into a template database; each test file clones it.
 */
export default async function setup(project: TestProject) {
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'warn');
  let embedded: EmbeddedServer | undefined;
  let dir: string | undefined;
  let serverUrl: string;
  if (process.env.TEST_DATABASE_URL) {
    serverUrl = process.env.TEST_DATABASE_URL;
  } else {
    dir = await mkdtemp(path.join(os.tmpdir(), 'l1-test-pg-'));
    embedded = await startEmbeddedPostgres({ dataDir: dir, port: await freePort(), logger, fast: true });
    serverUrl = embedded.adminUrl('postgres');
  }
  const templateDb = `${TEMPLATE_PREFIX}${process.pid}_${Date.now().toString(36)}`;
  await ensureDatabase(serverUrl, templateDb);
  const u = new URL(serverUrl);
  u.pathname = `/${templateDb}`;
  assertTestDatabase(u.toString());
  const urls = await bootstrapRoles(u.toString(), logger);
  await migrate(urls.admin, logger);
  // Install pg-boss's schema once in the template, so each cloned database starts its queue fast.
  const boss = new PgBoss({ connectionString: urls.system, schema: BOSS_SCHEMA, supervise: false, schedule: false } as never);
  await boss.start();
  await boss.stop({ graceful: false, close: true });

  project.provide('pgServerUrl', serverUrl);
  project.provide('templateDb', templateDb);

  return async () => {
    // The SPA the browser tests built for this run (tests/e2e/harness.ts).
    await rm(spaDistDir(process.pid), { recursive: true, force: true });
    if (embedded) {
      await embedded.stop();
      await rm(dir!, { recursive: true, force: true });
    } else {
      const pg = (await import('pg')).default;
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      const { rows } = await c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname = $2`, [
        `l1test_${process.pid}_%`,
        templateDb,
      ]);
      for (const r of rows) await c.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`).catch(() => undefined);
      await c.end();
    }
  };
}
