import type pg from 'pg';
import { articleBody, contentHash } from '../kb/normalise.ts';
import { CHUNKS_FROM, chunkArrays } from '../kb/write.ts';
import { DEMO_KB_HTML_ARTICLES } from './kb-articles-html.ts';
import { DEMO_KB_MARKDOWN_ARTICLES, type DemoKbArticle } from './kb-articles.ts';

export const DEMO_KB_ARTICLES: DemoKbArticle[] = [...DEMO_KB_MARKDOWN_ARTICLES, ...DEMO_KB_HTML_ARTICLES];

/**
 * The demo knowledge base, stored the way an import stores it (normalised, chunked, hashed), by
 * the seed's own connection and transaction.
 */
export async function seedDemoKnowledgeBase(db: pg.ClientBase, accountId: string, createdBy: string): Promise<void> {
  for (const a of DEMO_KB_ARTICLES) {
    const body = articleBody(a.body, a.format);
    const c = chunkArrays(body, a.title);
    await db.query(
      `WITH d AS (
         INSERT INTO kb_documents (account_id, title, body, format, source, category, content_hash, created_by)
         VALUES ($1, $2, $3, $4, 'upload', $5, $6, $7) RETURNING id, account_id, title
       )
       INSERT INTO kb_chunks (account_id, document_id, ordinal, document_title, heading_path, text)
       ${CHUNKS_FROM.replace('$A', '$8').replace('$B', '$9').replace('$C', '$10')}`,
      [accountId, a.title, body, a.format, a.category, contentHash(body), createdBy, c.ordinals, c.paths, c.texts],
    );
  }
}
