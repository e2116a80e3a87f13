import { randomUUID } from 'node:crypto';
import type { DatabaseUrls } from '../../src/db/bootstrap.ts';
import { OUTLOOK_FLOW } from '../../src/services/demo/seed.ts';
import { resolveStep, type Answer } from '../../src/services/flows/graph.ts';
import { benchPool, gql, type SeededAccount } from '../setup.ts';
import { type CpuSample, cpuNow, cpuPer } from '../cpu.ts';
import { type LatencySummary, summarize } from '../stats.ts';

/** The path every client walks on the demo flow: six steps, then resolve. */
export const PATH: Array<[string, Answer]> = [
  ['opens', 'yes'],
  ['status', 'yes'],
  ['offline', 'continue'],
  ['reconnected', 'no'],
  ['profile', 'continue'],
  ['profile-ok', 'yes'],
];

const INTAKE = `mutation Bench_Intake($flowId: ID) {
  intake(problemStatement: "Outlook will not connect", customerName: "Bench Co", customerContact: "it@bench.test", flowId: $flowId) {
    __typename ... on IntakePayload { session { id version } }
  }
}`;
const STEP = `mutation Bench_Step($s: ID!, $n: String!, $a: StepAnswer!, $c: String!, $v: Int) {
  recordStep(sessionId: $s, nodeId: $n, answer: $a, clientStepId: $c, expectedVersion: $v) {
    __typename ... on WalkSession { version currentNode { id kind } }
  }
}`;
const RESOLVE = `mutation Bench_Resolve($s: ID!) { resolveWalk(sessionId: $s, helpful: true, resolutionNotes: "Fixed") { __typename } }`;

export interface ThroughputResult {
  concurrency: number;
  seconds: number;
  stepsPerSecond: number;
  latency: LatencySummary;
  errors: number;
  /** CPU per step (loop included) in each process: where the time goes. */
  cpuPerStep?: { serverMs: number; postgresMs: number; clientMs: number };
  /** Steps per second of each measured leg, when the run was split into interleaved legs. */
  legs?: number[];
  /** Each step's latency (ms); merged across legs, then dropped from the results file. */
  samples?: number[];
}

/**
 * Legs of one load, merged: throughput over the total measured time, latency over every sample,
 * CPU per step weighted by each leg's steps.
 */
export function mergeLegs(legs: ThroughputResult[]): ThroughputResult {
  const samples = legs.flatMap((l) => l.samples ?? []);
  const seconds = legs.reduce((a, l) => a + l.seconds, 0);
  const steps = legs.map((l) => l.stepsPerSecond * l.seconds);
  const total = steps.reduce((a, b) => a + b, 0);
  const withCpu = legs.every((l) => l.cpuPerStep);
  const cpu = (k: 'serverMs' | 'postgresMs' | 'clientMs') =>
    Math.round((legs.reduce((a, l, i) => a + l.cpuPerStep![k] * steps[i]!, 0) / Math.max(1, total)) * 1000) / 1000;
  return {
    concurrency: legs[0]!.concurrency,
    seconds,
    stepsPerSecond: total / seconds,
    latency: summarize(samples),
    errors: legs.reduce((a, l) => a + l.errors, 0),
    cpuPerStep: withCpu ? { serverMs: cpu('serverMs'), postgresMs: cpu('postgresMs'), clientMs: cpu('clientMs') } : undefined,
    legs: legs.map((l) => Math.round(l.stepsPerSecond)),
  };
}

interface Window {
  start: number;
  end: number;
}

function clientsFor(accounts: SeededAccount[], n: number) {
  const all = accounts.flatMap((a) => a.l1.map((u) => ({ ...u, accountId: a.id, flowId: a.outlookFlowId })));
  if (all.length < n) throw new Error(`need ${n} L1 users, seeded ${all.length}`);
  return all.slice(0, n);
}

/** L1 clients looping intake → six steps → resolve, as fast as the server answers. */
export async function recordStepLoad(
  url: string,
  accounts: SeededAccount[],
  concurrency: number,
  seconds: number,
  warmupSeconds = 3,
  serverPid: number | null = null,
): Promise<ThroughputResult> {
  const w: Window = { start: Date.now() + warmupSeconds * 1000, end: Date.now() + (warmupSeconds + seconds) * 1000 };
  const samples: number[] = [];
  let errors = 0;
  const client = async (c: { token: string; flowId: string }) => {
    while (Date.now() < w.end) {
      const intake = await gql(url, c.token, INTAKE, { flowId: c.flowId });
      const session = (intake.data as any)?.intake?.session;
      if (!session) {
        errors++;
        continue;
      }
      let version = session.version as number;
      for (const [node, answer] of PATH) {
        const t0 = performance.now();
        const r = await gql(url, c.token, STEP, { s: session.id, n: node, a: answer.toUpperCase(), c: randomUUID(), v: version });
        const ms = performance.now() - t0;
        const walk = (r.data as any)?.recordStep;
        if (walk?.__typename !== 'WalkSession') {
          errors++;
          break;
        }
        version = walk.version;
        const now = Date.now();
        if (now >= w.start && now <= w.end) samples.push(ms);
      }
      await gql(url, c.token, RESOLVE, { s: session.id });
    }
  };
  let cpu0: CpuSample | null = null;
  let cpu1: CpuSample | null = null;
  const t1 = setTimeout(() => (cpu0 = cpuNow(serverPid)), w.start - Date.now());
  const t2 = setTimeout(() => (cpu1 = cpuNow(serverPid)), w.end - Date.now());
  await Promise.all(clientsFor(accounts, concurrency).map(client));
  clearTimeout(t1);
  clearTimeout(t2);
  const cpuPerStep = cpu0 && cpu1 ? cpuPer(cpu0, cpu1, samples.length) : undefined;
  return { concurrency, seconds, stepsPerSecond: samples.length / seconds, latency: summarize(samples), errors, cpuPerStep, samples };
}

/**
 * The same SQL a step needs, straight through pg as the request role, at the same concurrency,
 * in the same loop shape (an intake and a resolve around every six steps): BEGIN, the tenant
 * setting, the current-node check (row locked), the step insert, the walk update, COMMIT.
 */
export async function baselineLoad(
  urls: DatabaseUrls,
  accounts: SeededAccount[],
  concurrency: number,
  seconds: number,
  warmupSeconds = 3,
): Promise<ThroughputResult> {
  const pool = benchPool({ connectionString: urls.app, max: concurrency });
  const w: Window = { start: Date.now() + warmupSeconds * 1000, end: Date.now() + (warmupSeconds + seconds) * 1000 };
  const nodes = new Map(OUTLOOK_FLOW.nodes.map((n) => [n.id, n]));
  const versions = benchPool({ connectionString: urls.system, max: 1 });
  const flowVersion = new Map<string, string>();
  for (const a of accounts) {
    const { rows } = await versions.query<{ latest_version_id: string }>('SELECT latest_version_id FROM flows WHERE id = $1', [
      a.outlookFlowId,
    ]);
    flowVersion.set(a.id, rows[0]!.latest_version_id);
  }
  await versions.end();
  const samples: number[] = [];
  let errors = 0;
  const client = async (c: { id: string; accountId: string; flowId: string }) => {
    while (Date.now() < w.end) {
      const db = await pool.connect();
      try {
        await db.query('BEGIN');
        await db.query(`SELECT set_config('app.current_account_id', $1, true)`, [c.accountId]);
        const { rows } = await db.query<{ id: string; ticket: string }>(
          `WITH t AS (INSERT INTO internal_tickets (account_id, customer_name, customer_contact, problem_statement, status, created_by)
             VALUES ($1, 'Bench Co', 'it@bench.test', 'Outlook will not connect', 'open', $2) RETURNING id)
           INSERT INTO walk_sessions (account_id, kind, flow_id, flow_version_id, internal_ticket_id, current_node_id, created_by, handler_user_id)
           SELECT $1, 'flow', $3, $4, t.id, 'opens', $2, $2 FROM t RETURNING id, internal_ticket_id AS ticket`,
          [c.accountId, c.id, c.flowId, flowVersion.get(c.accountId)],
        );
        await db.query('COMMIT');
        const walk = rows[0]!;
        for (const [nodeId, answer] of PATH) {
          const t0 = performance.now();
          await db.query('BEGIN');
          await db.query(`SELECT set_config('app.current_account_id', $1, true)`, [c.accountId]);
          const cur = await db.query<{ current_node_id: string; status: string; handler_user_id: string; step_count: number }>(
            'SELECT current_node_id, version, status, handler_user_id, step_count FROM walk_sessions WHERE id = $1 FOR UPDATE',
            [walk.id],
          );
          const w0 = cur.rows[0]!;
          const step = resolveStep(nodes.get(nodeId)!, answer);
          if (w0.current_node_id !== nodeId || w0.status !== 'active' || w0.handler_user_id !== c.id || !step.ok) {
            await db.query('ROLLBACK');
            errors++;
            break;
          }
          await db.query(
            `INSERT INTO walk_steps (account_id, session_id, seq, node_id, question, answer, answer_label, yes_label, no_label, next_node_id, actor_id, client_step_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
            [
              c.accountId,
              walk.id,
              w0.step_count + 1,
              nodeId,
              step.question,
              answer,
              step.answerLabel,
              step.yesLabel,
              step.noLabel,
              step.nextNodeId,
              c.id,
              randomUUID(),
            ],
          );
          await db.query(
            'UPDATE walk_sessions SET current_node_id = $2, version = version + 1, step_count = step_count + 1, last_step_at = now() WHERE id = $1',
            [walk.id, step.nextNodeId],
          );
          await db.query('COMMIT');
          const ms = performance.now() - t0;
          const now = Date.now();
          if (now >= w.start && now <= w.end) samples.push(ms);
        }
        await db.query('BEGIN');
        await db.query(`SELECT set_config('app.current_account_id', $1, true)`, [c.accountId]);
        await db.query(
          `UPDATE walk_sessions SET status = 'resolved', helpful = true, resolution_notes = 'Fixed', resolved_at = now(), ended_at = now(), version = version + 1 WHERE id = $1`,
          [walk.id],
        );
        await db.query(`UPDATE internal_tickets SET status = 'resolved', resolution_notes = 'Fixed', resolved_at = now() WHERE id = $1`, [
          walk.ticket,
        ]);
        await db.query('COMMIT');
      } catch {
        errors++;
        await db.query('ROLLBACK').catch(() => undefined);
      } finally {
        db.release();
      }
    }
  };
  let cpu0: CpuSample | null = null;
  let cpu1: CpuSample | null = null;
  const t1 = setTimeout(() => (cpu0 = cpuNow(null)), w.start - Date.now());
  const t2 = setTimeout(() => (cpu1 = cpuNow(null)), w.end - Date.now());
  await Promise.all(clientsFor(accounts, concurrency).map((u) => client({ id: u.id, accountId: u.accountId, flowId: u.flowId })));
  clearTimeout(t1);
  clearTimeout(t2);
  await pool.end();
  const cpuPerStep = cpu0 && cpu1 ? cpuPer(cpu0, cpu1, samples.length) : undefined;
  return { concurrency, seconds, stepsPerSecond: samples.length / seconds, latency: summarize(samples), errors, cpuPerStep, samples };
}
