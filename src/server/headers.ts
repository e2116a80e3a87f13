/** The Content-Security-Policy of our pages; `inlineStyles` only where a page's own markup needs them. */
export function contentSecurityPolicy(opts: { inlineStyles?: boolean } = {}): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    // GraphiQL's editor sets style attributes and <style> elements; styles cannot run code.
    opts.inlineStyles ? "style-src 'self' 'unsafe-inline'" : "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Sent with every response. The SPA loads nothing but its own files (no inline script, no CDN), so
 * an injected script tag or a foreign origin is refused; no page may frame ours (clickjacking on
 * "Take over" or "Deactivate"); types are never sniffed; invite links (secrets in the path) never
 * leak through Referer. GraphiQL's pages relax the style policy only (src/server/graphiql.ts).
 */
export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': contentSecurityPolicy(),
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};
