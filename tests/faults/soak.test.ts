import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { graphql } from '../gql/index.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { eventually } from '../helpers/eventually.ts';
import { httpGql, type HttpResult } from '../helpers/http.ts';
import { collect, wsClient } from '../helpers/ws.ts';

/**
 * A steady working day, compressed: L1 clients loop intake → steps → resolve over HTTP while a few
 * hundred coverers' graphql-ws watchers subscribe to walks and to the coverage board, drop and come
 * back. Nothing may fail (no GraphQL error, no 5xx, no socket the server closes, no event out of
 * order), and once everyone has gone the heap is back where it was after warm-up.
 *
 * SOAK_MINUTES sets the duration (10 by default; `npm run test:faults` passes a short one, see
 * vitest.faults.config.ts). SOAK_CLIENTS / SOAK_WATCHERS change the load.
 */

const MINUTES = Number(process.env.SOAK_MINUTES || 10);
const CLIENTS = Number(process.env.SOAK_CLIENTS || 6);
const WATCHERS = Number(process.env.SOAK_WATCHERS || 300);
const WARMUP_MS = 20_000;
/** Share of watchers on the account-wide coverage board; the rest watch one walk each. */
const BOARD_SHARE = 0.1;
const HEAP_TOLERANCE = 0.1;

const QUESTIONS = 6;
const TREE = Array.from({ length: QUESTIONS + 1 }, (_, i) =>
  i < QUESTIONS
    ? {
        id: `q${i}`,
        kind: 'question' as const,
        text: `Check ${i}?`,
        yesLabel: `Yes ${i}`,
        noLabel: `No ${i}`,
        yesNext: `q${i + 1}`,
        noNext: `q${i + 1}`,
      }
    : { id: `q${i}`, kind: 'resolution' as const, text: 'Fixed' },
);

const Intake = graphql(`
  mutation Soak_Intake($flowId: ID) {
    intake(problemStatement: "Soak", customerName: "C", customerContact: "c@example.test", flowId: $flowId) {
      __typename
      ... on IntakePayload {
        session {
          id
          currentNode {
            id
          }
        }
      }
    }
  }
`);
const Step = graphql(`
  mutation Soak_Step($id: ID!, $node: String!, $answer: StepAnswer!, $c: String!) {
    recordStep(sessionId: $id, nodeId: $node, answer: $answer, clientStepId: $c) {
      __typename
      ... on WalkSession {
        version
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
const Resolve = graphql(`
  mutation Soak_Resolve($id: ID!) {
    resolveWalk(sessionId: $id, helpful: true, resolutionNotes: "Fixed on the call") {
      __typename
      ... on WalkSession {
        status
      }
      ... on Error {
        code
        message
      }
    }
  }
`);
const Watchers = graphql(`
  query Soak_Watchers($id: ID!) {
    walkSession(id: $id) {
      __typename
      ... on WalkSession {
        status
        watchers {
          userId
        }
      }
    }
  }
`);

const WALK_SUB = `subscription Soak_Walk($id: ID!) { walkSession(id: $id) { id version status stepCount } }`;
const BOARD_SUB = `subscription Soak_Board { activeWalks { change session { id version status } } }`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Counters {
  ops: number;
  walks: number;
  connects: number;
  events: number;
  errors: number;
  samples: string[];
}

const newCounters = (): Counters => ({ ops: 0, walks: 0, connects: 0, events: 0, errors: 0, samples: [] });

function fail(c: Counters, what: string) {
  c.errors++;
  if (c.samples.length < 10) c.samples.push(what.slice(0, 300));
}

let t: TestApp;
let flowId: string;
let l1Tokens: string[];
let covererTokens: string[];

beforeAll(async () => {
  t = await startTestApp({ listen: true, env: { DB_POOL_SIZE: '10', ACCESS_TOKEN_TTL_SECONDS: '86400' } });
  const account = await t.factory.account({ engineerSeats: null, l1Seats: null });
  const owner = await t.factory.user(account.id, 'owner');
  flowId = (await t.factory.publishedFlow(account.id, owner.id, { rootNodeId: 'q0', nodes: TREE })).flowId;
  l1Tokens = [];
  for (let i = 0; i < CLIENTS; i++) l1Tokens.push(await t.factory.token(await t.factory.user(account.id, 'l1_tech')));
  covererTokens = [];
  for (let i = 0; i < 20; i++)
    covererTokens.push(await t.factory.token(await t.factory.user(account.id, 'engineer', { canCoverL1: true })));
});
afterAll(() => t?.close());

/**
 * One phase of load. Clients finish the walk they are on when time is up (so none is left active);
 * watchers then disconnect. Resolves once every client and socket is done.
 */
async function runLoad(durationMs: number, c: Counters, watched: Set<string>): Promise<void> {
  let stop = false;
  let wake!: () => void;
  const stopped = new Promise<void>((r) => (wake = r));
  const nap = (ms: number) => Promise.race([sleep(ms), stopped]);
  const active: string[] = [];

  const call = async <R>(what: string, p: Promise<HttpResult<R>>): Promise<R[keyof R] | null> => {
    try {
      const r = await p;
      c.ops++;
      if (r.status !== 200 || r.body.errors?.length || !r.body.data) {
        fail(c, `${what}: HTTP ${r.status} ${JSON.stringify(r.body.errors ?? r.body)}`);
        return null;
      }
      return Object.values(r.body.data as object)[0] as R[keyof R];
    } catch (err) {
      fail(c, `${what}: ${(err as Error).message}`);
      return null;
    }
  };

  const client = async (token: string) => {
    while (!stop) {
      const intake = await call('intake', httpGql(t.url, Intake, { flowId }, token));
      if (intake?.__typename !== 'IntakePayload' || !intake.session) {
        if (intake) fail(c, `intake: ${JSON.stringify(intake)}`);
        await nap(500);
        continue;
      }
      const id = intake.session.id;
      active.push(id);
      let node: string | undefined = intake.session.currentNode?.id;
      for (let i = 0; i < QUESTIONS && node; i++) {
        const r = await call(
          'step',
          httpGql(t.url, Step, { id, node, answer: Math.random() < 0.5 ? 'YES' : 'NO', c: randomUUID() }, token),
        );
        if (r?.__typename !== 'WalkSession') {
          if (r) fail(c, `step: ${JSON.stringify(r)}`);
          break;
        }
        node = r.currentNode?.id;
        await sleep(30);
      }
      const done = await call('resolve', httpGql(t.url, Resolve, { id }, token));
      if (done?.__typename !== 'WalkSession' || done.status !== 'RESOLVED') {
        if (done) fail(c, `resolve: ${JSON.stringify(done)}`);
      } else c.walks++;
      active.splice(active.indexOf(id), 1);
      await sleep(30);
    }
  };

  const watcher = async (n: number) => {
    const token = covererTokens[n % covererTokens.length]!;
    const onBoard = n < Math.round(WATCHERS * BOARD_SHARE);
    await nap(Math.random() * 3000);
    while (!stop) {
      const walkId = onBoard ? null : active[Math.floor(Math.random() * active.length)];
      if (!onBoard && !walkId) {
        await nap(200);
        continue;
      }
      let leaving = false;
      let received = 0;
      let lastVersion = 0;
      const ws = wsClient(t.url, token, {
        onClose: (code, reason) => {
          if (!leaving) fail(c, `socket closed by the server: ${code} ${reason}`);
        },
      });
      c.connects++;
      const unsubscribe = ws.subscribe<Record<string, { id?: string; version?: number; session?: { version: number } }>>(
        walkId ? { query: WALK_SUB, variables: { id: walkId } } : { query: BOARD_SUB },
        {
          next: (v) => {
            if (v.errors?.length) return fail(c, `subscription: ${JSON.stringify(v.errors)}`);
            received++;
            c.events++;
            if (walkId) {
              const version = v.data!.walkSession!.version!;
              if (version < lastVersion) fail(c, `walk ${walkId}: version ${version} after ${lastVersion}`);
              lastVersion = version;
            }
          },
          error: (e) => {
            if (!leaving) fail(c, `subscription error: ${JSON.stringify(e)}`);
          },
          complete: () => {
            if (!leaving) fail(c, 'subscription completed by the server');
          },
        },
      );
      if (walkId) {
        watched.add(walkId);
        if (watched.size > 200) watched.delete(watched.values().next().value!);
      }
      await nap(3000 + Math.random() * 9000);
      // A walk subscription always starts with the walk's state; the board may legitimately be quiet.
      for (let waited = 0; walkId && received === 0 && waited < 10_000; waited += 100) await sleep(100);
      if (walkId && received === 0) fail(c, `walk ${walkId}: no state within 10 s of subscribing`);
      leaving = true;
      unsubscribe();
      await Promise.resolve(ws.dispose()).catch(() => undefined);
      await nap(100 + Math.random() * 900);
    }
  };

  const loops = [...l1Tokens.map((tok) => client(tok)), ...Array.from({ length: WATCHERS }, (_, i) => watcher(i))];
  await sleep(durationMs);
  stop = true;
  wake();
  await Promise.all(loops);
}

const heapUsed = () => {
  for (let i = 0; i < 2; i++) global.gc!();
  return process.memoryUsage().heapUsed;
};
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

async function settled(c: Counters, watched: Set<string>) {
  // The server let go of every socket, and nobody is listed as watching a walk any more.
  await eventually(async () => expect(t.app.sockets.count()).toBe(0), 30_000);
  await eventually(async () => {
    for (const id of [...watched].slice(-50)) {
      const r = await httpGql(t.url, Watchers, { id }, covererTokens[0]);
      expect(r.body.data?.walkSession).toMatchObject({ status: 'RESOLVED', watchers: [] });
    }
  }, 30_000);
  expect(c.samples).toEqual([]);
}

it('forgets a watcher who leaves a quiet walk at once', async () => {
  const l1Token = l1Tokens[0]!;
  const r = await httpGql(t.url, Intake, { flowId }, l1Token);
  const intake = r.body.data?.intake;
  if (intake?.__typename !== 'IntakePayload' || !intake.session) throw new Error(JSON.stringify(r.body));
  const id = intake.session.id;
  const list = async () => {
    const w = (await httpGql(t.url, Watchers, { id }, l1Token)).body.data?.walkSession;
    if (w?.__typename !== 'WalkSession') throw new Error(JSON.stringify(w));
    if (!w.watchers) throw new Error('the handler may read the watchers of a live walk');
    return w.watchers.length;
  };
  for (let round = 0; round < 3; round++) {
    const sub = collect(t.url, covererTokens[round]!, WALK_SUB, { id });
    await sub.waitFor(() => true);
    expect(await list()).toBe(1);
    await sub.dispose();
    // Nothing else happens on the walk: leaving alone must take the watcher off the list.
    await eventually(async () => expect(await list()).toBe(0), 5000);
  }
  const done = (await httpGql(t.url, Resolve, { id }, l1Token)).body.data?.resolveWalk;
  expect(done).toMatchObject({ __typename: 'WalkSession', status: 'RESOLVED' });
});

it(
  `runs ${MINUTES} min of walks and ${WATCHERS} reconnecting watchers without an error, and gives its memory back`,
  { timeout: (MINUTES + 5) * 60_000 },
  async () => {
    if (typeof global.gc !== 'function') throw new Error('run with --expose-gc (vitest.faults.config.ts sets it)');

    const warm = newCounters();
    const warmWatched = new Set<string>();
    await runLoad(WARMUP_MS, warm, warmWatched);
    await settled(warm, warmWatched);
    await sleep(2000);
    const baseline = heapUsed();

    const c = newCounters();
    const watched = new Set<string>();
    const started = Date.now();
    await runLoad(MINUTES * 60_000, c, watched);
    const seconds = (Date.now() - started) / 1000;
    await settled(c, watched);

    // Allow the process a few rounds of collection and settling before judging.
    let after = heapUsed();
    for (let i = 0; i < 15 && after > baseline * (1 + HEAP_TOLERANCE); i++) {
      await sleep(2000);
      after = heapUsed();
    }
    const growth = (after - baseline) / baseline;
    console.log(
      `soak: ${MINUTES} min (${seconds.toFixed(0)} s), ${CLIENTS} clients, ${WATCHERS} watchers: ${c.ops} operations ` +
        `(${(c.ops / seconds).toFixed(1)}/s), ${c.walks} walks resolved, ${c.connects} subscriptions, ${c.events} events, ` +
        `${c.errors} errors; heap baseline ${mb(baseline)}, after ${mb(after)} (${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)}%)`,
    );

    expect(c.errors, c.samples.join('\n')).toBe(0);
    // The load was real: walks finished, watchers came and went, events flowed.
    expect(c.walks).toBeGreaterThan(MINUTES * 60);
    expect(c.connects).toBeGreaterThan(WATCHERS * 2);
    expect(c.events).toBeGreaterThan(c.connects);
    expect(growth).toBeLessThanOrEqual(HEAP_TOLERANCE);
  },
);
