import pg from 'pg';
import { connection, shieldPayload } from './tenant-connection.ts';
import { maybeTx, NoTransactionError, type Scope } from './tenant-scope.ts';

/** What Prisma sees as a pooled connection: the scope's own, with BEGIN/COMMIT as savepoints. */
function nestedClient(s: Scope, client: pg.PoolClient): pg.PoolClient {
  let depth = 0;
  const names: string[] = [];
  const query = (config: unknown, values?: unknown) => {
    const text = typeof config === 'string' ? config : (config as { text?: string })?.text;
    s.queryCount++;
    if (text === 'BEGIN') {
      const name = `prisma_${++s.savepointSeq}`;
      names.push(name);
      depth++;
      s.savepointDepth++;
      return client.query(`SAVEPOINT ${name}`);
    }
    if (text === 'COMMIT' && depth > 0) {
      depth--;
      s.savepointDepth--;
      return client.query(`RELEASE SAVEPOINT ${names.pop()}`);
    }
    if (text === 'ROLLBACK' && depth > 0) {
      depth--;
      s.savepointDepth--;
      return client.query(`ROLLBACK TO SAVEPOINT ${names.pop()}`);
    }
    if (text?.startsWith('SET TRANSACTION')) return Promise.resolve({ rows: [], rowCount: 0, fields: [] });
    return (client.query as (...a: unknown[]) => unknown)(config, values);
  };
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'query') return query;
      if (prop === 'release') return () => undefined;
      if (prop === 'on' || prop === 'removeListener' || prop === 'off') return () => receiver;
      return Reflect.get(target, prop, receiver);
    },
  });
}

/**
 * The pool handed to Prisma. It never opens connections of its own.
 * It must be a pg.Pool: adapter-pg treats anything else as connection options.
 */
export class RoutedPool extends pg.Pool {
  constructor() {
    super({ max: 1 });
    this.query = ((...args: unknown[]) => {
      const s = maybeTx();
      if (!s) return Promise.reject(new NoTransactionError());
      return connection(s).then((client) => {
        shieldPayload(s, client);
        s.queryCount++;
        return (client.query as (...a: unknown[]) => unknown)(...args);
      });
    }) as pg.Pool['query'];
    this.connect = (() => {
      const s = maybeTx();
      if (!s) return Promise.reject(new NoTransactionError());
      return connection(s).then((client) => {
        shieldPayload(s, client);
        return nestedClient(s, client);
      });
    }) as pg.Pool['connect'];
  }
}
