import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
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

/** An operator command (src/cli.ts), as `npm run account:create -- …` runs it. */
function cli(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { exited, out: () => stdout, err: () => stderr };
}

async function connectOnce(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  c.on('error', () => undefined);
  await c.connect();
  await c.end();
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
    const login = await gql(
      port,
      'mutation($e:String!,$p:String!){ login(email:$e,password:$p){ __typename ... on SessionPayload { accessToken } } }',
      {
        e: 'l1@demo.local',
        p: 'demo',
      },
    );
    expect(login.data.login.__typename).toBe('SessionPayload');
    const me = await gql(port, '{ me { role account { name } } }', {}, login.data.login.accessToken);
    expect(me.data.me).toEqual({ role: 'L1_TECH', account: { name: 'Demo MSP' } });

    // The superuser's password was generated into the data directory, readable by its owner only;
    // the well-known postgres/postgres no longer opens the cluster.
    const passwordFile = path.join(dataDir, 'pg-superuser-password');
    expect((await stat(passwordFile)).mode & 0o077).toBe(0);
    const password = (await readFile(passwordFile, 'utf8')).trim();
    expect(password.length).toBeGreaterThanOrEqual(24);
    const admin = (pw: string, db = 'postgres') => `postgresql://postgres:${encodeURIComponent(pw)}@127.0.0.1:${pgPort}/${db}`;
    await expect(connectOnce(admin('postgres'))).rejects.toThrow(/password authentication failed/);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    // Postgres went down with it.
    await expect(connectOnce(admin(password))).rejects.toThrow();

    const second = start(env);
    await waitReady(port);
    const c = new pg.Client({ connectionString: admin(password, 'l1workspace') });
    await c.connect();
    const { rows } = await c.query('SELECT count(*)::int AS n FROM accounts');
    // A cluster made before passwords were generated: the old fixed password, and no file.
    await c.query(`ALTER ROLE postgres PASSWORD 'postgres'`);
    await c.end();
    expect(rows[0].n).toBe(2);
    await rm(passwordFile);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);

    // Its next start replaces the old password with a generated one.
    const third = start(env);
    await waitReady(port);
    const rotated = (await readFile(passwordFile, 'utf8')).trim();
    expect(rotated).not.toBe('postgres');
    await expect(connectOnce(admin('postgres'))).rejects.toThrow(/password authentication failed/);
    await connectOnce(admin(rotated));
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
  });

  it(
    'on DATABASE_URL seeds no demo; production refuses demo sign-ins until demo:remove; account:create brings in the first owner',
    { timeout: 150_000 },
    async () => {
      const urls = await createTestDatabase();
      const dataDir = await mkdtemp(path.join(os.tmpdir(), 'l1-prod-'));
      dirs.push(dataDir);
      const port = await freePort();
      const publicUrl = `http://127.0.0.1:${port}`;
      const base = { DATABASE_URL: urls.admin, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir };
      const accounts = async () => {
        const c = new pg.Client({ connectionString: urls.admin });
        await c.connect();
        try {
          return (await c.query('SELECT name FROM accounts ORDER BY name')).rows.map((r) => r.name as string);
        } finally {
          await c.end();
        }
      };

      // A server of one's own: no known sign-ins unless asked for, and a hint about the first account.
      const plain = start(base);
      await waitReady(port);
      expect(await accounts()).toEqual([]);
      expect(plain.out()).toContain('No accounts yet: create the first with  npm run account:create');
      expect(plain.out()).not.toContain('owner@demo.local');
      plain.child.kill('SIGTERM');
      expect(await plain.exited).toBe(0);

      // Someone tried the demo on it…
      const demo = start({ ...base, SEED_DEMO: 'true' });
      await waitReady(port);
      demo.child.kill('SIGTERM');
      expect(await demo.exited).toBe(0);
      expect(await accounts()).toEqual(['Demo MSP', 'Other MSP']);

      // …so production will not start while owner@demo.local / demo would open it.
      const refused = start({ ...base, NODE_ENV: 'production', PUBLIC_URL: publicUrl });
      expect(await refused.exited).toBe(1);
      expect(refused.err()).toMatch(
        /l1-workspace: NODE_ENV=production, but demo sign-ins with the published password "demo" exist \(.*owner@demo\.local.*\)\. Remove the demo accounts with `npm run demo:remove`/,
      );

      const careful = cli(['demo:remove'], base);
      expect(await careful.exited).toBe(1);
      expect(careful.err()).toMatch(/run again with --yes/);
      const removal = cli(['demo:remove', '--yes'], base);
      expect(await removal.exited).toBe(0);
      expect(removal.out()).toContain('Removed 2 demo account(s) and their 9 user(s).');
      expect(await accounts()).toEqual([]);

      const created = cli(['account:create', '--name', 'Acme MSP', '--owner', 'Ada@Acme.example', '--l1-seats', '4'], {
        ...base,
        PUBLIC_URL: publicUrl,
      });
      expect(await created.exited).toBe(0);
      const link = /(http:\/\/127\.0\.0\.1:\d+\/invite\/inv_[\w-]+)/.exec(created.out())?.[1];
      expect(link, created.out() + created.err()).toBeTruthy();

      const prod = start({ ...base, NODE_ENV: 'production', PUBLIC_URL: publicUrl });
      await waitReady(port);
      const token = link!.split('/').pop();
      const joined = await gql(
        port,
        'mutation($t: String!) { acceptInvite(token: $t, name: "Ada Lovelace", password: "a-long-password-1") { __typename ... on SessionPayload { accessToken } } }',
        { t: token },
      );
      expect(joined.data.acceptInvite.__typename).toBe('SessionPayload');
      const me = await gql(port, '{ me { name role account { name } } }', {}, joined.data.acceptInvite.accessToken);
      expect(me.data.me).toEqual({ name: 'Ada Lovelace', role: 'OWNER', account: { name: 'Acme MSP' } });
      const seats = await gql(port, '{ seatUsage { l1Tech { limit } } }', {}, joined.data.acceptInvite.accessToken);
      expect(seats.data.seatUsage.l1Tech.limit).toBe(4);
      // One address, one account.
      const again = cli(['account:create', '--name', 'Acme Again', '--owner', 'ada@acme.example'], base);
      expect(await again.exited).toBe(1);
      expect(again.err()).toContain('l1-workspace: ada@acme.example already has an account here; use another address');
      prod.child.kill('SIGTERM');
      expect(await prod.exited).toBe(0);
    },
  );

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
