import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import sirv from 'sirv';
import type { Config } from './config.ts';
import type { DatabaseUrls } from './db/bootstrap.ts';
import { pendingMigrations, readMigrations } from './db/migrate.ts';
import { createPools, createPrismaClients, type Deps } from './deps.ts';
import { type Clock, systemClock } from './lib/clock.ts';
import { Jwt } from './lib/jwt.ts';
import type { Logger } from './logger.ts';
import { SECURITY_HEADERS } from './server/headers.ts';
import { ASSETS_PREFIX, serveGraphiQL, serveGraphiQLAsset, wantsGraphiQL } from './server/graphiql.ts';
import { createGraphQL, type Yoga } from './server/graphql.ts';
import { attachWebSockets, type SocketServer } from './server/ws.ts';
import { EventBus } from './services/live/event-bus.ts';
import { Presence } from './services/live/presence.ts';
import { PrincipalCache } from './services/identity/principal-cache.ts';
import { LoginLimiter } from './services/identity/rate-limit.ts';
import type { QueuePolicy } from './jobs/define.ts';
import { JobQueue } from './jobs/queue.ts';
import { DocumentStoreKnowledgeBase } from './services/kb/store.ts';
import { InternalTickets } from './services/tickets/internal.ts';
import { Redis } from 'ioredis';

export interface AppOptions {
  config: Config;
  urls: DatabaseUrls;
  logger: Logger;
  jwtSecret: string;
  clock?: Clock;
  /** Queue retry policies by job name (tests shorten the delays). */
  jobPolicies?: Record<string, Partial<QueuePolicy>>;
}

export interface App {
  deps: Deps;
  yoga: Yoga;
  server: http.Server;
  sockets: SocketServer;
  /** Resolves with the bound port. */
  listen(port: number, host?: string): Promise<number>;
  url(): string;
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

const PLACEHOLDER = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>L1 Workspace</title></head>
<body style="font-family:system-ui;margin:3rem"><h1>L1 Workspace</h1>
<p>The API is running at <code>/graphql</code>. The web app has not been built yet: run <code>npm run build:web</code>.</p></body></html>`;

export async function buildApp(opts: AppOptions): Promise<App> {
  const { config, logger, urls } = opts;
  const clock = opts.clock ?? systemClock;
  const { appPool, systemPool } = createPools(urls, config, logger);
  const { prisma, systemPrisma } = createPrismaClients(systemPool);
  const events = config.REDIS_URL ? await EventBus.redis(config.REDIS_URL, logger) : EventBus.local();
  const redis = config.REDIS_URL ? new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2 }) : null;
  redis?.on('error', (err) => logger.warn({ err: err.message }, 'redis error'));
  const instanceId = randomUUID();
  const expectedMigrations = (await readMigrations()).map((m) => m.name);

  // Unstarted (PRINCIPAL_CACHE=false), it serves nothing and every operation looks its principal up.
  const principals = new PrincipalCache(urls.app, logger);
  if (config.PRINCIPAL_CACHE) await principals.start();

  const deps: Deps = {
    config,
    logger,
    clock,
    jwt: new Jwt(opts.jwtSecret, clock, config.ACCESS_TOKEN_TTL_SECONDS),
    appPool,
    systemPool,
    prisma,
    systemPrisma,
    events,
    principals,
    loginLimiter: new LoginLimiter({
      maxFailuresPerEmail: config.LOGIN_MAX_FAILURES_PER_EMAIL,
      maxAttemptsPerIp: config.LOGIN_MAX_ATTEMPTS_PER_IP,
      windowSeconds: config.LOGIN_WINDOW_SECONDS,
      slowdownMs: config.LOGIN_SLOWDOWN_MS,
      redis: redis ?? undefined,
    }),
    presence: new Presence(events, redis, instanceId, logger),
    jobs: null as unknown as JobQueue,
    tickets: new InternalTickets(),
    knowledgeBase: new DocumentStoreKnowledgeBase(config.KB_RELEVANCE_FLOOR),
    redis,
    expectedMigrations,
    instanceId,
  };

  const jobs = new JobQueue({
    connectionString: urls.system,
    deps: { systemPool, events, logger, clock, config },
    workers: config.JOBS_ENABLED,
    pollSeconds: config.JOBS_POLL_SECONDS,
    cronMonitorSeconds: config.JOBS_CRON_MONITOR_SECONDS,
    sweepCron: config.SWEEP_CRON,
    policies: opts.jobPolicies,
  });
  deps.jobs = jobs;
  try {
    await jobs.start();
  } catch (err) {
    await Promise.all([appPool.end(), systemPool.end()]).catch(() => undefined);
    await principals.close();
    await events.close();
    redis?.disconnect();
    throw err;
  }

  const yoga = createGraphQL(deps);
  const distDir = path.resolve(config.WEB_DIST_DIR);
  const hasSpa = existsSync(path.join(distDir, 'index.html'));
  const serveStatic = hasSpa ? sirv(distDir, { single: true, etag: true, gzip: true, brotli: true }) : null;

  const hsts = config.publicUrl.startsWith('https:') ? 'max-age=31536000; includeSubDomains' : null;
  const router = async (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    const pathname = url.split('?')[0] ?? '/';
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    if (hsts) res.setHeader('strict-transport-security', hsts);
    if (pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (pathname === '/readyz') {
      try {
        const pending = await pendingMigrations(appPool, expectedMigrations);
        if (pending.length) return sendJson(res, 503, { status: 'not_ready', reason: 'migrations pending', pending });
        return sendJson(res, 200, { status: 'ready' });
      } catch {
        return sendJson(res, 503, { status: 'not_ready', reason: 'database unreachable' });
      }
    }
    if (pathname === '/graphql' && wantsGraphiQL(req)) return serveGraphiQL(req, res, deps);
    if (pathname.startsWith(ASSETS_PREFIX)) return serveGraphiQLAsset(req, res, pathname);
    if (pathname === '/graphql') {
      return yoga(req, res);
    }
    if (serveStatic) return serveStatic(req, res, () => sendJson(res, 404, { error: 'not found' }));
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(PLACEHOLDER);
  };

  const server = http.createServer((req, res) => {
    router(req, res).catch((err: unknown) => {
      logger.error({ err }, 'http handler failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.end();
    });
  });
  const sockets = attachWebSockets(server, yoga, deps);

  let closed = false;
  return {
    deps,
    yoga,
    server,
    sockets,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      }),
    url: () => {
      const a = server.address() as AddressInfo | null;
      return a ? `http://127.0.0.1:${a.port}` : config.publicUrl;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await sockets.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections?.();
      });
      // Drain jobs: nothing new is fetched, running ones finish before the pools close.
      await jobs.stop().catch((err) => logger.error({ err }, 'job queue did not stop cleanly'));
      deps.presence.close();
      await principals.close();
      await events.close();
      redis?.disconnect();
      await prisma.$disconnect().catch(() => undefined);
      await systemPrisma.$disconnect().catch(() => undefined);
      await appPool.end().catch(() => undefined);
      await systemPool.end().catch(() => undefined);
    },
  };
}
