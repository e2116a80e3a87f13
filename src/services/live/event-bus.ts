import { Redis } from 'ioredis';
import type { Logger } from '../../logger.ts';

/**
 * Live events: per-topic fan-out after commit (DESIGN §6).
 *
 * In one process, topics dispatch in memory. With REDIS_URL, every publish goes through Redis
 * pub/sub and comes back to each instance's subscribers, so all instances see one order per
 * publisher. (ioredis directly rather than @graphql-yoga/redis-event-target: a subscriber must know
 * its SUBSCRIBE is acknowledged before it reads its snapshot, or an event can fall in between.)
 *
 * Each subscriber has a bounded queue; a subscriber that falls `bufferSize` events behind is
 * ended with an overflow marker and must resubscribe (the snapshot on subscribe reconciles it),
 * so a stuck client cannot grow the server's memory.
 */

export const OVERFLOW = Symbol('overflow');
export type Delivery<T> = T | typeof OVERFLOW;

type Listener = (payload: unknown) => void;

interface Transport {
  publish(topic: string, payload: unknown): void;
  listen(topic: string, fn: Listener): Promise<() => void>;
  close(): Promise<void>;
}

class LocalTransport implements Transport {
  private readonly topics = new Map<string, Set<Listener>>();
  publish(topic: string, payload: unknown): void {
    const set = this.topics.get(topic);
    if (!set) return;
    for (const fn of [...set]) fn(payload);
  }
  async listen(topic: string, fn: Listener): Promise<() => void> {
    let set = this.topics.get(topic);
    if (!set) this.topics.set(topic, (set = new Set()));
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0) this.topics.delete(topic);
    };
  }
  async close(): Promise<void> {
    this.topics.clear();
  }
}

const CHANNEL_PREFIX = 'l1ws:';

class RedisTransport implements Transport {
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly local = new LocalTransport();
  private readonly counts = new Map<string, number>();

  constructor(
    url: string,
    private readonly logger: Logger,
  ) {
    const opts = { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false } as const;
    this.pub = new Redis(url, opts);
    this.sub = new Redis(url, opts);
    for (const c of [this.pub, this.sub]) c.on('error', (err) => this.logger.warn({ err: err.message }, 'redis error'));
    this.sub.on('message', (channel: string, message: string) => {
      if (!channel.startsWith(CHANNEL_PREFIX)) return;
      let payload: unknown;
      try {
        payload = JSON.parse(message);
      } catch {
        return;
      }
      this.local.publish(channel.slice(CHANNEL_PREFIX.length), payload);
    });
  }

  publish(topic: string, payload: unknown): void {
    this.pub.publish(CHANNEL_PREFIX + topic, JSON.stringify(payload)).catch((err: Error) => {
      this.logger.warn({ err: err.message, topic }, 'redis publish failed');
    });
  }

  async listen(topic: string, fn: Listener): Promise<() => void> {
    const off = await this.local.listen(topic, fn);
    const n = (this.counts.get(topic) ?? 0) + 1;
    this.counts.set(topic, n);
    if (n === 1) await this.sub.subscribe(CHANNEL_PREFIX + topic);
    return () => {
      off();
      const left = (this.counts.get(topic) ?? 1) - 1;
      if (left > 0) {
        this.counts.set(topic, left);
        return;
      }
      this.counts.delete(topic);
      this.sub.unsubscribe(CHANNEL_PREFIX + topic).catch(() => undefined);
    };
  }

  async ready(): Promise<void> {
    await Promise.all([this.pub.ping(), this.sub.ping()]);
  }

  async close(): Promise<void> {
    await this.local.close();
    this.pub.disconnect();
    this.sub.disconnect();
  }
}

export interface EventStream<T> extends AsyncIterableIterator<Delivery<T>> {
  close(): void;
}

export class EventBus {
  private constructor(private readonly transport: Transport) {}

  static local(): EventBus {
    return new EventBus(new LocalTransport());
  }

  static async redis(url: string, logger: Logger): Promise<EventBus> {
    const t = new RedisTransport(url, logger);
    await t.ready();
    return new EventBus(t);
  }

  publish(topic: string, payload: unknown): void {
    this.transport.publish(topic, payload);
  }

  /** A plain listener (no queue): for server-side reactions such as closing sockets. */
  listen(topic: string, fn: (payload: unknown) => void): Promise<() => void> {
    return this.transport.listen(topic, fn);
  }

  /** Resolves once the subscription is live, so nothing published afterwards is missed. */
  async subscribe<T>(topics: string[], bufferSize = 256): Promise<EventStream<T>> {
    const queue: Delivery<T>[] = [];
    let waiting: ((r: IteratorResult<Delivery<T>>) => void) | null = null;
    let done = false;
    let overflowed = false;
    const offs: Array<() => void> = [];

    const finish = () => {
      if (done) return;
      done = true;
      for (const off of offs) off();
      if (waiting) {
        const w = waiting;
        waiting = null;
        w({ value: undefined, done: true });
      }
    };

    const push = (payload: unknown) => {
      if (done || overflowed) return;
      if (waiting) {
        const w = waiting;
        waiting = null;
        w({ value: payload as T, done: false });
        return;
      }
      if (queue.length >= bufferSize) {
        overflowed = true;
        queue.length = 0;
        queue.push(OVERFLOW);
        return;
      }
      queue.push(payload as T);
    };

    try {
      for (const topic of topics) offs.push(await this.transport.listen(topic, push));
    } catch (err) {
      finish();
      throw err;
    }

    const stream: EventStream<T> = {
      next: () => {
        if (queue.length) {
          const value = queue.shift() as Delivery<T>;
          if (value === OVERFLOW) finish();
          return Promise.resolve({ value, done: false });
        }
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (waiting = resolve));
      },
      return: () => {
        finish();
        return Promise.resolve({ value: undefined, done: true });
      },
      throw: (err?: unknown) => {
        finish();
        return Promise.reject(err);
      },
      close: finish,
      [Symbol.asyncIterator]() {
        return stream;
      },
    };
    return stream;
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}

/** Topic names in one place. */
export const topics = {
  walk: (walkId: string) => `walk:${walkId}`,
  accountWalks: (accountId: string) => `account:${accountId}:walks`,
  userNotifications: (userId: string) => `user:${userId}:notifications`,
  /** Escalations raised, claimed, released and resolved: the engineers' queue. */
  accountEscalations: (accountId: string) => `account:${accountId}:escalations`,
  /** Role, coverage, activation or session changes: sockets re-check or close. */
  userAuth: (userId: string) => `user:${userId}:auth`,
  accountAuth: (accountId: string) => `account:${accountId}:auth`,
  /** Watchers joining and leaving a walk, on any instance. */
  walkPresence: (walkId: string) => `walk:${walkId}:presence`,
};
