import { sql } from '../../db/tenant.ts';
import type { Caller } from '../caller.ts';
import { auditRow } from '../audit/audit.ts';
import { chunkMarkdown } from './chunk.ts';
import type { KbFormat } from './normalise.ts';

/**
 * The statements that store an article and its chunks. Each write is one statement: the document
 * row, its chunks (unnest of parallel arrays) and its audit row travel together, so an article is
 * never stored without its chunks or without its audit row.
 */

export type KbSource = 'upload' | 'paste' | 'it_glue' | 'hudu' | 'ms_graph';

export interface NewDocument {
  title: string;
  body: string;
  format: KbFormat;
  source: KbSource;
  category: string | null;
  contentHash: string;
  /** The audit action: kb.document.create (a paste) or kb.document.import (a file). */
  action: 'kb.document.create' | 'kb.document.import';
  fileName?: string;
}

/** An article's chunks as the parallel arrays CHUNKS_FROM unnests. */
export function chunkArrays(body: string, title: string) {
  const chunks = chunkMarkdown(body, title);
  return {
    count: chunks.length,
    ordinals: chunks.map((c) => c.ordinal),
    // Postgres has no array of arrays of varying length: each path travels as one JSON array.
    paths: chunks.map((c) => JSON.stringify(c.headingPath)),
    texts: chunks.map((c) => c.text),
  };
}

/** The chunk rows of document `d`, from the arrays at placeholders $A $B $C (see chunkArrays). */
export const CHUNKS_FROM = `SELECT d.account_id, d.id, c.ordinal, d.title,
         ARRAY(SELECT jsonb_array_elements_text(c.path::jsonb)), c.text
       FROM d, unnest($A::int[], $B::text[], $C::text[]) AS c(ordinal, path, text)`;

/**
 * Inserts the document unless an active one of the account has the same content; returns its id,
 * or null when it is a duplicate (nothing written).
 */
export async function insertDocument(ctx: Caller, accountId: string, userId: string, d: NewDocument): Promise<string | null> {
  const c = chunkArrays(d.body, d.title);
  const now = ctx.deps.clock.now();
  const { rows } = await sql<{ id: string }>(
    `WITH d AS (
       INSERT INTO kb_documents (account_id, title, body, format, source, category, content_hash, created_by, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
       ON CONFLICT (account_id, content_hash) WHERE status = 'active' DO NOTHING
       RETURNING id, account_id, title
     ), ch AS (
       INSERT INTO kb_chunks (account_id, document_id, ordinal, document_title, heading_path, text)
       ${CHUNKS_FROM.replace('$A', '$10').replace('$B', '$11').replace('$C', '$12')}
     ), a AS (
       ${auditRow({
         action: d.action,
         entityType: 'kb_document',
         from: 'd',
         account: 'd.account_id',
         actor: '$8::uuid',
         entityId: 'd.id',
         actingAs: 'NULL',
         at: '$9',
         payload: `jsonb_build_object('title', d.title, 'format', $4::text, 'source', $5::text, 'chunks', $13::int, 'fileName', $14::text)`,
       })}
     )
     SELECT id FROM d`,
    [
      accountId,
      d.title,
      d.body,
      d.format,
      d.source,
      d.category,
      d.contentHash,
      userId,
      now,
      c.ordinals,
      c.paths,
      c.texts,
      c.count,
      d.fileName ?? null,
    ],
  );
  return rows[0]?.id ?? null;
}

export interface DocumentChange {
  title: string;
  body: string;
  format: KbFormat;
  category: string | null;
  contentHash: string;
  /** What the audit row lists as changed. */
  changed: string[];
}

/** Rewrites a document and, when its title or body changed, its chunks. */
export async function updateDocument(ctx: Caller, id: string, userId: string, u: DocumentChange, rechunk: boolean): Promise<void> {
  const c = rechunk ? chunkArrays(u.body, u.title) : { count: 0, ordinals: [], paths: [], texts: [] };
  const now = ctx.deps.clock.now();
  // Its own statement first: the sub-statements of one statement run in no set order, and the new
  // chunks reuse the old ones' (document, ordinal) keys.
  if (rechunk) await sql('DELETE FROM kb_chunks WHERE document_id = $1', [id]);
  await sql(
    `WITH d AS (
       UPDATE kb_documents SET title = $2, body = $3, format = $4, category = $5, content_hash = $6, updated_at = $7
       WHERE id = $1 RETURNING id, account_id, title
     ), ch AS (
       INSERT INTO kb_chunks (account_id, document_id, ordinal, document_title, heading_path, text)
       ${CHUNKS_FROM.replace('$A', '$8').replace('$B', '$9').replace('$C', '$10')} WHERE $12::boolean
     ), a AS (
       ${auditRow({
         action: 'kb.document.update',
         entityType: 'kb_document',
         from: 'd',
         account: 'd.account_id',
         actor: '$11::uuid',
         entityId: 'd.id',
         actingAs: 'NULL',
         at: '$7',
         payload: `jsonb_build_object('title', d.title, 'changed', to_jsonb($13::text[]), 'chunks', $14::int)`,
       })}
     )
     SELECT 1 FROM d`,
    [id, u.title, u.body, u.format, u.category, u.contentHash, now, c.ordinals, c.paths, c.texts, userId, rechunk, u.changed, c.count],
  );
}

/** Archives an active document (an archived one is left as it is, with no second audit row). */
export async function archiveDocument(ctx: Caller, id: string, userId: string): Promise<void> {
  await sql(
    `WITH d AS (
       UPDATE kb_documents SET status = 'archived', updated_at = $2 WHERE id = $1 AND status = 'active'
       RETURNING id, account_id, title
     ), a AS (
       ${auditRow({
         action: 'kb.document.archive',
         entityType: 'kb_document',
         from: 'd',
         account: 'd.account_id',
         actor: '$3::uuid',
         entityId: 'd.id',
         actingAs: 'NULL',
         at: '$2',
         payload: `jsonb_build_object('title', d.title)`,
       })}
     )
     SELECT 1 FROM d`,
    [id, ctx.deps.clock.now(), userId],
  );
}
