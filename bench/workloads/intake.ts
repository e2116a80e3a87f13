import type { DatabaseUrls } from '../../src/db/bootstrap.ts';
import { chunkMarkdown } from '../../src/services/kb/chunk.ts';
import { contentHash, normalise } from '../../src/services/kb/normalise.ts';
import { type CpuSample, cpuNow, cpuPer } from '../cpu.ts';
import { benchPool, gql, type SeededAccount } from '../setup.ts';
import { type LatencySummary, summarize } from '../stats.ts';
import { flowFor, kbArticle, STATEMENTS } from './intake-data.ts';

const INTAKE = `mutation Bench_Match($p: String!) {
  intake(problemStatement: $p) { __typename ... on IntakePayload { outcome session { id } } }
}`;
const KB_SEARCH = `query Bench_KbSearch($q: String!) { kbSearch(query: $q, first: 10) { score snippet chunk { id } } }`;
// Searches an engineer or L1 types: short, some misspelt, some matching nothing.
const QUERIES = [
  'printer offline',
  'vpn',
  'mfa prompt',
  'pasword expired',
  'mapped drive',
  'teams audio headset',
  'wifi drops',
  'excel crash',
  'onedrive sync',
  'dial tone',
  'certficate warning',
  'nothing like this',
];

export interface IntakeLegResult {
  documents: number;
  flows: number;
  concurrency: number;
  intake: Measured & { outcomes: Record<string, number> };
  kbSearch: Measured;
}

/** Published flows straight into the tables, as the publish service leaves them (the trigger builds each flow's search vector). */
export async function seedFlows(urls: DatabaseUrls, account: SeededAccount, ownerId: string, from: number, to: number): Promise<void> {
  const db = benchPool({ connectionString: urls.system, max: 1 });
  try {
    for (let i = from; i < to; i++) {
      const f = flowFor(i);
      await db.query(
        `WITH f AS (
           INSERT INTO flows (account_id, title, description, status, draft_nodes, draft_root_node_id, created_by)
           VALUES ($1, $2, $3, 'draft', $4, $5, $6) RETURNING id
         ), v AS (
           INSERT INTO flow_versions (account_id, flow_id, version, nodes, root_node_id, published_by)
           SELECT $1, f.id, 1, $4, $5, $6 FROM f RETURNING id, flow_id
         )
         UPDATE flows SET status = 'published', latest_version_id = v.id, latest_version_no = 1 FROM v WHERE flows.id = v.flow_id`,
        [account.id, f.title, f.description, JSON.stringify(f.nodes), f.rootNodeId, ownerId],
      );
    }
  } finally {
    await db.end();
  }
}

/** KB articles `from`..`to`, normalised and chunked by the product's own code, in batches of 200. */
export async function seedDocuments(urls: DatabaseUrls, account: SeededAccount, ownerId: string, from: number, to: number): Promise<void> {
  const db = benchPool({ connectionString: urls.system, max: 1 });
  try {
    for (let start = from; start < to; start += 200) {
      const docs = [];
      for (let i = start; i < Math.min(to, start + 200); i++) {
        const a = kbArticle(i);
        const body = normalise(a.body, 'markdown');
        docs.push({ title: a.title, body, hash: contentHash(body), chunks: chunkMarkdown(body, a.title) });
      }
      await db.query(
        `WITH input AS (
           SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(title text, body text, hash text, chunks jsonb)
         ), d AS (
           INSERT INTO kb_documents (account_id, title, body, format, source, content_hash, created_by)
           SELECT $1, title, body, 'markdown', 'paste', hash, $3 FROM input RETURNING id, content_hash, title
         )
         INSERT INTO kb_chunks (account_id, document_id, ordinal, document_title, heading_path, text)
         SELECT $1, d.id, (c->>'ordinal')::int, d.title, ARRAY(SELECT jsonb_array_elements_text(c->'headingPath')), c->>'text'
         FROM d JOIN input i ON i.hash = d.content_hash CROSS JOIN LATERAL jsonb_array_elements(i.chunks) c`,
        [account.id, JSON.stringify(docs), ownerId],
      );
    }
    // As autovacuum leaves a table soon after a bulk load: statistics and the visibility map.
    for (const t of ['kb_documents', 'kb_chunks', 'flows']) await db.query(`VACUUM (ANALYZE) ${t}`);
  } finally {
    await db.end();
  }
}

type Measured = LatencySummary & { perSecond: number; errors: number; cpuPerCall?: ReturnType<typeof cpuPer> };

/** `concurrency` L1s looping `call` for `seconds` (after a warm-up), latency per call. */
async function loop(
  clients: Array<{ token: string }>,
  seconds: number,
  call: (token: string, i: number) => Promise<{ ok: boolean; tag?: string }>,
  serverPid: number | null,
): Promise<Measured & { tags: Record<string, number> }> {
  const start = Date.now() + 2000;
  const end = start + seconds * 1000;
  const samples: number[] = [];
  const tags: Record<string, number> = {};
  let errors = 0;
  let cpu0: CpuSample | null = null;
  let cpu1: CpuSample | null = null;
  const t1 = setTimeout(() => (cpu0 = cpuNow(serverPid)), start - Date.now());
  const t2 = setTimeout(() => (cpu1 = cpuNow(serverPid)), end - Date.now());
  await Promise.all(
    clients.map(async (c, k) => {
      for (let i = k; Date.now() < end; i += clients.length) {
        const t0 = performance.now();
        const r = await call(c.token, i);
        const ms = performance.now() - t0;
        const now = Date.now();
        if (now < start) continue;
        if (!r.ok) errors++;
        samples.push(ms);
        if (r.tag) tags[r.tag] = (tags[r.tag] ?? 0) + 1;
      }
    }),
  );
  clearTimeout(t1);
  clearTimeout(t2);
  const cpuPerCall = cpu0 && cpu1 ? cpuPer(cpu0, cpu1, samples.length) : undefined;
  return { ...summarize(samples), perSecond: samples.length / seconds, errors, tags, cpuPerCall };
}

/** Intake (match_or_build) and kbSearch at one KB size: 10 L1s, each as fast as the server answers. */
export async function intakeLoad(
  url: string,
  account: SeededAccount,
  documents: number,
  flows: number,
  seconds: number,
  serverPid: number | null = null,
): Promise<IntakeLegResult> {
  const clients = account.l1.slice(0, 10);
  const intake = await loop(
    clients,
    seconds,
    async (token, i) => {
      const r = await gql(url, token, INTAKE, { p: STATEMENTS[i % STATEMENTS.length]! });
      const p = (r.data as any)?.intake;
      return { ok: p?.__typename === 'IntakePayload', tag: p?.outcome };
    },
    serverPid,
  );
  const search = await loop(
    clients,
    seconds,
    async (token, i) => {
      const r = await gql(url, token, KB_SEARCH, { q: QUERIES[i % QUERIES.length]! });
      return { ok: Array.isArray((r.data as any)?.kbSearch) };
    },
    serverPid,
  );
  const { tags, ...intakeStats } = intake;
  const { tags: _t, ...searchStats } = search;
  return { documents, flows, concurrency: clients.length, intake: { ...intakeStats, outcomes: tags }, kbSearch: searchStats };
}
