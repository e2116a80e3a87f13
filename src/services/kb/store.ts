import { sql } from '../../db/tenant.ts';
import type { KbHit, KnowledgeBase } from '../ports.ts';
import { type KbSearchRow, relevant } from './search.ts';

export function toKbHit(r: KbSearchRow): KbHit {
  return { chunkId: r.chunk.id, documentId: r.document.id, title: r.document.title, headingPath: r.chunk.headingPath, score: r.score };
}

/**
 * The knowledge base port over the document store (DESIGN §12): the current account's active
 * articles. An account whose knowledge base was marked connected before the store existed
 * (accounts.knowledge_base_connected_at) still counts as having one.
 */
export class DocumentStoreKnowledgeBase implements KnowledgeBase {
  constructor(private readonly floor: number) {}

  async hasContent(): Promise<boolean> {
    const { rows } = await sql<{ has: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM kb_documents WHERE status = 'active')
         OR EXISTS (SELECT 1 FROM accounts WHERE knowledge_base_connected_at IS NOT NULL) AS has`,
    );
    return rows[0]?.has ?? false;
  }

  async relevant(query: string, limit: number): Promise<KbHit[]> {
    return (await relevant(query, limit, this.floor)).map(toKbHit);
  }
}
