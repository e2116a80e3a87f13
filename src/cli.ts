// Operator commands for accounts, run against DATABASE_URL or the embedded Postgres in DATA_DIR
// (shared with a running `npm start`):
//   npm run account:create -- --name "Acme MSP" --owner ada@acme.example [--engineer-seats 5] [--l1-seats 3]
//   npm run demo:remove -- --yes
import { parseArgs } from 'node:util';
import pg from 'pg';
import { ConfigError, loadConfig } from './config.ts';
import { type EmbeddedServer, StartupError } from './db/embedded.ts';
import { MigrationError } from './db/migrate.ts';
import { openDatabase } from './db/open.ts';
import { createLogger } from './logger.ts';
import { createAccount } from './services/identity/accounts.ts';
import { removeDemoAccounts } from './services/demo/seed.ts';
import { ValidationError } from './services/errors.ts';

const USAGE = `usage:
  npm run account:create -- --name "Acme MSP" --owner ada@acme.example [--engineer-seats N] [--l1-seats N]
  npm run demo:remove -- --yes`;

function seats(v: string | undefined, flag: string): number | null {
  if (v === undefined || v === 'unlimited') return null;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw new ValidationError([{ path: [flag], message: `--${flag} must be a whole number or "unlimited"` }]);
  return n;
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  const { values } = parseArgs({
    args: rest,
    options: {
      name: { type: 'string' },
      owner: { type: 'string' },
      'engineer-seats': { type: 'string' },
      'l1-seats': { type: 'string' },
      yes: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (command !== 'account:create' && command !== 'demo:remove') throw new ConfigError(USAGE);
  if (command === 'account:create' && (!values.name || !values.owner)) throw new ConfigError(`--name and --owner are required\n${USAGE}`);
  if (command === 'demo:remove' && !values.yes) {
    throw new ConfigError('This deletes the "Demo MSP" and "Other MSP" accounts and everything in them; run again with --yes to go ahead.');
  }
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
  let embedded: EmbeddedServer | undefined;
  try {
    const db = await openDatabase(config, logger);
    embedded = db.embedded;
    if (command === 'account:create') {
      const created = await withClient(db.urls.system, (c) =>
        createAccount(
          c,
          {
            name: values.name!,
            ownerEmail: values.owner!,
            engineerSeats: seats(values['engineer-seats'], 'engineer-seats'),
            l1Seats: seats(values['l1-seats'], 'l1-seats'),
          },
          { publicUrl: config.publicUrl, now: new Date() },
        ),
      );
      process.stdout.write(
        `Created "${values.name}". Send this link to ${values.owner!.toLowerCase().trim()}; it is valid for 7 days and works once:\n  ${created.acceptUrl}\n`,
      );
    } else {
      const r = await withClient(db.urls.system, (c) => removeDemoAccounts(c));
      process.stdout.write(
        r.accounts ? `Removed ${r.accounts} demo account(s) and their ${r.users} user(s).\n` : 'There were no demo accounts.\n',
      );
    }
  } finally {
    await embedded?.stop();
  }
}

main().catch((err: unknown) => {
  const message =
    err instanceof ValidationError
      ? err.issues.map((i) => i.message).join('; ')
      : err instanceof StartupError || err instanceof ConfigError || err instanceof MigrationError
        ? err.message
        : `failed: ${(err as Error).message}`;
  process.stderr.write(`l1-workspace: ${message}\n`);
  process.exitCode = 1;
});
