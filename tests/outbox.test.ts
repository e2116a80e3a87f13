import { spawn } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, withTenantTx } from '../src/db/tenant.ts';
import { escalationNotify } from '../src/jobs/escalation-notify.ts';
import { BOSS_SCHEMA, type JobQueue } from '../src/jobs/queue.ts';
import { addToOutbox, OUTBOX_CHANNEL } from '../src/services/outbox/write.ts';
import { graphql } from './gql/index.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { eventually } from './helpers/eventually.ts';

const NoWalk = graphql(`
  mutation Outbox_NoWalk($problem: String!, $notify: [ID!]) {
    escalateWithoutWalk(
      problemStatement: $problem
      customerName: "Eve"
      customerContact: "eve@x.test"
      reasonCategory: OUT_OF_SCOPE
      notifyUserIds: $notify
    ) {
      __typename
      ... on EscalationPayload {
        notifiedCount
        ticket {
          id
        }
      }
    }
  }
`);
const Notifications = graphql(`
  query Outbox_Notifications {
    notifications {
      kind
      payload
    }
    unreadNotificationCount
  }
`);

let t: TestApp;
let app: pg.Pool;
let admin: pg.Pool;

beforeAll(async () => {
  t = await startTestApp({
    jobPolicies: {
      'escalation-notify': { retryDelay: 1, retryBackoff: true, retryDelayMax: 4, retryLimit: 2 },
      'outbox-relay': { retryLimit: 2, retryDelay: 0.3, retryDelayMax: 1 },
    },
  });
  app = new pg.Pool({ connectionString: t.urls.app, max: 2 });
  admin = new pg.Pool({ connectionString: t.urls.admin, max: 1 });
});
afterAll(async () => {
  await app.end();
  await admin.end();
  await t.close();
});

/** An account whose owner and admin hear of escalations, and the L1 tech who escalates. */
async function desk() {
  const account = await t.factory.account();
  const owner = await t.factory.user(account.id, 'owner');
  const admin = await t.factory.user(account.id, 'admin');
  const tech = await t.factory.user(account.id, 'l1_tech');
  return { account, owner, admin, techToken: await t.factory.token(tech) };
}

async function escalate(d: Awaited<ReturnType<typeof desk>>, problem: string) {
  const r = await t.gql.runOk(NoWalk, { problem, notify: [d.owner.id, d.admin.id] }, { token: d.techToken });
  if (r.escalateWithoutWalk.__typename !== 'EscalationPayload') throw new Error(JSON.stringify(r));
  expect(r.escalateWithoutWalk.notifiedCount).toBe(2);
  return r.escalateWithoutWalk.ticket.id;
}

async function messages(accountId: string) {
  const { rows } = await t.system.query<{
    id: string;
    idempotency_key: string;
    attempts: number;
    dispatched: boolean;
    delivered: boolean;
    dead: boolean;
    last_error: string | null;
  }>(
    `SELECT id, idempotency_key, attempts, dispatched_at IS NOT NULL AS dispatched, delivered_at IS NOT NULL AS delivered,
       dead_at IS NOT NULL AS dead, last_error
     FROM outbox WHERE account_id = $1 ORDER BY idempotency_key`,
    [accountId],
  );
  return rows;
}

/** Notifications per recipient for one escalated problem. */
async function notified(problem: string) {
  const { rows } = await t.system.query<{ recipient_id: string; n: number }>(
    `SELECT recipient_id, count(*)::int AS n FROM notifications WHERE payload->>'problemStatement' = $1 GROUP BY 1 ORDER BY 1`,
    [problem],
  );
  return rows;
}

async function job(id: string) {
  const { rows } = await t.system.query<{ state: string; retry_count: number }>(
    `SELECT state, retry_count FROM ${BOSS_SCHEMA}.job WHERE id = $1`,
    [id],
  );
  return rows[0];
}

/**
 * Makes inserting notifications about `problem` fail in the database, the first `times` tries (or
 * always). A sequence counts the tries: it is not rolled back with the failed insert.
 */
async function failNotifications(problem: string, times: number | 'always') {
  const tag = `f${Math.random().toString(36).slice(2, 10)}`;
  await admin.query(`CREATE SEQUENCE ${tag}_tries`);
  const limit = times === 'always' ? 'true' : `nextval('${tag}_tries') <= ${times}`;
  await admin.query(`CREATE FUNCTION ${tag}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
    BEGIN
      IF NEW.payload->>'problemStatement' = ${pg.escapeLiteral(problem)} AND ${limit} THEN
        RAISE EXCEPTION 'notifications are failing (test)';
      END IF;
      RETURN NEW;
    END $$`);
  await admin.query(`CREATE TRIGGER ${tag} BEFORE INSERT ON notifications FOR EACH ROW EXECUTE FUNCTION ${tag}()`);
  return async () => {
    await admin.query(`DROP TRIGGER ${tag} ON notifications`);
    await admin.query(`DROP FUNCTION ${tag}()`);
    await admin.query(`DROP SEQUENCE ${tag}_tries`);
  };
}

function deadLettersCli(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/jobs/cli.ts', 'dead-letters'], {
      cwd: path.resolve(import.meta.dirname, '..'),
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: t.urls.admin, LOG_LEVEL: 'silent' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('writing to the outbox', () => {
  it('an escalation writes its message with the change; recipients are notified once and the message is marked delivered', async () => {
    const d = await desk();
    const ownerToken = await t.factory.token(d.owner);
    const ticketId = await escalate(d, 'Outbox happy path');
    await eventually(async () => {
      const n = await t.gql.runOk(Notifications, {}, { token: ownerToken });
      expect(n.unreadNotificationCount).toBe(1);
      expect(n.notifications[0]).toMatchObject({ kind: 'escalation', payload: { ticketId, problemStatement: 'Outbox happy path' } });
    });
    await eventually(async () =>
      expect(await messages(d.account.id)).toEqual([
        expect.objectContaining({ idempotency_key: `escalation:ticket:${ticketId}`, attempts: 1, dispatched: true, delivered: true }),
      ]),
    );
    // The job is the message: same id, run once.
    const [m] = await messages(d.account.id);
    expect(await job(m!.id)).toEqual({ state: 'completed', retry_count: 0 });
    expect(await notified('Outbox happy path')).toEqual([d.owner.id, d.admin.id].sort().map((id) => ({ recipient_id: id, n: 1 })));
  });

  it('writes one message per hundred recipients, and each of them hears once', async () => {
    const d = await desk();
    const many = [];
    for (let i = 0; i < 148; i++) many.push(await t.factory.user(d.account.id, 'engineer'));
    // Nobody chosen: every engineer hears, and the owner and admin who cover the desk.
    const r = await t.gql.runOk(NoWalk, { problem: 'Outbox fan-out', notify: null }, { token: d.techToken });
    if (r.escalateWithoutWalk.__typename !== 'EscalationPayload') throw new Error(JSON.stringify(r));
    const key = `escalation:ticket:${r.escalateWithoutWalk.ticket.id}`;
    await eventually(async () => {
      const rows = await messages(d.account.id);
      expect(rows.map((m) => [m.idempotency_key, m.delivered])).toEqual([
        [key, true],
        [`${key}:1`, true],
      ]);
    }, 15_000);
    const counts = await notified('Outbox fan-out');
    expect(counts).toHaveLength(150);
    expect(counts.every((c) => c.n === 1)).toBe(true);
  });

  it('a rolled-back transaction leaves no message and wakes no relay; a committed one wakes it at COMMIT', async () => {
    const d = await desk();
    const listener = new pg.Client({ connectionString: t.urls.system });
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (n) => heard.push(n.payload ?? ''));
    await listener.query(`LISTEN ${OUTBOX_CHANNEL}`);
    const payload = { accountId: d.account.id, recipientIds: [d.owner.id], kind: 'escalation', payload: {}, dedupeKey: 'rolled-back' };
    try {
      await expect(
        withTenantTx(app, d.account.id, async () => {
          expect(await addToOutbox(escalationNotify, payload, { key: 'rolled-back' })).toBeTruthy();
          throw new Error('the change failed after writing its message');
        }),
      ).rejects.toThrow('the change failed');
      await new Promise((r) => setTimeout(r, 300));
      expect(await messages(d.account.id)).toEqual([]);
      expect(heard).toEqual([]);

      await withTenantTx(app, d.account.id, async () => {
        await addToOutbox(escalationNotify, { ...payload, dedupeKey: 'kept' }, { key: 'kept' });
        // Writing the same key again in the account keeps the first message.
        expect(await addToOutbox(escalationNotify, { ...payload, dedupeKey: 'kept' }, { key: 'kept' })).toBeNull();
        await new Promise((r) => setTimeout(r, 200));
        expect(heard).toEqual([]);
      });
      await eventually(async () => expect(heard).toContain(escalationNotify.name));
      expect((await messages(d.account.id)).map((m) => m.idempotency_key)).toEqual(['kept']);
    } finally {
      await listener.end();
    }
  });

  it('refuses a payload its job would refuse, failing the change itself', async () => {
    const d = await desk();
    await expect(
      withTenantTx(app, d.account.id, () => addToOutbox(escalationNotify, { accountId: 'nope' } as never, { key: 'bad' })),
    ).rejects.toThrow();
    expect(await messages(d.account.id)).toEqual([]);
  });
});

describe('tenancy', () => {
  it('an account reads only its own messages and cannot write one for another account, nor one without an account', async () => {
    const a = await desk();
    const b = await desk();
    await escalate(a, 'Tenancy A');
    await escalate(b, 'Tenancy B');
    const seen = await withTenantTx(app, a.account.id, () => sql<{ account_id: string }>('SELECT DISTINCT account_id FROM outbox'));
    expect(seen.rows).toEqual([{ account_id: a.account.id }]);
    await expect(
      withTenantTx(app, a.account.id, () =>
        sql(`INSERT INTO outbox (account_id, topic, idempotency_key, payload) VALUES ($1, 'escalation-notify', 'x', '{}')`, [b.account.id]),
      ),
    ).rejects.toThrow(/row-level security/);
    const payload = { accountId: b.account.id, recipientIds: [b.owner.id], kind: 'escalation', payload: {}, dedupeKey: 'none' };
    await expect(withTenantTx(app, null, () => addToOutbox(escalationNotify, payload, { key: 'none' }))).rejects.toThrow(
      /row-level security/,
    );
    // The relay's bookkeeping is not the request role's to touch.
    await expect(withTenantTx(app, a.account.id, () => sql('UPDATE outbox SET delivered_at = now()'))).rejects.toThrow(/permission denied/);
    expect((await messages(b.account.id)).map((m) => m.idempotency_key)).toHaveLength(1);
  });
});

describe('delivery', () => {
  it('retries a failing handler with backoff until it succeeds: each recipient still hears once', { timeout: 30_000 }, async () => {
    const d = await desk();
    const restore = await failNotifications('Flaky notifications', 2);
    try {
      await escalate(d, 'Flaky notifications');
      const [m] = await eventually(async () => {
        const rows = await messages(d.account.id);
        expect(rows[0]?.dispatched).toBe(true);
        return rows;
      });
      // When each retry began, seen from outside: retry_count moves once per failure.
      const seenAt = new Map<number, number>();
      await eventually(
        async () => {
          const s = await job(m!.id);
          if (s && !seenAt.has(s.retry_count)) seenAt.set(s.retry_count, Date.now());
          expect(s).toEqual({ state: 'completed', retry_count: 2 });
        },
        20_000,
        50,
      );
      expect(seenAt.get(2)! - seenAt.get(1)!).toBeGreaterThanOrEqual(900);
      expect(await notified('Flaky notifications')).toEqual([d.owner.id, d.admin.id].sort().map((id) => ({ recipient_id: id, n: 1 })));
      expect((await messages(d.account.id))[0]).toMatchObject({ delivered: true, attempts: 1 });
    } finally {
      await restore();
    }
  });

  it('dead-letters a handler that keeps failing, where an operator finds it; nobody was notified', { timeout: 60_000 }, async () => {
    const d = await desk();
    const restore = await failNotifications('Broken notifications', 'always');
    try {
      const ticketId = await escalate(d, 'Broken notifications');
      await eventually(async () => {
        const dead = await t.app.deps.jobs.deadLetters();
        expect(dead.map((x) => (x.data as { payload?: { ticketId?: string } }).payload?.ticketId)).toContain(ticketId);
      }, 30_000);
      expect(await notified('Broken notifications')).toEqual([]);
      expect((await messages(d.account.id))[0]).toMatchObject({ dispatched: true, delivered: false });
      const cli = await deadLettersCli();
      expect(cli.stderr).toBe('');
      expect(cli.code).toBe(0);
      expect(cli.stdout).toContain(ticketId);
    } finally {
      await restore();
    }
  });

  it('retries a hand-off its job refuses with backoff, then marks it dead for an operator', { timeout: 30_000 }, async () => {
    const d = await desk();
    // A message whose payload no longer fits its job (written by an older release, or by hand).
    const { rows } = await t.system.query<{ id: string }>(
      `INSERT INTO outbox (account_id, topic, idempotency_key, payload) VALUES ($1, 'escalation-notify', 'stale-shape', '{"to":"everyone"}') RETURNING id`,
      [d.account.id],
    );
    const id = rows[0]!.id;
    // Written behind the writer's back, so no NOTIFY: the relay is asked to look instead.
    await (t.app.deps.jobs as JobQueue).settleOutbox();
    const tries: Array<{ attempts: number; at: number }> = [];
    await eventually(
      async () => {
        const [m] = await messages(d.account.id);
        if (m && tries.at(-1)?.attempts !== m.attempts) tries.push({ attempts: m.attempts, at: Date.now() });
        expect(m).toMatchObject({ dead: true, dispatched: false, attempts: 3 });
      },
      20_000,
      50,
    );
    // Each retry waited out its backoff (0.3 s, then 0.6 s), and came due on the relay's own
    // timer rather than at the next 10 s poll.
    expect(tries.length).toBeGreaterThanOrEqual(2);
    expect(tries.at(-1)!.at - tries[0]!.at).toBeGreaterThanOrEqual(tries[0]!.attempts === 1 ? 700 : 300);
    expect(tries.at(-1)!.at - tries[0]!.at).toBeLessThan(8000);
    expect((await messages(d.account.id))[0]!.last_error).toMatch(/accountId|recipientIds/);
    expect(await job(id)).toBeUndefined();
    const cli = await deadLettersCli();
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain(id);
  });

  it('two relays hand each message to its job exactly once', { timeout: 30_000 }, async () => {
    const d = await desk();
    const second = await startTestApp({ urls: t.urls });
    try {
      await withTenantTx(app, d.account.id, async () => {
        for (let i = 0; i < 40; i++) {
          const key = `burst:${d.account.id}:${i}`;
          const payload = { accountId: d.account.id, recipientIds: [d.owner.id], kind: 'escalation', payload: { i }, dedupeKey: key };
          await addToOutbox(escalationNotify, payload, { key });
        }
      });
      await Promise.all([(t.app.deps.jobs as JobQueue).settleOutbox(), (second.app.deps.jobs as JobQueue).settleOutbox()]);
      await eventually(async () => {
        const rows = await messages(d.account.id);
        expect(rows).toHaveLength(40);
        expect(rows.every((m) => m.delivered && m.attempts === 1)).toBe(true);
      }, 20_000);
      const { rows } = await t.system.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${BOSS_SCHEMA}.job WHERE id = ANY($1::uuid[])`, [
        (await messages(d.account.id)).map((m) => m.id),
      ]);
      expect(rows[0]!.n).toBe(40);
      const owner = await t.system.query<{ n: number }>(`SELECT count(*)::int AS n FROM notifications WHERE recipient_id = $1`, [
        d.owner.id,
      ]);
      expect(owner.rows[0]!.n).toBe(40);
    } finally {
      await second.close();
    }
  });
});

describe('waking the relay', () => {
  it('finds a message whose NOTIFY it missed at its next poll', { timeout: 30_000 }, async () => {
    const d = await desk();
    const quick = await startTestApp({ urls: t.urls, env: { OUTBOX_POLL_SECONDS: '0.5' } });
    try {
      const payload = { accountId: d.account.id, recipientIds: [d.owner.id], kind: 'escalation', payload: {}, dedupeKey: 'missed' };
      // Written without the writer's NOTIFY, as if it had been sent while no relay was listening.
      await t.system.query(
        `INSERT INTO outbox (account_id, topic, idempotency_key, payload) VALUES ($1, 'escalation-notify', 'missed', $2)`,
        [d.account.id, JSON.stringify(payload)],
      );
      await eventually(async () => expect(await messages(d.account.id)).toMatchObject([{ delivered: true, attempts: 1 }]), 2500);
    } finally {
      await quick.close();
    }
  });

  it('listens again after its LISTEN connection is cut, and is woken at COMMIT as before', { timeout: 30_000 }, async () => {
    const listeners = () =>
      admin.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE application_name = 'l1-workspace-outbox' AND datname = current_database()`,
      );
    const before = (await listeners()).rows.map((r) => r.pid);
    expect(before).toHaveLength(1);
    await admin.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [before]);
    await eventually(async () => {
      const now = (await listeners()).rows.map((r) => r.pid);
      expect(now).toHaveLength(1);
      expect(now).not.toEqual(before);
    }, 10_000);
    const d = await desk();
    await escalate(d, 'After reconnect');
    // Well inside the 10 s poll: the new LISTEN connection was woken.
    await eventually(async () => expect(await notified('After reconnect')).toHaveLength(2), 5000);
  });
});
