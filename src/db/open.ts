import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { bootstrapRoles, type DatabaseUrls, databaseName, ensureDatabase } from './bootstrap.ts';
import { type EmbeddedServer, startEmbeddedPostgres } from './embedded.ts';
import { migrate } from './migrate.ts';

export const EMBEDDED_DB = 'l1workspace';

/**
 * The product's database, ready for use: DATABASE_URL, or embedded Postgres in DATA_DIR (shared
 * with a running `npm start`); roles bootstrapped and migrations applied. `npm start` and the
 * operator commands open it the same way.
 */
export async function openDatabase(config: Config, logger: Logger): Promise<{ urls: DatabaseUrls; embedded?: EmbeddedServer }> {
  let adminUrl = config.DATABASE_URL;
  if (adminUrl) databaseName(adminUrl);
  const embedded = adminUrl ? undefined : await startEmbeddedPostgres({ dataDir: config.DATA_DIR, port: config.EMBEDDED_PG_PORT, logger });
  try {
    if (embedded) {
      await ensureDatabase(embedded.adminUrl(), EMBEDDED_DB);
      adminUrl = embedded.adminUrl(EMBEDDED_DB);
    }
    const urls = await bootstrapRoles(adminUrl!, logger);
    await migrate(urls.admin, logger);
    return { urls, embedded };
  } catch (err) {
    await embedded?.stop().catch(() => undefined);
    throw err;
  }
}
