import pg from 'pg';
import type { z } from 'zod';
import type { Logger } from '../logger.ts';
import { claimDue, markDispatched, markFailed, type RetryPolicy } from '../services/outbox/store.ts';
import { OUTBOX_CHANNEL } from '../services/outbox/write.ts';
import type { JobDefinition } from './define.ts';

/** How the relay hands a message to pg-boss: the queue's send, inside the relay's transaction. */
export type RelaySend = (
  def: JobDefinition<z.ZodType>,
  payload: unknown,
  options: { id: string; singletonKey: string; db: pg.PoolClient },
) => Promise<unknown>;

export interface OutboxRelayOptions {
  /** The jobs role's URL: one connection of its own LISTENs for new messages. */
  connectionString: string;
  pool: pg.Pool;
  send: RelaySend;
  /** The topics this instance delivers: each is the name of the job that handles it. */
  topics: readonly JobDefinition<z.ZodType>[];
  pollSeconds: number;
  policy: RetryPolicy;
  logger: Logger;
  batchSize?: number;
}

/**
 * Moves committed outbox messages into pg-boss. Each message becomes the job with the message's
 * own id, inserted in the same transaction that marks the message dispatched: a crash anywhere
 * leaves either both or neither, so each message is handed off exactly once however many relays
 * run (they claim with SKIP LOCKED; a dead relay's locks go with its connection). Retries of the
 * effect itself, their backoff and the dead letter are the job's, in pg-boss; a hand-off that
 * fails (a payload its job refuses) is retried here with backoff and ends in `dead_at`.
 *
 * Woken by NOTIFY as a message commits, and by a slow poll for a missed notification (the LISTEN
 * connection was down) and for hand-offs waiting out their backoff.
 */
export class OutboxRelay {
  private readonly topics: Map<string, JobDefinition<z.ZodType>>;
  private readonly batchSize: number;
  private listener: pg.Client | null = null;
  private poll: NodeJS.Timeout | null = null;
  private reconnect: NodeJS.Timeout | null = null;
  private retry: { at: number; timer: NodeJS.Timeout } | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(private readonly o: OutboxRelayOptions) {
    this.topics = new Map(o.topics.map((d) => [d.name, d]));
    this.batchSize = o.batchSize ?? 50;
  }

  async start(): Promise<void> {
    await this.listen().catch((err: Error) => {
      this.o.logger.warn({ err: err.message }, 'outbox relay could not LISTEN; polling until it can');
      this.scheduleReconnect();
    });
    this.poll = setInterval(() => this.wake(), this.o.pollSeconds * 1000);
    this.poll.unref();
    // Messages left by an instance that stopped (or died) before handing them off.
    this.wake();
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.o.connectionString, application_name: 'l1-workspace-outbox' });
    const lost = (err?: Error) => {
      if (this.listener !== client) return;
      this.listener = null;
      client.end().catch(() => undefined);
      if (this.stopped) return;
      this.o.logger.warn({ err: err?.message }, 'outbox relay lost its LISTEN connection');
      this.scheduleReconnect();
      // Whatever was notified while it was down is found by draining now.
      this.wake();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', () => this.wake());
    await client.connect();
    await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    if (this.stopped) {
      await client.end();
      return;
    }
    this.listener = client;
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnect) return;
    this.reconnect = setTimeout(() => {
      this.reconnect = null;
      this.listen().catch(() => this.scheduleReconnect());
    }, 1000);
    this.reconnect.unref();
  }

  /** A hand-off comes due after its backoff: wake then rather than at the next poll. */
  private retryIn(seconds: number): void {
    const at = Date.now() + seconds * 1000;
    if (this.stopped || (this.retry && this.retry.at <= at)) return;
    if (this.retry) clearTimeout(this.retry.timer);
    const timer = setTimeout(
      () => {
        this.retry = null;
        this.wake();
      },
      seconds * 1000 + 50,
    );
    timer.unref();
    this.retry = { at, timer };
  }

  /** Drain soon; a wake during a drain makes it go round once more rather than run beside it. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => (this.running = null));
  }

  /** Resolves once nothing due is left (tests, and stopping). */
  async settle(): Promise<void> {
    this.wake();
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    do {
      this.again = false;
      while (!this.stopped && (await this.relayBatch()) === this.batchSize);
    } while (this.again && !this.stopped);
  }

  /** One transaction: claim due messages, insert their jobs, mark them. Returns how many it claimed. */
  private async relayBatch(): Promise<number> {
    let client: pg.PoolClient | undefined;
    try {
      client = await this.o.pool.connect();
      await client.query('BEGIN');
      const batch = await claimDue(client, [...this.topics.keys()], this.batchSize);
      let soonest: number | null = null;
      for (const m of batch) {
        // A message its job refuses must not take the batch's other hand-offs down with it.
        await client.query('SAVEPOINT relay');
        try {
          await this.o.send(this.topics.get(m.topic)!, m.payload, { id: m.id, singletonKey: m.idempotencyKey, db: client });
          await markDispatched(client, m.id);
          await client.query('RELEASE SAVEPOINT relay');
        } catch (err) {
          await client.query('ROLLBACK TO SAVEPOINT relay');
          const delay = await markFailed(client, m, (err as Error).message, this.o.policy);
          if (delay !== null) soonest = Math.min(soonest ?? delay, delay);
          this.o.logger.warn({ err: (err as Error).message, outboxId: m.id, topic: m.topic }, 'outbox hand-off failed');
        }
      }
      await client.query('COMMIT');
      client.release();
      if (soonest !== null) this.retryIn(soonest);
      return batch.length;
    } catch (err) {
      // Nothing was handed off; the poll tries again.
      await client?.query('ROLLBACK').catch(() => undefined);
      client?.release(err as Error);
      if (!this.stopped) this.o.logger.error({ err: (err as Error).message }, 'outbox relay failed');
      return 0;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.poll) clearInterval(this.poll);
    if (this.reconnect) clearTimeout(this.reconnect);
    if (this.retry) clearTimeout(this.retry.timer);
    while (this.running) await this.running;
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => undefined);
  }
}
