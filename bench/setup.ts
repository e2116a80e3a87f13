import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { bootstrapRoles, type DatabaseUrls, ensureDatabase } from '../src/db/bootstrap.ts';
import { type EmbeddedServer, startEmbeddedPostgres } from '../src/db/embedded.ts';
import { migrate } from '../src/db/migrate.ts';
import { systemClock } from '../src/lib/clock.ts';
import { Jwt } from '../src/lib/jwt.ts';
import { hashPassword } from '../src/lib/passwords.ts';
import { createLogger } from '../src/logger.ts';
import { OUTLOOK_FLOW } from '../src/services/demo/seed.ts';
import type { FlowNode } from '../src/services/flows/graph.ts';
import { sleep } from './stats.ts';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const logger = createLogger(process.env.BENCH_LOG_LEVEL ?? 'warn');
/** The server's DB_POOL_SIZE: the product's default unless BENCH_DB_POOL_SIZE tries another (a bad value stops here, named). */
export const SERVER_POOL_SIZE = loadConfig({ DB_POOL_SIZE: process.env.BENCH_DB_POOL_SIZE }).DB_POOL_SIZE;

/**
 * A pg pool for the harness's own SQL. A pooled connection that Postgres ends while it sits idle
 * (seen once during the sweep: 57P01) is dropped and logged, not left to crash the run as an
 * unhandled 'error' event; a query on a database that is really gone still fails on its own.
 */
export function benchPool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(config);
  pool.on('error', (err) => logger.warn({ err: err.message }, 'an idle bench connection was closed by Postgres'));
  return pool;
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface Database {
  urls: DatabaseUrls;
  close(): Promise<void>;
}

/** Embedded Postgres in a temp dir (durable settings, as `npm start` runs it), or BENCH_DATABASE_URL. */
export async function benchDatabase(): Promise<Database> {
  let embedded: EmbeddedServer | undefined;
  let dir: string | undefined;
  let server: string;
  if (process.env.BENCH_DATABASE_URL) {
    server = process.env.BENCH_DATABASE_URL;
  } else {
    dir = await mkdtemp(path.join(os.tmpdir(), 'l1-bench-'));
    // BENCH_STATEMENTS=1: per-statement Postgres time in the results (a slow plan shows by name).
    const settings = process.env.BENCH_STATEMENTS ? ['shared_preload_libraries=pg_stat_statements'] : [];
    // BENCH_PG_SETTINGS='wal_buffers=64MB;wal_compression=lz4': server settings to try against the defaults.
    settings.push(
      ...(process.env.BENCH_PG_SETTINGS ?? '')
        .split(';')
        .map((s) => s.trim())
        .filter(Boolean),
    );
    embedded = await startEmbeddedPostgres({ dataDir: dir, port: await freePort(), logger, settings });
    server = embedded.adminUrl('postgres');
  }
  const name = `l1bench_${Date.now().toString(36)}`;
  await ensureDatabase(server, name);
  const u = new URL(server);
  u.pathname = `/${name}`;
  const urls = await bootstrapRoles(u.toString(), logger);
  await migrate(urls.admin, logger);
  return {
    urls,
    close: async () => {
      if (embedded) {
        await embedded.stop();
        await rm(dir!, { recursive: true, force: true });
      } else {
        const c = new pg.Client({ connectionString: server });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
        await c.end();
      }
    },
  };
}

/** A long chain of questions (a walk that never ends during a run). */
export function chainFlow(n: number): { rootNodeId: string; nodes: FlowNode[] } {
  const nodes: FlowNode[] = [];
  for (let i = 0; i < n; i++) {
    nodes.push({
      id: `q${i}`,
      kind: 'question',
      text: `Check ${i}?`,
      yesLabel: `Yes ${i}`,
      noLabel: `No ${i}`,
      yesNext: `q${i + 1}`,
      noNext: `q${i + 1}`,
    });
  }
  nodes.push({ id: `q${n}`, kind: 'resolution', text: 'Done' });
  return { rootNodeId: 'q0', nodes };
}

export interface SeededAccount {
  id: string;
  outlookFlowId: string;
  chainFlowId: string;
  l1: Array<{ id: string; token: string }>;
  coverers: Array<{ id: string; token: string }>;
}

export const JWT_SECRET = randomBytes(32).toString('base64url');

/** Accounts, users, flows and sessions straight into Postgres (as the system role). */
export async function seed(
  urls: DatabaseUrls,
  opts: { accounts: number; l1PerAccount: number; coverersPerAccount: number },
): Promise<SeededAccount[]> {
  const db = benchPool({ connectionString: urls.system, max: 4 });
  const jwt = new Jwt(JWT_SECRET, systemClock, 24 * 3600);
  const hash = await hashPassword('bench-password-1');
  const out: SeededAccount[] = [];
  const chain = chainFlow(400);
  for (let a = 0; a < opts.accounts; a++) {
    const acc = (
      await db.query<{ id: string }>(`INSERT INTO accounts (name, slug) VALUES ($1, $2) RETURNING id`, [
        `Bench ${a}`,
        `bench-${a}-${randomUUID().slice(0, 6)}`,
      ])
    ).rows[0]!.id;
    await db.query(`INSERT INTO billing_plans (account_id, engineer_seat_limit, l1_seat_limit) VALUES ($1, NULL, NULL)`, [acc]);
    const user = async (role: string, cover = false) => {
      const id = (
        await db.query<{ id: string }>(
          `INSERT INTO users (account_id, email, name, password_hash, role, can_cover_l1) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
          [acc, `${role}-${randomUUID()}@bench.test`, `${role} ${randomUUID().slice(0, 4)}`, hash, role, cover],
        )
      ).rows[0]!.id;
      const sid = (
        await db.query<{ id: string }>(
          `INSERT INTO auth_sessions (account_id, user_id, jti, auth_time, idle_seconds, absolute_seconds, last_refreshed_at) VALUES ($1, $2, $3, now(), 259200, 1209600, now()) RETURNING id`,
          [acc, id, randomUUID()],
        )
      ).rows[0]!.id;
      return { id, token: (await jwt.signAccess({ sub: id, acc, sid })).token };
    };
    const owner = await user('owner');
    const flow = async (title: string, f: { rootNodeId: string; nodes: FlowNode[] }) => {
      const fid = (
        await db.query<{ id: string }>(
          `INSERT INTO flows (account_id, title, status, draft_nodes, draft_root_node_id, created_by) VALUES ($1, $2, 'draft', $3, $4, $5) RETURNING id`,
          [acc, title, JSON.stringify(f.nodes), f.rootNodeId, owner.id],
        )
      ).rows[0]!.id;
      const vid = (
        await db.query<{ id: string }>(
          `INSERT INTO flow_versions (account_id, flow_id, version, nodes, root_node_id, published_by) VALUES ($1, $2, 1, $3, $4, $5) RETURNING id`,
          [acc, fid, JSON.stringify(f.nodes), f.rootNodeId, owner.id],
        )
      ).rows[0]!.id;
      await db.query(`UPDATE flows SET status = 'published', latest_version_id = $2, latest_version_no = 1 WHERE id = $1`, [fid, vid]);
      return fid;
    };
    const l1 = [];
    for (let i = 0; i < opts.l1PerAccount; i++) l1.push(await user('l1_tech'));
    const coverers = [];
    for (let i = 0; i < opts.coverersPerAccount; i++) coverers.push(await user('engineer', true));
    out.push({
      id: acc,
      outlookFlowId: await flow("Outlook won't connect", OUTLOOK_FLOW),
      chainFlowId: await flow('Long chain', chain),
      l1,
      coverers,
    });
  }
  await db.end();
  return out;
}

export interface ServerProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  rssMb(): Promise<number>;
  stop(): Promise<void>;
}

/** The product, as `npm start` runs it, in a process of its own. */
export async function startServer(urls: DatabaseUrls, env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      NODE_ENV: 'production',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATABASE_URL: urls.admin,
      PORT: String(port),
      HOST: '127.0.0.1',
      SEED_DEMO: 'false',
      JWT_SECRET,
      ACCESS_TOKEN_TTL_SECONDS: '86400',
      LOG_LEVEL: 'warn',
      DB_POOL_SIZE: String(SERVER_POOL_SIZE),
      SWEEP_CRON: '0 0 1 1 *',
      WEB_DIST_DIR: '/nonexistent',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {
      // starting
    }
    if (child.exitCode !== null) throw new Error('server exited during start-up');
    await sleep(100);
  }
  return {
    url,
    pid: child.pid!,
    child,
    rssMb: async () => {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await done;
    },
  };
}

// The load generator shares the machine's cores with the server and Postgres, so it uses plain
// node:http with keep-alive (several times cheaper per call than fetch) to disturb them least.
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/** One GraphQL call over HTTP (keep-alive), returning the parsed body. */
export function gql<T = any>(
  url: string,
  token: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<{ data?: T; errors?: unknown[] }> {
  const u = new URL('/graphql', url);
  const body = JSON.stringify({ query, variables });
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${token}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch (err) {
            reject(err);
          }
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
