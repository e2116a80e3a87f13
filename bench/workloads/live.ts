import { randomUUID } from 'node:crypto';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { gql, type SeededAccount } from '../setup.ts';
import { type LatencySummary, sleep, summarize } from '../stats.ts';

const INTAKE = `mutation Bench_LiveIntake($flowId: ID) {
  intake(problemStatement: "Live bench", customerName: "C", customerContact: "c@bench.test", flowId: $flowId) {
    ... on IntakePayload { session { id version currentNode { id } } }
  }
}`;
const STEP = `mutation Bench_LiveStep($s: ID!, $n: String!, $c: String!, $v: Int) {
  recordStep(sessionId: $s, nodeId: $n, answer: YES, clientStepId: $c, expectedVersion: $v) {
    __typename ... on WalkSession { version currentNode { id } }
  }
}`;
const WATCH = `subscription Bench_Watch($id: ID!) { walkSession(id: $id) { id version stepCount lastStepAt } }`;

export interface LiveResult {
  walks: number;
  watchers: number;
  stepsPerSecond: number;
  deliveries: number;
  deliveryP50Ms: number;
  deliveryP99Ms: number;
  delivery: LatencySummary;
  lost: number;
  duplicated: number;
  outOfOrder: number;
  errors: number;
}

function wsClient(url: string, token: string): Client {
  return createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${token}` },
    on: { error: () => undefined },
  });
}

/**
 * `walks` walks each stepped once a second (so `walks` steps per second in all) while `perWalk`
 * watchers per walk, each on its own socket, receive every change. Delivery time is measured from
 * the step's own timestamp (taken by the server just before it commits) to arrival.
 */
export async function liveLoad(
  url: string,
  accounts: SeededAccount[],
  opts: { walks: number; perWalk: number; seconds: number },
): Promise<LiveResult> {
  const steppers = accounts.flatMap((a) => a.l1.map((u) => ({ ...u, account: a })));
  const walks: Array<{ id: string; token: string; version: number; node: string; account: SeededAccount }> = [];
  for (let i = 0; i < opts.walks; i++) {
    const s = steppers[i % steppers.length]!;
    const r = await gql(url, s.token, INTAKE, { flowId: s.account.chainFlowId });
    const session = (r.data as any).intake.session;
    walks.push({ id: session.id, token: s.token, version: session.version, node: session.currentNode.id, account: s.account });
  }

  const deliveries: number[] = [];
  const state: Array<{ walk: number; versions: number[]; first: number }> = [];
  const clients: Client[] = [];
  let errors = 0;
  let ready = 0;
  for (const [wi, w] of walks.entries()) {
    for (let k = 0; k < opts.perWalk; k++) {
      const watcher = w.account.coverers[(wi * opts.perWalk + k) % w.account.coverers.length]!;
      const client = wsClient(url, watcher.token);
      clients.push(client);
      const st = { walk: wi, versions: [] as number[], first: -1 };
      state.push(st);
      let lastVersion = -1;
      let lastSteps = -1;
      client.subscribe(
        { query: WATCH, variables: { id: w.id } },
        {
          next: (v) => {
            const received = Date.now();
            const s = (v.data as any)?.walkSession;
            if (!s) {
              errors++;
              return;
            }
            if (st.first < 0) {
              st.first = s.version;
              ready++;
            } else if (s.version === lastVersion && s.stepCount === lastSteps) {
              return; // a watcher joined or left: same state, new watcher list
            } else {
              st.versions.push(s.version);
              deliveries.push(received - Date.parse(s.lastStepAt));
            }
            lastVersion = s.version;
            lastSteps = s.stepCount;
          },
          error: () => errors++,
          complete: () => undefined,
        },
      );
    }
    if (wi % 10 === 9) await sleep(20);
  }
  const total = opts.walks * opts.perWalk;
  for (let i = 0; i < 600 && ready < total; i++) await sleep(100);
  if (ready < total) throw new Error(`only ${ready} of ${total} watchers subscribed`);
  await sleep(1500); // let the join announcements settle
  for (const s of state) s.versions.length = 0;
  deliveries.length = 0;

  const startVersion = walks.map((w) => w.version);
  const end = Date.now() + opts.seconds * 1000;
  let steps = 0;
  await Promise.all(
    walks.map(async (w, i) => {
      await sleep((i * 1000) / walks.length); // spread the steps evenly over each second
      let next = Date.now();
      while (Date.now() < end) {
        const r = await gql(url, w.token, STEP, { s: w.id, n: w.node, c: randomUUID(), v: w.version });
        const walk = (r.data as any)?.recordStep;
        if (walk?.__typename === 'WalkSession') {
          w.version = walk.version;
          w.node = walk.currentNode.id;
          steps++;
        } else errors++;
        next += 1000;
        await sleep(Math.max(0, next - Date.now()));
      }
    }),
  );
  await sleep(2000);
  let lost = 0;
  let duplicated = 0;
  let outOfOrder = 0;
  for (const s of state) {
    const from = startVersion[s.walk]!;
    const to = walks[s.walk]!.version;
    const seen = new Map<number, number>();
    let prev = from;
    for (const v of s.versions) {
      seen.set(v, (seen.get(v) ?? 0) + 1);
      if (v < prev) outOfOrder++;
      prev = v;
    }
    for (let v = from + 1; v <= to; v++) if (!seen.has(v)) lost++;
    for (const n of seen.values()) if (n > 1) duplicated += n - 1;
  }
  await Promise.all(clients.map((c) => Promise.resolve(c.dispose()).catch(() => undefined)));
  const d = summarize(deliveries);
  return {
    walks: opts.walks,
    watchers: total,
    stepsPerSecond: steps / opts.seconds,
    deliveries: deliveries.length,
    deliveryP50Ms: d.p50Ms,
    deliveryP99Ms: d.p99Ms,
    delivery: d,
    lost,
    duplicated,
    outOfOrder,
    errors,
  };
}
