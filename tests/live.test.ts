import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/lib/clock.ts';
import { EventBus, OVERFLOW } from '../src/services/live/event-bus.ts';
import type { TestUser } from './factories/index.ts';
import { graphql } from './gql/index.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { collect, subscribeOnce } from './helpers/ws.ts';

const WALK_SUB = `subscription Live($id: ID!) {
  walkSession(id: $id) {
    id version status stepCount
    currentNode { id }
    steps { seq answerLabel }
    handler { id name }
    watchers { userId name }
  }
}`;
type WalkEvent = {
  walkSession: {
    id: string;
    version: number;
    status: string;
    stepCount: number;
    currentNode: { id: string } | null;
    steps: Array<{ seq: number; answerLabel: string }>;
    handler: { id: string; name: string };
    watchers: Array<{ userId: string; name: string }>;
  };
};

const Intake = graphql(`
  mutation Live_Intake($flowId: ID) {
    intake(problemStatement: "Live problem", customerName: "C", customerContact: "c@x.test", flowId: $flowId) {
      __typename
      ... on IntakePayload {
        session {
          id
        }
      }
    }
  }
`);
const Step = graphql(`
  mutation Live_Step($id: ID!, $node: String!, $answer: StepAnswer!, $c: String!) {
    recordStep(sessionId: $id, nodeId: $node, answer: $answer, clientStepId: $c) {
      __typename
      ... on WalkSession {
        version
      }
      ... on ConflictError {
        reason
      }
    }
  }
`);
const TakeOver = graphql(`
  mutation Live_TakeOver($id: ID!) {
    takeOverWalk(sessionId: $id) {
      __typename
      ... on WalkSession {
        version
      }
    }
  }
`);
const Resolve = graphql(`
  mutation Live_Resolve($id: ID!) {
    resolveWalk(sessionId: $id, helpful: true, resolutionNotes: "ok") {
      __typename
    }
  }
`);
const Escalate = graphql(`
  mutation Live_Escalate($id: ID!) {
    escalateWalk(sessionId: $id, reasonCategory: NO_KB_AVAILABLE) {
      __typename
    }
  }
`);

/** The demo flow, walked along the "disconnected" branch. */
const PATH: Array<[string, 'YES' | 'NO' | 'CONTINUE']> = [
  ['opens', 'YES'],
  ['status', 'YES'],
  ['offline', 'CONTINUE'],
  ['reconnected', 'NO'],
  ['profile', 'CONTINUE'],
  ['profile-ok', 'YES'],
];

const clock = new ManualClock(Date.now());
let t: TestApp;
let accountId: string;
let l1: TestUser;
let l1Token: string;
let coverer: TestUser;
let covererToken: string;
let flowId: string;

beforeAll(async () => {
  t = await startTestApp({ listen: true, clock });
  accountId = (await t.factory.account()).id;
  const owner = await t.factory.user(accountId, 'owner');
  l1 = await t.factory.user(accountId, 'l1_tech', { name: 'Lena Live' });
  coverer = await t.factory.user(accountId, 'engineer', { canCoverL1: true, name: 'Erin Coverer' });
  l1Token = await t.factory.token(l1);
  covererToken = await t.factory.token(coverer);
  flowId = (await t.factory.publishedFlow(accountId, owner.id)).flowId;
});
afterAll(() => t.close());

async function startWalk() {
  const r = await t.gql.runOk(Intake, { flowId }, { token: l1Token });
  if (r.intake.__typename !== 'IntakePayload' || !r.intake.session) throw new Error('intake');
  return r.intake.session.id;
}

describe('walkSession subscription', () => {
  it('delivers the full state at once, then every step in version order, each with its version', async () => {
    const id = await startWalk();
    const sub = collect<WalkEvent>(t.url, covererToken, WALK_SUB, { id });
    const first = await sub.waitFor(() => true);
    expect(first.walkSession).toMatchObject({ id, version: 1, status: 'ACTIVE', stepCount: 0, currentNode: { id: 'opens' }, steps: [] });
    expect(first.walkSession.watchers.map((w) => w.userId)).toContain(coverer.id);
    for (const [i, [node, answer]] of PATH.entries()) {
      const r = await t.gql.runOk(Step, { id, node, answer, c: `s${i}` }, { token: l1Token });
      expect(r.recordStep.__typename).toBe('WalkSession');
    }
    await sub.waitFor((e) => e.walkSession.version === PATH.length + 1);
    const versions = sub.events.map((e) => e.walkSession.version);
    expect(versions).toEqual([1, ...PATH.map((_, i) => i + 2)]);
    const last = sub.events.at(-1)!.walkSession;
    expect(last.steps.map((s) => s.seq)).toEqual(PATH.map((_, i) => i + 1));
    expect(last.currentNode?.id).toBe('fixed-profile');
    await sub.dispose();
  });

  it('lists watchers as they join and leave, each user once', async () => {
    const id = await startWalk();
    const mine = collect<WalkEvent>(t.url, l1Token, WALK_SUB, { id });
    await mine.waitFor((e) => e.walkSession.watchers.some((w) => w.userId === l1.id));
    const cov = collect<WalkEvent>(t.url, covererToken, WALK_SUB, { id });
    const tab2 = collect<WalkEvent>(t.url, covererToken, WALK_SUB, { id });
    const both = await mine.waitFor((e) => e.walkSession.watchers.length === 2);
    expect(both.walkSession.watchers.map((w) => w.name).sort()).toEqual(['Erin Coverer', 'Lena Live']);
    await tab2.waitFor(() => true);
    await cov.dispose();
    await new Promise((r) => setTimeout(r, 100));
    // The coverer still has a second subscription open: still listed once.
    expect(
      mine.events
        .at(-1)!
        .walkSession.watchers.map((w) => w.userId)
        .sort(),
    ).toEqual([coverer.id, l1.id].sort());
    await tab2.dispose();
    const alone = await mine.waitFor((e) => e.walkSession.watchers.length === 1);
    expect(alone.walkSession.watchers).toEqual([{ userId: l1.id, name: 'Lena Live' }]);
    // Watcher changes carry the walk's current version.
    expect(new Set(mine.events.map((e) => e.walkSession.version))).toEqual(new Set([1]));
    await mine.dispose();
  });

  it('shows a takeover live to the previous handler, whose next write is refused', async () => {
    const id = await startWalk();
    const mine = collect<WalkEvent>(t.url, l1Token, WALK_SUB, { id });
    await mine.waitFor(() => true);
    const r = await t.gql.runOk(TakeOver, { id }, { token: covererToken });
    expect(r.takeOverWalk).toMatchObject({ __typename: 'WalkSession', version: 2 });
    const ev = await mine.waitFor((e) => e.walkSession.handler.id === coverer.id);
    expect(ev.walkSession).toMatchObject({ version: 2, handler: { name: 'Erin Coverer' } });
    const refused = await t.gql.runOk(Step, { id, node: 'opens', answer: 'YES', c: 'late' }, { token: l1Token });
    expect(refused.recordStep).toMatchObject({ __typename: 'ConflictError', reason: 'NOT_HANDLER' });
    await mine.dispose();
  });

  it('ends with NOT_FOUND and delivers nothing for another account’s walk', async () => {
    const id = await startWalk();
    const other = await t.factory.account();
    const outsider = await t.factory.token(await t.factory.user(other.id, 'l1_tech'));
    const r = await subscribeOnce(t.url, WALK_SUB, { id }, outsider);
    expect(r.kind).toBe('error');
    if (r.kind === 'error') {
      expect(r.errors[0]?.extensions?.code).toBe('NOT_FOUND');
      expect(JSON.stringify(r.errors)).not.toContain('Live problem');
    }
    const garbage = await subscribeOnce(t.url, WALK_SUB, { id: 'nope' }, outsider);
    expect(garbage.kind === 'error' && garbage.errors[0]?.extensions?.code).toBe('NOT_FOUND');
    const viewer = await t.factory.token(await t.factory.user(accountId, 'viewer'));
    const denied = await subscribeOnce(t.url, WALK_SUB, { id }, viewer);
    expect(denied.kind === 'error' && denied.errors[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('delivers each change within a second (commit-to-client latency over 300 events)', async () => {
    const id = await startWalk();
    const sub = collect<WalkEvent>(t.url, covererToken, WALK_SUB, { id });
    await sub.waitFor(() => true);
    // Ping-pong between two coverers taking the walk over back and forth: 300 committed changes.
    // (An L1 tech may no longer take a call back from a coverer: issue 18, item 8.)
    const latencies: number[] = [];
    const tokens = [covererToken, await t.factory.token(await t.factory.user(accountId, 'admin'))];
    let version = 1;
    for (let i = 0; i < 300; i++) {
      const t0 = performance.now();
      const r = await t.gql.runOk(
        graphql(`
          mutation Live_Take2($id: ID!, $v: Int) {
            takeOverWalk(sessionId: $id, expectedVersion: $v) {
              __typename
              ... on WalkSession {
                version
              }
            }
          }
        `),
        { id, v: version },
        { token: tokens[i % 2]! },
      );
      if (r.takeOverWalk.__typename !== 'WalkSession') throw new Error(JSON.stringify(r.takeOverWalk));
      version = r.takeOverWalk.version;
      const committed = performance.now();
      await sub.waitFor((e) => e.walkSession.version === version, 1000);
      latencies.push(performance.now() - committed);
      void t0;
    }
    latencies.sort((a, b) => a - b);
    const p50 = latencies[Math.floor(latencies.length * 0.5)]!;
    const p99 = latencies[Math.floor(latencies.length * 0.99)]!;
    console.log(`commit→client over ${latencies.length} events: p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms`);
    expect(p99).toBeLessThan(1000);
    await sub.dispose();
  });
});

describe('activeWalks and notifications subscriptions', () => {
  it('feed the coverage board: started, stepped, handed over, ended — and nothing from other accounts', async () => {
    const board = collect<{ activeWalks: { change: string; session: { id: string; version: number; handler: { id: string } } } }>(
      t.url,
      covererToken,
      `subscription { activeWalks { change session { id version handler { id } } } }`,
    );
    const other = await t.factory.account();
    const otherOwner = await t.factory.user(other.id, 'owner');
    const otherFlow = await t.factory.publishedFlow(other.id, otherOwner.id);
    const outsiderBoard = collect<{ activeWalks: { session: { id: string } } }>(
      t.url,
      await t.factory.token(otherOwner),
      `subscription { activeWalks { change session { id } } }`,
    );
    await new Promise((r) => setTimeout(r, 200));
    const id = await startWalk();
    await t.gql.runOk(Step, { id, node: 'opens', answer: 'YES', c: 'b1' }, { token: l1Token });
    await t.gql.runOk(TakeOver, { id }, { token: covererToken });
    await t.gql.runOk(Resolve, { id }, { token: covererToken });
    await board.waitFor((e) => e.activeWalks.change === 'RESOLVED' && e.activeWalks.session.id === id);
    const mine = board.events.filter((e) => e.activeWalks.session.id === id).map((e) => e.activeWalks.change);
    expect(mine).toEqual(['STARTED', 'STEPPED', 'HANDOVER', 'RESOLVED']);
    // The other account's own walk reaches its own board only.
    const otherL1 = await t.factory.token(await t.factory.user(other.id, 'l1_tech'));
    const r = await t.gql.runOk(Intake, { flowId: otherFlow.flowId }, { token: otherL1 });
    if (r.intake.__typename !== 'IntakePayload' || !r.intake.session) throw new Error('intake');
    await outsiderBoard.waitFor((e) => e.activeWalks.session.id === (r.intake as { session: { id: string } }).session.id);
    expect(outsiderBoard.events.map((e) => e.activeWalks.session.id)).not.toContain(id);
    expect(board.events.map((e) => e.activeWalks.session.id)).not.toContain(r.intake.session.id);
    await board.dispose();
    await outsiderBoard.dispose();
  });

  it('push a recipient’s own notifications live, and only theirs', async () => {
    const owner = await t.factory.user(accountId, 'owner');
    const ownerFeed = collect<{ notifications: { kind: string; payload: { walkId: string } } }>(
      t.url,
      await t.factory.token(owner),
      'subscription { notifications { kind payload } }',
    );
    const other = await t.factory.account();
    const outsiderFeed = collect(
      t.url,
      await t.factory.token(await t.factory.user(other.id, 'owner')),
      'subscription { notifications { kind } }',
    );
    await new Promise((r) => setTimeout(r, 200));
    const id = await startWalk();
    await t.gql.runOk(Escalate, { id }, { token: l1Token });
    const n = await ownerFeed.waitFor((e) => e.notifications.payload.walkId === id);
    expect(n.notifications.kind).toBe('escalation');
    await new Promise((r) => setTimeout(r, 200));
    expect(outsiderFeed.events).toEqual([]);
    await ownerFeed.dispose();
    await outsiderFeed.dispose();
  });
});

describe('auth on the socket', () => {
  it('refuses a connection without a valid token', async () => {
    const none = await subscribeOnce(t.url, WALK_SUB, { id: '00000000-0000-4000-8000-000000000000' }, null);
    expect(none).toMatchObject({ kind: 'rejected', code: 4403 });
    const forged = await subscribeOnce(t.url, WALK_SUB, { id: '00000000-0000-4000-8000-000000000000' }, 'not-a-token');
    expect(forged.kind).toBe('rejected');
  });

  it('serves subscriptions only over the socket: an HTTP event stream is refused and ends', async () => {
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${covererToken}` },
      body: JSON.stringify({ query: 'subscription { notifications { id } }' }),
      signal: AbortSignal.timeout(5000),
    });
    // The stream carries the refusal and closes: reading it to the end must not hang.
    const body = await res.text();
    expect(body).toMatch(/Subscriptions are served over WebSocket/);
    expect(body).toMatch(/BAD_REQUEST/);
  });

  it('closes with 4401 when the access token expires', async () => {
    const id = await startWalk();
    // A token minted 896 s ago has four seconds to live: enough to subscribe on a loaded machine.
    clock.advance(-896_000);
    const token = await t.factory.token(coverer);
    clock.advance(896_000);
    const sub = collect<WalkEvent>(t.url, token, WALK_SUB, { id });
    await sub.waitFor(() => true);
    const closed = await sub.waitForClose(10_000);
    expect(closed).toEqual({ code: 4401, reason: 'Access token expired' });
  });

  it('closes with 4401 when the session is revoked, and 4403 when coverage or the role changes', async () => {
    const id = await startWalk();
    const cov2 = await t.factory.user(accountId, 'engineer', { canCoverL1: true });
    const owner = await t.factory.user(accountId, 'owner');
    const ownerToken = await t.factory.token(owner);

    const revokedSub = collect<WalkEvent>(t.url, await t.factory.token(l1), WALK_SUB, { id });
    await revokedSub.waitFor(() => true);
    await t.gql.runOk(
      graphql(`
        mutation Live_Revoke {
          revokeSessions(scope: OTHERS) {
            revoked
          }
        }
      `),
      {},
      { token: ownerToken },
    );
    expect(await revokedSub.waitForClose()).toEqual({ code: 4401, reason: 'Session revoked' });

    const coverageSub = collect<WalkEvent>(t.url, await t.factory.token(cov2), WALK_SUB, { id });
    await coverageSub.waitFor(() => true);
    await t.gql.runOk(
      graphql(`
        mutation Live_Coverage($u: ID!) {
          setUserCoverage(userId: $u, canCoverL1: false) {
            __typename
          }
        }
      `),
      { u: cov2.id },
      { token: await t.factory.token(owner) },
    );
    expect(await coverageSub.waitForClose()).toEqual({ code: 4403, reason: 'Permissions changed' });
    // Reconnecting is refused: the scope no longer passes.
    const again = await subscribeOnce(t.url, WALK_SUB, { id }, await t.factory.token(cov2));
    expect(again.kind === 'error' && again.errors[0]?.extensions?.code).toBe('FORBIDDEN');

    const l1b = await t.factory.user(accountId, 'l1_tech');
    const roleSub = collect<WalkEvent>(t.url, await t.factory.token(l1b), WALK_SUB, { id });
    await roleSub.waitFor(() => true);
    await t.gql.runOk(
      graphql(`
        mutation Live_Role($u: ID!) {
          changeUserRole(userId: $u, role: VIEWER) {
            __typename
          }
        }
      `),
      { u: l1b.id },
      { token: await t.factory.token(owner) },
    );
    expect(await roleSub.waitForClose()).toEqual({ code: 4403, reason: 'Permissions changed' });
  });
});

describe('bounded buffers', () => {
  it('ends a subscriber that falls behind with an overflow marker instead of queueing without limit', async () => {
    const bus = EventBus.local();
    const stream = await bus.subscribe<number>(['t'], 3);
    for (let i = 0; i < 10; i++) bus.publish('t', i);
    const got: unknown[] = [];
    for await (const v of stream) got.push(v);
    expect(got).toEqual([OVERFLOW]);
    const fresh = await bus.subscribe<number>(['t'], 3);
    bus.publish('t', 42);
    expect((await fresh.next()).value).toBe(42);
    fresh.close();
  });
});

async function redisReachable(): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port: 6379, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

describe('several instances', () => {
  it('share live events and watchers through Redis', async (ctx) => {
    if (!(await redisReachable())) {
      if (process.env.CI) throw new Error('Redis is required in CI for the multi-instance test');
      ctx.skip();
    }
    const env = { REDIS_URL: 'redis://127.0.0.1:6379' };
    const a = await startTestApp({ listen: true, urls: t.urls, env });
    const b = await startTestApp({ listen: true, urls: t.urls, env });
    try {
      // Fresh sessions: an earlier test revoked the account's sessions.
      const l1Token = await t.factory.token(l1);
      const covererToken = await t.factory.token(coverer);
      const r0 = await a.gql.runOk(Intake, { flowId }, { token: l1Token });
      if (r0.intake.__typename !== 'IntakePayload' || !r0.intake.session) throw new Error('intake');
      const id = r0.intake.session.id;
      const onB = collect<WalkEvent>(b.url, covererToken, WALK_SUB, { id });
      await onB.waitFor(() => true);
      const onA = collect<WalkEvent>(a.url, l1Token, WALK_SUB, { id });
      await onA.waitFor(() => true);
      const both = await onB.waitFor((e) => e.walkSession.watchers.length === 2);
      expect(both.walkSession.watchers.map((w) => w.userId).sort()).toEqual([coverer.id, l1.id].sort());
      // A write on instance A reaches the watcher on instance B.
      const r = await a.gql.runOk(Step, { id, node: 'opens', answer: 'YES', c: 'x1' }, { token: l1Token });
      expect(r.recordStep.__typename).toBe('WalkSession');
      const stepped = await onB.waitFor((e) => e.walkSession.version === 2);
      expect(stepped.walkSession.steps).toEqual([{ seq: 1, answerLabel: 'It opens' }]);
      await onA.dispose();
      const alone = await onB.waitFor((e) => e.walkSession.watchers.length === 1);
      expect(alone.walkSession.watchers[0]!.userId).toBe(coverer.id);
      await onB.dispose();
    } finally {
      await a.close();
      await b.close();
    }
  });
});
