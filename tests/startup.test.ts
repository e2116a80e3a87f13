import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from './helpers/app.ts';
import { freePort } from './helpers/ports.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const children: ChildProcess[] = [];
const dirs: string[] = [];

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'warn', WEB_DIST_DIR: '/nonexistent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

async function waitReady(port: number, ms = 60_000): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (r.status === 200) return Date.now() - t0;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('not ready in time');
}

async function gql(port: number, query: string, variables: object = {}, token?: string) {
  const r = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await r.json()) as { data: any; errors?: unknown[] };
}

describe('npm start', () => {
  it('boots embedded Postgres, migrates, seeds the demo once, serves the API and stops cleanly', { timeout: 120_000 }, async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'l1-start-'));
    dirs.push(dataDir);
    const [port, pgPort] = [await freePort(), await freePort()];
    const env = { DATA_DIR: dataDir, PORT: String(port), EMBEDDED_PG_PORT: String(pgPort) };

    const first = start(env);
    const ms = await waitReady(port);
    expect(ms).toBeLessThan(60_000);
    expect(first.out()).toContain('owner@demo.local');
    const login = await gql(port, 'mutation($e:String!,$p:String!){ login(email:$e,password:$p){ __typename ... on SessionPayload { accessToken } } }', {
      e: 'l1@demo.local',
      p: 'demo',
    });
    expect(login.data.login.__typename).toBe('SessionPayload');
    const me = await gql(port, '{ me { role account { name } } }', {}, login.data.login.accessToken);
    expect(me.data.me).toEqual({ role: 'L1_TECH', account: { name: 'Demo MSP' } });

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    // Postgres went down with it.
    await expect(new pg.Client({ connectionString: `postgresql://postgres:postgres@127.0.0.1:${pgPort}/postgres` }).connect()).rejects.toThrow();

    const second = start(env);
    await waitReady(port);
    const c = new pg.Client({ connectionString: `postgresql://postgres:postgres@127.0.0.1:${pgPort}/l1workspace` });
    await c.connect();
    const { rows } = await c.query('SELECT count(*)::int AS n FROM accounts');
    await c.end();
    expect(rows[0].n).toBe(2);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  });

  it('stops with one clear line and a non-zero exit on bad configuration', async () => {
    const r = start({ PORT: 'eighty' });
    expect(await r.exited).toBe(1);
    expect(r.err().trim().split('\n').at(-1)).toMatch(/^l1-workspace: Invalid configuration: PORT: /);
  });

  it('stops with one clear line when the database is unreachable', async () => {
    const r = start({ DATABASE_URL: 'postgresql://u:p@127.0.0.1:1/l1test_nowhere', PORT: String(await freePort()) });
    expect(await r.exited).toBe(1);
    expect(r.err()).toMatch(/l1-workspace: Cannot reach Postgres at 127\.0\.0\.1:1\/l1test_nowhere/);
  });

  it('stops with one clear line when the data directory is not writable', async () => {
    // Beneath a regular file: no directory can be made there, even as root.
    const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'l1-file-')), 'a-file');
    await writeFile(file, 'x');
    const r = start({ DATA_DIR: path.join(file, 'data'), PORT: String(await freePort()) });
    expect(await r.exited).toBe(1);
    expect(r.err()).toMatch(/l1-workspace: DATA_DIR .* is not writable/);
  });

  it('stops with one clear line when the port is taken', { timeout: 60_000 }, async () => {
    const urls = await createTestDatabase();
    const blocker = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const r = start({ DATABASE_URL: urls.admin, SEED_DEMO: 'false', PORT: String(port), HOST: '127.0.0.1', DATA_DIR: os.tmpdir() });
      expect(await r.exited).toBe(1);
      expect(r.err()).toMatch(new RegExp(`l1-workspace: PORT ${port} is already in use`));
    } finally {
      blocker.close();
    }
  });
});
