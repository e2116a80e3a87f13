import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { Caller } from '../caller.ts';
import { isUuid, withTenantTx } from '../../db/tenant.ts';
import type { Notification, User } from '../../generated/prisma/client.ts';
import { type Delivery, OVERFLOW, topics } from './event-bus.ts';
import { loaders } from '../loaders.ts';
import type { NotificationRow } from '../notifications/notifications.ts';
import type { EscalationEvent } from '../tickets/tickets.ts';
import type { Watcher, WatchersEvent } from './presence.ts';
import { requireUser } from '../identity/principal.ts';
import { fromWireStep, fromWireWalk, type WalkChange, type WalkEvent } from '../walks/events.ts';
import type { StepRow, WalkRow } from '../walks/rows.ts';
import * as walks from '../walks/index.ts';

/**
 * A walk with what a live subscriber already holds: its steps, watchers, the handler and creator,
 * and its title. Field resolvers read these instead of querying, so an event costs no round trip.
 */
export type WalkView = WalkRow & {
  steps?: StepRow[];
  watchers?: Watcher[];
  handlerUser?: User;
  createdByUser?: User;
  titleText?: string;
  /**
   * Set on a feed event that did not carry the notes: `noteCount` comes from the event and `notes`
   * are read when asked for, never shown as an empty list.
   */
  notesNotCarried?: { count: number };
};

/** Yielded instead of a state when the subscriber must resubscribe (it fell too far behind). */
export const RESUBSCRIBE = Symbol('resubscribe');

/**
 * The generator a subscription hands to graphql, with a `return()` that works while it waits.
 *
 * An async generator that is awaiting its next event queues `return()` until that event arrives,
 * so a subscriber who left a quiet walk stayed listed as a watcher, and kept its listener and
 * state, until something else happened on the walk: forever once the walk had ended. `end` (close
 * the stream, leave presence; idempotent) runs first, which ends the wait at once, and it also
 * covers a `return()` that comes before the first `next()` (the generator's `finally` never runs
 * then).
 */
function endable<T>(gen: AsyncGenerator<T>, end: () => Promise<void> | void): AsyncIterableIterator<T> {
  const it: AsyncIterableIterator<T> = {
    next: () => gen.next(),
    return: async (value?: unknown) => {
      await end();
      return gen.return(value as never);
    },
    throw: async (err?: unknown) => {
      await end();
      return gen.throw(err);
    },
    [Symbol.asyncIterator]: () => it,
  };
  return it;
}

export const BUFFER_SIZE = 256;

interface LiveState extends WalkView {
  steps: StepRow[];
  watchers: Watcher[];
  watcherSeq: number;
}

function notFound(): GraphQLError {
  return new GraphQLError('Walk not found', { extensions: { code: 'NOT_FOUND' } });
}

async function snapshot(ctx: Caller, accountId: string, walkId: string): Promise<LiveState | null> {
  return withTenantTx(
    ctx.deps.appPool,
    accountId,
    async () => {
      let walk: WalkRow;
      try {
        walk = await walks.get(ctx, walkId);
      } catch {
        return null;
      }
      const [steps, users, title] = await Promise.all([
        walks.steps(walkId),
        loaders(ctx).user.loadMany([walk.handlerUserId, walk.createdById]),
        walks.title(ctx, walk),
      ]);
      return {
        ...walk,
        steps,
        handlerUser: users[0] as User,
        createdByUser: users[1] as User,
        titleText: title,
        watchers: [],
        watcherSeq: 0,
      };
    },
    { lazy: true },
  );
}

async function userById(ctx: Caller, accountId: string, id: string): Promise<User | undefined> {
  return withTenantTx(ctx.deps.appPool, accountId, async () => (await loaders(ctx).user.load(id)) ?? undefined, { lazy: true });
}

/**
 * `walkSession(id)` live: the full state at once, then the state after every committed change, in
 * version order. Another account's id (or none) ends the subscription with NOT_FOUND before
 * anything is delivered. While subscribed, the caller is listed among the walk's watchers.
 */
export async function liveWalk(ctx: Caller, walkId: string): Promise<AsyncIterable<LiveState | typeof RESUBSCRIBE>> {
  const p = requireUser(ctx);
  if (!isUuid(walkId)) throw notFound();
  const { events, presence } = ctx.deps;
  // Subscribe first: anything committed after this is in the stream, anything before is in the snapshot.
  const stream = await events.subscribe<WalkEvent | WatchersEvent>([topics.walk(walkId)], BUFFER_SIZE);
  let state: LiveState | null;
  try {
    state = await snapshot(ctx, p.accountId, walkId);
  } catch (err) {
    stream.close();
    throw err;
  }
  if (!state) {
    stream.close();
    throw notFound();
  }
  const subKey = randomUUID();
  const joined = await presence.join(walkId, subKey, { userId: p.userId, name: p.name, role: p.role, since: new Date().toISOString() });
  // Our own join announcement will arrive on the stream too; its list is already in the snapshot.
  state.watchers = joined.watchers;
  state.watcherSeq = joined.seq;
  let left: Promise<void> | null = null;
  const leave = () => {
    left ??= (async () => {
      stream.close();
      await presence.leave(walkId, subKey);
    })();
    return left;
  };

  async function* run(): AsyncGenerator<LiveState | typeof RESUBSCRIBE> {
    let s = state!;
    try {
      yield s;
      for await (const ev of stream as AsyncIterable<Delivery<WalkEvent | WatchersEvent>>) {
        if (ev === OVERFLOW) {
          yield RESUBSCRIBE;
          return;
        }
        if (ev.change === 'watchers') {
          if (ev.seq <= s.watcherSeq) continue;
          s = { ...s, watchers: ev.watchers, watcherSeq: ev.seq };
          yield s;
          continue;
        }
        const v = ev.walk.version;
        if (v <= s.version) continue; // already reflected (duplicate or older)
        if (v > s.version + 1) {
          // A change we did not see (another instance published out of order): reload the truth.
          const fresh = await snapshot(ctx, p.accountId, walkId);
          if (!fresh) return;
          s = { ...fresh, watchers: s.watchers, watcherSeq: s.watcherSeq };
          yield s;
          continue;
        }
        const walk = fromWireWalk(ev.walk, s.notes);
        const steps = ev.step ? [...s.steps, fromWireStep(ev.step)] : s.steps;
        let handlerUser = s.handlerUser;
        if (walk.handlerUserId !== s.handlerUserId) handlerUser = await userById(ctx, p.accountId, walk.handlerUserId);
        s = { ...s, ...walk, steps, handlerUser };
        yield s;
      }
    } finally {
      await leave();
    }
  }
  return endable(run(), leave);
}

export interface FeedEvent {
  change: WalkChange;
  session: WalkView;
}

/** `activeWalks` live: the account's feed for the coverage board. */
export async function liveAccountWalks(ctx: Caller): Promise<AsyncIterable<FeedEvent | typeof RESUBSCRIBE>> {
  const p = requireUser(ctx);
  const stream = await ctx.deps.events.subscribe<WalkEvent | WatchersEvent>([topics.accountWalks(p.accountId)], BUFFER_SIZE);
  async function* run(): AsyncGenerator<FeedEvent | typeof RESUBSCRIBE> {
    try {
      for await (const ev of stream) {
        if (ev === OVERFLOW) {
          yield RESUBSCRIBE;
          return;
        }
        if (ev.change === 'watchers') continue;
        const session: WalkView = fromWireWalk(ev.walk);
        if (!ev.walk.notes) session.notesNotCarried = { count: ev.walk.noteCount };
        yield { change: ev.change, session };
      }
    } finally {
      stream.close();
    }
  }
  return endable(run(), () => stream.close());
}

/** `notifications` live: the recipient's own notifications as they are created. */
export async function liveNotifications(ctx: Caller): Promise<AsyncIterable<Notification | typeof RESUBSCRIBE>> {
  const p = requireUser(ctx);
  const stream = await ctx.deps.events.subscribe<NotificationRow & { readAt: string | null; createdAt: string }>(
    [topics.userNotifications(p.userId)],
    BUFFER_SIZE,
  );
  async function* run(): AsyncGenerator<Notification | typeof RESUBSCRIBE> {
    try {
      for await (const n of stream) {
        if (n === OVERFLOW) {
          yield RESUBSCRIBE;
          return;
        }
        if (n.recipientId !== p.userId) continue;
        yield {
          id: n.id,
          accountId: n.accountId,
          recipientId: n.recipientId,
          kind: n.kind,
          payload: n.payload as Notification['payload'],
          dedupeKey: null,
          readAt: n.readAt ? new Date(n.readAt) : null,
          createdAt: new Date(n.createdAt),
        };
      }
    } finally {
      stream.close();
    }
  }
  return endable(run(), () => stream.close());
}

/**
 * `escalations` live: the account's escalations as they are raised, claimed, released and
 * resolved, so the engineers' queue updates without a reload. Each event names the ticket; its
 * fields are read when the event is delivered, under the subscriber's own tenant.
 */
export async function liveEscalations(ctx: Caller): Promise<AsyncIterable<EscalationEvent | typeof RESUBSCRIBE>> {
  const p = requireUser(ctx);
  const stream = await ctx.deps.events.subscribe<EscalationEvent>([topics.accountEscalations(p.accountId)], BUFFER_SIZE);
  async function* run(): AsyncGenerator<EscalationEvent | typeof RESUBSCRIBE> {
    try {
      for await (const ev of stream) {
        if (ev === OVERFLOW) {
          yield RESUBSCRIBE;
          return;
        }
        if (ev.accountId !== p.accountId) continue;
        yield ev;
      }
    } finally {
      stream.close();
    }
  }
  return endable(run(), () => stream.close());
}
