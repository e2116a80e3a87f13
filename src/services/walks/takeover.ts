import { z } from 'zod';
import { afterCommit, sql } from '../../db/tenant.ts';
import type { Caller } from '../caller.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { actingAs, requireUser, type UserPrincipal } from '../identity/principal.ts';
import { loaders } from '../loaders.ts';
import {
  NOTIFICATION_COLUMNS,
  notificationFromJson,
  type NotificationJson,
  notifyNow,
  publishNotifications,
} from '../notifications/notifications.ts';
import { parse, uuid } from '../validation.ts';
import { COVERER_SQL, isCoverer, worksL1Desk } from './coverage.ts';
import { publishWalk } from './events.ts';
import { get, refusal, sessionIdInput, walkAuditRow } from './repo.ts';
import { walkColumns, type WalkRow } from './rows.ts';

const takeOverInput = z.object({ sessionId: uuid, expectedVersion: z.number().int().min(1).nullable().optional() });

/** May the caller take this walk over now? Null when they may; otherwise why not, in plain words. */
export interface TakeOverRule {
  allowed: boolean;
  /** For an L1 tech waiting on a peer's idle call: when it opens up. */
  opensAt: Date | null;
  reason: string | null;
}

function idleMs(ctx: Caller): number {
  return ctx.deps.config.TAKEOVER_IDLE_MINUTES * 60_000;
}

function minutes(ms: number): string {
  const m = Math.max(1, Math.round(ms / 60_000));
  return `${m} minute${m === 1 ? '' : 's'}`;
}

/**
 * The takeover rule (the same one `takeOver` enforces in SQL), for the walk page to explain
 * greyed-out controls: a coverer may take any call; an L1 tech may take a peer's call once it was
 * handed off to the desk or has had no step for TAKEOVER_IDLE_MINUTES, and never a call a coverer
 * holds (they ask for it back instead).
 */
export async function takeOverRule(
  ctx: Caller,
  w: WalkRow & { handlerUser?: { role: string; isSuperAdmin: boolean; canCoverL1: boolean; name: string } },
): Promise<TakeOverRule> {
  const p = ctx.principal;
  if (p.kind !== 'user' || !worksL1Desk(p))
    return { allowed: false, opensAt: null, reason: 'Only the L1 desk and its coverers take calls.' };
  if (w.status !== 'active') return { allowed: false, opensAt: null, reason: 'This call has ended.' };
  if (w.handlerUserId === p.userId) return { allowed: false, opensAt: null, reason: 'You are handling this call.' };
  if (isCoverer(p) || w.releasedAt) return { allowed: true, opensAt: null, reason: null };
  const handler = w.handlerUser ?? (await loaders(ctx).user.load(w.handlerUserId));
  const blocked = peerBlock(
    ctx,
    p,
    { takenFromId: w.takenFromId ?? null, lastStepAt: w.lastStepAt },
    { name: handler?.name ?? 'Someone', covers: !handler || isCoverer(handler) },
  );
  if (blocked) return { allowed: false, opensAt: blocked.opensAt, reason: blocked.message };
  return { allowed: true, opensAt: new Date(w.lastStepAt.getTime() + idleMs(ctx)), reason: null };
}

/**
 * Why an L1 tech may not take a peer's call that was not handed off to the desk: a coverer holds
 * it (they hand it on), or its handler stepped less than TAKEOVER_IDLE_MINUTES ago. Null when the
 * tech may. One wording for the walk page's explanation and for a refused takeover.
 */
function peerBlock(
  ctx: Caller,
  p: UserPrincipal,
  w: { takenFromId: string | null; lastStepAt: Date },
  handler: { name: string; covers: boolean },
): { reason: 'taken_by_coverer' | 'peer_still_handling'; message: string; opensAt: Date | null } | null {
  if (handler.covers) {
    return {
      reason: 'taken_by_coverer',
      opensAt: null,
      message:
        w.takenFromId === p.userId
          ? `${handler.name} took over this call. Ask for it back and they can hand it to you.`
          : `${handler.name} is covering this call; only they can hand it on.`,
    };
  }
  const opensAt = new Date(w.lastStepAt.getTime() + idleMs(ctx));
  if (ctx.deps.clock.now() >= opensAt) return null;
  return {
    reason: 'peer_still_handling',
    opensAt,
    message: `${handler.name} is handling this call. You can take it over if they hand it off to the desk, or after ${minutes(idleMs(ctx))} without a step.`,
  };
}

/**
 * The caller becomes the walk's handler, if the rule allows it (see `takeOverRule`): a coverer
 * from anyone; an L1 tech from a peer only when the walk was handed off or has sat idle. A coverer
 * who takes a technician's call remembers whose it was, so it sticks: that technician asks for it
 * back rather than taking it. Taking a walk from the technician who started it needs no version;
 * taking it from someone who already took it over needs the version the caller saw, so of two
 * concurrent takeovers exactly one wins and the other learns who did. One statement decides.
 */
export async function takeOver(ctx: Caller, input: { sessionId: string; expectedVersion?: number | null }): Promise<WalkRow> {
  const p = requireUser(ctx);
  const v = parse(takeOverInput, input);
  const now = ctx.deps.clock.now();
  const acting = actingAs(ctx.principal);
  const covers = isCoverer(p);
  const idleSince = new Date(now.getTime() - idleMs(ctx));
  const { rows } = await sql<WalkRow & { previousHandler: string; previousCovers: boolean; notification: NotificationJson | null }>(
    `WITH cur AS (
       SELECT id, handler_user_id, created_by, version, status, last_step_at, released_at FROM walk_sessions WHERE id = $1 FOR UPDATE
     ), h AS (
       SELECT cur.*, ${COVERER_SQL} AS handler_covers FROM cur JOIN users u ON u.id = cur.handler_user_id
     ), w AS (
       UPDATE walk_sessions ws SET handler_user_id = $2, version = ws.version + 1, acting_as = $4, last_step_at = $5,
         released_at = NULL, handback_requested_at = NULL,
         taken_from_user_id = CASE WHEN NOT $6 THEN NULL WHEN h.handler_covers THEN ws.taken_from_user_id ELSE h.handler_user_id END
       FROM h
       WHERE ws.id = $1 AND h.status = 'active' AND h.handler_user_id <> $2
         AND (($3::int IS NULL AND h.handler_user_id = h.created_by) OR h.version = $3)
         AND ($6 OR h.released_at IS NOT NULL OR (NOT h.handler_covers AND h.last_step_at <= $7))
       RETURNING ws.*, h.handler_user_id AS previous_handler, h.handler_covers AS previous_covers
     ), a AS (
       ${walkAuditRow('l1.session.takeover', { actor: '$2', actingAs: '$4', at: '$5', payload: "jsonb_build_object('from', w.previous_handler)" })}
     ), n AS (
       -- The technician whose call it was hears about it (their notifications open the walk).
       INSERT INTO notifications (account_id, recipient_id, kind, payload, dedupe_key, created_at)
       SELECT w.account_id, w.previous_handler, 'walk_taken_over',
         jsonb_build_object('walkId', w.id, 'ticketId', w.internal_ticket_id, 'by', $8::text, 'byId', $2::uuid,
           'canAskBack', w.taken_from_user_id IS NOT DISTINCT FROM w.previous_handler),
         'walk:' || w.id || ':v' || w.version, $5
       FROM w JOIN users u ON u.id = w.previous_handler AND u.is_active AND u.deleted_at IS NULL
       ON CONFLICT (recipient_id, dedupe_key) DO NOTHING
       RETURNING ${NOTIFICATION_COLUMNS}
     )
     SELECT ${walkColumns('w')}, w.previous_handler AS "previousHandler", w.previous_covers AS "previousCovers",
       (SELECT row_to_json(n) FROM n) AS notification
     FROM w`,
    [v.sessionId, p.userId, v.expectedVersion ?? null, acting, now, covers, idleSince, p.name],
  );
  if (!rows[0]) {
    const refused = await takeOverRefusal(ctx, p, v.sessionId, v.expectedVersion, covers);
    if (refused instanceof Error) throw refused;
    return refused;
  }
  const { previousHandler: _p, previousCovers: _c, notification, ...walk } = rows[0];
  afterCommit(() => {
    if (notification) publishNotifications(ctx.deps.events, [notificationFromJson(notification)]);
    publishWalk(ctx.deps.events, walk as WalkRow, 'handover');
  });
  return walk as WalkRow;
}

/** Why a takeover wrote nothing (or the walk, when the caller already handles it). */
async function takeOverRefusal(
  ctx: Caller,
  p: UserPrincipal,
  walkId: string,
  expectedVersion: number | null | undefined,
  covers: boolean,
): Promise<Error | WalkRow> {
  const { rows } = await sql<{
    status: string;
    version: number;
    handler_user_id: string;
    created_by: string;
    taken_from_user_id: string | null;
    released_at: Date | null;
    last_step_at: Date;
    name: string;
    covers: boolean;
  }>(
    `SELECT w.status, w.version, w.handler_user_id, w.created_by, w.taken_from_user_id, w.released_at, w.last_step_at, u.name,
       ${COVERER_SQL} AS covers
     FROM walk_sessions w JOIN users u ON u.id = w.handler_user_id WHERE w.id = $1`,
    [walkId],
  );
  const c = rows[0];
  if (!c) return new NotFoundError('Walk');
  if (c.status !== 'active')
    return new ConflictError('walk_not_active', `this call is ${c.status}; it can no longer be taken over`, c.version);
  if (c.handler_user_id === p.userId) return get(ctx, walkId);
  if (expectedVersion != null && expectedVersion !== c.version) {
    return new ConflictError('stale_version', `this call changed (version ${c.version}); ${c.name} is handling it now`, c.version);
  }
  // A blind takeover (no version) of a call someone already took from its technician: it lost.
  if (expectedVersion == null && c.handler_user_id !== c.created_by) {
    return new ConflictError('takeover_lost', `${c.name} is handling this walk now`, c.version);
  }
  if (!covers && !c.released_at) {
    const blocked = peerBlock(
      ctx,
      p,
      { takenFromId: c.taken_from_user_id, lastStepAt: c.last_step_at },
      { name: c.name, covers: c.covers },
    );
    if (blocked) return new ConflictError(blocked.reason, blocked.message, c.version);
  }
  return new ConflictError('takeover_lost', `${c.name} is handling this walk now`, c.version);
}

const handBackInput = z.object({ sessionId: uuid, toUserId: uuid.nullable().optional() });

/**
 * The technician a coverer took the call from asks for it back. The coverer sees the request live
 * (on the walk and in their notifications); asking twice changes nothing.
 */
export async function requestWalkBack(ctx: Caller, input: { sessionId: string }): Promise<WalkRow> {
  const p = requireUser(ctx);
  const { sessionId } = parse(sessionIdInput, input);
  const now = ctx.deps.clock.now();
  const acting = actingAs(ctx.principal);
  const { rows } = await sql<WalkRow>(
    `WITH w AS (
       UPDATE walk_sessions SET handback_requested_at = $3, version = version + 1
       WHERE id = $1 AND status = 'active' AND taken_from_user_id = $2 AND handler_user_id <> $2 AND handback_requested_at IS NULL
       RETURNING *
     ), a AS (
       ${walkAuditRow('l1.session.handback_request', { actor: '$2', actingAs: '$4', at: '$3', payload: "jsonb_build_object('from', w.handler_user_id, 'to', $2::uuid)" })}
     )
     SELECT ${walkColumns('w')} FROM w`,
    [sessionId, p.userId, now, acting],
  );
  const walk = rows[0];
  if (!walk) {
    const cur = await get(ctx, sessionId);
    if (cur.status !== 'active')
      throw new ConflictError('walk_not_active', `this call is ${cur.status}; there is nothing to take back`, cur.version);
    if (cur.handlerUserId === p.userId) return cur;
    if (cur.takenFromId !== p.userId) {
      throw new ConflictError('not_taken_from_you', 'This call was not taken from you, so you cannot ask for it back', cur.version);
    }
    return cur; // already asked
  }
  await notifyNow(ctx, {
    recipientIds: [walk.handlerUserId],
    kind: 'walk_handback_requested',
    payload: { walkId: walk.id, ticketId: walk.internalTicketId, by: p.name, byId: p.userId },
    dedupeKey: `walk:${walk.id}:v${walk.version}`,
  });
  afterCommit(() => publishWalk(ctx.deps.events, walk, 'handback_requested'));
  return walk;
}

/**
 * The handler hands the call to someone else on the desk: by default back to the technician it was
 * taken from. The receiver becomes the handler at once and is notified.
 */
export async function handBack(ctx: Caller, input: { sessionId: string; toUserId?: string | null }): Promise<WalkRow> {
  const p = requireUser(ctx);
  const v = parse(handBackInput, input);
  const cur = await get(ctx, v.sessionId);
  if (cur.status !== 'active' || cur.handlerUserId !== p.userId) throw await refusal(ctx, v.sessionId, p, null);
  const to = v.toUserId ?? cur.takenFromId ?? null;
  if (!to) throw ValidationError.of('toUserId', 'This call was not taken from anyone: choose who should take it');
  if (to === p.userId) throw ValidationError.of('toUserId', 'You are already handling this call: choose someone else');
  const target = await loaders(ctx).user.load(to);
  if (!target) throw new NotFoundError('User');
  if (!target.isActive || target.deletedAt || !worksL1Desk(target)) {
    throw ValidationError.of('toUserId', `${target.name} cannot take calls: choose an L1 technician or someone who covers the desk`);
  }
  const now = ctx.deps.clock.now();
  const targetActing = actingAs({
    ...p,
    userId: target.id,
    role: target.role as UserPrincipal['role'],
    canCoverL1: target.canCoverL1,
    isSuperAdmin: target.isSuperAdmin,
  });
  const { rows } = await sql<WalkRow>(
    `WITH w AS (
       UPDATE walk_sessions SET handler_user_id = $3, acting_as = $4, taken_from_user_id = NULL, handback_requested_at = NULL,
         released_at = NULL, last_step_at = $5, version = version + 1
       WHERE id = $1 AND status = 'active' AND handler_user_id = $2 AND version = $6
       RETURNING *
     ), a AS (
       ${walkAuditRow('l1.session.handback', { actor: '$2', actingAs: '$7', at: '$5', payload: "jsonb_build_object('from', $2::uuid, 'to', $3::uuid, 'requested', $8::boolean)" })}
     )
     SELECT ${walkColumns('w')} FROM w`,
    [v.sessionId, p.userId, target.id, targetActing, now, cur.version, actingAs(ctx.principal), cur.handbackRequestedAt != null],
  );
  const walk = rows[0];
  if (!walk) throw await refusal(ctx, v.sessionId, p, cur.version);
  await notifyNow(ctx, {
    recipientIds: [target.id],
    kind: 'walk_handed_back',
    payload: { walkId: walk.id, ticketId: walk.internalTicketId, by: p.name, byId: p.userId },
    dedupeKey: `walk:${walk.id}:v${walk.version}`,
  });
  afterCommit(() => publishWalk(ctx.deps.events, walk, 'handover'));
  return walk;
}

/**
 * The handler hands the call off to the desk (a break, the end of a shift): any L1 tech may pick
 * it up from now on without waiting for it to go idle. The handler keeps it until someone does.
 */
export async function release(ctx: Caller, input: { sessionId: string }): Promise<WalkRow> {
  const p = requireUser(ctx);
  const { sessionId } = parse(sessionIdInput, input);
  const now = ctx.deps.clock.now();
  const { rows } = await sql<WalkRow>(
    `WITH w AS (
       UPDATE walk_sessions SET released_at = $3, version = version + 1
       WHERE id = $1 AND status = 'active' AND handler_user_id = $2 AND released_at IS NULL
       RETURNING *
     ), a AS (
       ${walkAuditRow('l1.session.release', { actor: '$2', actingAs: '$4', at: '$3', payload: "jsonb_build_object('from', $2::uuid)" })}
     )
     SELECT ${walkColumns('w')} FROM w`,
    [sessionId, p.userId, now, actingAs(ctx.principal)],
  );
  const walk = rows[0];
  if (!walk) {
    const cur = await get(ctx, sessionId);
    if (cur.status === 'active' && cur.handlerUserId === p.userId && cur.releasedAt) return cur; // already handed off
    throw await refusal(ctx, sessionId, p, null);
  }
  afterCommit(() => publishWalk(ctx.deps.events, walk, 'released'));
  return walk;
}
