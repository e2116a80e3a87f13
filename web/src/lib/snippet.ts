/** A piece of a search snippet: plain text, or a matched word the server wrapped in <mark>. */
export interface SnippetPart {
  text: string;
  mark: boolean;
}

const OPEN = '<mark>';
const CLOSE = '</mark>';

/**
 * Splits a `KbSearchHit.snippet` on the literal `<mark>` / `</mark>` markers, the only markup the
 * API puts in it. Everything else stays text (rendered as text nodes, never as HTML), so a `<b>` or
 * `<script>` inside an article shows as the characters it is. An unclosed marker marks to the end;
 * a stray `</mark>` is dropped.
 */
export function splitSnippet(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  const push = (text: string, mark: boolean) => {
    if (!text) return;
    const last = parts[parts.length - 1];
    if (last && last.mark === mark) last.text += text;
    else parts.push({ text, mark });
  };
  let rest = snippet;
  while (rest) {
    const open = rest.indexOf(OPEN);
    const stray = rest.indexOf(CLOSE);
    if (stray !== -1 && (open === -1 || stray < open)) {
      push(rest.slice(0, stray), false);
      rest = rest.slice(stray + CLOSE.length);
      continue;
    }
    if (open === -1) {
      push(rest, false);
      break;
    }
    push(rest.slice(0, open), false);
    rest = rest.slice(open + OPEN.length);
    const close = rest.indexOf(CLOSE);
    const end = close === -1 ? rest.length : close;
    push(rest.slice(0, end).replaceAll(OPEN, ''), true);
    rest = close === -1 ? '' : rest.slice(close + CLOSE.length);
  }
  return parts;
}

/**
 * A search for articles about a whole problem statement. The search box's words must all appear
 * (web search syntax); a caller's sentence rarely matches that way, so its words are joined with
 * "or" and ranking decides. Short and repeated words are left out.
 */
export function anyWordQuery(statement: string, max = 12): string {
  const words = statement.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const kept = [...new Set(words.filter((w) => w.length >= 3 && w !== 'or'))].slice(0, max);
  return kept.join(' or ');
}
