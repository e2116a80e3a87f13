import type { IncomingMessage, ServerResponse } from 'node:http';
import { renderGraphiQL } from 'graphql-yoga';
import { withTenantTx } from '../db/tenant.ts';
import type { Deps } from '../deps.ts';
import { REFRESH_COOKIE } from '../schema/session.ts';

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

/**
 * GraphiQL for owners, admins and super admins, recognised by their session cookie; everyone else
 * gets 404. The page carries a fresh access token for the same session, so the explorer works
 * with the same scopes as the SPA.
 */
export async function serveGraphiQL(req: IncomingMessage, res: ServerResponse, deps: Deps): Promise<void> {
  const notFound = () => {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Not found');
  };
  const token = cookie(req, REFRESH_COOKIE);
  const claims = token ? await deps.jwt.verifyRefresh(token) : null;
  if (!claims) return notFound();
  const allowed = await withTenantTx(deps.appPool, claims.acc, async (_tx, rows) => {
    const r = rows[0] as { role?: string; is_super_admin?: boolean } | undefined;
    return !!r && (r.role === 'owner' || r.role === 'admin' || r.is_super_admin === true);
  }, {
    // Literals are verified UUIDs from a signed token.
    prelude: /^[0-9a-f-]{36}$/i.test(claims.sid) && /^[0-9a-f-]{36}$/i.test(claims.sub)
      ? `SELECT u.role, u.is_super_admin FROM users u JOIN auth_sessions s ON s.user_id = u.id
         WHERE u.id = '${claims.sub}' AND s.id = '${claims.sid}' AND s.revoked_at IS NULL AND u.is_active AND u.deleted_at IS NULL`
      : 'SELECT 1 WHERE false',
  });
  if (!allowed) return notFound();
  const access = await deps.jwt.signAccess({ sub: claims.sub, acc: claims.acc, sid: claims.sid });
  const html = renderGraphiQL({
    title: 'L1 Workspace — GraphiQL',
    endpoint: '/graphql',
    subscriptionsProtocol: 'WS',
    headers: JSON.stringify({ Authorization: `Bearer ${access.token}` }),
  } as never);
  // yoga's page loads GraphiQL from a CDN with an inline script, which the SPA's policy refuses.
  res.removeHeader('content-security-policy');
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}
