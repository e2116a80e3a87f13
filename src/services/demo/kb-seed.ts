import type pg from 'pg';
import { chunkMarkdown } from '../kb/chunk.ts';
import { articleBody, contentHash } from '../kb/normalise.ts';
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
    const chunks = chunkMarkdown(body, a.title);
    await db.query(
      `WITH d AS (
         INSERT INTO kb_documents (account_id, title, body, format, source, category, content_hash, created_by)
         VALUES ($1, $2, $3, $4, 'upload', $5, $6, $7) RETURNING id, account_id, title
       )
       INSERT INTO kb_chunks (account_id, document_id, ordinal, document_title, heading_path, text)
       SELECT d.account_id, d.id, c.ordinal, d.title, ARRAY(SELECT jsonb_array_elements_text(c.path::jsonb)), c.text
       FROM d, unnest($8::int[], $9::text[], $10::text[]) AS c(ordinal, path, text)`,
      [
        accountId,
        a.title,
        body,
        a.format,
        a.category,
        contentHash(body),
        createdBy,
        chunks.map((c) => c.ordinal),
        chunks.map((c) => JSON.stringify(c.headingPath)),
        chunks.map((c) => c.text),
      ],
    );
  }
}
