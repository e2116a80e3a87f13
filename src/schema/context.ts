import type { Deps } from '../deps.ts';
import type { Credentials, Principal } from '../services/identity/principal.ts';

/** What every resolver and service receives. Built once per operation (and per socket). */
export interface Context {
  deps: Deps;
  credentials: Credentials;
  /** Resolved inside the operation's tenant transaction, before any resolver runs. */
  principal: Principal;
  clientIp: string | null;
  userAgent: string | null;
  request: Request;
  /** Root mutation fields in this operation; decides between whole-rollback and savepoints. */
  mutationRootFields: number;
  /** The socket's id when the operation arrived over graphql-ws. */
  socketId: string | null;
}
