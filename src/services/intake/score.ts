/**
 * How well a problem statement fits each published flow, as an absolute score in [0, 1] (pure; the
 * words come from Postgres, see match.ts). Two parts, each a fraction:
 *
 * - coverage: of the statement's words, how much this flow explains. Each word weighs by how rare
 *   it is among the account's flows (a word every flow uses tells them apart less) and counts by
 *   where the flow has it (title 1, description 0.8, node texts 0.55). A word no flow knows still
 *   weighs a little, so a statement mostly about something else does not fit.
 * - title: the share of the flow's title words the caller said ("printer" and "offline" of
 *   "Printer offline"), two words counting as a whole long title.
 *
 * A flow whose own words put it in another category than the statement's fits less, and its
 * walks' smoothed resolve rate scales the result between 0.85 and 1.
 */

export interface FlowTerms {
  id: string;
  title: string;
  /** The statement's lexemes this flow has, each with the weights (A–D) of where it has them. */
  hits: Array<[lexeme: string, weights: string[]]>;
  /** The lexemes of the flow's title. */
  titleLexemes: string[];
  /** The category the flow's title and description classify into, if any. */
  category: string | null;
}

export interface TextScore {
  id: string;
  score: number;
  /** The statement's lexemes that matched, most telling first. */
  matched: string[];
}

const FIELD: Record<string, number> = { A: 1, B: 0.8, C: 0.55, D: 0.55 };
/**
 * How much a statement word that no flow has weighs in the coverage denominator: such a word is
 * often what the call is really about ("camera" in "Teams camera not working").
 */
const UNKNOWN_WORD = 0.3;
/** …and one the L1 catalogue knows as a problem word ("camera", "keyboard") weighs in full. */
const UNKNOWN_DOMAIN_WORD = 1;
/**
 * Words (as English stems) that say nothing about which flow fits: how callers describe any
 * problem, and when. Left out of both sides, so "not working" in a title matches nothing.
 */
export const GENERIC = new Set(
  (
    'work problem issu help need pleas say keep get use user tri still anyth noth someth thing sinc today morn yesterday ' +
    'week time want go come custom call caller client seem think know look like happen right just now also ever never again ' +
    'one two three sudden anymor lot bit way make put take see minut hour day everi few often alway constant ' +
    'cant dont wont isnt doesnt didnt arent wasnt couldnt wouldnt havent hasnt'
  ).split(' '),
);
const COVERAGE_SHARE = 0.7;
/** A flow that classifies into another category than the statement keeps this share of its score. */
const OTHER_CATEGORY = 0.75;

/** "print" and "printer": one word starts the other, and both are past a bare prefix. */
function sharesStem(a: string, b: string): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return short.length >= 4 && long.startsWith(short);
}

export function idf(df: number, flows: number): number {
  if (df <= 0) return 0;
  return Math.log(1 + flows / df) / Math.log(1 + Math.max(flows, 1));
}

export function textScores(input: {
  /** Distinct lexemes of the statement. */
  lexemes: string[];
  /** Lexemes that name something an L1 deals with (the classifier's vocabulary). */
  domain: ReadonlySet<string>;
  flows: FlowTerms[];
  /** Published flows in the account (the candidates are those sharing a word with the statement). */
  published: number;
  /** In how many published flows each statement lexeme is. */
  df: ReadonlyMap<string, number>;
  category: string | null;
}): TextScore[] {
  const lexemes = input.lexemes.filter((l) => !GENERIC.has(l));
  const flows = input.flows.map((f) => ({
    ...f,
    hits: f.hits.filter(([l]) => !GENERIC.has(l)),
    titleLexemes: f.titleLexemes.filter((l) => !GENERIC.has(l)),
  }));
  const df = new Map([...input.df].filter(([, n]) => n > 0));
  const n = Math.max(input.published, flows.length);
  const weightOf = (l: string) => (df.has(l) ? idf(df.get(l)!, n) : input.domain.has(l) ? UNKNOWN_DOMAIN_WORD : UNKNOWN_WORD);
  const total = lexemes.reduce((s, l) => s + weightOf(l), 0);
  const said = new Set(lexemes);
  return flows.map((f) => {
    let got = 0;
    const matched: Array<[string, number]> = [];
    for (const [l, weights] of f.hits) {
      const w = Math.max(...weights.map((x) => FIELD[x] ?? 0.55)) * weightOf(l);
      got += w;
      matched.push([l, w]);
    }
    const coverage = total > 0 ? got / total : 0;
    // Two of a long title's words are as telling as all of a short one's.
    const titleWords = [...new Set(f.titleLexemes)];
    const saidInTitle = titleWords.filter((l) => said.has(l) || lexemes.some((q) => sharesStem(q, l))).length;
    const title = titleWords.length ? Math.min(1, saidInTitle / Math.min(2, titleWords.length)) : 0;
    let score = COVERAGE_SHARE * coverage + (1 - COVERAGE_SHARE) * title;
    if (input.category && f.category && f.category !== input.category) score *= OTHER_CATEGORY;
    return { id: f.id, score: Math.min(1, score), matched: matched.sort((a, b) => b[1] - a[1]).map(([l]) => l) };
  });
}

/** The walks' part: a smoothed resolve rate in [0, 1] scales a text score into [0.85, 1] of itself. */
export function withOutcomes(text: number, smoothedRate: number): number {
  return text * (0.85 + 0.15 * smoothedRate);
}
