import type pg from 'pg';
import { PgBoss } from 'pg-boss';
import type { z } from 'zod';
import { StartupError } from '../db/embedded.ts';
import type { JobDefinition, JobDeps, QueuePolicy } from './define.ts';
import { ESCALATION_DEAD_LETTER, escalationNotify } from './escalation-notify.ts';
import { OutboxRelay } from './outbox-relay.ts';
import { walkAbandonSweep } from './walk-abandon-sweep.ts';

export const JOBS = [walkAbandonSweep, escalationNotify] as const;
/** Jobs that services start through the outbox (src/services/outbox/write.ts), in their own transaction. */
export const OUTBOX_TOPICS = [escalationNotify] as const;
/** The hand-off's own retries (its policy key in `policies`); the job's retries are its queue's. */
export const OUTBOX_RELAY = 'outbox-relay';
export const BOSS_SCHEMA = 'pgboss';

export interface JobQueueOptions {
  /** The system role's URL: pg-boss keeps its tables in its own schema and crosses tenants. */
  connectionString: string;
  deps: JobDeps;
  /** Run workers and the schedule here (JOBS_ENABLED). Sending works either way. */
  workers: boolean;
  pollSeconds: number;
  cronMonitorSeconds: number;
  sweepCron: string;
  /** Retry policy overrides per queue (tests use short delays). */
  policies?: Record<string, Partial<QueuePolicy>>;
}

export interface DeadLetter {
  id: string;
  name: string;
  data: unknown;
  createdOn: Date;
  output: unknown;
}

/**
 * pg-boss in the product: started with the server on the same Postgres, as the system role, in
 * its own schema. Every job payload is checked against its zod schema when sent and again when
 * run. Stopping drains: no new jobs are fetched and running ones finish (or are released).
 */
export class JobQueue {
  private boss: PgBoss | null = null;
  private relay: OutboxRelay | null = null;

  constructor(private readonly o: JobQueueOptions) {}

  private policy(def: JobDefinition<z.ZodType>): QueuePolicy {
    const p: QueuePolicy = { ...def.queue, ...this.o.policies?.[def.name] };
    // pg-boss only accepts a maximum delay together with backoff.
    if (!p.retryBackoff || p.retryDelayMax === undefined) delete p.retryDelayMax;
    return p;
  }

  async start(): Promise<void> {
    const { deps } = this.o;
    const boss = new PgBoss({
      connectionString: this.o.connectionString,
      schema: BOSS_SCHEMA,
      max: 4,
      application_name: 'l1-workspace-jobs',
      supervise: this.o.workers,
      // Workers wake on NOTIFY the moment an escalation is enqueued (polling stays as the floor).
      useListenNotify: this.o.workers,
      schedule: this.o.workers,
      cronMonitorIntervalSeconds: this.o.cronMonitorSeconds,
      cronWorkerIntervalSeconds: Math.min(5, this.o.cronMonitorSeconds),
      superviseIntervalSeconds: Math.max(1, Math.min(60, this.o.cronMonitorSeconds)),
      // Expiry and lapsed heartbeats are found in the monitor pass, at most this often (pg-boss's 60 s
      // default would leave a dead worker's escalation job stuck for up to a minute past its heartbeat).
      monitorIntervalSeconds: Math.max(1, Math.min(60, this.o.cronMonitorSeconds)),
    } as ConstructorParameters<typeof PgBoss>[0]);
    boss.on('error', (err: Error) => deps.logger.error({ err: err.message }, 'job queue error'));
    await boss.start();
    this.boss = boss;

    await boss.createQueue(ESCALATION_DEAD_LETTER, { retentionSeconds: 30 * 24 * 3600 } as never);
    for (const def of JOBS) {
      const { deadLetter, ...policy } = this.policy(def as JobDefinition<z.ZodType>);
      await boss.createQueue(def.name, { ...policy, ...(deadLetter ? { deadLetter } : {}) } as never);
      // createQueue leaves an existing queue alone; bring its policy up to date.
      await boss.updateQueue(def.name, policy as never);
    }
    if (!this.o.workers) return;

    for (const def of JOBS as readonly JobDefinition<z.ZodType>[]) {
      // NOTIFY wakes workers for new jobs; retries come due without one, so polling stays at the
      // base rate rather than pg-boss's relaxed 30 s backstop.
      const polling = { pollingIntervalSeconds: this.o.pollSeconds, notifyPollingIntervalSeconds: this.o.pollSeconds };
      await boss.work(
        def.name,
        { ...polling, batchSize: 1 } as never,
        (async (jobs: Array<{ id: string; data: unknown; retryCount: number }>) => {
          for (const job of jobs) {
            const payload = def.payload.parse(job.data);
            await def.handler(deps, payload, { id: job.id, retryCount: job.retryCount });
          }
        }) as never,
      );
    }
    try {
      await boss.schedule(walkAbandonSweep.name, this.o.sweepCron, {}, { tz: 'UTC' } as never);
    } catch (err) {
      throw new StartupError(`SWEEP_CRON "${this.o.sweepCron}" is not a valid cron expression: ${(err as Error).message}`);
    }
    if (deps.config.OUTBOX_FAULT) deps.logger.warn({ OUTBOX_FAULT: deps.config.OUTBOX_FAULT }, 'outbox fault injection is on');
    // Last: the queues it sends into exist by now.
    if (deps.config.OUTBOX_FAULT !== 'hold-dispatch') {
      const p = this.o.policies?.[OUTBOX_RELAY];
      this.relay = new OutboxRelay({
        connectionString: this.o.connectionString,
        pool: deps.systemPool,
        send: (def, payload, options) => this.send(def, payload, options),
        topics: OUTBOX_TOPICS as readonly JobDefinition<z.ZodType>[],
        pollSeconds: deps.config.OUTBOX_POLL_SECONDS,
        policy: { retryLimit: p?.retryLimit ?? 5, retryDelay: p?.retryDelay ?? 5, retryDelayMax: p?.retryDelayMax ?? 300 },
        logger: deps.logger,
      });
      await this.relay.start();
    }
  }

  async send<S extends z.ZodType>(
    def: JobDefinition<S>,
    payload: z.infer<S>,
    options: { singletonKey?: string; id?: string; db?: pg.PoolClient } = {},
  ): Promise<string | null> {
    if (!this.boss) throw new Error('job queue is not running');
    const data = def.payload.parse(payload) as object;
    const { db, ...rest } = options;
    // With `db`, the job is inserted in that connection's open transaction (the outbox relay's).
    const wrapped = db ? { db: { executeSql: (text: string, values?: unknown[]) => db.query(text, values) } } : {};
    return this.boss.send(def.name, data, { ...rest, ...wrapped } as never);
  }

  /** Hand off every outbox message due now (tests; the relay also does this on its own). */
  async settleOutbox(): Promise<void> {
    await this.relay?.settle();
  }

  /** Jobs that exhausted their retries, newest first (operators: `npm run jobs:dead-letters`). */
  async deadLetters(limit = 50): Promise<DeadLetter[]> {
    if (!this.boss) throw new Error('job queue is not running');
    const r = await this.o.deps.systemPool.query<DeadLetter>(
      `SELECT id, name, data, created_on AS "createdOn", output FROM ${BOSS_SCHEMA}.job WHERE name = $1 ORDER BY created_on DESC LIMIT $2`,
      [ESCALATION_DEAD_LETTER, limit],
    );
    return r.rows;
  }

  get raw(): PgBoss {
    if (!this.boss) throw new Error('job queue is not running');
    return this.boss;
  }

  async stop(timeoutMs = 20_000): Promise<void> {
    // The relay first: it sends into pg-boss, which must still be running for that.
    await this.relay?.stop();
    this.relay = null;
    const boss = this.boss;
    this.boss = null;
    await boss?.stop({ graceful: true, timeout: timeoutMs, close: true });
  }
}
