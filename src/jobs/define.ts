import type pg from 'pg';
import type { z } from 'zod';
import type { Config } from '../config.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../logger.ts';
import type { EventBus } from '../services/ports.ts';

/** What a job handler may use: the system role (crosses tenants), never the request role. */
export interface JobDeps {
  systemPool: pg.Pool;
  events: EventBus;
  logger: Logger;
  clock: Clock;
  config: Config;
}

export interface QueuePolicy {
  retryLimit: number;
  retryDelay: number;
  retryBackoff: boolean;
  retryDelayMax?: number;
  expireInSeconds: number;
  /** Failed jobs (after their retries) move here for an operator to inspect. */
  deadLetter?: string;
  /** Wake workers at once through LISTEN/NOTIFY instead of waiting for the next poll. */
  notify?: boolean;
  /**
   * A running job whose worker stops refreshing it (the process died) is failed and retried after
   * this long, rather than after expireInSeconds. At least 10.
   */
  heartbeatSeconds?: number;
}

export interface JobDefinition<S extends z.ZodType> {
  name: string;
  payload: S;
  queue: QueuePolicy;
  /** Idempotent: a retried or duplicated job must not change the outcome. */
  handler: (deps: JobDeps, payload: z.infer<S>, meta: { id: string; retryCount: number }) => Promise<unknown>;
}

export function defineJob<S extends z.ZodType>(def: JobDefinition<S>): JobDefinition<S> {
  return def;
}
