import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface Instance {
  name: string;
  url: string;
  pid: number;
  child: ChildProcess;
  /** Resolves with the exit code or signal once the process has gone. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last lines the process wrote (stdout and stderr), for failure messages. */
  output(): string;
  /** SIGKILL: no shutdown hooks, no goodbyes; Postgres sees its connections drop. */
  kill(): Promise<void>;
  /** SIGTERM and wait (the product's graceful shutdown), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<ChildProcess>();
// If the test process dies first, take our instances with it (only the ones we started).
process.once('exit', () => {
  for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/**
 * The product as its own OS process (`node --import tsx src/main.ts`), against an existing
 * database: the way it runs in production behind a load balancer. Resolves once /readyz answers 200.
 */
export async function startInstance(opts: {
  name: string;
  databaseUrl: string;
  jwtSecret: string;
  env?: Record<string, string>;
  readyTimeoutMs?: number;
}): Promise<Instance> {
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `l1-instance-${opts.name}-`));
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) lines.push(`[${opts.name}] ${l}`);
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? os.tmpdir(),
      NODE_ENV: 'production',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: opts.databaseUrl,
      DATA_DIR: dataDir,
      JWT_SECRET: opts.jwtSecret,
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
      DB_POOL_SIZE: '8',
      JOBS_ENABLED: 'true',
      JOBS_POLL_SECONDS: '0.5',
      SWEEP_CRON: '0 0 1 1 *',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      void rm(dataDir, { recursive: true, force: true });
      resolve({ code, signal });
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const instance: Instance = {
    name: opts.name,
    url,
    pid: child.pid!,
    child,
    exited,
    output: () => lines.join('\n'),
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    stop: async (graceMs = 20_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 90_000);
  let gone = false;
  void exited.then(() => (gone = true));
  for (;;) {
    if (gone) throw new Error(`instance ${opts.name} exited before it was ready:\n${instance.output()}`);
    try {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return instance;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await instance.kill();
      throw new Error(`instance ${opts.name} was not ready within ${opts.readyTimeoutMs ?? 90_000} ms:\n${instance.output()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
