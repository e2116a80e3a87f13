import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { Config } from './config.ts';
import type { DatabaseUrls } from './db/bootstrap.ts';
import { RoutedPool } from './db/tenant.ts';
import { PrismaClient } from './generated/prisma/client.ts';
import type { Logger } from './logger.ts';

export type { Deps } from './services/deps.ts';

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
