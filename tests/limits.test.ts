import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../src/server/body-limit.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';

let t: TestApp;
let token: string;

beforeAll(async () => {
  t = await startTestApp();
  const account = await t.factory.account();
  token = await t.factory.token(await t.factory.user(account.id, 'owner'));
});
afterAll(() => t.close());

async function send(query: string, variables: Record<string, unknown> = {}) {
  const t0 = performance.now();
  const res = await t.gql.raw({ query, variables }, { token });
  const body = (await res.json()) as { data?: unknown; errors?: Array<{ message: string }> };
  return { status: res.status, body, ms: performance.now() - t0, messages: (body.errors ?? []).map((e) => e.message).join(' | ') };
}

const LIMIT_WORDS = /depth|aliases|tokens|directives|cost/i;

describe('operation limits (graphql-armor)', () => {
  it('refuses a query nested deeper than 10 levels', async () => {
    const ok = await send(
      `{ walkSession(id: "00000000-0000-4000-8000-000000000000") { ... on WalkSession { proposal { approvedFlow { latestVersion { publishedBy { account { sessionPolicy { idleSeconds } } } } } } } } }`,
    );
    expect(ok.messages).not.toMatch(LIMIT_WORDS);
    // Fragments nest without bound even though the schema has no cycles.
    let nested = 'me { id }';
    for (let i = 0; i < 12; i++) nested = `... on Query { ${nested} }`;
    const r = await send(`{ ${nested} }`);
    expect(r.status).toBeLessThan(500);
    expect(r.messages).toMatch(/depth limit of 10/i);
  });

  it('refuses more than 20 aliases', async () => {
    const q = `{ ${Array.from({ length: 21 }, (_, i) => `a${i}: me { id }`).join(' ')} }`;
    const r = await send(q);
    expect(r.status).toBeLessThan(500);
    expect(r.messages).toMatch(/aliases/i);
  });

  it('refuses a document of more than 4000 tokens', async () => {
    const r = await send(`{ ${'__typename '.repeat(4001)} }`);
    expect(r.status).toBeLessThan(500);
    expect(r.messages).toMatch(/token/i);
  });

  it('refuses more than 20 directives', async () => {
    const r = await send(`{ me { id ${Array.from({ length: 21 }, () => '@include(if: true)').join(' ')} } }`);
    expect(r.status).toBeLessThan(500);
    expect(r.messages).toMatch(/directive/i);
  });

  it('refuses an operation whose estimated cost is too high, before running it', async () => {
    const heavy =
      'escalations(first: 100) { ... on TicketPage { nodes { id problemStatement handoff { transcript { question answerLabel note at } notes { at content } } createdBy { id name account { id name } } assignedEngineer { id name email } } } }';
    const r = await send(`{ ${Array.from({ length: 20 }, (_, i) => `a${i}: ${heavy}`).join(' ')} }`);
    expect(r.status).toBeLessThan(500);
    expect(r.messages).toMatch(/cost/i);
    expect(r.ms).toBeLessThan(1000);
  });

  it('answers normally right after a burst of hostile queries', async () => {
    await Promise.all(Array.from({ length: 30 }, () => send(`{ ${'__typename '.repeat(5000)} }`)));
    const r = await send('{ me { id } }');
    expect(r.body.errors).toBeUndefined();
  });

  it('lets every operation the SPA and the tests send through', () => {
    const root = path.resolve(import.meta.dirname, '..');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const f of readdirSync(dir)) {
        const p = path.join(dir, f);
        if (f === 'node_modules' || f === 'gql' || f === 'dist') continue;
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.(ts|tsx)$/.test(f)) files.push(p);
      }
    };
    for (const d of ['web/src', 'tests']) walk(path.join(root, d));
    const ops: string[] = [];
    for (const f of files) {
      for (const m of readFileSync(f, 'utf8').matchAll(/graphql\(`([\s\S]*?)`\)/g)) ops.push(m[1]!);
    }
    expect(ops.length).toBeGreaterThan(20);
    return Promise.all(
      ops.map(async (op) => {
        const r = await send(op);
        expect(r.messages, op.slice(0, 80)).not.toMatch(/(depth|aliases|token|directive|cost) limit|exceeded/i);
      }),
    );
  });
});

describe('request bodies and origins over HTTP', () => {
  let h: TestApp;
  let own: string;
  beforeAll(async () => {
    h = await startTestApp({ urls: t.urls, listen: true, env: { CORS_ORIGINS: 'https://dash.example.com' } });
    // Its own session: the operation sweep above signs out the file's shared one.
    const account = await h.factory.account();
    own = await h.factory.token(await h.factory.user(account.id, 'owner'));
  });
  afterAll(() => h?.close());

  const post = (init: Omit<RequestInit, 'method'>) =>
    fetch(`${h.url}/graphql`, {
      method: 'POST',
      ...init,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${own}`, ...init.headers },
    });

  it('refuses a body over the limit with 413 and a clear error, before reading it', async () => {
    const body = JSON.stringify({ query: '{ me { id } }', variables: { pad: 'x'.repeat(MAX_BODY_BYTES) } });
    const res = await post({ body });
    expect(res.status).toBe(413);
    const json = (await res.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
    expect(json.errors[0]!.message).toMatch(/too large/i);
    expect(json.errors[0]!.extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('counts a chunked body without Content-Length as it arrives', async () => {
    const chunk = new TextEncoder().encode(' '.repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent === 0) c.enqueue(new TextEncoder().encode('{"query":"{ me { id } }","variables":{"pad":"'));
        sent += chunk.byteLength;
        if (sent > MAX_BODY_BYTES * 2) {
          c.enqueue(new TextEncoder().encode('"}}'));
          c.close();
        } else c.enqueue(chunk);
      },
    });
    const res = await post({ body: stream, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    // A small chunked body still goes through.
    const small = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('{"query":"{ me { id } }"}'));
        c.close();
      },
    });
    const ok = await post({ body: small, duplex: 'half' } as RequestInit);
    const json = (await ok.json()) as { data: { me: { id: string } | null } };
    expect(ok.status, JSON.stringify(json)).toBe(200);
    expect(JSON.stringify(json)).toMatch(/^{"data":{"me":{"id":"[0-9a-f-]{36}"}}}$/);
  });

  it('lets listed browser origins in and no others', async () => {
    const body = JSON.stringify({ query: '{ me { id } }' });
    const listed = await post({ body, headers: { origin: 'https://dash.example.com' } });
    expect(listed.headers.get('access-control-allow-origin')).toBe('https://dash.example.com');
    const other = await post({ body, headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
    const preflight = await fetch(`${h.url}/graphql`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
  });
});
