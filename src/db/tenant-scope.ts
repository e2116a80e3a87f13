import { AsyncLocalStorage } from 'node:async_hooks';
import type pg from 'pg';

/** The state of one tenant scope (see tenant.ts), found through AsyncLocalStorage. */

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: unknown): s is string => typeof s === 'string' && UUID_RE.test(s);

export type Hook = () => void | Promise<void>;

/** A COMMIT sent with a statement, and the hooks of the work it commits (run once it is confirmed). */
export interface EarlyCommit {
  done: Promise<pg.QueryResult>;
  hooks: Hook[];
}

export interface Scope {
  readonly pool: pg.Pool;
  /** The tenant of this scope; changing it after the transaction opened goes through switchTenant. */
  accountId: string | null;
  client: pg.PoolClient | null;
  opening: Promise<pg.PoolClient> | null;
  /** Set when the operation's only root field failed: its transaction must leave nothing behind. */
  rollbackOnly: boolean;
  /**
   * Set by a service whose refusal must still be recorded (a replayed refresh token revokes its
   * family, an expired one is consumed): the typed error then does not undo the field's writes.
   * Reset at the start of every root mutation field (unit-of-work.ts).
   */
  keepWritesOnError: boolean;
  savepointSeq: number;
  /** Savepoints open now (ours and Prisma's nested transactions). */
  savepointDepth: number;
  /**
   * May a statement carry the transaction's COMMIT (`sql`'s `commit` option)? Set by the GraphQL
   * layer for a mutation with a single root field, whose transaction is that field's alone.
   */
  commitAhead: boolean;
  /**
   * Root fields of the GraphQL operation this scope serves (1 outside GraphQL). A field that moves
   * the scope to another tenant (signing in, reading an invite) must be the operation's only one.
   */
  rootFields: number;
  /** COMMITs sent with a statement: those transactions have ended (their outcome is checked at the end). */
  committed: EarlyCommit[];
  /** The connection kept after a COMMIT went out with a statement, for any statement after it. */
  held: pg.PoolClient | null;
  /** Run after COMMIT succeeds (publishing, enqueuing); dropped on rollback. */
  readonly afterCommit: Hook[];
  /**
   * A root mutation field's writes are decided and its payload is being read: nothing that happens
   * now (a failed read included) may undo them (unit-of-work.ts).
   */
  payloadPhase: boolean;
  /** The payload's statements run after `SAVEPOINT payload`, which is rolled back when the phase ends. */
  payloadSavepoint: boolean;
  /** Response keys of the root mutation fields whose writes stand. */
  readonly saved: string[];
  /** Statements sent, for query-count assertions in tests. */
  queryCount: number;
}

/** Kept for readability at call sites that flag the operation's outcome. */
export type TxState = Scope;

export const storage = new AsyncLocalStorage<Scope>();

export class NoTransactionError extends Error {
  constructor() {
    super('Database access outside a tenant transaction');
  }
}

export function currentScope(): Scope {
  const s = storage.getStore();
  if (!s) throw new NoTransactionError();
  return s;
}
export const currentTx = currentScope;

export function maybeTx(): Scope | undefined {
  return storage.getStore();
}

/** Called when a tenant scope ends (tests assert query counts through this). */
export const txObservers = new Set<(s: Scope) => void>();

export function literal(accountId: string | null): string {
  if (accountId !== null && !isUuid(accountId)) throw new Error('invalid account id');
  return accountId ?? '';
}

export function newScope(pool: pg.Pool, accountId: string | null): Scope {
  return {
    pool,
    accountId,
    client: null,
    opening: null,
    rollbackOnly: false,
    keepWritesOnError: false,
    savepointSeq: 0,
    savepointDepth: 0,
    commitAhead: false,
    rootFields: 1,
    committed: [],
    held: null,
    afterCommit: [],
    payloadPhase: false,
    payloadSavepoint: false,
    saved: [],
    queryCount: 0,
  };
}
