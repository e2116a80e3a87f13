import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { withTenantTx } from '../db/tenant.ts';
import type { Deps } from '../deps.ts';
import { REFRESH_COOKIE } from '../schema/session.ts';
import { contentSecurityPolicy } from './headers.ts';

function cookie(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return null;
}

export function wantsGraphiQL(req: IncomingMessage): boolean {
  return req.method === 'GET' && (req.headers.accept ?? '').includes('text/html');
}

export const ASSETS_PREFIX = '/graphql/assets/';

// ---------------------------------------------------------------------------------------------
// Assets: GraphiQL as yoga bundles it (@graphql-yoga/render-graphiql, the build yoga's own page
// inlines), served as files from this server. The page works offline and under a CSP of
// `script-src 'self'`: no CDN, no inline script, no blob: workers.

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

/** Starts the page: Monaco's workers from our own files, then GraphiQL with the page's config. */
const BOOT_JS = `(function () {
  var base = ${JSON.stringify(ASSETS_PREFIX)};
  var workers = { editorWorkerService: 'editor.worker.js', json: 'json.worker.js', graphql: 'graphql.worker.js' };
  self.MonacoEnvironment = {
    globalAPI: false,
    getWorkerUrl: function (_moduleId, label) { return base + (workers[label] || workers.editorWorkerService); },
  };
  var root = document.getElementById('root');
  YogaGraphiQL.renderYogaGraphiQL(root, JSON.parse(root.getAttribute('data-config')));
})();
`;

let assets: Promise<Map<string, Asset>> | undefined;

function loadAssets(): Promise<Map<string, Asset>> {
  // 9 MB of strings: read on the first GraphiQL visit, not at every start-up.
  assets ??= (async () => {
    // The package exports only its renderer; the bundle sits next to it.
    const entry = createRequire(import.meta.url).resolve('@graphql-yoga/render-graphiql');
    const bundle = (await import(pathToFileURL(path.join(path.dirname(entry), '..', 'esm', 'graphiql.js')).href)) as Record<string, string>;
    const js = 'text/javascript; charset=utf-8';
    const files: Record<string, [string | Buffer, string]> = {
      'graphiql.js': [bundle.js!, js],
      'graphiql.css': [bundle.css!, 'text/css; charset=utf-8'],
      'editor.worker.js': [bundle.editorWorkerService!, js],
      'json.worker.js': [bundle.jsonWorker!, js],
      'graphql.worker.js': [bundle.graphqlWorker!, js],
      'boot.js': [BOOT_JS, js],
    };
    const icon = /^data:([^;,]+)(;base64)?,(.*)$/s.exec(bundle.favicon ?? '');
    if (icon) files['favicon'] = [icon[2] ? Buffer.from(icon[3]!, 'base64') : Buffer.from(decodeURIComponent(icon[3]!)), icon[1]!];
    const out = new Map<string, Asset>();
    for (const [name, [content, type]] of Object.entries(files)) {
      const body = Buffer.isBuffer(content) ? content : Buffer.from(content);
      out.set(name, { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"` });
    }
    return out;
  })();
  assets.catch(() => (assets = undefined));
  return assets;
}

/** `GET /graphql/assets/<file>`: public files (the page's code, nothing about the account). */
export async function serveGraphiQLAsset(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
  const asset = (await loadAssets()).get(pathname.slice(ASSETS_PREFIX.length));
  if (!asset || (req.method !== 'GET' && req.method !== 'HEAD')) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Not found');
    return;
  }
  if (req.headers['if-none-match'] === asset.etag) {
    res.writeHead(304, { etag: asset.etag });
    res.end();
    return;
  }
  res.writeHead(200, { 'content-type': asset.type, 'content-length': asset.body.length, etag: asset.etag, 'cache-control': 'no-cache' });
  res.end(req.method === 'HEAD' ? undefined : asset.body);
}

// ---------------------------------------------------------------------------------------------
// The page

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const ROLE_WORDS: Record<string, string> = { engineer: 'an engineer', l1_tech: 'an L1 technician', viewer: 'a viewer' };

/** Why the explorer is not shown, in words, with the way back: a bare "Not found" told nobody anything. */
function refusalPage(signedIn: { name: string; role: string } | null): string {
  const why = signedIn
    ? `You are signed in as ${escapeHtml(signedIn.name)}, ${ROLE_WORDS[signedIn.role] ?? escapeHtml(signedIn.role)}. Ask an owner or admin of your team if you need it.`
    : 'You are not signed in (or your session ended). Sign in as an owner or admin, then open GraphiQL again.';
  const link = signedIn ? '<a href="/">Back to L1 Workspace</a>' : '<a href="/sign-in">Sign in</a> · <a href="/">Back to L1 Workspace</a>';
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>GraphiQL is for owners and admins</title></head>
<body style="font: 16px/1.5 system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem; color: #1f2937">
<h1 style="font-size: 1.5rem">GraphiQL is for owners and admins — sign in as one</h1>
<p>${why}</p>
<p>${link}</p>
</body>
</html>`;
}

/**
 * GraphiQL for owners, admins and super admins, recognised by their session cookie; everyone else
 * gets a page saying why. The page carries a fresh access token for the same session (in a data
 * attribute read by boot.js), so the explorer works with the same scopes as the SPA.
 */
export async function serveGraphiQL(req: IncomingMessage, res: ServerResponse, deps: Deps): Promise<void> {
  const refuse = (signedIn: { name: string; role: string } | null) => {
    res.setHeader('content-security-policy', contentSecurityPolicy({ inlineStyles: true }));
    res.writeHead(403, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(refusalPage(signedIn));
  };
  const token = cookie(req, REFRESH_COOKIE);
  const claims = token ? await deps.jwt.verifyRefresh(token) : null;
  if (!claims) return refuse(null);
  type Row = {
    name: string;
    role: string;
    is_super_admin: boolean;
    last_refreshed_at: Date;
    idle_seconds: number;
    auth_time: Date;
    absolute_seconds: number;
  };
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  const row = await withTenantTx(deps.appPool, claims.acc, async (_tx, rows) => rows[0] as Row | undefined, {
    // Literals are verified UUIDs from a signed token. The refresh token must be the session's
    // current one (a rotated-away copy opens nothing), as `refreshSession` demands.
    prelude: [claims.sid, claims.sub, claims.jti].every((v) => uuid.test(v))
      ? `SELECT u.name, u.role, u.is_super_admin, s.last_refreshed_at, s.idle_seconds, s.auth_time, s.absolute_seconds
         FROM users u JOIN auth_sessions s ON s.user_id = u.id
         WHERE u.id = '${claims.sub}' AND s.id = '${claims.sid}' AND s.jti = '${claims.jti}' AND s.revoked_at IS NULL
           AND u.is_active AND u.deleted_at IS NULL`
      : 'SELECT 1 WHERE false',
  });
  // A session past its idle or absolute deadline opens nothing either: the page would otherwise
  // mint a fresh access token for it.
  const now = deps.clock.now().getTime();
  const live =
    row && now < row.last_refreshed_at.getTime() + row.idle_seconds * 1000 && now < row.auth_time.getTime() + row.absolute_seconds * 1000;
  const user = live ? row : undefined;
  if (!user) return refuse(null);
  if (!(user.role === 'owner' || user.role === 'admin' || user.is_super_admin)) return refuse(user);
  const access = await deps.jwt.signAccess({ sub: claims.sub, acc: claims.acc, sid: claims.sid });
  const config = {
    title: 'L1 Workspace — GraphiQL',
    endpoint: '/graphql',
    subscriptionsProtocol: 'WS',
    headers: JSON.stringify({ Authorization: `Bearer ${access.token}` }),
  };
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(config.title)}</title>
<link rel="icon" href="${ASSETS_PREFIX}favicon">
<link rel="stylesheet" href="${ASSETS_PREFIX}graphiql.css">
</head>
<body id="body" class="no-focus-outline">
<noscript>GraphiQL needs JavaScript.</noscript>
<div id="root" data-config="${escapeHtml(JSON.stringify(config))}"></div>
<script src="${ASSETS_PREFIX}graphiql.js"></script>
<script src="${ASSETS_PREFIX}boot.js"></script>
</body>
</html>`;
  res.setHeader('content-security-policy', contentSecurityPolicy({ inlineStyles: true }));
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}
