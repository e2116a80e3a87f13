import { z } from 'zod';
import type { Caller } from '../caller.ts';
import { afterCommit, sql } from '../../db/tenant.ts';
import type { EventBus } from '../ports.ts';
import { topics } from '../live/event-bus.ts';
import { requireUser } from '../identity/principal.ts';
import { parse, uuid } from '../validation.ts';

// Input schemas are built once: zod compiles each on its first parse.
const markReadInput = z.object({ ids: z.array(uuid).max(500).nullable().optional() });

type Query = { include?: object; select?: object };

export interface NotificationRow {
  id: string;
  accountId: string;
  recipientId: string;
  kind: string;
  payload: Record<string, unknown>;
  readAt: Date | null;
  createdAt: Date;
}

const COLUMNS = `id, account_id AS "accountId", recipient_id AS "recipientId", kind, payload, read_at AS "readAt", created_at AS "createdAt"`;
/** For a statement that writes a notification with its change and hands it back as JSON. */
export const NOTIFICATION_COLUMNS = COLUMNS;
export type NotificationJson = Omit<NotificationRow, 'readAt' | 'createdAt'> & { readAt: string | null; createdAt: string };

export function notificationFromJson(n: NotificationJson): NotificationRow {
  return { ...n, readAt: n.readAt ? new Date(n.readAt) : null, createdAt: new Date(n.createdAt) };
}

type Queryable = { query: <R extends object>(text: string, values?: unknown[]) => Promise<{ rows: R[] }> };

/**
 * One notification per recipient and dedupe key: running this twice (a retried job) creates
 * nothing new. Returns only the rows created now, which are the ones to publish.
 */
export async function createMany(
  db: Queryable,
  a: { accountId: string; recipientIds: string[]; kind: string; payload: Record<string, unknown>; dedupeKey: string; now: Date },
): Promise<NotificationRow[]> {
  if (!a.recipientIds.length) return [];
  const { rows } = await db.query<NotificationRow>(
    `INSERT INTO notifications (account_id, recipient_id, kind, payload, dedupe_key, created_at)
     SELECT $1, u.id, $3, $4, $5, $6 FROM users u
     WHERE u.id = ANY($2::uuid[]) AND u.account_id = $1 AND u.is_active AND u.deleted_at IS NULL
     ON CONFLICT (recipient_id, dedupe_key) DO NOTHING
     RETURNING ${COLUMNS}`,
    [a.accountId, a.recipientIds, a.kind, JSON.stringify(a.payload), a.dedupeKey, a.now],
  );
  return rows;
}

/**
 * Notifications written in the current request transaction (a takeover, a request to hand a call
 * back): they land exactly when the change does, and are pushed live once it commits.
 */
export async function notifyNow(
  ctx: Caller,
  a: { recipientIds: string[]; kind: string; payload: Record<string, unknown>; dedupeKey: string },
): Promise<void> {
  const p = requireUser(ctx);
  const db: Queryable = { query: (text, values) => sql(text, values) as never };
  const rows = await createMany(db, { ...a, accountId: p.accountId, now: ctx.deps.clock.now() });
  if (rows.length) afterCommit(() => publishNotifications(ctx.deps.events, rows));
}

export function publishNotifications(events: EventBus, rows: NotificationRow[]): void {
  for (const n of rows) {
    events.publish(topics.userNotifications(n.recipientId), {
      ...n,
      readAt: n.readAt?.toISOString() ?? null,
      createdAt: n.createdAt.toISOString(),
    });
  }
}

export async function list(ctx: Caller, query: Query, f: { first?: number | null; unreadOnly?: boolean | null }) {
  const p = requireUser(ctx);
  return ctx.deps.prisma.notification.findMany({
    ...query,
    where: { recipientId: p.userId, ...(f.unreadOnly ? { readAt: null } : {}) },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: Math.min(Math.max(f.first ?? 30, 1), 100),
  });
}

export async function unreadCount(ctx: Caller): Promise<number> {
  const p = requireUser(ctx);
  const { rows } = await sql<{ n: number }>('SELECT count(*)::int AS n FROM notifications WHERE recipient_id = $1 AND read_at IS NULL', [
    p.userId,
  ]);
  return rows[0]?.n ?? 0;
}

/** Marks the given notifications (or all of mine) read; returns how many remain unread. */
export async function markRead(ctx: Caller, input: { ids?: string[] | null }): Promise<number> {
  const p = requireUser(ctx);
  const v = parse(markReadInput, input);
  await sql(
    `UPDATE notifications SET read_at = $2 WHERE recipient_id = $1 AND read_at IS NULL AND ($3::uuid[] IS NULL OR id = ANY($3::uuid[]))`,
    [p.userId, ctx.deps.clock.now(), v.ids ?? null],
  );
  return unreadCount(ctx);
}
