import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DatabaseUrls } from '../../src/db/bootstrap.ts';
import { systemClock } from '../../src/lib/clock.ts';
import { Jwt } from '../../src/lib/jwt.ts';
import { Factory } from '../factories/index.ts';
import { graphql } from '../gql/index.ts';
import { createTestDatabase, TEST_JWT_SECRET } from '../helpers/app.ts';
import { httpGql, rootOf } from '../helpers/http.ts';
import { type Instance, startInstance } from '../helpers/instance.ts';
import { type Collector, collect } from '../helpers/ws.ts';

/**
 * Two instances of the product run as separate OS processes on one database. L1 clients step
 * their walks against instance A; mid-walk A is killed with SIGKILL (no shutdown, connections cut).
 * Clients fail over to B and retry the step they had in flight with the same clientStepId, as the
 * SPA does. Every step a client saw acknowledged is stored exactly once, nothing is stored that a
 * client did not see acknowledged, walks keep advancing on B, and a coverer watching the walk on A
 * reconnects to B and keeps receiving it.
 */

const CHAIN = Array.from({ length: 1001 }, (_, i) =>
  i < 1000
    ? {
        id: `q${i}`,
        kind: 'question' as const,
        text: `Check ${i}?`,
        yesLabel: `Yes ${i}`,
        noLabel: `No ${i}`,
        yesNext: `q${i + 1}`,
        noNext: `q${i + 1}`,
      }
    : { id: `q${i}`, kind: 'resolution' as const, text: 'Done' },
);

const Intake = graphql(`
  mutation InstanceKill_Intake($flowId: ID) {
    intake(problemStatement: "Failover", customerName: "C", customerContact: "c@example.test", flowId: $flowId) {
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
  mutation InstanceKill_Step($s: ID!, $n: String!, $c: String!) {
    recordStep(sessionId: $s, nodeId: $n, answer: YES, clientStepId: $c) {
      __typename
      ... on WalkSession {
        version
        stepCount
        currentNode {
          id
        }
      }
      ... on Error {
        code
        message
      }
    }
  }
`);

const WALK_SUB = `subscription InstanceKill_Watch($id: ID!) { walkSession(id: $id) { id version stepCount currentNode { id } } }`;
type WalkEvent = { walkSession: { id: string; version: number; stepCount: number; currentNode: { id: string } | null } };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let urls: DatabaseUrls;
let system: pg.Pool;
let a: Instance;
let b: Instance;

beforeAll(async () => {
  urls = await createTestDatabase();
  system = new pg.Pool({ connectionString: urls.system, max: 3 });
  // Both instances share the database and the JWT secret, as behind a load balancer.
  const [sa, sb] = await Promise.allSettled(
    ['A', 'B'].map((name) => startInstance({ name, databaseUrl: urls.admin, jwtSecret: TEST_JWT_SECRET })),
  );
  if (sa?.status === 'fulfilled') a = sa.value;
  if (sb?.status === 'fulfilled') b = sb.value;
  for (const s of [sa, sb]) if (s?.status === 'rejected') throw s.reason;
}, 180_000);

afterAll(async () => {
  await a?.kill();
  await b?.stop();
  await system?.end();
});

interface Walker {
  token: string;
  walkId: string;
  node: string;
  target: Instance;
  acked: string[];
  ackedOnB: number;
  /** The clientStepId whose attempt on A failed once A was killed (then retried on B). */
  inFlightAtKill: string | null;
  refusedOnB: string[];
}

it('loses, doubles and refuses no step when one of two instances is SIGKILLed mid-walk', { timeout: 300_000 }, async () => {
  const jwt = new Jwt(TEST_JWT_SECRET, systemClock, 3600);
  const factory = new Factory(system, jwt);
  const account = await factory.account({ l1Seats: null, engineerSeats: null });
  const owner = await factory.user(account.id, 'owner');
  const coverer = await factory.user(account.id, 'engineer', { canCoverL1: true });
  const covererToken = await factory.token(coverer);
  const flow = await factory.publishedFlow(account.id, owner.id, { rootNodeId: 'q0', nodes: CHAIN });

  const newWalker = async (): Promise<Walker> => {
    const token = await factory.token(await factory.user(account.id, 'l1_tech'));
    const r = rootOf(await httpGql(a.url, Intake, { flowId: flow.flowId }, token));
    if (r.__typename !== 'IntakePayload' || !r.session) throw new Error(`intake: ${r.__typename}`);
    return { token, walkId: r.session.id, node: 'q0', target: a, acked: [], ackedOnB: 0, inFlightAtKill: null, refusedOnB: [] };
  };
  const walkers = await Promise.all(Array.from({ length: 6 }, newWalker));
  // Two more walks driven by hand around the kill.
  const committedProbe = await newWalker();
  const inFlightProbe = await newWalker();

  let killed = false;
  let networkFailuresOnA = 0;
  /** One attempt, failing over to B when A cannot be reached. Returns true when acknowledged. */
  const attempt = async (w: Walker, clientStepId: string): Promise<boolean> => {
    const target = w.target;
    try {
      const res = await httpGql(target.url, Step, { s: w.walkId, n: w.node, c: clientStepId }, w.token, { timeoutMs: 20_000 });
      const r = res.status === 200 ? res.body.data?.recordStep : undefined;
      if (r?.__typename === 'WalkSession') {
        w.acked.push(clientStepId);
        if (target === b) w.ackedOnB++;
        w.node = r.currentNode!.id;
        return true;
      }
      if (target === b) w.refusedOnB.push(`HTTP ${res.status} ${JSON.stringify(res.body)}`);
      return false;
    } catch (err) {
      if (target !== a) throw err;
      // A is gone (refused, reset or timed out): this client's endpoint list moves on to B.
      networkFailuresOnA++;
      if (killed && w.target === a) {
        w.inFlightAtKill = clientStepId;
        w.target = b;
      }
      return false;
    }
  };

  let stop = false;
  const loops = walkers.map(async (w) => {
    while (!stop) {
      const clientStepId = randomUUID();
      const deadline = Date.now() + 60_000;
      // Retry the same step until it is acknowledged, whatever happens to the instances.
      while (!(await attempt(w, clientStepId))) {
        if (Date.now() > deadline) throw new Error(`step ${clientStepId} never acknowledged:\n${a.output()}\n${b.output()}`);
        await sleep(50);
      }
    }
  });

  // A coverer watches one of the walks on A.
  const watched = walkers[0]!;
  let watcher: Collector<WalkEvent> = collect<WalkEvent>(a.url, covererToken, WALK_SUB, { id: watched.walkId });
  await watcher.waitFor((e) => e.walkSession.stepCount >= 3, 20_000);

  const total = () => walkers.reduce((n, w) => n + w.acked.length, 0);
  const t1 = Date.now();
  while (total() < 60) {
    if (Date.now() - t1 > 60_000) throw new Error(`only ${total()} steps on A in a minute:\n${a.output()}`);
    await sleep(50);
  }

  // A step that lands on A, whose answer the client never sees: A commits it, then dies.
  const committedId = randomUUID();
  const landed = rootOf(
    await httpGql(a.url, Step, { s: committedProbe.walkId, n: committedProbe.node, c: committedId }, committedProbe.token),
  );
  expect(landed.__typename).toBe('WalkSession');
  // A step still travelling to A when it dies.
  const inFlightId = randomUUID();
  const inFlight = httpGql(a.url, Step, { s: inFlightProbe.walkId, n: inFlightProbe.node, c: inFlightId }, inFlightProbe.token).then(
    () => 'answered' as const,
    () => 'lost' as const,
  );
  await sleep(2);

  const beforeKill = total();
  killed = true;
  await a.kill();
  const exit = await a.exited;
  expect(exit.signal).toBe('SIGKILL');
  const inFlightFate = await inFlight;
  const inFlightCommitted =
    (await system.query('SELECT 1 FROM walk_steps WHERE session_id = $1 AND client_step_id = $2', [inFlightProbe.walkId, inFlightId]))
      .rowCount === 1;

  // The watcher's socket on A is gone; it reconnects to B and gets the walk's current state.
  const lastOnA = watcher.events.at(-1)!.walkSession;
  await watcher.waitForClose(10_000);
  await watcher.dispose();
  watcher = collect<WalkEvent>(b.url, covererToken, WALK_SUB, { id: watched.walkId });
  const firstOnB = (await watcher.waitFor(() => true, 20_000)).walkSession;
  expect(firstOnB.version).toBeGreaterThanOrEqual(lastOnA.version);
  expect(firstOnB.stepCount).toBeGreaterThanOrEqual(lastOnA.stepCount);

  // Both probes retried on B with the clientStepId they used on A.
  for (const [probe, id] of [
    [committedProbe, committedId],
    [inFlightProbe, inFlightId],
  ] as const) {
    probe.target = b;
    const ok = await attempt(probe, id);
    expect(ok, `retry of ${id} on B: ${probe.refusedOnB.join('; ')}`).toBe(true);
  }
  expect(committedProbe.node).toBe('q1');
  expect(inFlightProbe.node).toBe('q1');

  // Walks keep advancing on B.
  await watcher.waitFor((e) => e.walkSession.stepCount >= firstOnB.stepCount + 10, 60_000);
  const onB = () => walkers.reduce((n, w) => n + w.ackedOnB, 0);
  const t0 = Date.now();
  while (walkers.some((w) => w.ackedOnB < 10)) {
    if (Date.now() - t0 > 60_000) throw new Error(`walks stalled on B: ${walkers.map((w) => w.ackedOnB).join(', ')}\n${b.output()}`);
    await sleep(100);
  }
  stop = true;
  await Promise.all(loops);

  // Every walker noticed the loss of A and moved; none was refused anything by B.
  for (const w of walkers) {
    expect(w.target).toBe(b);
    expect(w.refusedOnB, w.refusedOnB.join('\n')).toEqual([]);
  }
  expect(committedProbe.refusedOnB).toEqual([]);
  expect(inFlightProbe.refusedOnB).toEqual([]);

  const all = [...walkers, committedProbe, inFlightProbe];
  const ids = all.map((w) => w.walkId);
  const { rows } = await system.query<{ session_id: string; client_step_id: string; n: number }>(
    `SELECT session_id, client_step_id, count(*)::int AS n FROM walk_steps WHERE session_id = ANY($1) GROUP BY 1, 2`,
    [ids],
  );
  const stored = new Map(rows.map((r) => [`${r.session_id}/${r.client_step_id}`, r.n]));
  // No (session, clientStepId) twice; every acknowledged step exactly once; nothing unacknowledged.
  expect(rows.filter((r) => r.n !== 1)).toEqual([]);
  for (const w of all) {
    expect(new Set(w.acked).size).toBe(w.acked.length);
    for (const id of w.acked) expect(stored.get(`${w.walkId}/${id}`), id).toBe(1);
  }
  expect(rows.length).toBe(all.reduce((n, w) => n + w.acked.length, 0));
  expect(stored.get(`${committedProbe.walkId}/${committedId}`)).toBe(1);
  expect(stored.get(`${inFlightProbe.walkId}/${inFlightId}`)).toBe(1);

  // Each walk: step_count = stored steps, seq 1..n without gaps, and the server's current node is
  // the one the client last saw.
  const walks = await system.query<{
    id: string;
    step_count: number;
    n: number;
    max_seq: number;
    current_node_id: string;
    version: number;
  }>(
    `SELECT w.id, w.step_count, w.current_node_id, w.version, count(s.id)::int AS n, coalesce(max(s.seq), 0)::int AS max_seq
     FROM walk_sessions w LEFT JOIN walk_steps s ON s.session_id = w.id WHERE w.id = ANY($1) GROUP BY w.id`,
    [ids],
  );
  for (const w of all) {
    const row = walks.rows.find((r) => r.id === w.walkId)!;
    expect(row).toMatchObject({
      step_count: w.acked.length,
      n: w.acked.length,
      max_seq: w.acked.length,
      current_node_id: w.node,
      version: w.acked.length + 1,
    });
  }

  // The reconnected watcher follows the walk to its final state, in version order.
  const final = walks.rows.find((r) => r.id === watched.walkId)!;
  await watcher.waitFor((e) => e.walkSession.version === final.version, 20_000);
  const versions = watcher.events.map((e) => e.walkSession.version);
  expect(versions).toEqual([...versions].sort((x, y) => x - y));
  expect(watcher.errors).toEqual([]);
  await watcher.dispose();

  expect(beforeKill).toBeGreaterThanOrEqual(60);
  expect(walkers.filter((w) => w.inFlightAtKill).length).toBeGreaterThan(0);
  for (const w of walkers) if (w.inFlightAtKill) expect(stored.get(`${w.walkId}/${w.inFlightAtKill}`)).toBe(1);
  console.log(
    `instance kill: ${beforeKill} steps on A, ${onB()} on B after SIGKILL; ${walkers.filter((w) => w.inFlightAtKill).length} of ${walkers.length} ` +
      `clients lost a step attempt to A and retried it on B; ${networkFailuresOnA} failed attempts on A; in-flight probe ${inFlightFate} by A, ` +
      `${inFlightCommitted ? 'committed' : 'not committed'} before the retry; watcher resumed on B at v${firstOnB.version} (last on A v${lastOnA.version})`,
  );
});
