import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ listen: true });
});
afterAll(() => t.close());

describe('health and readiness', () => {
  it('answers /healthz and /readyz when the database is migrated', async () => {
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('is not ready while a migration is missing', async () => {
    const admin = new pg.Client({ connectionString: t.urls.admin });
    await admin.connect();
    try {
      const { rows } = await admin.query('DELETE FROM "_prisma_migrations" RETURNING *');
      const res = await fetch(`${t.url}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ status: 'not_ready', reason: 'migrations pending' });
      for (const r of rows) {
        await admin.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [r.id, r.checksum, r.finished_at, r.migration_name, r.logs, r.rolled_back_at, r.started_at, r.applied_steps_count],
        );
      }
      expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
    } finally {
      await admin.end();
    }
  });

  it('is not ready when the database cannot be reached, while /healthz stays up', async () => {
    const admin = new pg.Client({ connectionString: t.urls.admin });
    await admin.connect();
    const db = new URL(t.urls.admin).pathname.slice(1);
    try {
      // The request role loses its way in: new connections are refused, open ones are cut.
      await admin.query(`REVOKE CONNECT ON DATABASE "${db}" FROM l1_app, PUBLIC`);
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'l1_app' AND datname = $1`, [db]);
      expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
      const res = await fetch(`${t.url}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ reason: 'database unreachable' });
    } finally {
      await admin.query(`GRANT CONNECT ON DATABASE "${db}" TO l1_app, PUBLIC`);
      await admin.end();
    }
    // And it recovers without a restart.
    expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
  });
});

describe('configuration', () => {
  it('sizes the request pool from the cores (× 2 + 1, at most 40) unless DB_POOL_SIZE is set', () => {
    expect(loadConfig({}).DB_POOL_SIZE).toBe(Math.min(40, 2 * os.availableParallelism() + 1));
    expect(loadConfig({ DB_POOL_SIZE: '12' }).DB_POOL_SIZE).toBe(12);
    expect(() => loadConfig({ DB_POOL_SIZE: '0' })).toThrow(/DB_POOL_SIZE/);
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ SEED_DEMO: 'maybe' })).toThrow(/SEED_DEMO/);
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
    expect(() => loadConfig({ CORS_ORIGINS: 'https://ok.example, https://x.example/path' })).toThrow(/CORS_ORIGINS/);
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example, http://b.example:8080' }).CORS_ORIGINS).toEqual([
      'https://a.example',
      'http://b.example:8080',
    ]);
  });

  it('has sensible defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 4000, DATA_DIR: './.data', seedDemo: true, ABANDON_AFTER_HOURS: 24 });
    expect(c.publicUrl).toBe('http://localhost:4000');
  });

  it('seeds the demo only on the embedded database outside production, unless asked (issue 18 items 1 and 7)', () => {
    const external = 'postgresql://u:p@db.example:5432/l1';
    expect(loadConfig({ DATABASE_URL: external }).seedDemo).toBe(false);
    expect(loadConfig({ DATABASE_URL: external, SEED_DEMO: 'true' }).seedDemo).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://help.example.com' }).seedDemo).toBe(false);
    expect(loadConfig({ SEED_DEMO: 'false' }).seedDemo).toBe(false);
    expect(() => loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://help.example.com', SEED_DEMO: 'true' })).toThrow(
      /SEED_DEMO: cannot be true when NODE_ENV=production/,
    );
  });

  it('needs PUBLIC_URL in production, where invite links must not be built from a request', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/PUBLIC_URL: is required when NODE_ENV=production/);
    expect(loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://help.example.com/' }).publicUrl).toBe('https://help.example.com');
  });
});

describe('npm test on a fresh machine (issue 18 item 21)', () => {
  const ensure = (env: Record<string, string>) =>
    spawnSync(process.execPath, ['scripts/ensure-chromium.mjs'], {
      cwd: path.resolve(import.meta.dirname, '..'),
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
    });

  it('finds the browser, or stops with one line naming what to do', () => {
    expect(ensure({ CHROMIUM_PATH: process.execPath }).status).toBe(0);
    const missing = ensure({ CHROMIUM_PATH: '/nonexistent/chromium' });
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim()).toBe(
      'npm test: CHROMIUM_PATH is /nonexistent/chromium, which is not an executable file. Point it at Chromium, or unset it to use /usr/bin/chromium.',
    );
  });

  it('is what `npm test` runs first', async () => {
    const pkg = JSON.parse(await readFile(path.resolve(import.meta.dirname, '../package.json'), 'utf8'));
    expect(pkg.scripts.test).toMatch(/^node scripts\/ensure-chromium\.mjs && /);
  });
});
