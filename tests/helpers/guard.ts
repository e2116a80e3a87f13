export const TEMPLATE_PREFIX = 'l1test_tpl_';
export const DB_PREFIX = 'l1test_';

/**
 * Tests create, fill and drop databases. Refuse anything that is not unmistakably a test
 * database, so a mistyped TEST_DATABASE_URL can never touch real data.
 */
export function assertTestDatabase(url: string): void {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!name.startsWith(DB_PREFIX)) {
    throw new Error(`Refusing to run tests against database "${name}": test databases are named ${DB_PREFIX}*`);
  }
}
