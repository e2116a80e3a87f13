/**
 * One database transaction per unit of request work, with the tenant set locally.
 *
 * Every GraphQL operation runs inside a tenant scope: a pooled connection as l1_app, `BEGIN` and
 * `set_config('app.current_account_id', …, true)` sent in one round trip (with the principal
 * lookup), then the work, then COMMIT. RLS does the isolation; with no account the setting is
 * empty and every tenant table reads as empty.
 *
 * A scope can also be lazy (each subscription event): the transaction opens only when something
 * actually queries, so an event that carries its own state costs no database round trip.
 *
 * A mutation's deciding write can carry the COMMIT too (`sql(…, { commit: true })`): statement and
 * COMMIT leave in one write, and the operation needs no round trip for its COMMIT. How a mutation's
 * root fields stay atomic on every path is in unit-of-work.ts (and README "Atomicity").
 *
 * Prisma runs inside the same transaction through `RoutedPool`: a pg.Pool look-alike handed to
 * @prisma/adapter-pg whose queries go to the connection of the scope found in AsyncLocalStorage.
 * Prisma's own transactions inside it become savepoints. Outside a scope it refuses to run, so
 * nothing can query without the tenant setting by accident. (Why not Prisma's interactive
 * $transaction: measured here at ~2.5x the CPU of raw pg for the same statements, and the hot paths
 * need raw SQL in the same transaction anyway.)
 *
 * The pieces: tenant-scope.ts (the scope's state), tenant-connection.ts (how statements reach the
 * connection), tenant-tx.ts (the transaction and its helpers), routed-pool.ts (Prisma's way in),
 * unit-of-work.ts (one root mutation field). Importers use this file.
 */

export {
  currentScope,
  currentTx,
  type EarlyCommit,
  isUuid,
  maybeTx,
  NoTransactionError,
  type Scope,
  type TxState,
  txObservers,
} from './tenant-scope.ts';
export {
  afterCommit,
  MixedTenantOperation,
  savepoint,
  sql,
  type SqlOptions,
  switchTenant,
  type TenantTxOptions,
  withTenantTx,
} from './tenant-tx.ts';
export { RoutedPool } from './routed-pool.ts';
export { unitOfWork } from './unit-of-work.ts';
