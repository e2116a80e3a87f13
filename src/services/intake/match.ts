import { LRUCache } from 'lru-cache';
import { sql } from '../../db/tenant.ts';
import { classify, stems } from '../categories/classify.ts';
import { L1 } from '../categories/lexicon.ts';
import { flowOutcomes, smoothedResolveRate } from '../flows/outcomes.ts';
import { type FlowTerms, textScores, withOutcomes } from './score.ts';

export interface RankedFlow {
  flowId: string;
  title: string;
  /** In [0, 1]: text fit scaled by how often the flow's walks resolve. */
  score: number;
  /** The statement's own words that matched, most telling first. */
  matchedOn: string[];
}

/** How many flows by text fit get their walk outcomes counted and take part in the decision. */
const CONTENDERS = 4;
/** How many flows, best by Postgres's rank, are scored word by word. */
const SCORED = 40;

/**
 * One statement reads the account's enabled categories and every published flow sharing a word
 * with the statement, with the words it shares and its title words. The statement is normalised
 * and stemmed by the same functions the flows' vectors were built with (migration
 * 20261204030000_intake_matching). Under row-level security Postgres does not use the GIN index
 * for `@@` (the operator is not leakproof): it reads the account's published flows through
 * flows_account_id_status_title_idx and tests each vector, so the cost grows with the account's
 * flows, not the table (0.3 ms for 100 flows, measured with 2 000 flows in the table).
 */
const RANK_SQL = `
  WITH d AS (
    SELECT token, lexemes FROM ts_debug('english', l1_search_text($1)) WHERE lexemes IS NOT NULL AND lexemes <> '{}'
  ), q AS (
    -- A lexeme with a quote or backslash cannot be quoted into a tsquery safely: it is left out.
    SELECT DISTINCT l AS lexeme, ('''' || l || '''')::tsquery AS one FROM d, unnest(d.lexemes) l WHERE length(l) > 1 AND l !~ '[''\\\\]'
  ), tq AS (
    SELECT string_agg('''' || lexeme || '''', ' | ')::tsquery AS t FROM q
  ), found AS (
    SELECT f.id, f.title, f.description, f.search, ts_rank('{0.2, 0.4, 0.7, 1.0}', f.search, tq.t) AS rank FROM flows f, tq
    WHERE f.status = 'published' AND f.latest_version_id IS NOT NULL AND f.search @@ tq.t
  ), c AS (
    -- Only the best by Postgres's own rank are scored word by word.
    SELECT * FROM found ORDER BY rank DESC, id LIMIT ${SCORED}
  )
  SELECT
    (SELECT enabled_l1_categories FROM accounts WHERE id = $2) AS enabled,
    (SELECT count(*)::int FROM flows WHERE status = 'published' AND latest_version_id IS NOT NULL) AS published,
    (SELECT coalesce(array_agg(lexeme), '{}') FROM q) AS lexemes,
    -- In how many published flows each word of the statement is (each an index lookup).
    (SELECT coalesce(json_object_agg(q.lexeme, (SELECT count(*) FROM found WHERE found.search @@ q.one)), '{}') FROM q) AS df,
    (SELECT coalesce(json_agg(json_build_array(token, lexemes)), '[]') FROM d) AS words,
    (SELECT coalesce(json_agg(json_build_object(
       'id', c.id, 'title', c.title, 'description', c.description,
       'hits', (SELECT coalesce(json_agg(json_build_array(u.lexeme, u.weights)), '[]') FROM unnest(c.search) u WHERE u.lexeme IN (SELECT lexeme FROM q)),
       'titleLexemes', (SELECT coalesce(json_agg(u.lexeme), '[]') FROM unnest(ts_filter(c.search, '{a}')) u)
     )), '[]') FROM c) AS flows`;

interface RankRow {
  enabled: string[] | null;
  published: number;
  lexemes: string[];
  df: Record<string, number>;
  words: Array<[token: string, lexemes: string[]]>;
  flows: Array<Omit<FlowTerms, 'category'> & { description: string }>;
}

export interface Ranking {
  /** The account's enabled L1 categories. */
  enabled: string[];
  /** Best first; only flows sharing a word with the statement, at most CONTENDERS. */
  flows: RankedFlow[];
}

// A flow's category, from its own title and description: classified once per wording.
const flowCategories = new LRUCache<string, { key: string | null }>({ max: 20_000 });
function flowCategory(f: { id: string; title: string; description: string }): string | null {
  const k = `${f.id}\u0000${f.title}\u0000${f.description}`;
  let hit = flowCategories.get(k);
  if (!hit) flowCategories.set(k, (hit = { key: classify(`${f.title}. ${f.description}`).key }));
  return hit.key;
}

let domain: Set<string> | undefined;
/**
 * The things the classifier's L1 signals are about (each signal's first group: "printer", "camera",
 * "keyboard"; not the verbs that go with them), stemmed: what callers name when they say what is wrong.
 */
function domainWords(): Set<string> {
  return (domain ??= new Set(
    Object.values(L1).flatMap((signals) => signals.flatMap((sig) => (sig.groups[0] ?? []).flatMap((t) => stems(t)))),
  ));
}

/** Every published flow of the current account scored against the statement, best first. */
export async function rankFlows(statement: string, accountId: string, category: string | null): Promise<Ranking> {
  const { rows } = await sql<RankRow>(RANK_SQL, [statement, accountId], 'intake_rank');
  const r = rows[0]!;
  // Each lexeme said as the caller said it (the first word that stems to it).
  const said = new Map<string, string>();
  for (const [token, lexemes] of r.words) for (const l of lexemes) if (!said.has(l)) said.set(l, token);
  const text = textScores({
    lexemes: r.lexemes,
    domain: domainWords(),
    published: r.published,
    df: new Map(Object.entries(r.df)),
    category,
    flows: r.flows.map((f) => ({ ...f, category: flowCategory(f) })),
  })
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score)
    .slice(0, CONTENDERS);
  const outcomes = await flowOutcomes(text.map((t) => t.id));
  const titles = new Map(r.flows.map((f) => [f.id, f.title]));
  const flows = text
    .map((t) => ({
      flowId: t.id,
      title: titles.get(t.id)!,
      score: withOutcomes(t.score, smoothedResolveRate(outcomes.get(t.id)!)),
      matchedOn: [...new Set(t.matched.map((l) => said.get(l) ?? l))],
    }))
    .sort((a, b) => b.score - a.score || a.title.localeCompare(b.title));
  return { enabled: r.enabled ?? [], flows };
}
