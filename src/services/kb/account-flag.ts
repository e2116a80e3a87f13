import { sql } from '../../db/tenant.ts';
import type { KbHit, KnowledgeBase } from '../ports.ts';

/**
 * The knowledge base as the account records it today: a flag set when one was connected. The
 * document store of DESIGN §12 replaces this adapter behind the same port.
 */
export class AccountFlagKnowledgeBase implements KnowledgeBase {
  async hasContent(): Promise<boolean> {
    const { rows } = await sql<{ connected: boolean }>('SELECT knowledge_base_connected_at IS NOT NULL AS connected FROM accounts LIMIT 1');
    return rows[0]?.connected ?? false;
  }

  async relevant(): Promise<KbHit[]> {
    return [];
  }
}
