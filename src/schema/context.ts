import type { Caller } from '../services/caller.ts';
import type { Credentials } from '../services/identity/principal.ts';

/**
 * What every resolver receives. Built once per operation (and per socket). Services see only its
 * `Caller` part; the principal is resolved inside the operation's tenant transaction, before any
 * resolver runs.
 */
export interface Context extends Caller {
  credentials: Credentials;
  request: Request;
  /** Root mutation fields in this operation; decides between whole-rollback and savepoints. */
  mutationRootFields: number;
  /** The socket's id when the operation arrived over graphql-ws. */
  socketId: string | null;
}
