import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DatabaseUrls } from '../../src/db/bootstrap.ts';
import { BOSS_SCHEMA } from '../../src/jobs/queue.ts';
import { systemClock } from '../../src/lib/clock.ts';
import { Jwt } from '../../src/lib/jwt.ts';
import { Factory } from '../factories/index.ts';
import { graphql } from '../gql/index.ts';
import { createTestDatabase, TEST_JWT_SECRET } from '../helpers/app.ts';
import { eventually } from '../helpers/eventually.ts';
import { httpGql, rootOf } from '../helpers/http.ts';
import { type Instance, startInstance } from '../helpers/instance.ts';

/**
 * Escalation notifications survive the process dying at the two points where the old
 * afterCommit-enqueue lost or could double them. The product runs as its own OS process and is
 * SIGKILLed (no shutdown hooks) at exactly that point, held there by OUTBOX_FAULT (a setting
 * refused in production); then instances start normally on the same database. Every recipient
 * ends up with exactly one notification.
 */

const NoWalk = graphql(`
  mutation OutboxKill_NoWalk($problem: String!) {
    escalateWithoutWalk(problemStatement: $problem, customerName: "Eve", customerContact: "eve@x.test", reasonCategory: OUT_OF_SCOPE) {
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
const Unread = graphql(`
  query OutboxKill_Unread {
    unreadNotificationCount
    notifications {
      payload
    }
  }
`);

let urls: DatabaseUrls;
let system: pg.Pool;
let factory: Factory;
const instances: Instance[] = [];

// Fast supervision, so a job whose worker died is failed over within seconds of its heartbeat lapsing.
const FAST = { JOBS_CRON_MONITOR_SECONDS: '1' };

async function start(name: string, env: Record<string, string> = {}) {
  const i = await startInstance({ name, databaseUrl: urls.admin, jwtSecret: TEST_JWT_SECRET, env: { ...FAST, ...env } });
  instances.push(i);
  return i;
}

beforeAll(async () => {
  urls = await createTestDatabase();
  system = new pg.Pool({ connectionString: urls.system, max: 3 });
  factory = new Factory(system, new Jwt(TEST_JWT_SECRET, systemClock, 3600));
});

afterAll(async () => {
  for (const i of instances) await i.kill();
  await system?.end();
});

/** An account with an owner, an admin and three engineers (who all hear by default), and its L1 tech. */
async function desk() {
  const account = await factory.account({ l1Seats: null, engineerSeats: null });
  const recipients = [
    await factory.user(account.id, 'owner'),
    await factory.user(account.id, 'admin'),
    ...(await Promise.all([1, 2, 3].map(() => factory.user(account.id, 'engineer')))),
  ];
  const techToken = await factory.token(await factory.user(account.id, 'l1_tech'));
  return { account, recipients, techToken };
}

async function escalateOn(target: Instance, techToken: string, problem: string) {
  const r = rootOf(await httpGql(target.url, NoWalk, { problem }, techToken));
  if (r.__typename !== 'EscalationPayload') throw new Error(`escalate: ${r.__typename}`);
  expect(r.notifiedCount).toBe(5);
  return r.ticket.id;
}

async function perRecipient(ticketId: string) {
  const { rows } = await system.query<{ recipient_id: string; n: number }>(
    `SELECT recipient_id, count(*)::int AS n FROM notifications WHERE payload->>'ticketId' = $1 GROUP BY 1 ORDER BY 1`,
    [ticketId],
  );
  return rows;
}

async function message(accountId: string) {
  const { rows } = await system.query<{ id: string; attempts: number; dispatched: boolean; delivered: boolean }>(
    `SELECT id, attempts, dispatched_at IS NOT NULL AS dispatched, delivered_at IS NOT NULL AS delivered FROM outbox WHERE account_id = $1`,
    [accountId],
  );
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

async function job(id: string) {
  const { rows } = await system.query<{ state: string; retry_count: number }>(
    `SELECT state, retry_count FROM ${BOSS_SCHEMA}.job WHERE id = $1`,
    [id],
  );
  return rows;
}

/** What each recipient sees in the app: one unread notification about this ticket. */
async function expectOneEach(via: Instance, d: Awaited<ReturnType<typeof desk>>, ticketId: string) {
  expect(await perRecipient(ticketId)).toEqual(
    d.recipients
      .map((u) => u.id)
      .sort()
      .map((id) => ({ recipient_id: id, n: 1 })),
  );
  for (const u of d.recipients) {
    const seen = rootOf(await httpGql(via.url, Unread, {}, await factory.token(u)));
    expect(seen).toBe(1);
  }
}

it('refuses OUTBOX_FAULT in production', { timeout: 120_000 }, async () => {
  await expect(
    startInstance({ name: 'prod-fault', databaseUrl: urls.admin, jwtSecret: TEST_JWT_SECRET, env: { OUTBOX_FAULT: 'hold-dispatch' } }),
  ).rejects.toThrow(/OUTBOX_FAULT: cannot be set when NODE_ENV=production/);
});

it('killed between COMMIT and the hand-off: two fresh instances deliver once to each recipient', { timeout: 240_000 }, async () => {
  const d = await desk();
  const held = await start('held', { NODE_ENV: 'test', OUTBOX_FAULT: 'hold-dispatch' });
  const ticketId = await escalateOn(held, d.techToken, 'Killed before hand-off');
  // The escalation committed with its message; nothing has been handed to a job yet.
  await new Promise((r) => setTimeout(r, 1500));
  const before = await message(d.account.id);
  expect(before).toMatchObject({ dispatched: false, delivered: false, attempts: 0 });
  expect(await perRecipient(ticketId)).toEqual([]);
  await held.kill();

  const [a, b] = await Promise.all([start('A'), start('B')]);
  await eventually(
    async () => expect(await message(d.account.id)).toMatchObject({ dispatched: true, delivered: true, attempts: 1 }),
    30_000,
  );
  expect(await job(before.id)).toEqual([{ state: 'completed', retry_count: 0 }]);
  await expectOneEach(a, d, ticketId);
  await Promise.all([a.stop(), b.stop()]);
});

it('killed in the handler after its effect, before the message is delivered: the retry adds nothing', { timeout: 240_000 }, async () => {
  const d = await desk();
  // The only instance running workers, so the job is sure to run here.
  const stuck = await start('stuck', { NODE_ENV: 'test', OUTBOX_FAULT: 'hold-after-effect' });
  const ticketId = await escalateOn(stuck, d.techToken, 'Killed in the handler');
  // The notifications exist (the effect), the job is still running, the message not delivered.
  await eventually(async () => expect(await perRecipient(ticketId)).toHaveLength(5), 20_000);
  const m = await message(d.account.id);
  expect(m).toMatchObject({ dispatched: true, delivered: false });
  expect(await job(m.id)).toEqual([{ state: 'active', retry_count: 0 }]);
  await stuck.kill();
  const killedAt = Date.now();

  const a = await start('A2');
  // The dead worker's heartbeat lapses, pg-boss retries the job on A2, and the repeat creates nothing.
  await eventually(async () => expect(await job(m.id)).toEqual([{ state: 'completed', retry_count: 1 }]), 60_000, 250);
  // Failed over by the heartbeat (10 s), not by expireInSeconds (60 s after the job started).
  expect(Date.now() - killedAt).toBeLessThan(45_000);
  expect(await message(d.account.id)).toMatchObject({ delivered: true, attempts: 1 });
  await expectOneEach(a, d, ticketId);
  await a.stop();
});
