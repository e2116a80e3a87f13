import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, txObservers, withTenantTx } from '../src/db/tenant.ts';
import { DEMO_KB_ARTICLES, seedDemoKnowledgeBase } from '../src/services/demo/kb-seed.ts';
import { hitsFor, relevant } from '../src/services/kb/search.ts';
import { KB_RELEVANCE_CORPUS } from './corpus/kb-relevance.ts';
import { graphql } from './gql/index.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';

const Search = graphql(`
  query KbSearch_Search($query: String!, $first: Int) {
    kbSearch(query: $query, first: $first) {
      score
      snippet
      chunk {
        id
        ordinal
        headingPath
        text
        document {
          id
        }
      }
      document {
        id
        title
        status
      }
    }
  }
`);

const Create = graphql(`
  mutation KbSearch_Create($title: String!, $body: String!, $format: KbFormat) {
    createKbDocument(title: $title, body: $body, format: $format) {
      __typename
      ... on CreateKbDocumentPayload {
        document {
          id
        }
      }
    }
  }
`);

const Archive = graphql(`
  mutation KbSearch_Archive($id: ID!) {
    archiveKbDocument(id: $id) {
      __typename
    }
  }
`);

let t: TestApp;
let accountId: string;
let token: string;
let floor: number;

beforeAll(async () => {
  t = await startTestApp();
  floor = t.app.deps.config.KB_RELEVANCE_FLOOR;
  accountId = (await t.factory.account()).id;
  const engineer = await t.factory.user(accountId, 'engineer');
  token = await t.factory.token(engineer);
  const c = await t.system.connect();
  try {
    await seedDemoKnowledgeBase(c, accountId, engineer.id);
  } finally {
    c.release();
  }
});
afterAll(() => t.close());

const search = async (query: string, first = 10) => (await t.gql.runOk(Search, { query, first }, { token })).kbSearch;
const titles = (hits: Awaited<ReturnType<typeof search>>) => hits.map((h) => h.document.title);

async function create(title: string, body: string, format: 'MARKDOWN' | 'HTML' | 'TEXT' = 'MARKDOWN') {
  const r = await t.gql.runOk(Create, { title, body, format }, { token });
  if (r.createKbDocument.__typename !== 'CreateKbDocumentPayload') throw new Error(JSON.stringify(r));
  return r.createKbDocument.document.id;
}

describe('kbSearch', () => {
  it('finds the article by its words, best first, with scores in [0, 1] that only go down', async () => {
    const hits = await search('print spooler');
    expect(titles(hits)[0]).toBe('Printer offline or print queue stuck');
    for (const h of hits) expect(h.score).toBeGreaterThan(0);
    for (const h of hits) expect(h.score).toBeLessThanOrEqual(1);
    expect(hits.map((h) => h.score)).toEqual([...hits.map((h) => h.score)].sort((a, b) => b - a));
    expect(hits[0]!.chunk.document.id).toBe(hits[0]!.document.id);
    expect(hits[0]!.chunk.headingPath).toEqual(['Clear a stuck print queue']);
    // A word in the title and the text, first in both lists: the best score there is.
    expect((await search('softphone'))[0]).toMatchObject({ score: 1, document: { title: 'Softphone has no dial tone' } });
  });

  it('answers a page of hits with their chunks and documents in a fixed number of queries', async () => {
    let count = 0;
    const observe = (s: { queryCount: number }) => (count += s.queryCount);
    txObservers.add(observe);
    try {
      const hits = await search('restart', 10);
      expect(hits.length).toBeGreaterThan(3);
    } finally {
      txObservers.delete(observe);
    }
    // BEGIN with the principal, the search, COMMIT: the nested document is the hit's own.
    expect(count).toBeLessThanOrEqual(3);
  });

  it('forgives typos in titles through trigrams', async () => {
    expect(titles(await search('pritner offline'))[0]).toBe('Printer offline or print queue stuck');
    expect(titles(await search('excle crashes'))[0]).toBe('Excel crashes on open');
    expect(titles(await search('shared mailbx'))[0]).toBe('Shared mailbox missing in Outlook');
    expect(await search('zzqx wobble')).toEqual([]);
  });

  it('ignores accents both ways, and marks the word as the article writes it', async () => {
    await create('Café guest network', 'The café guest network needs the daily code from reception.');
    await create('Naive cache settings', 'Naive caching of the proxy breaks sign-in pages.');
    const cafe = await search('cafe code');
    expect(titles(cafe)[0]).toBe('Café guest network');
    expect(cafe[0]!.snippet).toContain('<mark>café</mark>');
    expect(cafe[0]!.snippet).toContain('<mark>code</mark>');
    expect(titles(await search('CAFÉ'))[0]).toBe('Café guest network');
    expect(titles(await search('naïve caching'))[0]).toBe('Naive cache settings');
  });

  it('snippets mark the matched words and carry no other markup, even when the article contains markers', async () => {
    await create(
      'Highlight test',
      'Type `<mark>x</mark>` in the **search box** and press [Enter](https://example.test/enter).\n\n# Heading\n\n> quoted box',
    );
    const [hit] = await search('search box');
    expect(hit!.document.title).toBe('Highlight test');
    expect(hit!.snippet).toContain('<mark>search</mark> <mark>box</mark>');
    const bare = hit!.snippet.replaceAll('<mark>', '').replaceAll('</mark>', '');
    expect(bare).not.toMatch(/[<>*`[\]]|https?:/);
    expect(bare).toContain('Type x in the search box and press Enter');
    // Every marker wraps a matched word.
    for (const m of hit!.snippet.matchAll(/<mark>([^<]*)<\/mark>/g)) expect(['search', 'box']).toContain(m[1]!.toLowerCase());
  });

  it('leaves archived articles out', async () => {
    const id = await create('Docking station monitors', 'If the dock shows no monitors, reseat the USB-C cable.');
    expect(titles(await search('docking station'))).toContain('Docking station monitors');
    await t.gql.runOk(Archive, { id }, { token });
    expect(titles(await search('docking station'))).not.toContain('Docking station monitors');
  });

  it('takes any text without failing: operators, quotes, only stop words, very long', async () => {
    for (const q of ['"print queue" -spooler', 'or or or', 'the', '!!!', ')(*&^', 'a'.repeat(600), '<mark>', "' OR 1=1 --"]) {
      const r = await t.gql.run(Search, { query: q }, { token });
      expect(r.errors, q).toBeUndefined();
    }
    expect(await search('   ')).toEqual([]);
  });
});

describe('relevant (intake)', () => {
  const asAccount = <T>(fn: () => Promise<T>) => withTenantTx(t.app.deps.appPool, accountId, fn);

  it('the demo knowledge base holds a dozen articles, Markdown and HTML', () => {
    expect(DEMO_KB_ARTICLES.length).toBeGreaterThanOrEqual(12);
    expect(new Set(DEMO_KB_ARTICLES.map((a) => a.format))).toEqual(new Set(['markdown', 'html']));
  });

  it('puts the labelled article first and above the floor, and finds nothing for calls no article covers', async () => {
    const wrong: string[] = [];
    let lowestHit = 1;
    let highestMiss = 0;
    for (const [statement, article] of KB_RELEVANCE_CORPUS) {
      const hits = await asAccount(() => t.app.deps.knowledgeBase.relevant(statement, 3));
      const unfloored = await asAccount(() => relevant(statement, 1, 0));
      if (article) {
        lowestHit = Math.min(lowestHit, hits[0]?.score ?? 0);
        if (hits[0]?.title !== article) wrong.push(`${statement}: ${hits[0]?.title ?? 'nothing'}`);
      } else {
        highestMiss = Math.max(highestMiss, unfloored[0]?.score ?? 0);
        if (hits.length) wrong.push(`${statement}: ${hits[0]!.title} (${hits[0]!.score.toFixed(2)})`);
      }
      for (const h of hits) expect(h.score).toBeGreaterThanOrEqual(floor);
    }
    console.log(`KB relevance floor ${floor}: lowest labelled hit ${lowestHit.toFixed(3)}, highest unlabelled ${highestMiss.toFixed(3)}`);
    expect(wrong).toEqual([]);
  });

  it('answers chunks with their document, headings and a comparable score', async () => {
    const [hit] = await asAccount(() => t.app.deps.knowledgeBase.relevant('my printer says offline', 3));
    expect(hit).toMatchObject({ title: 'Printer offline or print queue stuck', headingPath: expect.any(Array) });
    expect(hit!.score).toBeGreaterThan(0.8);
    expect(hit!.score).toBeLessThanOrEqual(1);
    // A long statement about the same problem scores lower than a crisp one, and still above the floor.
    const [long] = await asAccount(() =>
      t.app.deps.knowledgeBase.relevant(
        'Customer says that since this morning the printer on the second floor shows an error and nothing prints',
        3,
      ),
    );
    expect(long!.score).toBeLessThan(hit!.score);
    expect(long!.score).toBeGreaterThanOrEqual(floor);
  });

  it('its index probes (SECURITY DEFINER, so the indexes work under RLS) answer for the current account only, and for none without one', async () => {
    const probe = `SELECT (SELECT count(*) FROM l1_kb.matching_chunks(to_tsquery('english', 'printer'), 100))::int AS chunks,
        l1_kb.term_frequency(to_tsquery('english', 'printer'), 100)::int AS df,
        (SELECT count(*) FROM l1_kb.title_matches('printer offline', 20))::int AS titles`;
    const run = (account: string | null) =>
      withTenantTx(t.app.deps.appPool, account, async () => (await sql<Record<string, number>>(probe)).rows[0]);
    const mine = await run(accountId);
    expect(mine!.chunks).toBeGreaterThan(0);
    expect(mine!.df).toBe(mine!.chunks);
    expect(mine!.titles).toBeGreaterThan(0);
    expect(await run((await t.factory.account()).id)).toEqual({ chunks: 0, df: 0, titles: 0 });
    expect(await run(null)).toEqual({ chunks: 0, df: 0, titles: 0 });
  });

  it('reads back the hits a walk listed, in order, with their scores and snippets marking the statement’s words', async () => {
    const statement = 'my printer says offline';
    const hits = await asAccount(() => t.app.deps.knowledgeBase.relevant(statement, 3));
    const back = await asAccount(() => hitsFor(statement, [...hits].reverse()));
    expect(back.map((h) => [h.chunk.id, h.score])).toEqual([...hits].reverse().map((h) => [h.chunkId, h.score]));
    expect(back[0]!.document.title).toBe('Printer offline or print queue stuck');
    expect(back.some((h) => /<mark>(printer|offline)<\/mark>/i.test(h.snippet))).toBe(true);
    const other = (await t.factory.account()).id;
    expect(await withTenantTx(t.app.deps.appPool, other, () => hitsFor(statement, hits))).toEqual([]);
  });

  it('respects the limit, skips archived articles and sees only the current account', async () => {
    expect(await asAccount(() => t.app.deps.knowledgeBase.relevant('print queue stuck offline', 2))).toHaveLength(2);
    const other = (await t.factory.account()).id;
    expect(await withTenantTx(t.app.deps.appPool, other, () => t.app.deps.knowledgeBase.relevant('my printer says offline', 3))).toEqual(
      [],
    );
    expect(await withTenantTx(t.app.deps.appPool, other, () => t.app.deps.knowledgeBase.hasContent())).toBe(false);
    const id = await create('Scanner to email fails', 'The scanner cannot send email: check the SMTP relay password.');
    expect((await asAccount(() => t.app.deps.knowledgeBase.relevant('scanner email fails', 3)))[0]?.documentId).toBe(id);
    await t.gql.runOk(Archive, { id }, { token });
    expect((await asAccount(() => t.app.deps.knowledgeBase.relevant('scanner email fails', 3))).map((h) => h.documentId)).not.toContain(id);
  });
});
