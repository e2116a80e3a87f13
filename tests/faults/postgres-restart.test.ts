import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type App, buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { bootstrapRoles, type DatabaseUrls, ensureDatabase } from '../../src/db/bootstrap.ts';
import { type EmbeddedServer, startEmbeddedPostgres } from '../../src/db/embedded.ts';
import { migrate } from '../../src/db/migrate.ts';
import { Factory } from '../factories/index.ts';
import { logger, TEST_JWT_SECRET } from '../helpers/app.ts';
import { freePort } from '../helpers/ports.ts';

/**
 * Postgres stops and comes back while L1 clients are stepping. The API must answer again within
 * five seconds of Postgres being ready, with no restart, and every step a client saw acknowledged
 * must be stored exactly once (clients retry with the same clientStepId, as the SPA does).
 */

const CHAIN = Array.from({ length: 401 }, (_, i) =>
  i < 400
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

let dir: string;
let port: number;
let pgServer: EmbeddedServer;
let urls: DatabaseUrls;
let app: App;
let system: pg.Pool;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'l1-fault-pg-'));
  port = await freePort();
  pgServer = await startEmbeddedPostgres({ dataDir: dir, port, logger });
  await ensureDatabase(pgServer.adminUrl(), 'l1test_faults');
  urls = await bootstrapRoles(pgServer.adminUrl('l1test_faults'), logger);
  await migrate(urls.admin, logger);
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DB_POOL_SIZE: '8',
    SWEEP_CRON: '0 0 1 1 *',
    JOBS_POLL_SECONDS: '0.5',
  });
  app = await buildApp({ config, urls, logger, jwtSecret: TEST_JWT_SECRET });
  system = new pg.Pool({ connectionString: urls.system, max: 2 });
  system.on('error', () => undefined);
});

afterAll(async () => {
  await app?.close();
  await system?.end().catch(() => undefined);
  await pgServer?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function gql(token: string, query: string, variables: Record<string, unknown>) {
  const res = await app.yoga.fetch('http://x/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: any; errors?: Array<{ extensions?: { code?: string } }> };
}

const STEP = `mutation($s: ID!, $n: String!, $c: String!) {
  recordStep(sessionId: $s, nodeId: $n, answer: YES, clientStepId: $c) { __typename ... on WalkSession { currentNode { id } } }
}`;

const INTAKE = `mutation($f: ID) { intake(problemStatement: "p", customerName: "c", customerContact: "c", flowId: $f) { ... on IntakePayload { session { id } } } }`;
const LAST = CHAIN[CHAIN.length - 1]!.id;

it(
  'answers again within 5 s of Postgres being ready, without a restart, and loses or doubles no acknowledged step',
  { timeout: 180_000 },
  async () => {
    const factory = new Factory(system, app.deps.jwt);
    const account = await factory.account({ l1Seats: null });
    const owner = await factory.user(account.id, 'owner');
    const flow = await factory.publishedFlow(account.id, owner.id, { rootNodeId: 'q0', nodes: CHAIN });
    /** A new walk on the chain, retried through an outage. Walks of a lost answer hold no steps of ours. */
    const startWalk = async (token: string): Promise<string> => {
      for (;;) {
        try {
          const r = await gql(token, INTAKE, { f: flow.flowId });
          const id = r.data?.intake?.session?.id as string | undefined;
          if (id) return id;
        } catch {
          // Postgres is down; try again.
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const clients = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const u = await factory.user(account.id, 'l1_tech');
        const token = await factory.token(u);
        const walkId = await startWalk(token);
        return { token, walkId, walkIds: [walkId], node: 'q0', acked: [] as Array<{ walkId: string; clientStepId: string }> };
      }),
    );
    let stop = false;
    let errors = 0;
    const loops = clients.map(async (c) => {
      while (!stop) {
        // A fast host walks the whole chain within seconds: carry on in a new walk.
        if (c.node === LAST) {
          c.walkId = await startWalk(c.token);
          c.walkIds.push(c.walkId);
          c.node = 'q0';
          continue;
        }
        const clientStepId = randomUUID();
        // Retry the same step until the server acknowledges it (the SPA's behaviour).
        for (;;) {
          if (stop) return;
          try {
            const r = await gql(c.token, STEP, { s: c.walkId, n: c.node, c: clientStepId });
            if (r.data?.recordStep?.__typename === 'WalkSession') {
              c.acked.push({ walkId: c.walkId, clientStepId });
              c.node = r.data.recordStep.currentNode.id;
              break;
            }
            errors++;
          } catch {
            errors++;
          }
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    });

    await new Promise((r) => setTimeout(r, 2000));
    const beforeOutage = clients.reduce((n, c) => n + c.acked.length, 0);
    await pgServer.stop();
    await new Promise((r) => setTimeout(r, 3000));
    const duringOutage = clients.reduce((n, c) => n + c.acked.length, 0);
    pgServer = await startEmbeddedPostgres({ dataDir: dir, port, logger });
    const ready = Date.now();
    // First acknowledged step after Postgres is ready.
    while (clients.reduce((n, c) => n + c.acked.length, 0) === duringOutage) {
      if (Date.now() - ready > 5000) throw new Error('API did not recover within 5 s of Postgres being ready');
      await new Promise((r) => setTimeout(r, 50));
    }
    const recoveredMs = Date.now() - ready;
    await new Promise((r) => setTimeout(r, 2000));
    stop = true;
    await Promise.all(loops);

    expect(beforeOutage).toBeGreaterThan(10);
    expect(errors).toBeGreaterThan(0); // the outage was felt
    const { rows } = await system.query<{ session_id: string; client_step_id: string; n: number }>(
      `SELECT session_id, client_step_id, count(*)::int AS n FROM walk_steps WHERE session_id = ANY($1) GROUP BY 1, 2`,
      [clients.flatMap((c) => c.walkIds)],
    );
    const stored = new Map(rows.map((r) => [`${r.session_id}/${r.client_step_id}`, r.n]));
    for (const c of clients) for (const a of c.acked) expect(stored.get(`${a.walkId}/${a.clientStepId}`), a.clientStepId).toBe(1);
    expect([...stored.values()].every((n) => n === 1)).toBe(true);
    // Steps are contiguous per walk: nothing half-written.
    const seqs = await system.query<{ ok: boolean }>(
      `SELECT bool_and(s.n = w.step_count) AS ok FROM walk_sessions w JOIN (SELECT session_id, count(*)::int AS n FROM walk_steps GROUP BY 1) s ON s.session_id = w.id WHERE w.id = ANY($1)`,
      [clients.flatMap((c) => c.walkIds)],
    );
    expect(seqs.rows[0]!.ok).toBe(true);
    console.log(
      `postgres restart: ${beforeOutage} steps before (${clients.reduce((n, c) => n + c.walkIds.length, 0)} walks in all), recovered ${recoveredMs} ms after Postgres was ready, ${errors} refused attempts retried`,
    );
  },
);
