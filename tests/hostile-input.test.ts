import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../src/schema/index.ts';
import { OUTLOOK_FLOW } from '../src/services/demo/seed.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';

/**
 * Every mutation, every argument, a table of hostile values. For each case: no 5xx, no internal
 * error, no stack trace; a refused call leaves every tenant table exactly as it was; an accepted
 * string comes back exactly as sent.
 */

const STRINGS: Array<[string, string]> = [
  ['empty', ''],
  ['blank', '   '],
  ['over 20k', 'x'.repeat(20_001)],
  ['NUL byte', 'a\u0000b'],
  ['SQL', "'); DROP TABLE users; --"],
  ['SQL tautology', "x' OR '1'='1"],
  ['HTML', '<script>alert(document.cookie)</script>'],
  ['emoji', '👩🏽‍💻 fixes 🔥'],
  ['RTL override', '\u202Egnp.exe'],
  ['zero width', 'a\u200Bb\u200Dc\uFEFF'],
  ['combining', 'e\u0301\u0301\u0301 Zalgo'],
  ['lone surrogate', 'x\uD800y'],
  ['newlines', 'line 1\nline 2\r\n\ttab'],
  ['escaped unicode', '\\u0000\\n'],
  ['LIKE wildcards', '%_%\\'],
  ['JSON', '{"__proto__":{"admin":true}}'],
];
const IDS: Array<[string, string]> = [
  ['not a uuid', 'not-a-uuid'],
  ['empty id', ''],
  ['nil uuid', '00000000-0000-0000-0000-000000000000'],
  ['SQL id', "' OR 1=1 --"],
  ['huge id', 'f'.repeat(5000)],
  ['bad hex', '00000000-0000-4000-8000-00000000000g'],
];
const INTS: Array<[string, unknown]> = [
  ['negative', -1],
  ['zero', 0],
  ['int max', 2147483647],
  ['beyond int', 2147483648],
  ['float', 1.5],
  ['huge float', 1e308],
  ['string number', '12'],
];
const BAD_ENUMS: Array<[string, unknown]> = [
  ['unknown enum', 'MAYBE'],
  ['lowercase enum', 'yes'],
  ['number enum', 1],
];
function nested(depth: number): unknown {
  let v: unknown = { at: '2026-11-21T10:00:00Z', content: 'deep' };
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

type Kind = 'string' | 'id' | 'int' | 'enum' | 'bool' | 'ids' | 'keys' | 'notes' | 'nodes' | 'files';
interface Fixture {
  vars: Record<string, unknown>;
}
interface Case {
  mutation: string;
  op: string;
  args: Record<string, Kind>;
  /** Fresh valid variables (new rows where the mutation would consume them). */
  setup: () => Promise<Fixture>;
  /** Read back a string argument that was accepted, to check it is stored literally. */
  readBack?: Record<string, (data: Record<string, any>) => Promise<unknown>>;
  token: () => string;
}

let t: TestApp;
let accountId: string;
let owner: { id: string; accountId: string };
let l1: { id: string; accountId: string };
let tokens: { owner: string; l1: string; engineer: string; super: string };
let flowId: string;

beforeAll(async () => {
  t = await startTestApp();
  accountId = (await t.factory.account({ engineerSeats: null, l1Seats: null })).id;
  owner = await t.factory.user(accountId, 'owner');
  l1 = await t.factory.user(accountId, 'l1_tech');
  const engineer = await t.factory.user(accountId, 'engineer');
  const su = await t.factory.user((await t.factory.account()).id, 'owner', { superAdmin: true });
  tokens = {
    owner: await t.factory.token(owner),
    l1: await t.factory.token(l1),
    engineer: await t.factory.token(engineer),
    super: await t.factory.token(su),
  };
  flowId = (await t.factory.publishedFlow(accountId, owner.id)).flowId;
});
afterAll(() => t.close());

async function gql(op: string, variables: Record<string, unknown>, token: string) {
  const res = await t.gql.raw({ query: op, variables }, { token });
  const text = await res.text();
  return {
    status: res.status,
    text,
    json: JSON.parse(text) as { data?: Record<string, any> | null; errors?: Array<{ extensions?: { code?: string } }> },
  };
}

async function freshWalk(kind: 'flow' | 'adhoc' = 'flow') {
  const r = await gql(
    `mutation($f: ID, $ad: Boolean) { intake(problemStatement: "p", customerName: "c", customerContact: "c", flowId: $f, adhoc: $ad) { ... on IntakePayload { session { id } ticket { id } } } }`,
    { f: kind === 'flow' ? flowId : null, ad: kind === 'adhoc' },
    tokens.l1,
  );
  return r.json.data!.intake as { session: { id: string }; ticket: { id: string } };
}

/** A walk the owner (a coverer) took over from the L1 who started it. */
async function takenWalk(): Promise<string> {
  const id = (await freshWalk()).session.id;
  await gql(`mutation($s: ID!) { takeOverWalk(sessionId: $s) { __typename } }`, { s: id }, tokens.owner);
  return id;
}

/** An escalated ticket the engineer claimed. */
async function claimedEscalation(): Promise<string> {
  const w = await freshWalk();
  await gql(
    `mutation($s: ID!) { escalateWalk(sessionId: $s, reasonCategory: NO_KB_AVAILABLE, notifyUserIds: []) { __typename } }`,
    { s: w.session.id },
    tokens.l1,
  );
  await gql(`mutation($t: ID!) { claimEscalation(ticketId: $t) { __typename } }`, { t: w.ticket.id }, tokens.engineer);
  return w.ticket.id;
}

const TABLES = [
  'accounts',
  'billing_plans',
  'users',
  'invites',
  'auth_sessions',
  'api_tokens',
  'flows',
  'flow_versions',
  'flow_proposals',
  'internal_tickets',
  'walk_sessions',
  'walk_steps',
  'notifications',
  'audit_logs',
  'kb_documents',
  'kb_chunks',
];
async function snapshot(): Promise<string> {
  const parts = await Promise.all(
    TABLES.map((tb) =>
      t.system
        .query(`SELECT count(*)::int AS n, coalesce(max(xmin::text::bigint), 0) AS x FROM ${tb}`)
        .then((r) => `${tb}:${r.rows[0].n}:${r.rows[0].x}`),
    ),
  );
  return parts.join(' ');
}

const NODE = (over: Record<string, unknown>) => ({ id: 'a', kind: 'RESOLUTION', text: 'Done', ...over });
const nodesInput = () =>
  OUTLOOK_FLOW.nodes.map((n) => ({
    id: n.id,
    kind: n.kind.toUpperCase(),
    text: n.text,
    ...(n.kind === 'question' ? { yesLabel: n.yesLabel, noLabel: n.noLabel, yesNext: n.yesNext, noNext: n.noNext } : {}),
    ...(n.kind === 'instruction' ? { next: n.next } : {}),
  }));

/** A fresh article of the owner's account (unique content, so never a duplicate). */
async function freshKbDocument(): Promise<string> {
  const r = await gql(
    `mutation($b: String!) { createKbDocument(title: "Article", body: $b) { ... on CreateKbDocumentPayload { document { id } } } }`,
    { b: `# Article\n\nStep ${randomUUID()}` },
    tokens.engineer,
  );
  return r.json.data!.createKbDocument.document.id as string;
}

const CASES: Case[] = [
  {
    mutation: 'intake',
    op: `mutation($p: String!, $n: String, $c: String, $f: ID, $pr: ID, $ad: Boolean) { intake(problemStatement: $p, customerName: $n, customerContact: $c, flowId: $f, proposalId: $pr, adhoc: $ad) { __typename ... on IntakePayload { ticket { id problemStatement customerName customerContact } } } }`,
    args: { p: 'string', n: 'string', c: 'string', f: 'id', pr: 'id', ad: 'bool' },
    setup: async () => ({ vars: { p: 'Printer', n: 'Bob', c: 'bob@x.test', f: null, pr: null, ad: true } }),
    readBack: {
      p: async (d) => d.intake.ticket.problemStatement,
      n: async (d) => d.intake.ticket.customerName,
      c: async (d) => d.intake.ticket.customerContact,
    },
    token: () => tokens.l1,
  },
  {
    // Matching (no flow, draft or notes chosen): hostile problem statements go through the
    // classifier, the flows' text search and the knowledge base without a 500 or a half-written row.
    mutation: 'intake',
    op: `mutation($p: String!, $n: String, $c: String) { intake(problemStatement: $p, customerName: $n, customerContact: $c) { __typename ... on IntakePayload { outcome reason suggestions { score } } } }`,
    args: { p: 'string', n: 'string', c: 'string' },
    setup: async () => ({ vars: { p: 'Outlook will not connect', n: 'Bob', c: 'bob@x.test' } }),
    token: () => tokens.l1,
  },
  {
    mutation: 'recordStep',
    op: `mutation($s: ID!, $n: String!, $a: StepAnswer!, $note: String, $c: String!, $v: Int) { recordStep(sessionId: $s, nodeId: $n, answer: $a, note: $note, clientStepId: $c, expectedVersion: $v) { __typename ... on WalkSession { id steps { note clientStepId } } } }`,
    args: { s: 'id', n: 'string', a: 'enum', note: 'string', c: 'string', v: 'int' },
    setup: async () => ({
      vars: { s: (await freshWalk()).session.id, n: 'opens', a: 'YES', note: null, c: `c-${Math.random()}`, v: null },
    }),
    readBack: { note: async (d) => d.recordStep.steps[0].note, c: async (d) => d.recordStep.steps[0].clientStepId },
    token: () => tokens.l1,
  },
  {
    mutation: 'updateWalkNotes',
    op: `mutation($s: ID!, $notes: [WalkNoteInput!]!, $v: Int) { updateWalkNotes(sessionId: $s, notes: $notes, expectedVersion: $v) { __typename ... on WalkSession { notes { content } } } }`,
    args: { s: 'id', notes: 'notes', v: 'int' },
    setup: async () => ({
      vars: { s: (await freshWalk('adhoc')).session.id, notes: [{ at: '2026-11-21T10:00:00Z', content: 'ok' }], v: null },
    }),
    readBack: { notes: async (d) => d.updateWalkNotes.notes[0]?.content },
    token: () => tokens.l1,
  },
  {
    mutation: 'resolveWalk',
    op: `mutation($s: ID!, $h: Boolean!, $r: String!, $v: Int) { resolveWalk(sessionId: $s, helpful: $h, resolutionNotes: $r, expectedVersion: $v) { __typename ... on WalkSession { resolutionNotes } } }`,
    args: { s: 'id', h: 'bool', r: 'string', v: 'int' },
    setup: async () => ({ vars: { s: (await freshWalk()).session.id, h: true, r: 'fixed', v: null } }),
    readBack: { r: async (d) => d.resolveWalk.resolutionNotes },
    token: () => tokens.l1,
  },
  {
    mutation: 'escalateWalk',
    op: `mutation($s: ID!, $c: EscalationReason!, $r: String, $n: [ID!], $v: Int) { escalateWalk(sessionId: $s, reasonCategory: $c, reason: $r, notifyUserIds: $n, expectedVersion: $v) { __typename ... on EscalationPayload { ticket { escalationReason } } } }`,
    args: { s: 'id', c: 'enum', r: 'string', n: 'ids', v: 'int' },
    setup: async () => ({ vars: { s: (await freshWalk()).session.id, c: 'OTHER', r: 'reason', n: [], v: null } }),
    readBack: { r: async (d) => d.escalateWalk.ticket.escalationReason },
    token: () => tokens.l1,
  },
  {
    mutation: 'escalateWithoutWalk',
    op: `mutation($p: String!, $n: String, $c: String, $cat: EscalationReason!, $r: String, $ids: [ID!]) { escalateWithoutWalk(problemStatement: $p, customerName: $n, customerContact: $c, reasonCategory: $cat, reason: $r, notifyUserIds: $ids) { __typename ... on EscalationPayload { ticket { problemStatement customerName customerContact } } } }`,
    args: { p: 'string', n: 'string', c: 'string', cat: 'enum', r: 'string', ids: 'ids' },
    setup: async () => ({ vars: { p: 'No KB', n: 'Ann', c: 'ann@x.test', cat: 'NO_KB_AVAILABLE', r: null, ids: [] } }),
    readBack: {
      p: async (d) => d.escalateWithoutWalk.ticket.problemStatement,
      n: async (d) => d.escalateWithoutWalk.ticket.customerName,
      c: async (d) => d.escalateWithoutWalk.ticket.customerContact,
    },
    token: () => tokens.l1,
  },
  {
    mutation: 'takeOverWalk',
    op: `mutation($s: ID!, $v: Int) { takeOverWalk(sessionId: $s, expectedVersion: $v) { __typename } }`,
    args: { s: 'id', v: 'int' },
    setup: async () => ({ vars: { s: (await freshWalk()).session.id, v: null } }),
    token: () => tokens.owner,
  },
  {
    mutation: 'requestWalkBack',
    op: `mutation($s: ID!) { requestWalkBack(sessionId: $s) { __typename } }`,
    args: { s: 'id' },
    setup: async () => ({ vars: { s: await takenWalk() } }),
    token: () => tokens.l1,
  },
  {
    mutation: 'handBackWalk',
    op: `mutation($s: ID!, $to: ID) { handBackWalk(sessionId: $s, toUserId: $to) { __typename } }`,
    args: { s: 'id', to: 'id' },
    setup: async () => ({ vars: { s: await takenWalk(), to: null } }),
    token: () => tokens.owner,
  },
  {
    mutation: 'releaseWalk',
    op: `mutation($s: ID!) { releaseWalk(sessionId: $s) { __typename } }`,
    args: { s: 'id' },
    setup: async () => ({ vars: { s: (await freshWalk()).session.id } }),
    token: () => tokens.l1,
  },
  {
    mutation: 'createFlow',
    op: `mutation($t: String!, $d: String) { createFlow(title: $t, description: $d) { __typename ... on Flow { title description } } }`,
    args: { t: 'string', d: 'string' },
    setup: async () => ({ vars: { t: 'Wifi', d: null } }),
    readBack: { t: async (d) => d.createFlow.title },
    token: () => tokens.engineer,
  },
  {
    mutation: 'saveFlowDraft',
    op: `mutation($f: ID!, $nodes: [FlowNodeInput!]!, $r: String, $t: String) { saveFlowDraft(flowId: $f, nodes: $nodes, rootNodeId: $r, title: $t) { __typename ... on Flow { title draftNodes { text } } } }`,
    args: { f: 'id', nodes: 'nodes', r: 'string', t: 'string' },
    setup: async () => {
      const r = await gql(`mutation { createFlow(title: "Draft") { ... on Flow { id } } }`, {}, tokens.engineer);
      return { vars: { f: r.json.data!.createFlow.id, nodes: [NODE({})], r: 'a', t: null } };
    },
    readBack: { t: async (d) => d.saveFlowDraft.title, nodes: async (d) => d.saveFlowDraft.draftNodes[0]?.text },
    token: () => tokens.engineer,
  },
  {
    mutation: 'publishFlow',
    op: `mutation($f: ID!) { publishFlow(flowId: $f) { __typename } }`,
    args: { f: 'id' },
    setup: async () => ({ vars: { f: flowId } }),
    token: () => tokens.engineer,
  },
  {
    mutation: 'archiveFlow',
    op: `mutation($f: ID!) { archiveFlow(flowId: $f) { __typename } }`,
    args: { f: 'id' },
    setup: async () => ({ vars: { f: (await t.factory.publishedFlow(accountId, owner.id)).flowId } }),
    token: () => tokens.engineer,
  },
  {
    mutation: 'createProposal',
    op: `mutation($t: String!, $nodes: [FlowNodeInput!]!, $r: String, $tk: ID) { createProposal(title: $t, nodes: $nodes, rootNodeId: $r, ticketId: $tk) { __typename ... on FlowProposal { title } } }`,
    args: { t: 'string', nodes: 'nodes', r: 'string', tk: 'id' },
    setup: async () => ({ vars: { t: 'Prop', nodes: nodesInput(), r: 'opens', tk: null } }),
    readBack: { t: async (d) => d.createProposal.title },
    token: () => tokens.engineer,
  },
  {
    mutation: 'createProposalFromWalk',
    op: `mutation($s: ID!) { createProposalFromWalk(sessionId: $s) { __typename } }`,
    args: { s: 'id' },
    setup: async () => ({ vars: { s: (await freshWalk('adhoc')).session.id } }),
    token: () => tokens.l1,
  },
  {
    mutation: 'approveProposal',
    op: `mutation($p: ID!, $t: String) { approveProposal(proposalId: $p, title: $t) { __typename ... on FlowProposal { approvedFlow { title } } } }`,
    args: { p: 'id', t: 'string' },
    setup: async () => {
      const r = await gql(
        `mutation($n: [FlowNodeInput!]!) { createProposal(title: "P", nodes: $n, rootNodeId: "opens") { ... on FlowProposal { id } } }`,
        { n: nodesInput() },
        tokens.engineer,
      );
      return { vars: { p: r.json.data!.createProposal.id, t: null } };
    },
    readBack: { t: async (d) => d.approveProposal.approvedFlow.title },
    token: () => tokens.engineer,
  },
  {
    mutation: 'rejectProposal',
    op: `mutation($p: ID!, $n: String) { rejectProposal(proposalId: $p, note: $n) { __typename ... on FlowProposal { reviewNote } } }`,
    args: { p: 'id', n: 'string' },
    setup: async () => {
      const r = await gql(
        `mutation($n: [FlowNodeInput!]!) { createProposal(title: "P", nodes: $n, rootNodeId: "opens") { ... on FlowProposal { id } } }`,
        { n: nodesInput() },
        tokens.engineer,
      );
      return { vars: { p: r.json.data!.createProposal.id, n: null } };
    },
    readBack: { n: async (d) => d.rejectProposal.reviewNote },
    token: () => tokens.engineer,
  },
  {
    mutation: 'claimEscalation',
    op: `mutation($t: ID!) { claimEscalation(ticketId: $t) { __typename } }`,
    args: { t: 'id' },
    setup: async () => ({ vars: { t: (await freshWalk()).ticket.id } }),
    token: () => tokens.engineer,
  },
  {
    mutation: 'resolveEscalation',
    op: `mutation($t: ID!, $n: String!) { resolveEscalation(ticketId: $t, resolutionNotes: $n) { __typename ... on InternalTicket { resolutionNotes } } }`,
    args: { t: 'id', n: 'string' },
    setup: async () => ({ vars: { t: await claimedEscalation(), n: 'Replaced the mailbox licence' } }),
    readBack: { n: async (d) => d.resolveEscalation.resolutionNotes },
    token: () => tokens.engineer,
  },
  {
    mutation: 'releaseEscalation',
    op: `mutation($t: ID!) { releaseEscalation(ticketId: $t) { __typename } }`,
    args: { t: 'id' },
    setup: async () => ({ vars: { t: await claimedEscalation() } }),
    token: () => tokens.engineer,
  },
  {
    mutation: 'markNotificationsRead',
    op: `mutation($ids: [ID!]) { markNotificationsRead(ids: $ids) { __typename } }`,
    args: { ids: 'ids' },
    setup: async () => ({ vars: { ids: null } }),
    token: () => tokens.owner,
  },
  {
    mutation: 'login',
    op: `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { __typename } }`,
    args: { e: 'string', p: 'string' },
    setup: async () => ({ vars: { e: 'nobody@example.test', p: 'wrong-password' } }),
    token: () => '',
  },
  {
    mutation: 'refreshSession',
    op: `mutation($r: String) { refreshSession(refreshToken: $r) { __typename } }`,
    args: { r: 'string' },
    setup: async () => ({ vars: { r: 'x' } }),
    token: () => '',
  },
  {
    mutation: 'logout',
    op: `mutation($r: String) { logout(refreshToken: $r) }`,
    args: { r: 'string' },
    setup: async () => ({ vars: { r: null } }),
    token: () => '',
  },
  {
    mutation: 'acceptInvite',
    op: `mutation($t: String!, $n: String!, $p: String!) { acceptInvite(token: $t, name: $n, password: $p) { __typename } }`,
    args: { t: 'string', n: 'string', p: 'string' },
    setup: async () => ({ vars: { t: 'inv_unknownunknownunknownunknown', n: 'N', p: 'long-enough-password' } }),
    token: () => '',
  },
  {
    mutation: 'createInvite',
    op: `mutation($e: String!, $r: AccountRole!) { createInvite(email: $e, role: $r) { __typename ... on CreatedInvite { invite { email } } } }`,
    args: { e: 'string', r: 'enum' },
    setup: async () => ({ vars: { e: `ok-${Math.random().toString(36).slice(2)}@example.test`, r: 'VIEWER' } }),
    token: () => tokens.owner,
  },
  {
    mutation: 'createInvites',
    op: `mutation($i: [InviteInput!]!) { createInvites(invites: $i) { __typename } }`,
    args: { i: 'notes' },
    setup: async () => ({ vars: { i: [{ email: `ok-${Math.random().toString(36).slice(2)}@example.test`, role: 'VIEWER' }] } }),
    token: () => tokens.owner,
  },
  {
    mutation: 'revokeInvite',
    op: `mutation($i: ID!) { revokeInvite(inviteId: $i) { __typename } }`,
    args: { i: 'id' },
    setup: async () => ({ vars: { i: '00000000-0000-4000-8000-000000000000' } }),
    token: () => tokens.owner,
  },
  {
    mutation: 'resendInvite',
    op: `mutation($i: ID!) { resendInvite(inviteId: $i) { __typename } }`,
    args: { i: 'id' },
    setup: async () => {
      const r = await gql(
        `mutation($e: String!) { createInvite(email: $e, role: VIEWER) { ... on CreatedInvite { invite { id } } } }`,
        { e: `resend-${Math.random().toString(36).slice(2)}@example.test` },
        tokens.owner,
      );
      return { vars: { i: r.json.data!.createInvite.invite.id } };
    },
    token: () => tokens.owner,
  },
  {
    // A query, public and keyed by the secret token: hostile tokens answer InviteInvalid alike.
    mutation: 'invitePreview',
    op: `query($t: String!) { invitePreview(token: $t) { __typename } }`,
    args: { t: 'string' },
    setup: async () => ({ vars: { t: 'inv_unknownunknownunknownunknown' } }),
    token: () => '',
  },
  {
    mutation: 'changeUserRole',
    op: `mutation($u: ID!, $r: AccountRole!) { changeUserRole(userId: $u, role: $r) { __typename } }`,
    args: { u: 'id', r: 'enum' },
    setup: async () => ({ vars: { u: (await t.factory.user(accountId, 'viewer')).id, r: 'VIEWER' } }),
    token: () => tokens.owner,
  },
  {
    mutation: 'setUserCoverage',
    op: `mutation($u: ID!, $c: Boolean!) { setUserCoverage(userId: $u, canCoverL1: $c) { __typename } }`,
    args: { u: 'id', c: 'bool' },
    setup: async () => ({ vars: { u: (await t.factory.user(accountId, 'engineer')).id, c: true } }),
    token: () => tokens.owner,
  },
  {
    mutation: 'deactivateUser',
    op: `mutation($u: ID!) { deactivateUser(userId: $u) { __typename } }`,
    args: { u: 'id' },
    setup: async () => ({ vars: { u: (await t.factory.user(accountId, 'viewer')).id } }),
    token: () => tokens.owner,
  },
  {
    mutation: 'reactivateUser',
    op: `mutation($u: ID!) { reactivateUser(userId: $u) { __typename } }`,
    args: { u: 'id' },
    setup: async () => ({ vars: { u: (await t.factory.user(accountId, 'viewer', { isActive: false })).id } }),
    token: () => tokens.owner,
  },
  {
    mutation: 'createApiToken',
    op: `mutation($n: String!, $s: [ApiTokenScope!]!) { createApiToken(name: $n, scopes: $s) { __typename ... on CreatedApiToken { apiToken { name } } } }`,
    args: { n: 'string', s: 'enum' },
    setup: async () => ({ vars: { n: 'Dash', s: ['SEATS_READ'] } }),
    readBack: { n: async (d) => d.createApiToken.apiToken.name },
    token: () => tokens.owner,
  },
  {
    mutation: 'revokeApiToken',
    op: `mutation($t: ID!) { revokeApiToken(tokenId: $t) { __typename } }`,
    args: { t: 'id' },
    setup: async () => ({ vars: { t: '00000000-0000-4000-8000-000000000000' } }),
    token: () => tokens.owner,
  },
  {
    mutation: 'setL1Categories',
    op: `mutation($k: [String!]!) { setL1Categories(keys: $k) { __typename ... on SetL1CategoriesPayload { dropped { key } } } }`,
    args: { k: 'keys' },
    setup: async () => ({ vars: { k: ['email', 'printing'] } }),
    token: () => tokens.owner,
  },
  {
    mutation: 'updateSessionPolicy',
    op: `mutation($i: Int, $a: Int) { updateSessionPolicy(idleSeconds: $i, absoluteSeconds: $a) { __typename } }`,
    args: { i: 'int', a: 'int' },
    setup: async () => ({ vars: { i: null, a: null } }),
    token: () => tokens.owner,
  },
  {
    mutation: 'revokeSessions',
    op: `mutation($s: RevokeScope!) { revokeSessions(scope: $s) { revoked } }`,
    args: { s: 'enum' },
    setup: async () => ({ vars: { s: 'OTHERS' } }),
    token: () => tokens.owner,
  },
  {
    mutation: 'createKbDocument',
    op: `mutation($t: String!, $b: String!, $f: KbFormat, $c: String) { createKbDocument(title: $t, body: $b, format: $f, category: $c) { __typename ... on CreateKbDocumentPayload { document { title } } } }`,
    args: { t: 'string', b: 'string', f: 'enum', c: 'string' },
    setup: async () => ({ vars: { t: 'Printer offline', b: `Check the cable. ${randomUUID()}`, f: 'TEXT', c: null } }),
    readBack: { t: async (d) => d.createKbDocument.document.title },
    token: () => tokens.engineer,
  },
  {
    mutation: 'importKbFiles',
    op: `mutation($f: [File!]!) { importKbFiles(files: $f) { __typename ... on ImportKbFilesPayload { results { status } } } }`,
    args: { f: 'files' },
    setup: async () => ({ vars: { f: [] } }),
    token: () => tokens.engineer,
  },
  {
    mutation: 'updateKbDocument',
    op: `mutation($id: ID!, $t: String, $b: String, $f: KbFormat, $c: String) { updateKbDocument(id: $id, title: $t, body: $b, format: $f, category: $c) { __typename ... on UpdateKbDocumentPayload { document { title } } } }`,
    args: { id: 'id', t: 'string', b: 'string', f: 'enum', c: 'string' },
    setup: async () => ({ vars: { id: await freshKbDocument(), t: null, b: null, f: null, c: null } }),
    token: () => tokens.engineer,
  },
  {
    mutation: 'archiveKbDocument',
    op: `mutation($id: ID!) { archiveKbDocument(id: $id) { __typename } }`,
    args: { id: 'id' },
    setup: async () => ({ vars: { id: await freshKbDocument() } }),
    token: () => tokens.engineer,
  },
  {
    mutation: 'setSeatLimits',
    op: `mutation($a: ID!, $e: Int, $l: Int) { setSeatLimits(accountId: $a, engineerSeatLimit: $e, l1SeatLimit: $l) { __typename } }`,
    args: { a: 'id', e: 'int', l: 'int' },
    setup: async () => ({ vars: { a: (await t.factory.account()).id, e: null, l: null } }),
    token: () => tokens.super,
  },
];

function hostileValues(kind: Kind): Array<[string, unknown]> {
  switch (kind) {
    case 'string':
      return STRINGS;
    case 'id':
      return IDS;
    case 'int':
      return INTS;
    case 'enum':
      return BAD_ENUMS;
    case 'bool':
      return [
        ['string bool', 'true'],
        ['number bool', 1],
      ];
    case 'ids':
      return [
        ['ids of junk', ['x', '']],
        ['huge list', Array.from({ length: 1000 }, () => '00000000-0000-4000-8000-000000000000')],
        ['not a list', 'x'],
      ];
    case 'keys':
      return [
        ...STRINGS.filter(([n]) => ['SQL', 'HTML', 'NUL byte', 'lone surrogate', 'over 20k', 'RTL override'].includes(n)).map(
          ([n, v]): [string, unknown] => [`key ${n}`, ['email', v]],
        ),
        ['huge list', Array.from({ length: 1000 }, () => 'email')],
        ['not a list', 'email'],
        ['null key', ['email', null]],
      ];
    case 'notes':
      return [
        ['deeply nested JSON', nested(200)],
        ['object instead of list', { content: 'x' }],
        ...STRINGS.filter(([n]) => ['SQL', 'HTML', 'emoji', 'NUL byte', 'lone surrogate', 'over 20k', 'JSON'].includes(n)).map(
          ([n, v]): [string, unknown] => [`note ${n}`, [{ at: '2026-11-21T10:00:00Z', content: v }]],
        ),
        ['bad date', [{ at: 'yesterday', content: 'x' }]],
        ['over 256 KB', Array.from({ length: 14 }, () => ({ at: '2026-11-21T10:00:00Z', content: 'z'.repeat(20_000) }))],
      ];
    case 'files':
      // JSON cannot carry a file: each of these must be refused before any resolver runs.
      return [
        ['string as file', ['notes.md']],
        ['object as file', [{ name: 'notes.md', size: 3 }]],
        ['not a list', 'x'],
        ['null file', [null]],
      ];
    case 'nodes':
      return [
        ['deeply nested JSON', nested(200)],
        ['node with SQL text', [NODE({ text: "'); DROP TABLE flows; --" })]],
        ['node with HTML id', [NODE({ id: '<b>x</b>' })]],
        ['node with NUL', [NODE({ text: 'a\u0000b' })]],
        ['node bad kind', [NODE({ kind: 'LOOP' })]],
        ['501 nodes', Array.from({ length: 501 }, (_, i) => NODE({ id: `n${i}` }))],
        ['node text over cap', [NODE({ text: 'x'.repeat(2001) })]],
      ];
  }
}

interface Generated {
  name: string;
  c: Case;
  arg: string;
  value: unknown;
}
const GENERATED: Generated[] = CASES.flatMap((c) =>
  Object.entries(c.args).flatMap(([arg, kind]) =>
    hostileValues(kind).map(([label, value]) => ({ name: `${c.mutation}.${arg}: ${label}`, c, arg, value })),
  ),
);

describe('hostile input', () => {
  it('covers every mutation of the schema with at least 200 cases', () => {
    const mutations = Object.keys(schema.getMutationType()!.getFields()).sort();
    expect([...new Set(CASES.filter((c) => c.op.startsWith('mutation')).map((c) => c.mutation))].sort()).toEqual(mutations);
    expect(GENERATED.length).toBeGreaterThanOrEqual(200);
  });

  it.each(GENERATED.map((g) => [g.name, g] as const))('%s', async (_name, g) => {
    const fixture = await g.c.setup();
    const before = await snapshot();
    const vars = { ...fixture.vars, [g.arg]: g.value };
    const r = await gql(g.c.op, vars, g.c.token());
    expect(r.status, r.text.slice(0, 300)).toBeLessThan(500);
    expect(r.text).not.toMatch(/\bat .+\.(ts|js):\d+|node_modules|INTERNAL_SERVER_ERROR|stack/);
    const root = r.json.data?.[g.c.mutation];
    const refused =
      !r.json.data ||
      r.json.errors?.length ||
      (root && typeof root === 'object' && /Error|Invalid|Refused|Exceeded|RateLimited/.test(root.__typename ?? ''));
    if (refused) {
      // Nothing stored half-way.
      expect(await snapshot()).toBe(before);
      return;
    }
    const read = g.c.readBack?.[g.arg];
    // Stored literally; an optional field left blank means "none".
    if (read && typeof g.value === 'string') expect(await read(r.json.data!)).toBe(g.value.trim() === '' ? null : g.value);
    if (read && g.arg === 'notes' && Array.isArray(g.value))
      expect(await read(r.json.data!)).toBe((g.value[0] as { content: string }).content);
  });
});
