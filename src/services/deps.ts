import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { Config } from '../config.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Jwt } from '../lib/jwt.ts';
import type { Logger } from '../logger.ts';
import type { PrincipalCache } from './identity/principal-cache.ts';
import type { LoginLimiter } from './identity/rate-limit.ts';
import type { Presence } from './live/presence.ts';
import type { Clock, EventBus, JobQueue, KnowledgeBase, TicketSystem } from './ports.ts';

/**
 * Long-lived collaborators, built once per app instance (src/app.ts) and shared by every request:
 * the ports (services/ports.ts) and the process-wide caches and limiters.
 */
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
  jobs: JobQueue;
  tickets: TicketSystem;
  knowledgeBase: KnowledgeBase;
  /** Recently seen principals, forgotten on any auth change (services/identity/principal-cache.ts). */
  principals: PrincipalCache;
  loginLimiter: LoginLimiter;
  presence: Presence;
  /** Redis commands (presence, shared rate limits) when REDIS_URL is set. */
  redis: Redis | null;
  /** Migration names the code expects; /readyz compares them with the database. */
  expectedMigrations: string[];
  instanceId: string;
}
