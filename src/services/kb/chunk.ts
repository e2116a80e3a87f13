import { marked, type Token } from 'marked';

/**
 * Chunks are what retrieval ranks and what builder nodes cite (DESIGN §12): one per section under a
 * heading, with the headings above it, outermost first. A section longer than CHUNK_CHARS is split
 * on paragraph (block) boundaries; a single block longer than that on blank lines, then lines, then
 * sentences, so no chunk is much over the target.
 */
export const CHUNK_CHARS = 1500;

export interface Chunk {
  ordinal: number;
  headingPath: string[];
  text: string;
}

/** Heading text without inline Markdown. */
function plain(text: string): string {
  return text
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_`~]/g, '')
    .trim();
}

/** Pieces of one over-long block, each at most `max` characters where a boundary allows it. */
function splitBlock(raw: string, max: number): string[] {
  const boundaries: Array<[RegExp, string]> = [
    [/\n\s*\n/, '\n\n'],
    [/\n/, '\n'],
    [/(?<=[.!?])\s+/, ' '],
  ];
  for (const [sep, joiner] of boundaries) {
    const parts = raw.split(sep).filter((p) => p.trim());
    if (parts.length > 1) return pack(parts, max, joiner);
  }
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += max) out.push(raw.slice(i, i + max));
  return out;
}

/** Consecutive pieces joined while they fit; a piece too long on its own is split further. */
function pack(parts: string[], max: number, joiner: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (const p of parts) {
    if (p.length > max) {
      if (cur) out.push(cur);
      cur = '';
      out.push(...splitBlock(p, max));
      continue;
    }
    if (cur && cur.length + joiner.length + p.length > max) {
      out.push(cur);
      cur = p;
    } else cur = cur ? `${cur}${joiner}${p}` : p;
  }
  if (cur) out.push(cur);
  return out;
}

/**
 * Sections of normalised Markdown by heading. The heading that repeats the title is not part of
 * any path (the title is weighed on its own). A document with no text under any heading still
 * gets one chunk, so every document is findable.
 */
export function chunkMarkdown(md: string, title: string, max = CHUNK_CHARS): Chunk[] {
  const tokens = marked.lexer(md);
  const stack: Array<{ depth: number; text: string }> = [];
  const sections: Array<{ path: string[]; blocks: string[] }> = [];
  let current: { path: string[]; blocks: string[] } = { path: [], blocks: [] };
  const titleKey = plain(title).toLowerCase();
  for (const t of tokens as Token[]) {
    if (t.type === 'heading') {
      sections.push(current);
      const text = plain((t as { text: string }).text);
      const depth = (t as { depth: number }).depth;
      while (stack.length && stack[stack.length - 1]!.depth >= depth) stack.pop();
      const isTitle = stack.length === 0 && text.toLowerCase() === titleKey;
      if (!isTitle && text) stack.push({ depth, text });
      current = { path: stack.map((s) => s.text), blocks: [] };
      continue;
    }
    if (t.type === 'space' || !t.raw.trim()) continue;
    current.blocks.push(t.raw.trim());
  }
  sections.push(current);
  const chunks: Chunk[] = [];
  for (const s of sections) {
    if (!s.blocks.length) continue;
    for (const text of pack(s.blocks, max, '\n\n')) chunks.push({ ordinal: chunks.length, headingPath: s.path, text });
  }
  if (!chunks.length) {
    // Headings only: each heading is the text of its own chunk.
    const headings = sections.filter((s) => s.path.length).map((s) => s.path);
    const text = headings.map((p) => p[p.length - 1]).join('\n') || md.trim();
    chunks.push({ ordinal: 0, headingPath: [], text: text.slice(0, max * 4) });
  }
  return chunks;
}
