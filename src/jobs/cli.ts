// Operator commands: `npm run jobs:sweep` runs the abandonment sweep now and prints how many walks
// it ended; `npm run jobs:dead-letters` lists escalation notifications that ran out of retries, and
// outbox messages whose hand-off to their job did.
// Uses DATABASE_URL, or the embedded Postgres in DATA_DIR (shared if `npm start` is running).
import pg from 'pg';
import { ConfigError, loadConfig } from '../config.ts';
import { type EmbeddedServer, StartupError } from '../db/embedded.ts';
import { openDatabase } from '../db/open.ts';
import { createLogger } from '../logger.ts';
import { EventBus } from '../services/live/event-bus.ts';
import { deadMessages } from '../services/outbox/store.ts';
import { abandonIdleWalks } from '../services/walks/sweep.ts';
import { BOSS_SCHEMA } from './queue.ts';
import { ESCALATION_DEAD_LETTER } from './escalation-notify.ts';

async function main() {
  const command = process.argv[2];
  if (command !== 'sweep' && command !== 'dead-letters') {
    process.stderr.write('usage: tsx src/jobs/cli.ts sweep|dead-letters\n');
    process.exit(2);
  }
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
  let embedded: EmbeddedServer | undefined;
  try {
    const db = await openDatabase(config, logger);
    embedded = db.embedded;
    const { urls } = db;
    const pool = new pg.Pool({ connectionString: urls.system, max: 2 });
    try {
      if (command === 'sweep') {
        const events = config.REDIS_URL ? await EventBus.redis(config.REDIS_URL, logger) : EventBus.local();
        const now = new Date();
        const r = await abandonIdleWalks(pool, events, { cutoff: new Date(now.getTime() - config.ABANDON_AFTER_HOURS * 3600_000), now });
        await events.close();
        process.stdout.write(
          `Abandoned ${r.abandoned} walk${r.abandoned === 1 ? '' : 's'} idle for more than ${config.ABANDON_AFTER_HOURS} h (${Math.round(r.ms)} ms).\n`,
        );
      } else {
        const { rows } = await pool
          .query(`SELECT id, created_on, data, output FROM ${BOSS_SCHEMA}.job WHERE name = $1 ORDER BY created_on DESC LIMIT 100`, [
            ESCALATION_DEAD_LETTER,
          ])
          .catch(() => ({ rows: [] as Array<Record<string, unknown>> }));
        process.stdout.write(`${rows.length} dead-lettered job(s) in ${ESCALATION_DEAD_LETTER}\n`);
        for (const r of rows) process.stdout.write(`${JSON.stringify(r)}\n`);
        const dead = await deadMessages(pool).catch(() => []);
        process.stdout.write(`${dead.length} dead outbox message(s)\n`);
        for (const m of dead) process.stdout.write(`${JSON.stringify(m)}\n`);
      }
    } finally {
      await pool.end();
    }
  } catch (err) {
    const message = err instanceof StartupError || err instanceof ConfigError ? err.message : `failed: ${(err as Error).message}`;
    process.stderr.write(`l1-workspace jobs: ${message}\n`);
    process.exitCode = 1;
  } finally {
    await embedded?.stop();
  }
}

void main();
