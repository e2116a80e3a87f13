import { sql } from '../../db/tenant.ts';
import type { KbSearchRow } from '../kb/search.ts';

/**
 * The KB chunks a BUILD intake listed on its walk, as search hits (chunk, document, score at
 * intake, and a snippet with the statement's words marked), in the order intake ranked them. A
 * chunk deleted since is skipped.
 */
export async function knowledgeHits(chunks: ReadonlyArray<{ chunkId: string; score: number }>, statement: string): Promise<KbSearchRow[]> {
  if (!chunks.length) return [];
  const { rows } = await sql<{ score: number; snippet: string; chunk: KbSearchRow['chunk']; document: KbSearchRow['document'] }>(
    `SELECT k.score,
       ts_headline('l1_english', regexp_replace(c.text, '</?mark>', '', 'gi'), plainto_tsquery('l1_english', $3),
         'StartSel=<mark>, StopSel=</mark>, MaxWords=35, MinWords=15, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "') AS snippet,
       json_build_object('id', c.id, 'accountId', c.account_id, 'documentId', c.document_id, 'ordinal', c.ordinal,
         'documentTitle', c.document_title, 'headingPath', c.heading_path, 'text', c.text) AS chunk,
       json_build_object('id', d.id, 'accountId', d.account_id, 'title', d.title, 'body', d.body, 'format', d.format,
         'source', d.source, 'externalId', d.external_id, 'externalUrl', d.external_url, 'upstreamUpdatedAt', d.upstream_updated_at,
         'category', d.category, 'contentHash', d.content_hash, 'status', d.status, 'createdById', d.created_by,
         'createdAt', d.created_at, 'updatedAt', d.updated_at) AS document
     FROM unnest($1::uuid[], $2::float8[]) WITH ORDINALITY AS k(id, score, ord)
     JOIN kb_chunks c ON c.id = k.id JOIN kb_documents d ON d.id = c.document_id
     ORDER BY k.ord`,
    [chunks.map((c) => c.chunkId), chunks.map((c) => c.score), statement],
  );
  return rows.map((r) => ({
    chunkId: r.chunk.id,
    score: Number(r.score),
    snippet: r.snippet,
    chunk: r.chunk,
    document: {
      ...r.document,
      createdAt: new Date(r.document.createdAt),
      updatedAt: new Date(r.document.updatedAt),
      upstreamUpdatedAt: r.document.upstreamUpdatedAt ? new Date(r.document.upstreamUpdatedAt) : null,
    },
  }));
}
