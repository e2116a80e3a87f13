import type { DatabaseUrls } from '../../src/db/bootstrap.ts';
import { EventBus } from '../../src/services/live/event-bus.ts';
import { abandonIdleWalks } from '../../src/services/walks/sweep.ts';
import { cpuNow } from '../cpu.ts';
import { benchPool, type SeededAccount } from '../setup.ts';

export interface SweepResult {
  walks: number;
  stale: number;
  abandoned: number;
  seconds: number;
  seedSeconds: number;
  secondRunSeconds: number;
  /**
   * CPU per abandoned walk: Postgres (every backend) and this process (reading the rows and
   * publishing them). The sweep is CPU-bound on two cores, so these say how much of a miss is the
   * host: the same code measured 59–90 µs of Postgres CPU per walk on one host within an hour.
   */
  cpuPerWalk: { postgresUs: number; sweeperUs: number };
}

/**
 * `total` active walks (with their tickets) spread over the accounts, `stale` of them idle for
 * two days; then the product's own sweep, timed, and a second run that must find nothing.
 */
export async function sweepLoad(urls: DatabaseUrls, accounts: SeededAccount[], total: number, stale: number): Promise<SweepResult> {
  const db = benchPool({ connectionString: urls.admin, max: 4 });
  const t0 = performance.now();
  const per = Math.ceil(total / accounts.length);
  const stalePer = Math.ceil(stale / accounts.length);
  await Promise.all(
    accounts.map(async (a, i) => {
      const user = a.l1[0]!.id;
      const n = Math.min(per, total - i * per);
      const s = Math.min(stalePer, stale - i * stalePer);
      await db.query(
        `WITH t AS (
           INSERT INTO internal_tickets (account_id, customer_name, customer_contact, problem_statement, status, created_by)
           SELECT $1, 'C', 'c@bench.test', 'Sweep bench', 'open', $2 FROM generate_series(1, $3) RETURNING id
         ), numbered AS (SELECT id, row_number() OVER () AS n FROM t)
         INSERT INTO walk_sessions (account_id, kind, internal_ticket_id, created_by, handler_user_id, started_at, last_step_at)
         SELECT $1, 'adhoc', id, $2, $2, now() - interval '3 days',
           CASE WHEN n <= $4 THEN now() - interval '48 hours' ELSE now() - interval '1 hour' END
         FROM numbered`,
        [a.id, user, n, s],
      );
    }),
  );
  await db.query('VACUUM ANALYZE walk_sessions');
  await db.query('VACUUM ANALYZE internal_tickets');
  // Let the seeding's write-back finish first: an hourly sweep meets a settled database, not one
  // still flushing a million fresh rows. (Needs superuser or pg_checkpoint; skipped otherwise.)
  await db.query('CHECKPOINT').catch(() => undefined);
  const seedSeconds = (performance.now() - t0) / 1000;
  await db.end();

  const system = benchPool({ connectionString: urls.system, max: 2 });
  const events = EventBus.local();
  const now = new Date();
  const cutoff = new Date(now.getTime() - 24 * 3600_000);
  const c0 = cpuNow(null);
  const r = await abandonIdleWalks(system, events, { cutoff, now });
  const c1 = cpuNow(null);
  const again = await abandonIdleWalks(system, events, { cutoff, now: new Date() });
  await system.end();
  await events.close();
  if (again.abandoned !== 0) throw new Error('second sweep changed rows');
  return {
    walks: total,
    stale,
    abandoned: r.abandoned,
    seconds: Math.round(r.ms) / 1000,
    seedSeconds: Math.round(seedSeconds),
    secondRunSeconds: Math.round(again.ms) / 1000,
    cpuPerWalk: {
      postgresUs: Math.round(((c1.postgres - c0.postgres) * 1000) / Math.max(1, r.abandoned)),
      sweeperUs: Math.round(((c1.client - c0.client) * 1000) / Math.max(1, r.abandoned)),
    },
  };
}
