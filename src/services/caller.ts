import type { Principal } from './identity/principal.ts';
import type { Deps } from './deps.ts';

/**
 * Who calls a service and through what: the ports and the acting principal, plus where the call
 * came from for audit rows. The GraphQL context is one (src/schema/context.ts extends it); a job
 * or the CLI builds its own. Services take this, never the GraphQL context.
 */
export interface Caller {
  deps: Deps;
  principal: Principal;
  clientIp: string | null;
  userAgent: string | null;
}
