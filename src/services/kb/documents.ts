import { z } from 'zod';
import { sql } from '../../db/tenant.ts';
import type { Caller } from '../caller.ts';
import { category as catalogueCategory } from '../categories/catalogue.ts';
import { DuplicateKbDocumentError, NotFoundError, ValidationError } from '../errors.ts';
import { requireUser } from '../identity/principal.ts';
import { parse, text, uuid } from '../validation.ts';
import {
  articleBody,
  contentHash,
  decodeText,
  formatOf,
  KbContentRefused,
  type KbFormat,
  MAX_KB_BYTES,
  MAX_TITLE_LENGTH,
  titleFrom,
} from './normalise.ts';
import { archiveDocument, insertDocument, updateDocument } from './write.ts';

/**
 * The knowledge base's articles (DESIGN §12): pasted or uploaded, normalised, chunked, refused when
 * they are a duplicate (by content) or not an article at all. Reads are in reads.ts; retrieval in
 * search.ts.
 */

type Query = { include?: object; select?: object };

/** At most this many files in one import. */
export const MAX_IMPORT_FILES = 20;

const categoryKey = z
  .string()
  .nullish()
  .transform((k) => (k?.trim() ? k.trim() : null))
  .refine((k) => k === null || !!catalogueCategory(k), 'is not an L1 category');

const createInput = z.object({
  title: text(MAX_TITLE_LENGTH, 1),
  // Checked for size and readable text once normalised (articleBody), in the same words as a file.
  body: text(MAX_KB_BYTES),
  format: z.enum(['markdown', 'html', 'text']).default('markdown'),
  category: categoryKey,
});

function refusedBody(e: unknown): never {
  if (e instanceof KbContentRefused)
    throw ValidationError.of('body', `The article can’t be saved: ${e.message.charAt(0).toLowerCase()}${e.message.slice(1)}`);
  throw e;
}

async function existingWithHash(hash: string, exceptId: string | null) {
  const { rows } = await sql<{ id: string; title: string }>(
    `SELECT id, title FROM kb_documents WHERE content_hash = $1 AND status = 'active' AND ($2::uuid IS NULL OR id <> $2) LIMIT 1`,
    [hash, exceptId],
  );
  return rows[0] ?? null;
}

function load(ctx: Caller, query: Query, id: string) {
  return ctx.deps.prisma.kbDocument.findUniqueOrThrow({ ...query, where: { id } });
}

/** A pasted (or typed) article. */
export async function create(
  ctx: Caller,
  query: Query,
  input: { title: string; body: string; format?: string | null; category?: string | null },
) {
  const p = requireUser(ctx);
  const v = parse(createInput, { ...input, format: input.format ?? undefined });
  let body: string;
  try {
    body = articleBody(v.body, v.format);
  } catch (e) {
    refusedBody(e);
  }
  const hash = contentHash(body);
  const id = await insertDocument(ctx, p.accountId, p.userId, {
    title: v.title,
    body,
    format: v.format,
    source: 'paste',
    category: v.category,
    contentHash: hash,
    action: 'kb.document.create',
  });
  if (!id) throw new DuplicateKbDocumentError((await existingWithHash(hash, null))!);
  return { document: await load(ctx, query, id) };
}

export interface UploadedFile {
  name: string;
  size: number;
  bytes(): Promise<Uint8Array>;
}

export type KbFileResult =
  | { fileName: string; status: 'imported'; message: string; documentId: string }
  | { fileName: string; status: 'duplicate'; message: string; documentId: string }
  | { fileName: string; status: 'rejected'; message: string; documentId: null };

/** One file: refused (stores nothing), a duplicate (stores nothing, names the article), or imported. */
async function importOne(ctx: Caller, accountId: string, userId: string, f: UploadedFile): Promise<KbFileResult> {
  const fileName = f.name.replace(/\p{Cc}|\p{Cs}/gu, '').slice(0, 255) || 'unnamed file';
  const rejected = (why: string): KbFileResult => ({ fileName, status: 'rejected', message: `${fileName}: ${why}`, documentId: null });
  try {
    if (f.size > MAX_KB_BYTES) return rejected(`It is larger than 5 MB (${(f.size / 1048576).toFixed(1)} MB).`);
    formatOf(fileName, '');
    const content = decodeText(await f.bytes());
    const format = formatOf(fileName, content);
    const body = articleBody(content, format);
    const hash = contentHash(body);
    const title = titleFrom(body, fileName);
    const id = await insertDocument(ctx, accountId, userId, {
      title,
      body,
      format,
      source: 'upload',
      category: null,
      contentHash: hash,
      action: 'kb.document.import',
      fileName,
    });
    if (!id) {
      const existing = (await existingWithHash(hash, null))!;
      return {
        fileName,
        status: 'duplicate',
        message: `${fileName}: already in the knowledge base as “${existing.title}”; not imported again.`,
        documentId: existing.id,
      };
    }
    return { fileName, status: 'imported', message: `${fileName}: imported as “${title}”.`, documentId: id };
  } catch (e) {
    if (e instanceof KbContentRefused) return rejected(e.message);
    throw e;
  }
}

/** Several files at once: one result per file, in order; each stands or is refused on its own. */
export async function importFiles(ctx: Caller, files: UploadedFile[]): Promise<KbFileResult[]> {
  const p = requireUser(ctx);
  if (!files.length) throw ValidationError.of('files', 'Choose at least one file to import.');
  if (files.length > MAX_IMPORT_FILES) throw ValidationError.of('files', `Import at most ${MAX_IMPORT_FILES} files at a time.`);
  const results: KbFileResult[] = [];
  for (const f of files) results.push(await importOne(ctx, p.accountId, p.userId, f));
  return results;
}

const updateInput = z.object({
  id: uuid,
  title: text(MAX_TITLE_LENGTH, 1).nullish(),
  body: text(MAX_KB_BYTES).nullish(),
  format: z.enum(['markdown', 'html', 'text']).nullish(),
  category: categoryKey.optional(),
});

/**
 * Changes an article. A new body is read in the format given (else as Markdown: what an editor
 * sends back is the stored body, edited), normalised and re-chunked; so is a new title (chunks
 * carry it). Content equal to another active article is a duplicate. `category: ""` (or null)
 * clears the category; leaving it out keeps it.
 */
export async function update(
  ctx: Caller,
  query: Query,
  input: { id: string; title?: string | null; body?: string | null; format?: string | null; category?: string | null },
) {
  const p = requireUser(ctx);
  const v = parse(updateInput, { ...input, category: 'category' in input && input.category !== undefined ? input.category : undefined });
  const { rows } = await sql<{ title: string; body: string; format: KbFormat; category: string | null; content_hash: string }>(
    'SELECT title, body, format, category, content_hash FROM kb_documents WHERE id = $1 FOR UPDATE',
    [v.id],
  );
  const cur = rows[0];
  if (!cur) throw new NotFoundError('KbDocument');
  // `format` records the original's; a body sent without one is the stored Markdown, edited.
  const format = v.format ?? cur.format;
  let body = cur.body;
  if (v.body != null) {
    try {
      body = articleBody(v.body, v.format ?? 'markdown');
    } catch (e) {
      refusedBody(e);
    }
  }
  const title = v.title ?? cur.title;
  const category = v.category === undefined ? cur.category : v.category;
  const hash = contentHash(body);
  const changed = [
    ...(title !== cur.title ? ['title'] : []),
    ...(body !== cur.body ? ['body'] : []),
    ...(format !== cur.format ? ['format'] : []),
    ...(category !== cur.category ? ['category'] : []),
  ];
  if (changed.length) {
    if (hash !== cur.content_hash) {
      const dup = await existingWithHash(hash, v.id);
      if (dup) throw new DuplicateKbDocumentError(dup);
    }
    await updateDocument(
      ctx,
      v.id,
      p.userId,
      { title, body, format, category, contentHash: hash, changed },
      changed.includes('title') || changed.includes('body'),
    );
  }
  return { document: await load(ctx, query, v.id) };
}

/** Hides an article from search and from intake; it stays readable by id (walks cite its chunks). */
export async function archive(ctx: Caller, query: Query, input: { id: string }) {
  const p = requireUser(ctx);
  const { id } = parse(z.object({ id: uuid }), input);
  const found = await ctx.deps.prisma.kbDocument.findUnique({ where: { id }, select: { id: true } });
  if (!found) throw new NotFoundError('KbDocument');
  await archiveDocument(ctx, id, p.userId);
  return { document: await load(ctx, query, id) };
}
