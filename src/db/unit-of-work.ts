import { PAYLOAD_SAVEPOINT } from './tenant-connection.ts';
import { savepoint } from './tenant-tx.ts';
import { currentScope, type Scope } from './tenant-scope.ts';

/**
 * Each root mutation field is its own unit of work (README "Atomicity"). A field that ends in a
 * refusal (a typed error) or throws leaves nothing behind; its siblings keep what they wrote; once
 * a field's resolver has returned a success its writes stand, whatever reading its payload does.
 *
 * - Alone in its operation, the field owns the transaction: a failure flags it rollback-only (a
 *   write that already carried its COMMIT promised to decide the field, see SqlOptions.commit).
 * - Among several, the field runs in a savepoint, rolled back on failure.
 * - Its payload is read after `SAVEPOINT payload` (sent only if the payload reads at all, queued
 *   ahead of its first statement), rolled back when the next field starts or before COMMIT: a
 *   failed read cannot abort the transaction that holds the decided writes.
 */

class Refused extends Error {
  constructor(readonly result: unknown) {
    super('refused');
  }
}

/** The previous field's payload is read: discard what reading it left, an aborted statement included. */
async function endPayload(s: Scope): Promise<void> {
  s.payloadPhase = false;
  if (!s.payloadSavepoint) return;
  s.payloadSavepoint = false;
  const client = s.client ?? (s.opening ? await s.opening : null);
  if (!client) return;
  s.queryCount++;
  await client.query(`ROLLBACK TO SAVEPOINT ${PAYLOAD_SAVEPOINT}; RELEASE SAVEPOINT ${PAYLOAD_SAVEPOINT}`);
}

function decided(s: Scope, key: string): void {
  s.saved.push(key);
  s.payloadPhase = true;
}

/**
 * Run one root mutation field (`key`, its response key) as a unit of work. `shared`: the operation
 * has other root fields. `refused` tells a typed error from a result.
 */
export async function unitOfWork<T>(key: string, shared: boolean, fn: () => Promise<T> | T, refused: (r: unknown) => boolean): Promise<T> {
  const s = currentScope();
  await endPayload(s);
  s.keepWritesOnError = false;
  if (!shared) {
    let result: T;
    try {
      result = await fn();
    } catch (err) {
      s.rollbackOnly = true;
      throw err;
    }
    if (refused(result) && !s.keepWritesOnError) s.rollbackOnly = true;
    else decided(s, key);
    return result;
  }
  try {
    const result = await savepoint(async () => {
      const r = await fn();
      if (refused(r) && !s.keepWritesOnError) throw new Refused(r);
      return r;
    });
    decided(s, key);
    return result;
  } catch (err) {
    if (err instanceof Refused) return err.result as T;
    throw err;
  }
}
