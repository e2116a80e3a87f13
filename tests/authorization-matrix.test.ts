import { randomUUID } from 'node:crypto';
import { isNonNullType, isObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../src/schema/index.ts';
import { OUTLOOK_FLOW } from '../src/services/demo/seed.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { makePrincipals, PRINCIPALS, type PrincipalName, type Principals } from './helpers/principals.ts';
import { MATRIX, type MatrixEntry, NESTED, type NestedEntry, type NestedFixtures } from './matrix-table.ts';
import { subscribeOnce } from './helpers/ws.ts';

let t: TestApp;
let shared: Principals;
let nested: { p: Principals; f: NestedFixtures };

beforeAll(async () => {
  t = await startTestApp({ listen: true });
  shared = await makePrincipals(t.factory);
  const p = await makePrincipals(t.factory);
  nested = { p, f: await nestedFixtures(p) };
});
afterAll(() => t.close());

function rootFields(): string[] {
  const out: string[] = [];
  for (const [kind, type] of [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
    ['subscription', schema.getSubscriptionType()],
  ] as const) {
    for (const name of Object.keys(type?.getFields() ?? {})) out.push(`${kind}.${name}`);
  }
  return out.sort();
}

const AUTH_CODES = new Set(['FORBIDDEN', 'UNAUTHENTICATED']);

async function outcome(entry: MatrixEntry, field: string, token: string | null, p: Principals): Promise<'allow' | 'deny' | string> {
  const variables = typeof entry.vars === 'function' ? entry.vars(p) : (entry.vars ?? {});
  if (entry.kind === 'subscription') {
    const r = await subscribeOnce(t.url, entry.op, variables, token, 5000, 400);
    if (r.kind === 'rejected') return 'deny';
    if (r.kind === 'error') {
      const codes = r.errors.map((e) => (e.extensions as { code?: string } | undefined)?.code);
      if (codes.some((c) => c && AUTH_CODES.has(c))) return 'deny';
      // Authorized, but the (deliberately unknown) walk does not exist.
      if (codes.every((c) => c === 'NOT_FOUND')) return 'allow';
      return `error: ${JSON.stringify(r.errors)}`;
    }
    return 'allow';
  }
  const res = await t.gql.raw({ query: entry.op, variables }, { token });
  const body = (await res.json()) as { errors?: Array<{ path?: string[]; extensions?: { code?: string } }> };
  const errors = body.errors ?? [];
  if (errors.some((e) => AUTH_CODES.has(e.extensions?.code ?? '') && (e.path?.[0] === field || !e.path))) return 'deny';
  if (errors.length) return `error: ${JSON.stringify(errors)}`;
  return 'allow';
}

describe('authorization matrix', () => {
  it('lists every root field of the schema, and nothing else', () => {
    expect(Object.keys(MATRIX).sort()).toEqual(rootFields());
  });

  for (const [key, entry] of Object.entries(MATRIX)) {
    const [kind, field] = key.split('.') as [string, string];
    it(`${key}: ${entry.allow.length ? entry.allow.join(', ') : 'super admin only'}`, async () => {
      // Mutations get principals of their own: some end sessions or change the account.
      const p = kind === 'mutation' ? await makePrincipals(t.factory) : shared;
      const seen: Record<string, string> = {};
      const want: Record<string, string> = {};
      for (const name of PRINCIPALS) {
        seen[name] = await outcome(entry, field, p.tokens[name as PrincipalName], p);
        want[name] = entry.allow.includes(name) ? 'allow' : 'deny';
      }
      expect(seen).toEqual(want);
    });
  }
});

/** The rows NestedFixtures describes, straight into the principals' account. */
async function nestedFixtures(p: Principals): Promise<NestedFixtures> {
  const acc = p.accountId;
  const { owner, engineer, l1_tech: l1 } = p.users as Required<Principals['users']>;
  const q = async (sql: string, params: unknown[]) => (await t.system.query<{ id: string }>(sql, params)).rows[0]!.id;
  // Everyone has signed in once, so a permitted lastLoginAt is a value, not null.
  await t.system.query('UPDATE users SET last_login_at = now() WHERE account_id = $1', [acc]);
  const flow = await t.factory.publishedFlow(acc, owner.id);
  const liveTicketId = await q(
    `INSERT INTO internal_tickets (account_id, customer_name, customer_contact, problem_statement, status, created_by, assigned_engineer_id)
     VALUES ($1, 'Dana', 'dana@example.test', 'Outlook keeps asking for a password', 'open', $2, $3) RETURNING id`,
    [acc, l1.id, engineer.id],
  );
  const liveWalkId = await q(
    `INSERT INTO walk_sessions (account_id, kind, flow_id, flow_version_id, internal_ticket_id, current_node_id, created_by, handler_user_id,
       step_count, notes)
     VALUES ($1, 'flow', $2, $3, $4, 'status', $5, $5, 1, '[{"at":"2026-12-01T10:00:00.000Z","content":"Caller is on a train"}]') RETURNING id`,
    [acc, flow.flowId, flow.versionId, liveTicketId, l1.id],
  );
  await t.system.query(
    `INSERT INTO walk_steps (account_id, session_id, seq, node_id, question, answer, answer_label, yes_label, no_label, next_node_id, actor_id, client_step_id)
     VALUES ($1, $2, 1, 'opens', 'Can the user open Outlook at all?', 'yes', 'It opens', 'It opens', 'It won''t open', 'status', $3, $4)`,
    [acc, liveWalkId, l1.id, randomUUID()],
  );
  await t.system.query(
    `INSERT INTO flow_proposals (account_id, title, source, nodes, root_node_id, ticket_id, created_by)
     VALUES ($1, 'Draft from a call', 'manual_draft', $2, $3, $4, $5)`,
    [acc, JSON.stringify(OUTLOOK_FLOW.nodes), OUTLOOK_FLOW.rootNodeId, liveTicketId, owner.id],
  );
  const handoff = JSON.stringify({
    problemStatement: 'VPN drops',
    customerName: 'Eve',
    customerContact: 'eve@example.test',
    reasonCategory: 'other',
    reason: 'Needs a firewall change',
    flowTitle: null,
    transcript: [],
    notes: [{ at: '2026-12-01T09:00:00.000Z', content: 'Drops every 10 minutes' }],
    escalatedBy: { id: l1.id, name: l1.name },
    escalatedAt: '2026-12-01T09:05:00.000Z',
  });
  const endedTicketId = await q(
    `INSERT INTO internal_tickets (account_id, customer_name, customer_contact, problem_statement, status, created_by,
       escalation_reason_category, escalation_reason, handoff, escalated_at)
     VALUES ($1, 'Eve', 'eve@example.test', 'VPN drops', 'escalated', $2, 'other', 'Needs a firewall change', $3, now()) RETURNING id`,
    [acc, l1.id, handoff],
  );
  await t.system.query(
    `INSERT INTO walk_sessions (account_id, kind, status, internal_ticket_id, created_by, handler_user_id, notes, escalation_reason_category,
       escalation_reason, handoff, ended_at)
     VALUES ($1, 'adhoc', 'escalated', $2, $3, $3, '[{"at":"2026-12-01T09:00:00.000Z","content":"Drops every 10 minutes"}]', 'other',
       'Needs a firewall change', $4, now())`,
    [acc, endedTicketId, l1.id, handoff],
  );
  return { liveTicketId, liveWalkId, endedTicketId };
}

function at(data: unknown, path: readonly (string | number)[]): unknown {
  let v = data;
  for (const k of path) {
    if (v == null) return undefined;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v;
}

/** 'allow' (read, no error), 'deny' (null there, one FORBIDDEN error at that path, parent intact) or what happened instead. */
async function nestedOutcome(entry: NestedEntry, token: string | null): Promise<string> {
  const res = await t.gql.raw({ query: entry.op, variables: entry.vars?.(nested.f) ?? {} }, { token });
  const body = (await res.json()) as { data?: unknown; errors?: Array<{ path?: Array<string | number>; extensions?: { code?: string } }> };
  const errors = body.errors ?? [];
  const parent = at(body.data, entry.path.slice(0, -1));
  const value = at(body.data, entry.path);
  if (parent == null || typeof parent !== 'object') return `parent lost: ${JSON.stringify(body)}`;
  if (!errors.length) return value === undefined || (value === null && !entry.noValue) ? `no value: ${JSON.stringify(body)}` : 'allow';
  const [e] = errors;
  if (
    errors.length === 1 &&
    e?.extensions?.code === 'FORBIDDEN' &&
    JSON.stringify(e.path) === JSON.stringify(entry.path) &&
    value === null
  ) {
    return 'deny';
  }
  return `unexpected: ${JSON.stringify(body)}`;
}

/** Fields of object types (not the roots) that carry a scope of their own. */
function guardedNestedFields(): Array<{ key: string; nonNull: boolean }> {
  const out: Array<{ key: string; nonNull: boolean }> = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__') || ['Query', 'Mutation', 'Subscription'].includes(type.name)) continue;
    for (const f of Object.values(type.getFields())) {
      const options = (f.extensions as { pothosOptions?: { authScopes?: unknown } } | undefined)?.pothosOptions;
      if (options?.authScopes) out.push({ key: `${type.name}.${f.name}`, nonNull: isNonNullType(f.type) });
    }
  }
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

describe('authorization matrix: nested fields', () => {
  it('makes every field some callers may not read nullable, so a denial nulls that field and not its parent', () => {
    const guarded = guardedNestedFields();
    expect(guarded.length).toBeGreaterThan(10);
    expect(guarded.filter((g) => g.nonNull).map((g) => g.key)).toEqual([]);
  });

  it('has entries for every field with a scope of its own, and only for such fields', () => {
    const covered = new Set(Object.keys(NESTED).map((k) => k.split(' ')[0]!));
    expect([...covered].sort()).toEqual(guardedNestedFields().map((g) => g.key));
  });

  it('keeps the flow list for an L1 who selects the editor’s fields: each of those is null on its own', async () => {
    const res = await t.gql.raw(
      { query: '{ flows { id title draftRootNodeId draftNodes { id } draftIssues { message } versions { id } } }' },
      { token: nested.p.tokens.l1_tech },
    );
    const body = (await res.json()) as {
      data: { flows: Array<Record<string, unknown>> } | null;
      errors: Array<{ path: unknown[]; extensions: { code: string } }>;
    };
    expect(body.data?.flows).toEqual([
      { id: expect.any(String), title: expect.any(String), draftRootNodeId: null, draftNodes: null, draftIssues: null, versions: null },
    ]);
    expect(body.errors.map((e) => [e.extensions.code, e.path.join('.')]).sort()).toEqual([
      ['FORBIDDEN', 'flows.0.draftIssues'],
      ['FORBIDDEN', 'flows.0.draftNodes'],
      ['FORBIDDEN', 'flows.0.draftRootNodeId'],
      ['FORBIDDEN', 'flows.0.versions'],
    ]);
  });

  for (const [key, entry] of Object.entries(NESTED)) {
    const denied = entry.reach.filter((n) => !entry.allow.includes(n));
    it(`${key}: ${entry.allow.join(', ')}${denied.length ? `; null for ${denied.join(', ')}` : ''}`, async () => {
      const seen: Record<string, string> = {};
      const want: Record<string, string> = {};
      for (const name of entry.reach) {
        seen[name] = await nestedOutcome(entry, nested.p.tokens[name]);
        want[name] = entry.allow.includes(name) ? 'allow' : 'deny';
      }
      expect(seen).toEqual(want);
    });
  }
});
