import { sql } from '../../db/tenant.ts';
import type { Caller } from '../caller.ts';
import { ValidationError } from '../errors.ts';
import { filterText, likeLiteral, uuid } from '../validation.ts';

type Query = { include?: object; select?: object };

export interface KbDocumentPage<T> {
  nodes: T[];
  hasNextPage: boolean;
  endCursor: string | null;
  totalCount: () => Promise<number>;
}

/** Opaque cursor over (created_at, id), newest first. */
function encodeCursor(d: { createdAt: Date; id: string }): string {
  return Buffer.from(`${d.createdAt.toISOString()}|${d.id}`).toString('base64url');
}
function decodeCursor(c: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(c, 'base64url').toString().split('|');
  const createdAt = new Date(at ?? '');
  if (!id || Number.isNaN(createdAt.getTime()) || !uuid.safeParse(id).success)
    throw ValidationError.of('after', 'This list changed; reload the page to see more.');
  return { createdAt, id };
}

/**
 * Documents whose title contains the words (accents and case aside; the trigram index serves it)
 * or whose text matches them as a web search would.
 */
async function matching(search: string): Promise<string[]> {
  const { rows } = await sql<{ id: string }>(
    `SELECT id FROM kb_documents WHERE l1_unaccent(lower(title)) LIKE '%' || l1_unaccent(lower($1)) || '%'
     UNION
     SELECT document_id FROM l1_kb.matching_chunks(websearch_to_tsquery('english', l1_unaccent($2)), 5000)
     LIMIT 5000`,
    [likeLiteral(search), search],
  );
  return rows.map((r) => r.id);
}

/**
 * The library: newest first, active only unless archived ones are asked for, optionally narrowed
 * to titles or text containing the search words. `totalCount` is counted only when selected.
 */
export async function list(
  ctx: Caller,
  query: Query,
  f: { search?: string | null; first?: number | null; after?: string | null; includeArchived?: boolean | null },
) {
  const take = Math.min(Math.max(f.first ?? 25, 1), 100);
  const search = filterText(f.search, 200);
  const where = {
    ...(f.includeArchived ? {} : { status: 'active' }),
    ...(search ? { id: { in: await matching(search) } } : {}),
  };
  const before = f.after ? decodeCursor(f.after) : null;
  const keyset = before ? { OR: [{ createdAt: { lt: before.createdAt } }, { createdAt: before.createdAt, id: { lt: before.id } }] } : {};
  const rows = await ctx.deps.prisma.kbDocument.findMany({
    ...query,
    where: before ? { AND: [where, keyset] } : where,
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: take + 1,
  });
  const nodes = rows.slice(0, take);
  return {
    nodes,
    hasNextPage: rows.length > take,
    endCursor: nodes.length ? encodeCursor(nodes[nodes.length - 1]!) : null,
    totalCount: () => ctx.deps.prisma.kbDocument.count({ where }),
  };
}

/** One article by id, archived ones included; null when it is not this account's (or not an id). */
export async function get(ctx: Caller, query: Query, id: string) {
  if (!uuid.safeParse(id).success) return null;
  return ctx.deps.prisma.kbDocument.findUnique({ ...query, where: { id } });
}
