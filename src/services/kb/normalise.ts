import { createHash } from 'node:crypto';
import { marked, type Token } from 'marked';
import sanitizeHtml from 'sanitize-html';
import TurndownService from 'turndown';
import { strikethrough, tables } from '@joplin/turndown-plugin-gfm';

/**
 * Turning what people give us (a Markdown file, an HTML page saved from a wiki, a text file, a
 * paste) into one stored shape: normalised Markdown (DESIGN §12). HTML is sanitised through an
 * allowlist first, so scripts, styles, event handlers and anything else off the list never reach
 * the store, then converted to Markdown with its headings and ordered lists kept as structure.
 */

export type KbFormat = 'markdown' | 'html' | 'text';

/** Largest file (and pasted body) accepted, in bytes of UTF-8. */
export const MAX_KB_BYTES = 5 * 1024 * 1024;
export const MAX_TITLE_LENGTH = 300;

const EXTENSIONS: Record<string, KbFormat> = {
  md: 'markdown',
  markdown: 'markdown',
  html: 'html',
  htm: 'html',
  txt: 'text',
};
export const ACCEPTED_EXTENSIONS = Object.keys(EXTENSIONS).map((e) => `.${e}`);

/** A file or paste that cannot become an article, with words for the person who sent it. */
export class KbContentRefused extends Error {}

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'p',
    'br',
    'hr',
    'blockquote',
    'pre',
    'code',
    'kbd',
    'samp',
    'ul',
    'ol',
    'li',
    'dl',
    'dt',
    'dd',
    'strong',
    'b',
    'em',
    'i',
    'u',
    's',
    'del',
    'sub',
    'sup',
    'a',
    'table',
    'thead',
    'tbody',
    'tfoot',
    'tr',
    'th',
    'td',
    'caption',
    'div',
    'span',
    'section',
    'article',
    'main',
  ],
  allowedAttributes: { a: ['href'], ol: ['start'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
  // Dropped with their content, not just their tags: nothing in them is article text.
  nonTextTags: [
    'script',
    'style',
    'textarea',
    'option',
    'noscript',
    'title',
    'head',
    'template',
    'svg',
    'math',
    'iframe',
    'object',
    'select',
    'button',
  ],
  disallowedTagsMode: 'discard',
};

/** Link targets kept in Markdown: the web, mail, and links within the page or site. */
const SAFE_HREF = /^(https?:|mailto:|#|\/(?!\/)|\.{0,2}\/|[^:]*$)/i;

/** Entities decoded and the characters browsers skip in a scheme removed ("java&#9;script:"). */
function hrefAsBrowsersReadIt(href: string): string {
  const char = (n: number) => (n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : ' ');
  return href
    .replace(/&#x([0-9a-f]+);?/gi, (_, h: string) => char(parseInt(h, 16)))
    .replace(/&#([0-9]+);?/g, (_, d: string) => char(Number(d)))
    .replace(/&(colon|tab|newline);?/gi, (_, n: string) => (n.toLowerCase() === 'colon' ? ':' : ''))
    .replace(/\p{Cc}|\s/gu, '');
}

const turndown = new TurndownService({ headingStyle: 'atx', bulletListMarker: '-', codeBlockStyle: 'fenced', emDelimiter: '*' });
// Runbooks keep port lists and settings in tables: GitHub-flavoured Markdown tables keep them too.
turndown.use([tables, strikethrough]);

/** Sanitised HTML as Markdown. */
function htmlToMarkdown(html: string): string {
  return turndown.turndown(sanitizeHtml(html, SANITIZE));
}

/**
 * Markdown is kept as written, except raw HTML inside it (a `<script>` in a .md file is as hostile
 * as in a web page): each HTML token is sanitised and converted like an HTML document.
 */
function cleanMarkdown(md: string): string {
  // What to replace, in document order: raw HTML (sanitised) and links to anything but the web or
  // mail (a `javascript:` link is kept as its text).
  const edits: Array<{ raw: string; replaced: () => string }> = [];
  marked.walkTokens(marked.lexer(md), (t: Token) => {
    if (t.type === 'html') {
      const raw = t.raw;
      // A block keeps its own paragraph; inline HTML stays inline.
      const block = raw.includes('\n') || /^\s*<(div|p|table|ul|ol|h\d|pre|blockquote|section)/i.test(raw);
      edits.push({
        raw,
        replaced: () =>
          block
            ? `${htmlToMarkdown(raw)}${raw.endsWith('\n') ? '\n' : ''}`
            : sanitizeHtml(raw, { allowedTags: [], allowedAttributes: {}, nonTextTags: SANITIZE.nonTextTags }),
      });
    } else if ((t.type === 'link' || t.type === 'image') && !SAFE_HREF.test(hrefAsBrowsersReadIt((t as { href: string }).href))) {
      edits.push({ raw: t.raw, replaced: () => (t as { text: string }).text });
    }
  });
  if (!edits.length) return md;
  let out = '';
  let at = 0;
  for (const e of edits) {
    const i = md.indexOf(e.raw, at);
    // Never leave anything in place unsanitised: if the lexer's text cannot be found as written,
    // render the whole article and convert it back instead.
    if (i < 0) return htmlToMarkdown(marked.parse(md, { async: false }));
    out += md.slice(at, i) + e.replaced();
    at = i + e.raw.length;
  }
  return out + md.slice(at);
}

/**
 * Plain text: paragraphs as they are. A short line standing alone (a blank line after it, no full
 * stop at its end, a capital first) reads as a heading and becomes one; the first becomes the
 * title heading when it opens the text.
 */
function textToMarkdown(text: string): string {
  const paras = text.split(/\n\s*\n/).map((p) => p.replace(/[ \t]+$/gm, '').replace(/^\n+|\n+$/g, ''));
  const out: string[] = [];
  paras.forEach((p, i) => {
    if (!p.trim()) return;
    const single = !p.includes('\n');
    const line = p.trim();
    const looksLikeHeading =
      single &&
      i < paras.length - 1 &&
      line.length <= 80 &&
      /^[A-Z0-9]/.test(line) &&
      !/[.,;!?]$/.test(line) &&
      !/^\d+[.)]\s/.test(line) &&
      line.split(/\s+/).length <= 12;
    if (looksLikeHeading) out.push(`${out.length === 0 ? '#' : '##'} ${line.replace(/:$/, '')}`);
    else out.push(p);
  });
  return out.join('\n\n');
}

/** Line endings, trailing spaces, runs of blank lines: the same article always hashes the same. */
function tidy(md: string): string {
  return md
    .replace(/\r\n?/g, '\n')
    .replace(/\u00a0/g, ' ')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export function normalise(content: string, format: KbFormat): string {
  const src = content.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  // Plain text is Markdown once converted, so tags typed into it are cleaned like a .md file's.
  const md = format === 'html' ? htmlToMarkdown(src) : cleanMarkdown(format === 'text' ? textToMarkdown(src) : src);
  return tidy(md);
}

/** Words a person could read, once Markdown punctuation is set aside. */
export function hasText(md: string): boolean {
  return /[\p{L}\p{N}]/u.test(md.replace(/!?\[[^\]]*\]\([^)]*\)/g, (m) => m.replace(/\([^)]*\)$/, '')));
}

export function contentHash(body: string): string {
  return createHash('sha256').update(body).digest('hex');
}

/** The title a file gives itself: its first top heading, else its name in words. */
export function titleFrom(md: string, fileName: string): string {
  const h = /^#{1,2}\s+(.+?)\s*#*\s*$/m.exec(md)?.[1];
  const fromName = fileName
    .replace(/\.[^.]+$/, '')
    .replace(/[-_]+/g, ' ')
    .trim();
  const t = (h ?? fromName).replace(/[*_`]/g, '').trim() || 'Untitled article';
  const title = t.charAt(0).toUpperCase() + t.slice(1);
  return title.length > MAX_TITLE_LENGTH ? `${title.slice(0, MAX_TITLE_LENGTH - 1)}…` : title;
}

/** The format a file's name says, then what its content says (an HTML page saved as .txt). */
export function formatOf(fileName: string, content: string): KbFormat {
  const ext = /\.([^./\\]+)$/.exec(fileName)?.[1]?.toLowerCase() ?? '';
  const byName = EXTENSIONS[ext];
  if (!byName) {
    const shown = ext ? `.${ext} files` : 'Files without an extension';
    throw new KbContentRefused(`${shown} can’t be imported: use ${ACCEPTED_EXTENSIONS.join(', ')}.`);
  }
  if (byName === 'text' && /^\s*(<!doctype html|<html[\s>])/i.test(content)) return 'html';
  return byName;
}

/** Bytes as text, refused when they are not a text file. */
export function decodeText(bytes: Uint8Array): string {
  if (bytes.byteLength > MAX_KB_BYTES)
    throw new KbContentRefused(`It is larger than 5 MB (${(bytes.byteLength / 1048576).toFixed(1)} MB).`);
  if (bytes.includes(0)) throw new KbContentRefused('It looks like a binary file (it contains NUL bytes), not text.');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new KbContentRefused('It is not valid UTF-8 text; save it as UTF-8 and try again.');
  }
}

/** Normalised Markdown from content, refused when nothing readable is left. */
export function articleBody(content: string, format: KbFormat): string {
  if (Buffer.byteLength(content) > MAX_KB_BYTES) throw new KbContentRefused('It is larger than 5 MB.');
  if (!content.trim()) throw new KbContentRefused('It is empty.');
  const body = normalise(content, format);
  if (!hasText(body)) {
    throw new KbContentRefused(
      format === 'html' ? 'No text is left once scripts, styles and markup are removed.' : 'It has no readable text.',
    );
  }
  return body;
}
