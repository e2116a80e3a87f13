import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_KB_BYTES } from '../src/services/kb/normalise.ts';
import { graphql } from './gql/index.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';

/**
 * importKbFiles as the SPA sends it: a GraphQL multipart request (operations + map + files) over a
 * real HTTP connection, with fetch and FormData.
 */

const Import = graphql(`
  mutation KbUpload_Import($files: [File!]!) {
    importKbFiles(files: $files) {
      __typename
      ... on ImportKbFilesPayload {
        results {
          fileName
          status
          message
          document {
            id
            title
            format
            source
            chunks {
              headingPath
            }
          }
        }
      }
      ... on ValidationError {
        message
      }
    }
  }
`);

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ listen: true });
});
afterAll(() => t.close());

type Part = { name: string; content: string | Uint8Array; type?: string };

async function upload(files: Part[], headers: Record<string, string>) {
  const form = new FormData();
  form.set('operations', JSON.stringify({ query: print(Import), variables: { files: files.map(() => null) } }));
  form.set('map', JSON.stringify(Object.fromEntries(files.map((_, i) => [String(i), [`variables.files.${i}`]]))));
  files.forEach((f, i) => form.set(String(i), new Blob([f.content as BlobPart], { type: f.type ?? 'application/octet-stream' }), f.name));
  const res = await fetch(`${t.url}/graphql`, { method: 'POST', body: form, headers: { accept: 'application/json', ...headers } });
  return {
    status: res.status,
    body: (await res.json()) as { data?: Record<string, any>; errors?: Array<{ message: string; extensions?: { code?: string } }> },
  };
}

async function engineer() {
  const account = await t.factory.account();
  const u = await t.factory.user(account.id, 'engineer');
  return { account, token: await t.factory.token(u) };
}

async function stored(accountId: string): Promise<string[]> {
  const { rows } = await t.system.query<{ title: string }>('SELECT title FROM kb_documents WHERE account_id = $1 ORDER BY title', [
    accountId,
  ]);
  return rows.map((r) => r.title);
}

describe('importKbFiles over multipart HTTP', () => {
  it('imports each good file, refuses each bad one with its reason, and stores nothing for the refused', async () => {
    const { account, token } = await engineer();
    const md = '# Printer offline\n\n## Restart the spooler\n\nOpen Services and restart Print Spooler.\n';
    const files: Part[] = [
      { name: 'printer-offline.md', content: md, type: 'text/markdown' },
      {
        name: 'vpn.html',
        content: '<h1>VPN won’t connect</h1><script>alert(1)</script><ol><li>Restart the client</li></ol>',
        type: 'text/html',
      },
      { name: 'password-expiry.txt', content: 'Password expiry\n\nUse the self-service reset portal.\n' },
      {
        name: 'saved-page.txt',
        content: '<!DOCTYPE html><html><body><h1>Teams audio</h1><p>Pick the headset in Settings.</p></body></html>',
      },
      { name: 'copy-of-printer.markdown', content: `${md}\n\n` },
      { name: 'too-big.md', content: `# Big\n\n${'x'.repeat(MAX_KB_BYTES)}` },
      { name: 'binary.md', content: new Uint8Array([0x23, 0x20, 0x41, 0x00, 0x01, 0x02]) },
      { name: 'latin1.txt', content: new Uint8Array([0x63, 0x61, 0x66, 0xe9]) },
      { name: 'manual.pdf', content: '%PDF-1.7' },
      { name: 'empty.md', content: '   \n' },
      { name: 'hostile.htm', content: '<script>alert(1)</script><style>*{}</style>' },
    ];
    const r = await upload(files, { authorization: `Bearer ${token}` });
    expect(r.status).toBe(200);
    const results = r.body.data!.importKbFiles.results as Array<{ fileName: string; status: string; message: string; document: any }>;
    expect(results.map((x) => [x.fileName, x.status])).toEqual([
      ['printer-offline.md', 'IMPORTED'],
      ['vpn.html', 'IMPORTED'],
      ['password-expiry.txt', 'IMPORTED'],
      ['saved-page.txt', 'IMPORTED'],
      ['copy-of-printer.markdown', 'DUPLICATE'],
      ['too-big.md', 'REJECTED'],
      ['binary.md', 'REJECTED'],
      ['latin1.txt', 'REJECTED'],
      ['manual.pdf', 'REJECTED'],
      ['empty.md', 'REJECTED'],
      ['hostile.htm', 'REJECTED'],
    ]);
    expect(results.map((x) => x.message).slice(4)).toEqual([
      'copy-of-printer.markdown: already in the knowledge base as “Printer offline”; not imported again.',
      'too-big.md: It is larger than 5 MB (5.0 MB).',
      'binary.md: It looks like a binary file (it contains NUL bytes), not text.',
      'latin1.txt: It is not valid UTF-8 text; save it as UTF-8 and try again.',
      'manual.pdf: .pdf files can’t be imported: use .md, .markdown, .html, .htm, .txt.',
      'empty.md: It is empty.',
      'hostile.htm: No text is left once scripts, styles and markup are removed.',
    ]);
    expect(results[0]!.document).toMatchObject({
      title: 'Printer offline',
      format: 'MARKDOWN',
      source: 'UPLOAD',
      chunks: [{ headingPath: ['Restart the spooler'] }],
    });
    expect(results[1]!.document).toMatchObject({ title: 'VPN won’t connect', format: 'HTML' });
    expect(results[2]!.document).toMatchObject({ title: 'Password expiry', format: 'TEXT' });
    expect(results[3]!.document).toMatchObject({ title: 'Teams audio', format: 'HTML' });
    expect(results[4]!.document.id).toBe(results[0]!.document.id);
    for (const x of results.slice(5)) expect(x.document).toBeNull();
    expect(await stored(account.id)).toEqual(['Password expiry', 'Printer offline', 'Teams audio', 'VPN won’t connect']);
    const audit = await t.system.query(
      `SELECT count(*)::int AS n FROM audit_logs WHERE account_id = $1 AND action = 'kb.document.import'`,
      [account.id],
    );
    expect(audit.rows[0].n).toBe(4);
  });

  it('needs the CSRF header or a bearer token, and an engineer', async () => {
    const { account, token } = await engineer();
    const file = [{ name: 'a.md', content: '# A\n\nText' }];
    // A browser form from another site: no header the CSRF plugin accepts.
    expect((await upload(file, {})).status).toBe(403);
    const anonymous = await upload(file, { 'x-graphql-yoga-csrf': '1' });
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const l1 = await t.factory.token(await t.factory.user(account.id, 'l1_tech'));
    const denied = await upload(file, { authorization: `Bearer ${l1}` });
    expect(denied.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await stored(account.id)).toEqual([]);
    const ok = await upload(file, { authorization: `Bearer ${token}` });
    expect(ok.body.data!.importKbFiles.results[0].status).toBe('IMPORTED');
  });

  it('refuses more than 20 files at once, and an empty list, storing nothing', async () => {
    const { account, token } = await engineer();
    const many = Array.from({ length: 21 }, (_, i) => ({ name: `a${i}.md`, content: `# A${i}\n\nText ${i}` }));
    const r = await upload(many, { authorization: `Bearer ${token}` });
    expect(r.body.data!.importKbFiles).toEqual({ __typename: 'ValidationError', message: 'Import at most 20 files at a time.' });
    const none = await upload([], { authorization: `Bearer ${token}` });
    expect(none.body.data!.importKbFiles).toEqual({ __typename: 'ValidationError', message: 'Choose at least one file to import.' });
    expect(await stored(account.id)).toEqual([]);
  });
});
