import pg from 'pg';

export interface StatementStat {
  query: string;
  calls: number;
  totalMs: number;
  meanMs: number;
  buffersPerCall: number;
}

/**
 * Postgres time per statement during a run (pg_stat_statements, loaded when BENCH_STATEMENTS=1):
 * where a regression such as a stale plan shows by name rather than as a lower ratio.
 */
export async function statementStats(adminUrl: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  return {
    reset: async () => {
      await client.query('SELECT pg_stat_statements_reset()');
    },
    top: async (n = 8): Promise<StatementStat[]> => {
      const { rows } = await client.query<{ q: string; calls: string; total: number; mean: number; blks: string }>(
        `SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 100) AS q, calls, total_exec_time AS total, mean_exec_time AS mean,
           (shared_blks_hit + shared_blks_read) / greatest(calls, 1) AS blks
         FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
         ORDER BY total_exec_time DESC LIMIT $1`,
        [n],
      );
      const r2 = (x: number) => Math.round(x * 1000) / 1000;
      return rows.map((r) => ({
        query: r.q,
        calls: Number(r.calls),
        totalMs: Math.round(r.total),
        meanMs: r2(r.mean),
        buffersPerCall: Number(r.blks),
      }));
    },
    close: () => client.end(),
  };
}

/**
 * Settle the bench database after the warm-up: VACUUM ANALYZE (statistics for the planner, cached
 * plans re-made with them) and a CHECKPOINT. Otherwise autovacuum's workers and the checkpointer
 * catch up on the warm-up's writes during the first measured leg, on the same two cores.
 */
export async function analyze(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query('VACUUM ANALYZE');
    // Needs superuser or pg_checkpoint (an external BENCH_DATABASE_URL may have neither).
    await client.query('CHECKPOINT').catch(() => undefined);
  } finally {
    await client.end();
  }
}
