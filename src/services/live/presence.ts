import type { Redis } from 'ioredis';
import type { Logger } from '../../logger.ts';
import { topics } from './event-bus.ts';
import type { EventBus } from '../ports.ts';

/**
 * Who is watching a walk right now: one entry per live subscription, listed once per user.
 *
 * In one process the entries live in memory. With Redis they live in a hash per walk that every
 * instance reads, each entry stamped with an expiry its instance keeps pushing forward, so an
 * instance that dies without saying goodbye drops out within the TTL. Every change is announced
 * on the walk's topic with a sequence number from Redis, so subscribers on any instance apply the
 * latest list even when announcements cross.
 */
export interface Watcher {
  userId: string;
  name: string;
  role: string;
  since: string;
}

export interface WatchersEvent {
  change: 'watchers';
  walkId: string;
  watchers: Watcher[];
  seq: number;
  publishedAt: number;
}

const key = (walkId: string) => `l1ws:presence:${walkId}`;
const seqKey = (walkId: string) => `l1ws:presence-seq:${walkId}`;

export class Presence {
  /** This instance's entries: walk -> subscription key -> watcher. */
  private readonly mine = new Map<string, Map<string, Watcher>>();
  private seq = 0;
  private readonly timer: NodeJS.Timeout | null;

  constructor(
    private readonly events: EventBus,
    private readonly redis: Redis | null,
    private readonly instanceId: string,
    private readonly logger: Logger,
    private readonly ttlMs = 30_000,
  ) {
    this.timer = redis ? setInterval(() => void this.refresh(), ttlMs / 3) : null;
    this.timer?.unref();
  }

  private field(subKey: string) {
    return `${this.instanceId}:${subKey}`;
  }

  /** Returns the list as announced for this join, with its sequence number. */
  async join(walkId: string, subKey: string, watcher: Watcher): Promise<{ watchers: Watcher[]; seq: number }> {
    let m = this.mine.get(walkId);
    if (!m) this.mine.set(walkId, (m = new Map()));
    m.set(subKey, watcher);
    if (this.redis) {
      await this.redis.hset(key(walkId), this.field(subKey), JSON.stringify({ ...watcher, exp: Date.now() + this.ttlMs }));
      await this.redis.pexpire(key(walkId), this.ttlMs * 4);
    }
    return this.announce(walkId);
  }

  async leave(walkId: string, subKey: string): Promise<void> {
    const m = this.mine.get(walkId);
    m?.delete(subKey);
    if (m && m.size === 0) this.mine.delete(walkId);
    try {
      if (this.redis) await this.redis.hdel(key(walkId), this.field(subKey));
      await this.announce(walkId);
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, walkId }, 'presence leave failed');
    }
  }

  /** Current watchers, each user once (earliest first). */
  async list(walkId: string): Promise<Watcher[]> {
    let all: Watcher[];
    if (this.redis) {
      const now = Date.now();
      const raw = await this.redis.hgetall(key(walkId));
      all = [];
      for (const v of Object.values(raw)) {
        try {
          const e = JSON.parse(v) as Watcher & { exp: number };
          if (e.exp > now) all.push({ userId: e.userId, name: e.name, role: e.role, since: e.since });
        } catch {
          // ignore a malformed entry
        }
      }
    } else {
      all = [...(this.mine.get(walkId)?.values() ?? [])];
    }
    const byUser = new Map<string, Watcher>();
    for (const w of all.sort((a, b) => a.since.localeCompare(b.since))) if (!byUser.has(w.userId)) byUser.set(w.userId, w);
    return [...byUser.values()];
  }

  private async nextSeq(walkId: string): Promise<number> {
    if (!this.redis) return ++this.seq;
    const n = await this.redis.incr(seqKey(walkId));
    await this.redis.pexpire(seqKey(walkId), 24 * 3600 * 1000);
    return n;
  }

  /** Sequence first, then the list: a list with a higher number never misses an earlier join. */
  async announce(walkId: string): Promise<{ watchers: Watcher[]; seq: number }> {
    const seq = await this.nextSeq(walkId);
    const watchers = await this.list(walkId);
    const event: WatchersEvent = { change: 'watchers', walkId, watchers, seq, publishedAt: Date.now() };
    this.events.publish(topics.walk(walkId), event);
    return { watchers, seq };
  }

  /** Push this instance's expiries forward and drop entries whose instance went away. */
  private async refresh(): Promise<void> {
    if (!this.redis) return;
    const now = Date.now();
    for (const [walkId, subs] of this.mine) {
      try {
        const fields: string[] = [];
        for (const [subKey, w] of subs) fields.push(this.field(subKey), JSON.stringify({ ...w, exp: now + this.ttlMs }));
        if (fields.length) await this.redis.hset(key(walkId), ...fields);
        await this.redis.pexpire(key(walkId), this.ttlMs * 4);
        const raw = await this.redis.hgetall(key(walkId));
        const stale = Object.entries(raw).filter(([, v]) => {
          try {
            return (JSON.parse(v) as { exp: number }).exp <= now;
          } catch {
            return true;
          }
        });
        if (stale.length) {
          await this.redis.hdel(key(walkId), ...stale.map(([f]) => f));
          await this.announce(walkId);
        }
      } catch (err) {
        this.logger.warn({ err: (err as Error).message }, 'presence refresh failed');
      }
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
