import pg from 'pg';
import { type App, buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { type EmbeddedServer, StartupError } from './db/embedded.ts';
import { MigrationError } from './db/migrate.ts';
import { openDatabase } from './db/open.ts';
import { resolveJwtSecret } from './lib/jwt.ts';
import { createLogger, type Logger } from './logger.ts';
import { DEMO_PASSWORD, DEMO_USERS, demoSignInsStillOpen, seedDemo } from './services/demo/seed.ts';

function fail(message: string, logger?: Logger): never {
  if (logger) logger.fatal(message);
  // One clear line on stderr, whatever the log format.
  process.stderr.write(`l1-workspace: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const started = Date.now();
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    fail(err instanceof ConfigError ? err.message : String(err));
  }
  const logger = createLogger(config.LOG_LEVEL, { service: 'l1-workspace' });

  let embedded: EmbeddedServer | undefined;
  let app: App | undefined;
  let stopping = false;
  let noAccounts = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    await app?.close().catch((err) => logger.error({ err }, 'error while closing the app'));
    await embedded?.stop().catch((err) => logger.error({ err }, 'error while stopping postgres'));
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  try {
    const db = await openDatabase(config, logger);
    embedded = db.embedded;
    const { urls } = db;
    const client = new pg.Client({ connectionString: urls.system });
    await client.connect();
    try {
      if (config.seedDemo) await seedDemo(client, logger);
      noAccounts = (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM accounts')).rows[0]?.n === 0;
      if (config.NODE_ENV === 'production') {
        const open = await demoSignInsStillOpen(client);
        if (open.length) {
          throw new StartupError(
            `NODE_ENV=production, but demo sign-ins with the published password "${DEMO_PASSWORD}" exist (${open.join(', ')}). ` +
              'Remove the demo accounts with `npm run demo:remove`, or start without NODE_ENV=production.',
          );
        }
      }
    } finally {
      await client.end();
    }
    const jwtSecret = await resolveJwtSecret(config.JWT_SECRET, config.DATA_DIR);
    app = await buildApp({ config, urls, logger, jwtSecret });
    try {
      await app.listen(config.PORT, config.HOST);
    } catch (err) {
      const code = (err as { code?: string }).code;
      throw new StartupError(
        code === 'EADDRINUSE'
          ? `PORT ${config.PORT} is already in use; set PORT to a free port.`
          : `Cannot listen on ${config.HOST}:${config.PORT}: ${(err as Error).message}`,
      );
    }
  } catch (err) {
    await app?.close().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    if (err instanceof StartupError || err instanceof MigrationError) fail(err.message, logger);
    fail(`start-up failed: ${(err as Error).message}`, logger);
  }

  const url = config.publicUrl;
  const lines = [
    '',
    `  L1 Workspace is running at ${url}  (GraphQL: ${url}/graphql, ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
    embedded ? `  Database: embedded Postgres, data in ${config.DATA_DIR}` : '  Database: DATABASE_URL',
  ];
  if (noAccounts) {
    lines.push('  No accounts yet: create the first with  npm run account:create -- --name "Your MSP" --owner you@example.com');
  } else if (config.seedDemo) {
    lines.push(`  Demo sign-ins (password "${DEMO_PASSWORD}"): ${DEMO_USERS.map((u) => u.email).join(', ')}`);
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
}

void main();
