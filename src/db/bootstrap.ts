import { createHmac } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../logger.ts';
import { StartupError } from './embedded.ts';

export const APP_ROLE = 'l1_app';
export const SYSTEM_ROLE = 'l1_system';

export interface DatabaseUrls {
  /** Owner/superuser: migrations and bootstrap only. */
  admin: string;
  /** Request traffic: owns nothing, no BYPASSRLS, sees one tenant at a time. */
  app: string;
  /** Jobs (pg-boss, the sweep, notification fan-out): may cross tenants. */
  system: string;
}

function withCredentials(url: string, user: string, password: string): string {
  const u = new URL(url);
  u.username = encodeURIComponent(user);
  u.password = encodeURIComponent(password);
  return u.toString();
}

/**
 * Role passwords are derived from the admin credentials, so every instance started with the same
 * DATABASE_URL computes the same ones and concurrent start-ups never lock each other out.
 */
function rolePassword(adminUrl: string, role: string): string {
  // Roles are cluster-wide: key on the server and credentials, not the database name.
  const u = new URL(adminUrl);
  const key = `${u.username}:${u.password}@${u.host}`;
  return createHmac('sha256', key).update(`l1-workspace:${role}`).digest('base64url');
}

export function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!name) throw new StartupError('DATABASE_URL must name a database');
  return name;
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    const u = new URL(url);
    throw new StartupError(`Cannot reach Postgres at ${u.hostname}:${u.port || 5432}/${u.pathname.slice(1)}: ${(err as Error).message}`);
  }
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Create a database if missing (used for the embedded cluster and for tests). */
export async function ensureDatabase(serverAdminUrl: string, name: string, template?: string): Promise<void> {
  await withClient(serverAdminUrl, async (c) => {
    const { rowCount } = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return;
    try {
      await c.query(`CREATE DATABASE ${c.escapeIdentifier(name)}${template ? ` TEMPLATE ${c.escapeIdentifier(template)}` : ''}`);
    } catch (err) {
      // Another instance created it first.
      if ((err as { code?: string }).code !== '42P04') throw err;
    }
  });
}

async function ensureRole(c: pg.Client, role: string, password: string): Promise<void> {
  const exists = await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  const pw = c.escapeLiteral(password);
  const attrs = 'LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION';
  if (!exists.rowCount) {
    try {
      await c.query(`CREATE ROLE ${c.escapeIdentifier(role)} ${attrs} PASSWORD ${pw}`);
      return;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code !== '42710' && code !== '23505') throw err;
    }
  }
  await c.query(`ALTER ROLE ${c.escapeIdentifier(role)} ${attrs} PASSWORD ${pw}`);
}

/**
 * Roles and database-level grants. Runs with the admin URL before migrations; the migrations
 * themselves grant table privileges and create the RLS policies.
 */
/** Role DDL touches cluster-wide catalogs; concurrent start-ups on other databases can collide. */
async function retryCatalogRace<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= 5 || !/tuple concurrently (updated|deleted)/.test((err as Error).message)) throw err;
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 150));
    }
  }
}

export async function bootstrapRoles(adminUrl: string, logger: Logger, opts: { rolesExist?: boolean } = {}): Promise<DatabaseUrls> {
  const db = databaseName(adminUrl);
  const appPassword = rolePassword(adminUrl, APP_ROLE);
  const systemPassword = rolePassword(adminUrl, SYSTEM_ROLE);
  await withClient(adminUrl, async (c) => {
    const me = await c.query<{ rolsuper: boolean; rolcreaterole: boolean }>(
      'SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = current_user',
    );
    const { rolsuper, rolcreaterole } = me.rows[0] ?? { rolsuper: false, rolcreaterole: false };
    if (!rolsuper && !rolcreaterole) {
      throw new StartupError('DATABASE_URL must be a superuser or a role with CREATEROLE (it creates l1_app and l1_system).');
    }
    // Serialises start-ups on this database (advisory locks are per database, hence the retries).
    await c.query('SELECT pg_advisory_lock(727073)');
    try {
      if (!opts.rolesExist) {
        await retryCatalogRace(() => ensureRole(c, APP_ROLE, appPassword));
        await retryCatalogRace(() => ensureRole(c, SYSTEM_ROLE, systemPassword));
      }
      const q = c.escapeIdentifier(db);
      await retryCatalogRace(() => c.query(`GRANT CONNECT ON DATABASE ${q} TO ${APP_ROLE}`));
      // pg-boss keeps its tables in a schema of its own, created by the system role.
      await retryCatalogRace(() => c.query(`GRANT CONNECT, CREATE ON DATABASE ${q} TO ${SYSTEM_ROLE}`));
    } finally {
      await c.query('SELECT pg_advisory_unlock(727073)');
    }
  });
  logger.debug({ database: db }, 'database roles ready');
  return {
    admin: adminUrl,
    app: withCredentials(adminUrl, APP_ROLE, appPassword),
    system: withCredentials(adminUrl, SYSTEM_ROLE, systemPassword),
  };
}
