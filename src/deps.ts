import { PrismaPg } from '@prisma/adapter-pg';
import type { Redis } from 'ioredis';
import pg from 'pg';
import type { Config } from './config.ts';
import type { DatabaseUrls } from './db/bootstrap.ts';
import { RoutedPool } from './db/tenant.ts';
import { PrismaClient } from './generated/prisma/client.ts';
import type { Clock } from './lib/clock.ts';
import type { Jwt } from './lib/jwt.ts';
import type { Logger } from './logger.ts';
import type { EventBus } from './services/live/event-bus.ts';
import type { JobQueue } from './jobs/queue.ts';
import type { Presence } from './services/live/presence.ts';
import type { PrincipalCache } from './services/identity/principal-cache.ts';
import type { LoginLimiter } from './services/identity/rate-limit.ts';

/** Long-lived collaborators, built once per app instance and shared by every request. */
export interface Deps {
  config: Config;
  logger: Logger;
  clock: Clock;
  jwt: Jwt;
  /** l1_app: request traffic, always inside withTenantTx. */
  appPool: pg.Pool;
  /** l1_system: jobs only. */
  systemPool: pg.Pool;
  /** Routed into the current tenant transaction (see db/tenant.ts). */
  prisma: PrismaClient;
  /** Connected as l1_system; crosses tenants. Jobs only. */
  systemPrisma: PrismaClient;
  events: EventBus;
  /** Recently seen principals, forgotten on any auth change (services/identity/principal-cache.ts). */
  principals: PrincipalCache;
  loginLimiter: LoginLimiter;
  presence: Presence;
  jobs: JobQueue;
  /** Redis commands (presence, shared rate limits) when REDIS_URL is set. */
  redis: Redis | null;
  /** Migration names the code expects; /readyz compares them with the database. */
  expectedMigrations: string[];
  instanceId: string;
}

export function createPools(urls: DatabaseUrls, config: Config, logger: Logger) {
  const common = {
    max: config.DB_POOL_SIZE,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
    // A request transaction never waits forever on a lock or a slow statement.
    statement_timeout: 15_000,
    idle_in_transaction_session_timeout: 30_000,
    application_name: 'l1-workspace',
  } satisfies pg.PoolConfig;
  // Pipelining lets a request's first statement travel with its BEGIN (db/tenant.ts `run`).
  const appPool = new pg.Pool({ connectionString: urls.app, ...common, pipeline: true });
  const systemPool = new pg.Pool({
    connectionString: urls.system,
    ...common,
    max: Math.max(4, Math.ceil(config.DB_POOL_SIZE / 2)),
    statement_timeout: 120_000,
    application_name: 'l1-workspace-jobs',
  });
  for (const [name, pool] of [
    ['app', appPool],
    ['system', systemPool],
  ] as const) {
    // An idle client dying (Postgres restart) must not crash the process; the pool replaces it.
    pool.on('error', (err) => logger.warn({ pool: name, err: err.message }, 'idle database connection lost'));
  }
  return { appPool, systemPool };
}

export function createPrismaClients(systemPool: pg.Pool) {
  const prisma = new PrismaClient({ adapter: new PrismaPg(new RoutedPool()) });
  const systemPrisma = new PrismaClient({ adapter: new PrismaPg(systemPool) });
  return { prisma, systemPrisma };
}
