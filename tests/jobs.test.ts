import { spawn } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escalationNotify } from '../src/jobs/escalation-notify.ts';
import { BOSS_SCHEMA, type JobQueue } from '../src/jobs/queue.ts';
import { walkAbandonSweep } from '../src/jobs/walk-abandon-sweep.ts';
import { OVERFLOW, topics } from '../src/services/live/event-bus.ts';
import { abandonIdleWalks } from '../src/services/walks/sweep.ts';
import type { WalkEvent } from '../src/services/walks/events.ts';
import { graphql } from './gql/index.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { eventually } from './helpers/eventually.ts';

const HOUR = 3600_000;
const Queue = graphql(`
  query Jobs_Queue($status: TicketStatus) {
    l1Queue(status: $status) {
      __typename
      ... on TicketPage {
        nodes {
          id
          status
        }
      }
    }
  }
`);
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

/** A walk (and its ticket) whose last step was `ageMs` ago, in the given state. */
async function walkAged(accountId: string, userId: string, ageMs: number, status: 'active' | 'resolved' = 'active') {
  const at = new Date(Date.now() - ageMs);
  const ticket = await t.system.query<{ id: string }>(
    `INSERT INTO internal_tickets (account_id, customer_name, customer_contact, problem_statement, status, created_by, resolved_at)
     VALUES ($1, 'C', 'c@x.test', 'Problem', $2, $3, $4) RETURNING id`,
    [accountId, status === 'active' ? 'open' : 'resolved', userId, status === 'active' ? null : at],
  );
  const walk = await t.system.query<{ id: string }>(
    `INSERT INTO walk_sessions (account_id, kind, internal_ticket_id, created_by, handler_user_id, status, started_at, last_step_at, ended_at, resolved_at)
     VALUES ($1, 'adhoc', $2, $3, $3, $4, $5, $5, $6, $6) RETURNING id`,
    [accountId, ticket.rows[0]!.id, userId, status, at, status === 'active' ? null : at],
  );
  return { walkId: walk.rows[0]!.id, ticketId: ticket.rows[0]!.id };
}

/**
 * The walk's state and its ticket's stored status: `open` while the walk is active too, since
 * "walking" is derived from the walk (what the API reports is checked through l1Queue).
 */
async function state(walkId: string) {
  const { rows } = await t.system.query<{ status: string; ticket_status: string; version: number }>(
    `SELECT w.status, w.version, t.status AS ticket_status FROM walk_sessions w JOIN internal_tickets t ON t.id = w.internal_ticket_id WHERE w.id = $1`,
    [walkId],
  );
  return rows[0]!;
}

/** The sweep now, as the hourly job runs it (24-hour threshold). */
function sweepNow(opts: { batchSize?: number; concurrency?: number } = {}) {
  return abandonIdleWalks(t.system, t.app.deps.events, { cutoff: new Date(Date.now() - 24 * HOUR), now: new Date(), ...opts });
}

/** Another session's open transaction that has run `sql` (a write or a row lock), until `end`. */
async function openTransaction(sql: string, params: unknown[]) {
  const c = new pg.Client({ connectionString: t.urls.system });
  await c.connect();
  await c.query('BEGIN');
  await c.query(sql, params);
  return {
    end: async (how: 'COMMIT' | 'ROLLBACK') => {
      await c.query(how);
      await c.end();
    },
  };
}

async function jobState(id: string) {
  const { rows } = await t.system.query<{ state: string; retry_count: number }>(
    `SELECT state, retry_count FROM ${BOSS_SCHEMA}.job WHERE id = $1`,
    [id],
  );
  return rows[0];
}

describe('walk-abandon-sweep', () => {
  it('abandons stale walks in every account, reopens their tickets, audits and announces them; fresh and ended walks stay', async () => {
    const a = await t.factory.account();
    const b = await t.factory.account();
    const ua = await t.factory.user(a.id, 'l1_tech');
    const ub = await t.factory.user(b.id, 'l1_tech');
    const staleA = await walkAged(a.id, ua.id, 25 * HOUR);
    const freshA = await walkAged(a.id, ua.id, 1 * HOUR);
    const endedA = await walkAged(a.id, ua.id, 48 * HOUR, 'resolved');
    const staleB = await walkAged(b.id, ub.id, 30 * HOUR);
    const feed = await t.app.deps.events.subscribe<WalkEvent>([topics.accountWalks(a.id), topics.accountWalks(b.id)]);

    const jobId = await t.app.deps.jobs.send(walkAbandonSweep, {});
    await eventually(async () => expect((await jobState(jobId!))?.state).toBe('completed'));

    expect(await state(staleA.walkId)).toMatchObject({ status: 'abandoned', ticket_status: 'open' });
    expect(await state(staleB.walkId)).toMatchObject({ status: 'abandoned', ticket_status: 'open' });
    expect(await state(freshA.walkId)).toMatchObject({ status: 'active', ticket_status: 'open' });
    expect(await state(endedA.walkId)).toMatchObject({ status: 'resolved', ticket_status: 'resolved' });
    // What the L1 desk sees: the abandoned walk's ticket is back in the open queue, the fresh one is still walking.
    const tech = await t.factory.token(ua);
    const open = await t.gql.runOk(Queue, { status: 'OPEN' }, { token: tech });
    const walking = await t.gql.runOk(Queue, { status: 'WALKING' }, { token: tech });
    const all = await t.gql.runOk(Queue, {}, { token: tech });
    if (open.l1Queue.__typename !== 'TicketPage' || walking.l1Queue.__typename !== 'TicketPage' || all.l1Queue.__typename !== 'TicketPage')
      throw new Error('page');
    expect(open.l1Queue.nodes).toEqual([{ id: staleA.ticketId, status: 'OPEN' }]);
    expect(walking.l1Queue.nodes).toEqual([{ id: freshA.ticketId, status: 'WALKING' }]);
    expect(new Map(all.l1Queue.nodes.map((n) => [n.id, n.status]))).toEqual(
      new Map([
        [staleA.ticketId, 'OPEN'],
        [freshA.ticketId, 'WALKING'],
        [endedA.ticketId, 'RESOLVED'],
      ]),
    );
    const audit = await t.system.query(
      `SELECT entity_id, actor_id, actor_kind, acting_as FROM audit_logs WHERE action = 'l1.session.abandon' AND entity_id = ANY($1) ORDER BY entity_id`,
      [[staleA.walkId, staleB.walkId]],
    );
    expect(audit.rows).toHaveLength(2);
    for (const r of audit.rows) expect(r).toMatchObject({ actor_id: null, actor_kind: 'system', acting_as: null });
    const heard: string[] = [];
    for (let i = 0; i < 2; i++) {
      const ev = (await feed.next()).value as WalkEvent | typeof OVERFLOW;
      if (ev === OVERFLOW) continue;
      heard.push(`${ev.change}:${ev.walk.id}`);
      // The walk as every live feed carries it: what a watcher's screen renders.
      const { rows: db } = await t.system.query(`SELECT account_id, started_at, last_step_at, ended_at FROM walk_sessions WHERE id = $1`, [
        ev.walk.id,
      ]);
      expect(ev.walk).toMatchObject({
        status: 'abandoned',
        version: 2,
        accountId: db[0].account_id,
        startedAt: db[0].started_at.toISOString(),
        lastStepAt: db[0].last_step_at.toISOString(),
        endedAt: db[0].ended_at.toISOString(),
        resolvedAt: null,
        kind: 'adhoc',
      });
    }
    expect(heard.sort()).toEqual([`abandoned:${staleA.walkId}`, `abandoned:${staleB.walkId}`].sort());
    feed.close();

    // Idempotent: nothing left to do.
    const again = await sweepNow();
    expect(again.abandoned).toBe(0);
    expect((await state(staleA.walkId)).version).toBe(2);
  });

  it('never loses a step that commits while the sweep runs, and never waits on a live call', async () => {
    const a = await t.factory.account();
    const u = await t.factory.user(a.id, 'l1_tech');
    const w = await walkAged(a.id, u.id, 25 * HOUR);
    const other = await walkAged(a.id, u.id, 26 * HOUR);
    // A step in flight: its transaction holds the walk row and has moved last_step_at.
    const step = await openTransaction(`UPDATE walk_sessions SET last_step_at = now(), version = version + 1 WHERE id = $1`, [w.walkId]);
    // The sweep passes the held row by (a walk being stepped is not idle) and finishes the rest.
    const result = await sweepNow();
    expect(result.abandoned).toBe(1);
    expect(await state(other.walkId)).toMatchObject({ status: 'abandoned', ticket_status: 'open' });
    await step.end('COMMIT');
    expect(await state(w.walkId)).toMatchObject({ status: 'active', ticket_status: 'open', version: 2 });
    // The step moved it out of reach: the next run leaves it alone too.
    const again = await sweepNow();
    expect(again.abandoned).toBe(0);
    expect(await state(w.walkId)).toMatchObject({ status: 'active', version: 2 });
  });

  it('leaves a walk alone while a step is being written for it, and takes it next run if nothing was stepped', async () => {
    const a = await t.factory.account();
    const u = await t.factory.user(a.id, 'l1_tech');
    const w = await walkAged(a.id, u.id, 25 * HOUR);
    // Writing a step checks its foreign key to the walk: a key-share lock on the walk row.
    const locker = await openTransaction(`SELECT 1 FROM walk_sessions WHERE id = $1 FOR KEY SHARE`, [w.walkId]);
    const result = await sweepNow();
    expect(result.abandoned).toBe(0);
    await locker.end('ROLLBACK');
    // The step was never written: the next run abandons the walk.
    const later = await sweepNow();
    expect(later.abandoned).toBe(1);
    expect(await state(w.walkId)).toMatchObject({ status: 'abandoned', ticket_status: 'open' });
  });

  it('works in bounded batches on two connections: each stale walk once, one audit row and one event each', async () => {
    const a = await t.factory.account();
    const u = await t.factory.user(a.id, 'l1_tech');
    const stale = await Promise.all(Array.from({ length: 23 }, (_, i) => walkAged(a.id, u.id, 25 * HOUR + i * 60_000)));
    const fresh = await walkAged(a.id, u.id, 2 * HOUR);
    const feed = await t.app.deps.events.subscribe<WalkEvent>([topics.accountWalks(a.id)]);
    const r = await sweepNow({ batchSize: 4, concurrency: 2 });
    expect(r.abandoned).toBe(23);
    expect(r.batches).toBeGreaterThanOrEqual(6);
    const ids = stale.map((s) => s.walkId);
    const { rows } = await t.system.query<{ status: string; n: number }>(
      `SELECT w.status, count(*)::int AS n FROM walk_sessions w JOIN internal_tickets t ON t.id = w.internal_ticket_id
       WHERE w.id = ANY($1) AND t.status = 'open' AND w.version = 2 GROUP BY 1`,
      [ids],
    );
    expect(rows).toEqual([{ status: 'abandoned', n: 23 }]);
    const audit = await t.system.query<{ entity_id: string; n: number }>(
      `SELECT entity_id, count(*)::int AS n FROM audit_logs WHERE action = 'l1.session.abandon' AND entity_id = ANY($1) GROUP BY 1`,
      [ids],
    );
    expect(audit.rows).toHaveLength(23);
    expect(audit.rows.every((x) => x.n === 1)).toBe(true);
    const heard = new Set<string>();
    for (let i = 0; i < 23; i++) {
      const ev = (await feed.next()).value as WalkEvent | typeof OVERFLOW;
      if (ev !== OVERFLOW) heard.add(ev.walk.id);
    }
    feed.close();
    expect([...heard].sort()).toEqual([...ids].sort());
    expect(await state(fresh.walkId)).toMatchObject({ status: 'active', ticket_status: 'open' });
  });

  it('is scheduled in pg-boss, and one occurrence runs exactly once with three instances up', { timeout: 60_000 }, async () => {
    const { rows } = await t.system.query(`SELECT name, cron FROM ${BOSS_SCHEMA}.schedule WHERE name = 'walk-abandon-sweep'`);
    expect(rows).toEqual([{ name: 'walk-abandon-sweep', cron: '0 0 1 1 *' }]);
    // Stay clear of a minute boundary: a new schedule fires the current minute's occurrence at once.
    while (new Date().getSeconds() > 45) await new Promise((r) => setTimeout(r, 500));
    const env = { SWEEP_CRON: '* * * * *', JOBS_CRON_MONITOR_SECONDS: '1' };
    const before = await t.system.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${BOSS_SCHEMA}.job WHERE name = 'walk-abandon-sweep'`,
    );
    const instances = await Promise.all([1, 2, 3].map(() => startTestApp({ urls: t.urls, env })));
    try {
      await eventually(async () => {
        const { rows: done } = await t.system.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM ${BOSS_SCHEMA}.job WHERE name = 'walk-abandon-sweep' AND state = 'completed'`,
        );
        expect(done[0]!.n).toBeGreaterThanOrEqual(1);
      }, 15_000);
      await new Promise((r) => setTimeout(r, 3000));
      const after = await t.system.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${BOSS_SCHEMA}.job WHERE name = 'walk-abandon-sweep'`,
      );
      expect(after.rows[0]!.n - before.rows[0]!.n).toBe(1);
    } finally {
      await Promise.all(instances.map((i) => i.close()));
    }
  });
});

describe('escalation-notify', () => {
  it('creates each recipient’s notification exactly once however often it runs', async () => {
    const a = await t.factory.account();
    const owner = await t.factory.user(a.id, 'owner');
    const admin = await t.factory.user(a.id, 'admin');
    const payload = {
      accountId: a.id,
      recipientIds: [owner.id, admin.id],
      kind: 'escalation',
      payload: { walkId: 'w' },
      dedupeKey: `escalation:${a.id}`,
    };
    const ids = [await t.app.deps.jobs.send(escalationNotify, payload), await t.app.deps.jobs.send(escalationNotify, payload)];
    for (const id of ids) await eventually(async () => expect((await jobState(id!))?.state).toBe('completed'));
    const { rows } = await t.system.query(
      `SELECT recipient_id, count(*)::int AS n FROM notifications WHERE account_id = $1 GROUP BY recipient_id`,
      [a.id],
    );
    expect(rows.sort((x, y) => x.recipient_id.localeCompare(y.recipient_id))).toEqual(
      [owner.id, admin.id].sort().map((id) => ({ recipient_id: id, n: 1 })),
    );
  });

  it('refuses an invalid payload when sent', async () => {
    await expect(t.app.deps.jobs.send(escalationNotify, { accountId: 'nope' } as never)).rejects.toThrow();
  });

  it('retries a failing job, then moves it to the dead-letter queue for an operator', { timeout: 30_000 }, async () => {
    // A payload that fails validation when run (as a corrupted job would).
    const id = await (t.app.deps.jobs as JobQueue).raw.send(escalationNotify.name, { accountId: 'not-a-uuid' });
    await eventually(async () => {
      const s = await jobState(id!);
      expect(s).toMatchObject({ state: 'failed', retry_count: 2 });
    }, 20_000);
    await eventually(async () => {
      const dead = await t.app.deps.jobs.deadLetters();
      expect(dead.map((d) => d.data)).toContainEqual({ accountId: 'not-a-uuid' });
    }, 10_000);
  });
});

describe('shutdown', () => {
  it('drains: stop waits for the running job to finish, and it completes without a retry', { timeout: 30_000 }, async () => {
    // A database of its own: no other instance can pick the job up.
    const main = t;
    const own = await startTestApp();
    t = own;
    try {
      const a = await t.factory.account();
      const u = await t.factory.user(a.id, 'l1_tech');
      const w = await walkAged(a.id, u.id, 25 * HOUR);
      // Hold the audit log so the sweep is mid-run (waiting to write its audit rows) when we stop.
      const holder = await openTransaction('LOCK TABLE audit_logs IN SHARE MODE', []);
      const jobId = await own.app.deps.jobs.send(walkAbandonSweep, {});
      await eventually(async () => expect((await jobState(jobId!))?.state).toBe('active'));
      const stopping = own.app.close();
      await new Promise((r) => setTimeout(r, 500));
      await holder.end('COMMIT');
      await stopping;
      expect(await jobState(jobId!)).toMatchObject({ state: 'completed', retry_count: 0 });
      expect(await state(w.walkId)).toMatchObject({ status: 'abandoned' });
    } finally {
      t = main;
      await own.system.end();
    }
  });
});

describe('npm run jobs:sweep', () => {
  it('runs the sweep now and prints how many walks it abandoned', { timeout: 60_000 }, async () => {
    const a = await t.factory.account();
    const u = await t.factory.user(a.id, 'l1_tech');
    await walkAged(a.id, u.id, 26 * HOUR);
    await walkAged(a.id, u.id, 27 * HOUR);
    const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/jobs/cli.ts', 'sweep'], {
        cwd: path.resolve(import.meta.dirname, '..'),
        env: { PATH: process.env.PATH ?? '', DATABASE_URL: t.urls.admin, LOG_LEVEL: 'silent' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^Abandoned \d+ walks? idle for more than 24 h/);
    expect(Number(/Abandoned (\d+)/.exec(out.stdout)![1])).toBeGreaterThanOrEqual(2);
  });
});
