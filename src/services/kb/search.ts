import { sql } from '../../db/tenant.ts';
import { filterText } from '../validation.ts';

/**
 * Retrieval inside Postgres (DESIGN §12).
 *
 * `search` (the KB search box): a web-search query over the chunks' weighted vectors, ranked by
 * ts_rank_cd, and, for words of the query that no chunk contains (typos), trigram similarity of
 * document titles, fused by reciprocal rank (a title match weighed by its similarity, so a loose
 * one counts for less). The score is the fused value over the best this query could get (first
 * in every list it used), so [0, 1].
 *
 * `relevant` (intake's BUILD decision): a problem statement is not a search: a web-search query
 * ANDs every word and finds nothing for a sentence. It keeps the statement's significant terms
 * (stemmed, stop words and call-desk filler dropped) and scores each chunk by how many of them it
 * covers, anywhere and in its title or headings, mixed with its rank. Coverage is a share of the
 * statement's own terms, so the score means the same for a short statement as for a long one,
 * and a floor (KB_RELEVANCE_FLOOR) can decide "nothing to build from".
 *
 * Both bound their work as the knowledge base grows: candidates come from the GIN index, at most
 * a few hundred per list before ranking, so a search costs about the same at 10 000 documents as
 * at 1 000 (at the price of ranking only the first matches of a very common word).
 */

export interface KbSearchRow {
  chunkId: string;
  score: number;
  snippet: string;
  chunk: {
    id: string;
    accountId: string;
    documentId: string;
    ordinal: number;
    documentTitle: string;
    headingPath: string[];
    text: string;
    /** Set on hits, so `chunk { document }` needs no query of its own. */
    document?: KbSearchRow['document'];
  };
  document: {
    id: string;
    accountId: string;
    title: string;
    body: string;
    format: string;
    source: string;
    externalId: string | null;
    externalUrl: string | null;
    upstreamUpdatedAt: Date | null;
    category: string | null;
    contentHash: string;
    status: string;
    createdById: string | null;
    createdAt: Date;
    updatedAt: Date;
  };
}

/** Reciprocal-rank constant (the usual 60): rank 1 and rank 10 differ, but not by an order of magnitude. */
const RRF_K = 60;
const CANDIDATES = 100;

const HEADLINE = `'StartSel=<mark>, StopSel=</mark>, MaxWords=35, MinWords=15, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "'`;

const ROW_COLUMNS = `
  json_build_object('id', c.id, 'accountId', c.account_id, 'documentId', c.document_id, 'ordinal', c.ordinal,
    'documentTitle', c.document_title, 'headingPath', c.heading_path, 'text', c.text) AS chunk,
  d.id AS "d_id", d.account_id AS "d_accountId", d.title AS "d_title", d.body AS "d_body", d.format AS "d_format",
  d.source AS "d_source", d.external_id AS "d_externalId", d.external_url AS "d_externalUrl",
  d.upstream_updated_at AS "d_upstreamUpdatedAt", d.category AS "d_category", d.content_hash AS "d_contentHash",
  d.status AS "d_status", d.created_by AS "d_createdById", d.created_at AS "d_createdAt", d.updated_at AS "d_updatedAt"`;

/**
 * The chunk's text as a snippet shows it: plain words. Literal <mark> tags are dropped first (only
 * ts_headline's own mark matches), then Markdown syntax: emphasis, code ticks, heading and quote
 * markers, link targets (the link text stays), and turndown's backslash escapes.
 */
const SNIPPET_TEXT = `regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
    c.text, '</?mark\\s*>', '', 'gi'),
    '!?\\[([^\\]]*)\\]\\([^)]*\\)', '\\1', 'g'),
    '[*\`]+', '', 'g'),
    '^[ \\t]{0,3}(#{1,6}|>)[ \\t]*', '', 'gn'),
    '\\\\([-\\\\\`*_{}()#+.!>~|\\[\\]])', '\\1', 'g')`;

/** "wifi" as articles write it ("Wi-Fi"), so the two meet in the index. */
function queryText(s: string): string {
  return s.replace(/\bwi-?fi\b/gi, 'wi-fi');
}

type RawRow = { chunk: KbSearchRow['chunk']; score: number; snippet: string } & Record<string, unknown>;

function toHit(r: RawRow): KbSearchRow {
  const document = Object.fromEntries(
    Object.entries(r)
      .filter(([k]) => k.startsWith('d_'))
      .map(([k, v]) => [k.slice(2), v]),
  ) as KbSearchRow['document'];
  // The chunk carries its document, so `chunk { document }` reads it without another query.
  return {
    chunkId: r.chunk.id,
    score: Math.max(0, Math.min(1, Number(r.score))),
    snippet: r.snippet,
    chunk: { ...r.chunk, document },
    document,
  };
}

/**
 * $1 the query, $2 how many. Exported for the EXPLAIN test (tests/kb-scale.test.ts).
 *
 * When the query as typed matches nothing, each of its words that no chunk contains is replaced by
 * the closest word of the account's titles (pg_trgm, l1_kb.closest_title_word) and the corrected
 * query runs instead: "pritner offline" finds the printer articles. Candidates are then ranked
 * twice, by ts_rank_cd and by the trigram similarity of the query to their document's title, and
 * the two orders fused by reciprocal rank, so a close title lifts its chunks.
 */
export const SEARCH_SQL = `WITH typed AS MATERIALIZED (
       SELECT websearch_to_tsquery('english', l1_unaccent($1)) AS tsq
     ), as_typed AS MATERIALIZED (
       SELECT m.* FROM typed, l1_kb.matching_chunks(typed.tsq, ${CANDIDATES}) m
     ), fixed AS MATERIALIZED (
       -- Only when the query as typed matched nothing: its words, each unknown one corrected.
       SELECT string_agg(coalesce(
           CASE WHEN length(w) >= 4 AND to_tsvector('english', w) <> ''::tsvector
                 AND l1_kb.term_frequency(plainto_tsquery('english', w), 1) = 0
                THEN l1_kb.closest_title_word(w) END, w), ' ' ORDER BY i) AS text
       FROM regexp_split_to_table(lower(l1_unaccent($1)), '[^[:alnum:]]+') WITH ORDINALITY AS x(w, i)
       WHERE NOT EXISTS (SELECT 1 FROM as_typed) AND w <> ''
     ), q AS MATERIALIZED (
       SELECT CASE WHEN fixed.text IS NULL THEN $1 ELSE fixed.text END AS text,
         CASE WHEN fixed.text IS NULL THEN typed.tsq ELSE websearch_to_tsquery('english', fixed.text) END AS tsq
       FROM typed, fixed
     ), matched AS (
       SELECT * FROM as_typed
       UNION ALL
       SELECT m.* FROM q, fixed, l1_kb.matching_chunks(q.tsq, ${CANDIDATES}) m WHERE fixed.text IS NOT NULL
     ), ranked AS (
       SELECT m.id, sim,
         row_number() OVER (ORDER BY ts_rank_cd(m.search_vector, q.tsq) DESC, m.id) AS r_fts,
         row_number() OVER (ORDER BY sim DESC, ts_rank_cd(m.search_vector, q.tsq) DESC, m.id) AS r_trg
       FROM matched m JOIN kb_chunks c ON c.id = m.id, q,
         LATERAL (SELECT word_similarity(l1_unaccent(lower(q.text)), l1_unaccent(lower(c.document_title))) AS sim) s
     ), fused AS (
       SELECT id, 1.0 / (${RRF_K} + r_fts) + sim / (${RRF_K} + r_trg) AS rrf FROM ranked ORDER BY rrf DESC, id LIMIT $2
     )
     SELECT f.rrf / (2.0 / (${RRF_K} + 1)) AS score,
       ts_headline('l1_english', ${SNIPPET_TEXT}, websearch_to_tsquery('l1_english', q.text), ${HEADLINE}) AS snippet,
       ${ROW_COLUMNS}
     FROM fused f JOIN kb_chunks c ON c.id = f.id JOIN kb_documents d ON d.id = c.document_id, q
     ORDER BY f.rrf DESC, c.id`;

/** The search box: chunks best first, at most `first`. */
export async function search(query: string, first: number): Promise<KbSearchRow[]> {
  const raw = filterText(query, 500);
  if (!raw) return [];
  const q = queryText(raw);
  const take = Math.min(Math.max(first, 1), 50);
  // Unnamed, so planned with its values every time: as a prepared statement its generic plan, made
  // while the knowledge base was small, cost 45 ms a search once it had grown to 10 000 articles
  // (8 ms planned afresh).
  const { rows } = await sql<RawRow>(SEARCH_SQL, [q, take]);
  return rows.map(toHit);
}

/**
 * Words of a caller's statement that say nothing about the problem. Stemmed by Postgres with the
 * same configuration as the vectors, so "says" and "saying" go with "say".
 */
const FILLER =
  // Halves of contractions ("won't" is "won" and "t" to the parser).
  'won don doesn isn didn aren wasn weren couldn shouldn wouldn haven hasn ' +
  'say says said user users customer client caller call calling called help please problem problems issue issues ' +
  'work working works worked doesnt dont cant cannot wont isnt get gets getting got keep keeps kept still also today ' +
  'morning afternoon yesterday now just since anymore anything something everything thing things try tried trying ' +
  'need needs want wants like seem seems seemed able unable sure really new old way bit lot hi hello thanks';

/** Statement terms kept, at most this many (a statement longer than that is rare at a desk). */
const MAX_TERMS = 12;
/** Chunks counted per term for its weight; past this a term is simply common. */
const DF_CAP = 200;

/** $1 the statement, $2 filler words, $3 the floor, $4 how many. */
export const RELEVANT_SQL = `WITH terms AS MATERIALIZED (
       -- Each term weighs by how rare it is in the account's chunks (counted up to DF_CAP, so the
       -- count costs the same however large the knowledge base): "connect" says less than "vpn".
       SELECT t, quote_literal(t)::tsquery AS any_q, (quote_literal(t) || ':AB')::tsquery AS ab_q,
         1.0 / ln(3 + l1_kb.term_frequency(quote_literal(k.t)::tsquery, ${DF_CAP})) AS w
       FROM (
         SELECT t FROM unnest(tsvector_to_array(to_tsvector('english', l1_unaccent($1)))) AS t
         WHERE t !~ '^[0-9]+$' AND length(t) > 1
         EXCEPT SELECT unnest(tsvector_to_array(to_tsvector('english', $2)))
         ORDER BY 1 LIMIT ${MAX_TERMS}
       ) k
     ), n AS MATERIALIZED (
       SELECT count(*)::float8 AS n, sum(w)::float8 AS w,
         -- Two of the terms together (or the one term), anywhere; or one term in a title or heading.
         coalesce(
           CASE WHEN count(*) = 1 THEN (array_agg(any_q))[1]
                ELSE (SELECT string_agg(a.q, ' | ')::tsquery FROM (
                        SELECT '(' || x.t_lit || ' & ' || y.t_lit || ')' AS q
                        FROM (SELECT t, quote_literal(t) AS t_lit FROM terms) x
                        JOIN (SELECT t, quote_literal(t) AS t_lit FROM terms) y ON x.t < y.t) a) END,
           ''::tsquery) AS pair_q,
         coalesce((SELECT string_agg(quote_literal(t) || ':AB', ' | ')::tsquery FROM terms), ''::tsquery) AS ab_q,
         coalesce((SELECT string_agg(quote_literal(t), ' | ')::tsquery FROM terms), ''::tsquery) AS or_q
       FROM terms
     ), candidates AS (
       SELECT m.id FROM n, l1_kb.matching_chunks(n.pair_q, ${CANDIDATES}) m WHERE n.n > 0
       UNION
       SELECT m.id FROM n, l1_kb.matching_chunks(n.ab_q, ${CANDIDATES / 4}) m WHERE n.n > 1
     ), scored AS (
       SELECT c.id,
         0.55 * (SELECT coalesce(sum(w), 0) FROM terms WHERE c.search_vector @@ terms.any_q) / n.w
         + 0.25 * (SELECT coalesce(sum(w), 0) FROM terms WHERE c.search_vector @@ terms.ab_q) / n.w
         + 0.20 * ts_rank_cd(c.search_vector, n.or_q, 32) AS score
       FROM candidates k JOIN kb_chunks c ON c.id = k.id, n
     ), best AS (
       SELECT id, score FROM scored WHERE score >= $3 ORDER BY score DESC, id LIMIT $4
     )
     SELECT b.score,
       ts_headline('l1_english', ${SNIPPET_TEXT}, n.or_q, ${HEADLINE}) AS snippet,
       ${ROW_COLUMNS}
     FROM best b JOIN kb_chunks c ON c.id = b.id JOIN kb_documents d ON d.id = c.document_id, n
     ORDER BY b.score DESC, c.id`;

/**
 * Hits for chunks found earlier (the knowledge a BUILD walk listed at intake), with the score they
 * had then and a snippet marking the statement's words: the same shape kbSearch answers. Chunks
 * no longer readable (another account's, or deleted) are left out; archived ones stay, since the
 * walk cited them.
 */
export async function hitsFor(statement: string, found: Array<{ chunkId: string; score: number }>): Promise<KbSearchRow[]> {
  if (!found.length) return [];
  const q = queryText(filterText(statement, 2000) ?? '');
  const { rows } = await sql<RawRow & { ord: number }>(
    `WITH f AS (SELECT * FROM unnest($1::uuid[], $2::float8[]) WITH ORDINALITY AS f(id, score, ord)),
       q AS (SELECT replace(plainto_tsquery('l1_english', $3)::text, ' & ', ' | ')::tsquery AS hq)
     SELECT f.score, f.ord, ts_headline('l1_english', ${SNIPPET_TEXT}, q.hq, ${HEADLINE}) AS snippet, ${ROW_COLUMNS}
     FROM f JOIN kb_chunks c ON c.id = f.id JOIN kb_documents d ON d.id = c.document_id, q
     ORDER BY f.ord`,
    [found.map((h) => h.chunkId), found.map((h) => h.score), q],
  );
  return rows.map(toHit);
}

/**
 * Chunks relevant to a problem statement, best first, with a score in [0, 1] comparable across
 * statements; only those at or above `floor`.
 */
export async function relevant(statement: string, limit: number, floor: number): Promise<KbSearchRow[]> {
  const raw = filterText(statement, 2000);
  if (!raw) return [];
  const s = queryText(raw);
  const { rows } = await sql<RawRow>(RELEVANT_SQL, [s, FILLER, floor, Math.min(Math.max(limit, 1), 50)]); // unnamed: see search()
  return rows.map(toHit);
}
