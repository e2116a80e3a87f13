// `npm run bench`: boots the product (embedded Postgres, or BENCH_DATABASE_URL) in a process of its
// own, seeds several accounts, drives it over HTTP and graphql-ws the way clients do, runs the raw
// SQL baseline in the same run against the same database, prints a table and writes
// bench/results/<timestamp>.json.
//
//   BENCH_SECONDS=20        measured seconds per throughput run and side, summed over its legs
//                           (each leg after a 2 s ramp)
//   BENCH_LEGS=4            each throughput run is split into this many legs, product and baseline
//                           alternating (ABBA…), so both see the same machine: on a shared host
//                           the speed drifts by tens of percent within minutes
//   BENCH_WARMUP_SECONDS=15 the fresh server process runs the recordStep loop this long first, so
//                           the measured runs see steady state rather than the JIT compiling
//   BENCH_ONLY=recordStep,live,intake,idleSockets,sweep   a subset
//   BENCH_INTAKE_DOCS=10000 BENCH_INTAKE_FLOWS=500   the intake leg's KB and flow library (it also
//                           runs at a tenth of the documents, to show the cost does not grow with them)
//   BENCH_SWEEP_WALKS=1000000 BENCH_SWEEP_STALE=100000
//   BENCH_STATEMENTS=1      load pg_stat_statements (embedded Postgres only) and record the
//                           statements that took the most Postgres time in each throughput run
//   BENCH_PG_SETTINGS='wal_buffers=64MB;…'  extra embedded Postgres settings
//   BENCH_DB_POOL_SIZE=8    the server's DB_POOL_SIZE instead of the product's default
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { benchDatabase, ROOT, SERVER_POOL_SIZE, seed, startServer } from './setup.ts';
import { analyze, type StatementStat, statementStats } from './statements.ts';
import { idleSockets } from './workloads/idle-sockets.ts';
import { intakeLoad, type IntakeLegResult, seedDocuments, seedFlows } from './workloads/intake.ts';
import { liveLoad } from './workloads/live.ts';
import { baselineLoad, mergeLegs, recordStepLoad, type ThroughputResult } from './workloads/record-step.ts';
import { sweepLoad } from './workloads/sweep.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 15);
const LEGS = Math.max(1, Number(process.env.BENCH_LEGS ?? 4));
const ONLY = new Set((process.env.BENCH_ONLY ?? 'recordStep,live,intake,idleSockets,sweep').split(','));
const GOALS = {
  throughputRatio: 0.75,
  p99At10: 20,
  p99At50: 75,
  deliveryP50Ms: 5,
  deliveryP99Ms: 25,
  idleRssMb: 500,
  sweepSeconds: 3,
  intakeP99Ms: 30,
  kbSearchP99Ms: 20,
  intakeGrowth: 1.5,
};

function log(msg: string) {
  process.stdout.write(`${msg}\n`);
}

async function main() {
  const started = new Date();
  log(
    `L1 Workspace benchmark — ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, ${SECONDS} s per throughput run, server pool ${SERVER_POOL_SIZE}`,
  );
  const db = await benchDatabase();
  const results: Record<string, unknown> = {
    startedAt: started.toISOString(),
    machine: { cores: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? null, node: process.version },
    ...(process.env.BENCH_PG_SETTINGS ? { postgresSettings: process.env.BENCH_PG_SETTINGS } : {}),
    serverPoolSize: SERVER_POOL_SIZE,
  };
  try {
    log('seeding 4 accounts …');
    const accounts = await seed(db.urls, { accounts: 4, l1PerAccount: 30, coverersPerAccount: 25 });
    const server = await startServer(db.urls);
    log(`server pid ${server.pid} at ${server.url}`);
    try {
      if (ONLY.has('recordStep')) {
        if (WARMUP_SECONDS > 0) {
          log(`warming the server up for ${WARMUP_SECONDS} s …`);
          await recordStepLoad(server.url, accounts, 10, WARMUP_SECONDS, 0, server.pid);
        }
        // Statistics, vacuumed tables and a checkpoint, as any database has them past its first
        // minutes. Without statistics Postgres cannot tell an RLS account index from a primary key,
        // and a lookup by id in the product and the baseline alike can scan the account's rows.
        await analyze(db.urls.admin);
        const recordStep: ThroughputResult[] = [];
        const baseline: ThroughputResult[] = [];
        const stats = process.env.BENCH_STATEMENTS && !process.env.BENCH_DATABASE_URL ? await statementStats(db.urls.admin) : null;
        const statements: Record<string, StatementStat[]> = {};
        try {
          for (const c of [10, 50]) {
            log(`recordStep and baseline at ${c} clients, ${LEGS} interleaved legs …`);
            const legs: Record<'recordStep' | 'baseline', ThroughputResult[]> = { recordStep: [], baseline: [] };
            const seconds = SECONDS / LEGS;
            for (let i = 0; i < LEGS; i++) {
              // A B B A …: a steady drift in the machine's speed weighs on both sides alike.
              for (const side of i % 2 === 0 ? (['recordStep', 'baseline'] as const) : (['baseline', 'recordStep'] as const)) {
                if (side === 'recordStep') legs.recordStep.push(await recordStepLoad(server.url, accounts, c, seconds, 2, server.pid));
                else legs.baseline.push(await baselineLoad(db.urls, accounts, c, seconds, 2));
              }
            }
            // Per-statement Postgres time: one more leg of each, on its own (resetting the
            // statistics in between would otherwise cut the legs above apart).
            if (stats) {
              await stats.reset();
              await recordStepLoad(server.url, accounts, c, seconds, 1, server.pid);
              statements[`recordStepAt${c}`] = await stats.top();
              await stats.reset();
              await baselineLoad(db.urls, accounts, c, seconds, 1);
              statements[`baselineAt${c}`] = await stats.top();
            }
            recordStep.push(mergeLegs(legs.recordStep));
            baseline.push(mergeLegs(legs.baseline));
          }
        } finally {
          await stats?.close();
        }
        results.recordStep = recordStep;
        results.baseline = baseline;
        if (stats) results.statements = statements;
        results.throughputRatio = Object.fromEntries(
          recordStep.map((r, i) => [`at${r.concurrency}`, Math.round((r.stepsPerSecond / baseline[i]!.stepsPerSecond) * 1000) / 1000]),
        );
      }
      if (ONLY.has('live')) {
        log('live: 1000 watchers over 100 walks at 100 steps/s …');
        results.live = await liveLoad(server.url, accounts, { walks: 100, perWalk: 10, seconds: SECONDS });
      }
      if (ONLY.has('intake')) {
        const docs = Number(process.env.BENCH_INTAKE_DOCS ?? 10_000);
        const flows = Number(process.env.BENCH_INTAKE_FLOWS ?? 500);
        const small = Math.round(docs / 10);
        const [account] = await seed(db.urls, { accounts: 1, l1PerAccount: 10, coverersPerAccount: 1 });
        const author = account!.coverers[0]!.id;
        log(`intake: ${flows} published flows and ${small} KB documents …`);
        await seedFlows(db.urls, account!, author, 0, flows);
        await seedDocuments(db.urls, account!, author, 0, small);
        await intakeLoad(server.url, account!, small, flows, 3); // warm-up: the JIT, the plans, the caches
        const legs: IntakeLegResult[] = [await intakeLoad(server.url, account!, small, flows, SECONDS / 2, server.pid)];
        log(`intake: ${docs} KB documents …`);
        await seedDocuments(db.urls, account!, author, small, docs);
        legs.push(await intakeLoad(server.url, account!, docs, flows, SECONDS / 2, server.pid));
        results.intake = legs;
      }
    } finally {
      await server.stop();
    }
    if (ONLY.has('idleSockets')) {
      // A server process of its own, so the per-socket figure is not blurred by an earlier load's heap.
      log('idle sockets: 5000 on a fresh server …');
      const fresh = await startServer(db.urls);
      try {
        results.idleSockets = await idleSockets(fresh, accounts, 5000);
      } finally {
        await fresh.stop();
      }
    }
    if (ONLY.has('sweep')) {
      const walks = Number(process.env.BENCH_SWEEP_WALKS ?? 1_000_000);
      const stale = Number(process.env.BENCH_SWEEP_STALE ?? 100_000);
      log(`sweep: seeding ${walks} walks, ${stale} stale …`);
      results.sweep = await sweepLoad(db.urls, accounts, walks, stale);
    }
  } finally {
    await db.close();
  }

  // The table.
  const rows: Array<[string, string, string, string]> = [];
  const ok = (pass: boolean) => (pass ? 'ok' : 'MISSED');
  const rs = results.recordStep as ThroughputResult[] | undefined;
  const bl = results.baseline as ThroughputResult[] | undefined;
  const ratio = results.throughputRatio as Record<string, number> | undefined;
  if (rs && bl && ratio) {
    for (const [i, r] of rs.entries()) {
      const goal = r.concurrency === 10 ? GOALS.p99At10 : GOALS.p99At50;
      rows.push([
        `recordStep @${r.concurrency}`,
        `${r.stepsPerSecond.toFixed(0)}/s  p50 ${r.latency.p50Ms} p95 ${r.latency.p95Ms} p99 ${r.latency.p99Ms} ms  (${r.errors} errors)`,
        `p99 ≤ ${goal} ms`,
        ok(r.latency.p99Ms <= goal && r.errors === 0),
      ]);
      rows.push([
        `baseline @${r.concurrency}`,
        `${bl[i]!.stepsPerSecond.toFixed(0)}/s  p50 ${bl[i]!.latency.p50Ms} p99 ${bl[i]!.latency.p99Ms} ms`,
        '',
        '',
      ]);
      if (r.legs && r.legs.length > 1)
        rows.push([`  legs @${r.concurrency}`, `product ${r.legs.join(' ')}; baseline ${bl[i]!.legs!.join(' ')} steps/s`, '', '']);
      const cp = (x?: { serverMs: number; postgresMs: number; clientMs: number }) =>
        x ? `server ${x.serverMs} + postgres ${x.postgresMs} + client ${x.clientMs}` : 'n/a';
      rows.push([`  CPU ms/step @${r.concurrency}`, `product: ${cp(r.cpuPerStep)}; baseline: ${cp(bl[i]!.cpuPerStep)}`, '', '']);
      const x = ratio[`at${r.concurrency}`]!;
      rows.push([`throughputRatio @${r.concurrency}`, x.toFixed(3), `≥ ${GOALS.throughputRatio}`, ok(x >= GOALS.throughputRatio)]);
    }
  }
  const live = results.live as Awaited<ReturnType<typeof liveLoad>> | undefined;
  if (live) {
    rows.push([
      'live delivery',
      `p50 ${live.deliveryP50Ms} p99 ${live.deliveryP99Ms} ms over ${live.deliveries} deliveries (${live.stepsPerSecond.toFixed(0)} steps/s)`,
      `p50 ≤ ${GOALS.deliveryP50Ms}, p99 ≤ ${GOALS.deliveryP99Ms}`,
      ok(live.deliveryP50Ms <= GOALS.deliveryP50Ms && live.deliveryP99Ms <= GOALS.deliveryP99Ms),
    ]);
    rows.push([
      'live lost/dup/out-of-order',
      `${live.lost} / ${live.duplicated} / ${live.outOfOrder}`,
      '0 / 0 / 0',
      ok(live.lost + live.duplicated + live.outOfOrder === 0),
    ]);
  }
  const intake = results.intake as IntakeLegResult[] | undefined;
  if (intake) {
    for (const r of intake) {
      const big = r === intake.at(-1);
      const outcomes = Object.entries(r.intake.outcomes)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
      rows.push([
        `intake @${r.concurrency}, ${r.documents} docs`,
        `${r.intake.perSecond.toFixed(0)}/s  p50 ${r.intake.p50Ms} p99 ${r.intake.p99Ms} ms  (${r.intake.errors} errors; ${outcomes})`,
        big ? `p99 ≤ ${GOALS.intakeP99Ms} ms` : '',
        big ? ok(r.intake.p99Ms <= GOALS.intakeP99Ms && r.intake.errors === 0) : '',
      ]);
      rows.push([
        `kbSearch @${r.concurrency}, ${r.documents} docs`,
        `${r.kbSearch.perSecond.toFixed(0)}/s  p50 ${r.kbSearch.p50Ms} p99 ${r.kbSearch.p99Ms} ms  (${r.kbSearch.errors} errors)`,
        big ? `p99 ≤ ${GOALS.kbSearchP99Ms} ms` : '',
        big ? ok(r.kbSearch.p99Ms <= GOALS.kbSearchP99Ms && r.kbSearch.errors === 0) : '',
      ]);
      const cp = (x?: { serverMs: number; postgresMs: number }) => (x ? `server ${x.serverMs} + postgres ${x.postgresMs}` : 'n/a');
      rows.push([
        `  CPU ms/call, ${r.documents} docs`,
        `intake: ${cp(r.intake.cpuPerCall)}; kbSearch: ${cp(r.kbSearch.cpuPerCall)}`,
        '',
        '',
      ]);
    }
    if (intake.length === 2) {
      const growth = intake[1]!.intake.p99Ms / intake[0]!.intake.p99Ms;
      const searchGrowth = intake[1]!.kbSearch.p99Ms / intake[0]!.kbSearch.p99Ms;
      results.intakeGrowth = { intake: Math.round(growth * 100) / 100, kbSearch: Math.round(searchGrowth * 100) / 100 };
      rows.push([
        'intake p99 growth ×10 docs',
        `intake ×${growth.toFixed(2)}, kbSearch ×${searchGrowth.toFixed(2)}`,
        `≤ ×${GOALS.intakeGrowth}`,
        ok(growth <= GOALS.intakeGrowth),
      ]);
    }
  }
  const idle = results.idleSockets as Awaited<ReturnType<typeof idleSockets>> | undefined;
  if (idle) {
    rows.push([
      'idle sockets',
      `${idle.connected} connected, RSS ${idle.rssMb} MB (${idle.perSocketKb} KB each)`,
      `≤ ${GOALS.idleRssMb} MB`,
      ok(idle.rssMb <= GOALS.idleRssMb && idle.connected === idle.sockets),
    ]);
  }
  const sweep = results.sweep as Awaited<ReturnType<typeof sweepLoad>> | undefined;
  if (sweep) {
    rows.push([
      'sweep',
      `${sweep.abandoned} of ${sweep.walks} in ${sweep.seconds} s (second run ${sweep.secondRunSeconds} s; CPU per walk: postgres ${sweep.cpuPerWalk.postgresUs} µs, sweeper ${sweep.cpuPerWalk.sweeperUs} µs)`,
      `≤ ${GOALS.sweepSeconds} s`,
      ok(sweep.seconds <= GOALS.sweepSeconds),
    ]);
  }
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  log('');
  for (const r of rows) log(`  ${r[0].padEnd(w[0]!)}  ${r[1].padEnd(w[1]!)}  ${r[2].padEnd(w[2]!)}  ${r[3]}`);
  const statements = results.statements as Record<string, StatementStat[]> | undefined;
  for (const [run, top] of Object.entries(statements ?? {})) {
    log(`\n  Postgres time by statement, ${run}:`);
    for (const st of top.slice(0, 5)) {
      log(
        `    ${String(st.totalMs).padStart(7)} ms  ${String(st.calls).padStart(7)} calls  ${st.meanMs.toFixed(3)} ms  ${String(st.buffersPerCall).padStart(5)} buf  ${st.query}`,
      );
    }
  }
  results.goals = GOALS;
  results.finishedAt = new Date().toISOString();
  const dir = path.join(ROOT, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${started.toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
  log(`\nwrote ${path.relative(ROOT, file)}`);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err?.stack ?? err}\n`);
  process.exit(1);
});
