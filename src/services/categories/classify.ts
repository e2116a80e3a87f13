import { distance } from 'fastest-levenshtein';
import { stemmer } from 'stemmer';
import { category, isHardFloor } from './catalogue.ts';
import { FLOOR, L1, type Signal } from './lexicon.ts';

/**
 * Which L1 category a problem statement belongs to, offline and explainable (DESIGN §14 step 2).
 * Each category has signals: a signal fires when every one of its groups has a term in the
 * statement (words compared as Porter stems, a misspelling of one or two letters forgiven in
 * longer words). A hard-floor signal decides at once, ahead of everything else: a caller who
 * clicked a dodgy link is a security incident even while they also ask for a password reset.
 * Otherwise the category whose signals weigh most wins.
 */

/** Lower case, accents and punctuation gone: the statement's words. */
function wordsOf(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[’']/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** Each word to its Porter stem. */
export function stems(text: string): string[] {
  return wordsOf(text).map((w) => stemmer(w));
}

/**
 * A misspelling of a longer word: one letter off from six letters, two from nine, keeping the first
 * letter ("reach" is not "breach", "blocked" is not "locked").
 */
function misspelt(a: string, b: string): boolean {
  const n = Math.min(a.length, b.length);
  if (n < 6 || a[0] !== b[0] || Math.abs(a.length - b.length) > 2) return false;
  return distance(a, b) <= (n >= 9 ? 2 : 1);
}

// A term may be several words ("sort code"): it is found when its stems appear one after another.
const termStems = new Map<string, string[]>();
function termIn(words: readonly string[], raw: readonly string[], term: string): string | null {
  let t = termStems.get(term);
  if (!t) termStems.set(term, (t = stems(term)));
  if (t.length === 0) return null;
  for (let i = 0; i + t.length <= words.length; i++) {
    let ok = true;
    for (let j = 0; j < t.length && ok; j++) ok = words[i + j] === t[j] || (t.length === 1 && misspelt(raw[i]!, term));
    if (ok) return raw.slice(i, i + t.length).join(' ');
  }
  return null;
}

function fire(words: readonly string[], raw: readonly string[], signal: Signal): string[] | null {
  if (signal.unless?.some((term) => termIn(words, raw, term))) return null;
  const found: string[] = [];
  for (const group of signal.groups) {
    let hit: string | null = null;
    for (const term of group) if ((hit = termIn(words, raw, term))) break;
    if (!hit) return null;
    found.push(hit);
  }
  return found;
}

export interface Classification {
  /** The category, or null when nothing in the statement points anywhere. */
  key: string | null;
  hardFloor: boolean;
  /** In words: what in the statement decided it. */
  reason: string;
}

export function classify(statement: string): Classification {
  const raw = wordsOf(statement);
  const words = raw.map((w) => stemmer(w));
  for (const [key, signals] of Object.entries(FLOOR)) {
    for (const signal of signals) {
      const found = fire(words, raw, signal);
      if (found)
        return {
          key,
          hardFloor: true,
          reason: `${category(key)!.label}: the problem mentions “${found.join('” and “')}”. These calls always go to an engineer.`,
        };
    }
  }
  let best: { key: string; score: number; found: string[] } | null = null;
  for (const [key, signals] of Object.entries(L1)) {
    let score = 0;
    const found: string[] = [];
    for (const signal of signals) {
      const f = fire(words, raw, signal);
      if (f) {
        score += signal.weight;
        found.push(...f);
      }
    }
    if (score > 0 && (!best || score > best.score)) best = { key, score, found };
  }
  if (!best) return { key: null, hardFloor: false, reason: 'Nothing in the problem points to a category the L1 desk knows.' };
  return {
    key: best.key,
    hardFloor: isHardFloor(best.key),
    reason: `${category(best.key)!.label}: the problem mentions “${[...new Set(best.found)].slice(0, 3).join('”, “')}”.`,
  };
}
