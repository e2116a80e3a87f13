import { LRUCache } from 'lru-cache';
import pg from 'pg';
import type { Logger } from '../../logger.ts';
import { topics } from '../live/event-bus.ts';
import type { EventBus } from '../ports.ts';
import type { Credentials } from './principal.ts';

/**
 * Recently seen principals, so that an operation of a known user needs no lookup round trip: its
 * transaction opens together with its first statement, or not at all.
 *
 * Staleness is what matters here, not hit rate. Every change to a user, a session or an API token
 * (by the app, a job, or by hand in SQL) notifies channel `l1_auth` from a trigger when it
 * commits, and every instance LISTENs and forgets that user or token. Entries are served only
 * while that listener is connected: a gap could hide a revocation, so on reconnect everything is
 * dropped. The instance that makes a change also forgets it synchronously at commit (`forget`), so
 * its own next request never races the notification. A lookup that started before a change
 * cannot store what it read after the change was seen (the epoch check). The TTL is a backstop.
 */

export const AUTH_CHANNEL = 'l1_auth';

interface Entry {
  owner: string;
  rows: Record<string, unknown>[];
}

export interface PrincipalCacheOptions {
  max?: number;
  ttlMs?: number;
  /** Delay before reconnecting the listener after it drops. */
  retryMs?: number;
}

/** The cache key for credentials that go through a lookup; null for none or invalid. */
export function credentialKey(c: Credentials): string | null {
  if (c.kind === 'jwt') return `j:${c.claims.sid}:${c.claims.sub}`;
  if (c.kind === 'apiToken') return `t:${c.hash}`;
  return null;
}

/** Whose change invalidates an entry: the user, or the API token. */
export function ownerOf(c: Credentials, rows: Record<string, unknown>[]): string | null {
  if (c.kind === 'jwt') return `u:${c.claims.sub}`;
  if (c.kind === 'apiToken' && rows[0]?.id) return `t:${String(rows[0].id)}`;
  return null;
}

export class PrincipalCache {
  private readonly byOwner = new Map<string, Set<string>>();
  private readonly entries: LRUCache<string, Entry>;
  private epoch = 0;
  private listener: pg.Client | null = null;
  private live = false;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;
  private readonly retryMs: number;

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
    opts: PrincipalCacheOptions = {},
  ) {
    this.retryMs = opts.retryMs ?? 1000;
    this.entries = new LRUCache<string, Entry>({
      max: opts.max ?? 20_000,
      ttl: opts.ttlMs ?? 60_000,
      dispose: (entry, key) => {
        const keys = this.byOwner.get(entry.owner);
        keys?.delete(key);
        if (keys?.size === 0) this.byOwner.delete(entry.owner);
      },
    });
  }

  /** Whether entries are being served (the change listener is connected). */
  get serving(): boolean {
    return this.live;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string | null): Record<string, unknown>[] | undefined {
    if (!this.live || key === null) return undefined;
    return this.entries.get(key)?.rows;
  }

  /** Call before a lookup; pass the result to `set` with what the lookup read. */
  mark(): number {
    return this.epoch;
  }

  set(key: string | null, owner: string | null, rows: Record<string, unknown>[], mark: number): void {
    if (!this.live || key === null || owner === null || mark !== this.epoch) return;
    this.entries.set(key, { owner, rows });
    let keys = this.byOwner.get(owner);
    if (!keys) this.byOwner.set(owner, (keys = new Set()));
    keys.add(key);
  }

  /** Forget everything cached for a user (`u:<id>`) or an API token (`t:<id>`). */
  forget(owner: string): void {
    this.epoch++;
    const keys = this.byOwner.get(owner);
    if (!keys) return;
    for (const key of [...keys]) this.entries.delete(key);
  }

  forgetUser(userId: string): void {
    this.forget(`u:${userId}`);
  }

  forgetToken(tokenId: string): void {
    this.forget(`t:${tokenId}`);
  }

  private dropAll(): void {
    this.epoch++;
    this.live = false;
    this.entries.clear();
  }

  /** Connect the change listener; resolves once it listens (or after a first failure, retrying). */
  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.url, application_name: 'l1-workspace-auth-listener' });
    const lost = (err?: Error) => {
      if (this.listener !== client) return;
      this.listener = null;
      this.dropAll();
      client.removeAllListeners('notification');
      client.end().catch(() => undefined);
      if (this.closed) return;
      this.logger.warn({ err: err?.message }, 'auth change listener lost; principals are looked up until it reconnects');
      this.retry = setTimeout(() => void this.connect(), this.retryMs);
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (msg) => {
      if (msg.channel === AUTH_CHANNEL && msg.payload) this.forget(msg.payload);
    });
    this.listener = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${AUTH_CHANNEL}`);
      if (this.listener !== client) return;
      // Whatever changed while nobody listened is unknown: start empty.
      this.dropAll();
      this.live = true;
    } catch (err) {
      lost(err as Error);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.listener;
    this.listener = null;
    this.dropAll();
    await client?.end().catch(() => undefined);
  }
}

/**
 * After a commit that changed what a user may do: forget their principal on this instance at once
 * (other instances hear the database notification) and tell their open sockets.
 */
export function authChanged(
  deps: { principals: PrincipalCache; events: EventBus },
  userId: string,
  payload: Record<string, unknown>,
): void {
  deps.principals.forgetUser(userId);
  deps.events.publish(topics.userAuth(userId), payload);
}
