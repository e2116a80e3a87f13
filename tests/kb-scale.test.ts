import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, withTenantTx } from '../src/db/tenant.ts';
import { RELEVANT_SQL, SEARCH_SQL } from '../src/services/kb/search.ts';
import { graphql } from './gql/index.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';

/**
 * Retrieval at 10 000 documents: the plans use the indexes (no sequential scan of kb_chunks), and a
 * search or an intake lookup costs about what it costs at 1 000. Timings are printed; the bench
 * (npm run bench) holds the product to its p99 goals on a quiet machine.
 */

const Search = graphql(`
  query KbScale_Search($query: String!) {
    kbSearch(query: $query) {
      score
    }
  }
`);

// Words of the synthetic articles: runbook vocabulary, each chunk drawing 40 of them.
const VOCAB = (
  'printer spooler queue toner tray jam driver port network cable switch router firewall vpn gateway portal client ' +
  'certificate browser cache cookie proxy outlook mailbox calendar teams meeting audio headset microphone camera ' +
  'laptop dock monitor display keyboard mouse battery charger bios update patch reboot restart service process ' +
  'password reset account lockout mfa authenticator token phone softphone extension voicemail dial tone trunk ' +
  'excel word powerpoint onedrive sharepoint sync folder drive share permission group policy login profile ' +
  'wifi wireless adapter signal access point dns dhcp address lease ip subnet ping latency packet loss ' +
  'backup restore snapshot server cluster storage disk quota scanner email relay smtp license activation install'
).split(' ');

let t: TestApp;
let admin: pg.Pool;
const accounts: Record<'small' | 'large', string> = { small: '', large: '' };

async function generate(accountId: string, docs: number) {
  await admin.query(
    `WITH d AS (
       INSERT INTO kb_documents (account_id, title, body, format, source, content_hash)
       SELECT $1::uuid, initcap(($2::text[])[1 + (g * 7) % $4] || ' ' || ($2::text[])[1 + (g * 13) % $4]) || ' runbook ' || g,
         'generated', 'markdown', 'upload', md5($1::text || g::text) || md5(g::text || $1::text)
       FROM generate_series(1, $3::int) g
       RETURNING id, title
     )
     INSERT INTO kb_chunks (account_id, document_id, ordinal, document_title, heading_path, text)
     SELECT $1::uuid, d.id, o, d.title, ARRAY[($2::text[])[1 + (o * 11 + length(d.title)) % $4]],
       (SELECT string_agg(($2::text[])[1 + ((hashtext(d.id::text || o::text) & 2147483647) + i * 37) % $4], ' ') FROM generate_series(1, 40) i)
     FROM d, generate_series(0, 1) o`,
    [accountId, VOCAB, docs, VOCAB.length],
  );
}

type PlanNode = { 'Node Type': string; 'Relation Name'?: string; Plans?: PlanNode[] };
function scans(node: PlanNode, out: string[] = []): string[] {
  if (node['Relation Name']) out.push(`${node['Node Type']} ${node['Relation Name']}`);
  for (const p of node.Plans ?? []) scans(p, out);
  return out;
}

async function plan(accountId: string, text: string, params: unknown[]): Promise<string[]> {
  return withTenantTx(t.app.deps.appPool, accountId, async () => {
    const { rows } = await sql<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`EXPLAIN (FORMAT JSON) ${text}`, params);
    return scans(rows[0]!['QUERY PLAN'][0]!.Plan);
  });
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function timeRelevant(accountId: string, statements: string[], rounds: number): Promise<number[]> {
  const out: number[] = [];
  for (let r = 0; r < rounds; r++)
    for (const s of statements) {
      const start = performance.now();
      await withTenantTx(t.app.deps.appPool, accountId, () => t.app.deps.knowledgeBase.relevant(s, 5));
      out.push(performance.now() - start);
    }
  return out;
}

beforeAll(async () => {
  t = await startTestApp();
  admin = new pg.Pool({ connectionString: t.urls.admin, max: 1 });
  accounts.small = (await t.factory.account()).id;
  accounts.large = (await t.factory.account()).id;
  await generate(accounts.small, 1_000);
  await generate(accounts.large, 10_000);
  // As autovacuum would have them by then (the bench does the same before measuring).
  await admin.query('VACUUM ANALYZE kb_documents, kb_chunks');
}, 240_000);
afterAll(async () => {
  await admin.end();
  await t.close();
});

const QUERIES = ['printer spooler', 'vpn gateway certificate', 'pritner', 'outlook calendar sync', 'mfa authenticator phone'];
const STATEMENTS = [
  'my printer says offline and the queue is stuck',
  'user cannot connect to the vpn from home, certificate error',
  'teams meeting audio not working with the new headset',
  'excel crashes when opening files from sharepoint',
];

describe('retrieval at 10 000 documents', () => {
  it('uses the indexes: no sequential scan of kb_chunks in search or intake plans', async () => {
    for (const q of QUERIES) {
      const nodes = await plan(accounts.large, SEARCH_SQL, [q, 10]);
      expect(
        nodes.filter((n) => n === 'Seq Scan kb_chunks'),
        `${q}: ${nodes.join(', ')}`,
      ).toEqual([]);
    }
    for (const s of STATEMENTS) {
      const nodes = await plan(accounts.large, RELEVANT_SQL, [s, 'say', 0.35, 5]);
      expect(
        nodes.filter((n) => n === 'Seq Scan kb_chunks'),
        `${s}: ${nodes.join(', ')}`,
      ).toEqual([]);
    }
    // Inside the probe functions (l1_kb.*, run as l1_system with the settings they set): the GIN indexes.
    const body = async (settings: Record<string, string>, text: string, params: unknown[]) => {
      const c = await t.system.connect();
      try {
        await c.query('BEGIN');
        for (const [k, v] of Object.entries({ 'app.current_account_id': accounts.large, ...settings }))
          await c.query('SELECT set_config($1, $2, true)', [k, v]);
        const { rows } = await c.query(`EXPLAIN (FORMAT JSON) ${text}`, params);
        return JSON.stringify(rows[0]['QUERY PLAN']);
      } finally {
        await c.query('ROLLBACK');
        c.release();
      }
    };
    const chunks = await body(
      { enable_seqscan: 'off' },
      `SELECT c.id FROM kb_chunks c WHERE c.search_vector @@ websearch_to_tsquery('english', $1)
         AND c.account_id = nullif(current_setting('app.current_account_id', true), '')::uuid LIMIT 400`,
      ['printer'],
    );
    expect(chunks).toContain('"Index Name":"kb_chunks_search_vector_idx"');
    expect(chunks).not.toContain('"Node Type":"Seq Scan"');
    const titles = await body(
      { enable_seqscan: 'off', 'pg_trgm.word_similarity_threshold': '0.35' },
      `SELECT d.id FROM kb_documents d WHERE d.status = 'active' AND l1_unaccent(lower($1)) <% l1_unaccent(lower(d.title))
         AND d.account_id = nullif(current_setting('app.current_account_id', true), '')::uuid`,
      ['pritner'],
    );
    expect(titles).toContain('"Index Name":"kb_documents_title_trgm_idx"');
    expect(titles).not.toContain('"Node Type":"Seq Scan"');
  });
  it('answers kbSearch quickly, and intake costs about the same at 10 000 documents as at 1 000', async () => {
    const engineer = await t.factory.user(accounts.large, 'engineer');
    const token = await t.factory.token(engineer);
    const times: number[] = [];
    for (let r = 0; r < 6; r++)
      for (const query of QUERIES) {
        const start = performance.now();
        await t.gql.runOk(Search, { query }, { token });
        times.push(performance.now() - start);
      }
    // Warm both accounts alike, then alternate so a drift in the machine's speed weighs on both.
    await timeRelevant(accounts.small, STATEMENTS, 2);
    await timeRelevant(accounts.large, STATEMENTS, 2);
    const small: number[] = [];
    const large: number[] = [];
    for (let r = 0; r < 4; r++) {
      small.push(...(await timeRelevant(accounts.small, STATEMENTS, 2)));
      large.push(...(await timeRelevant(accounts.large, STATEMENTS, 2)));
    }
    const ratio = percentile(large, 50) / percentile(small, 50);
    console.log(
      `kbSearch over GraphQL at 10k documents: p50 ${percentile(times, 50).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms; ` +
        `intake relevance p50 ${percentile(small, 50).toFixed(1)} ms at 1k, ${percentile(large, 50).toFixed(1)} ms at 10k (×${ratio.toFixed(2)})`,
    );
    // Loose bounds for a shared machine: the bench holds the real goals (p99 ≤ 20 ms, ×1.5).
    expect(percentile(times, 50)).toBeLessThan(250);
    expect(ratio).toBeLessThan(2.5);
  });
});
