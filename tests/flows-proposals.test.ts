import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTLOOK_FLOW } from '../src/services/demo/seed.ts';
import type { TestUser } from './factories/index.ts';
import { graphql } from './gql/index.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';

const CreateFlow = graphql(`
  mutation FlowsProposals_Create($title: String!) {
    createFlow(title: $title) {
      __typename
      ... on Flow {
        id
        status
      }
      ... on ValidationError {
        issues {
          path
        }
      }
    }
  }
`);
const SaveDraft = graphql(`
  mutation FlowsProposals_Save($flowId: ID!, $nodes: [FlowNodeInput!]!, $root: String) {
    saveFlowDraft(flowId: $flowId, nodes: $nodes, rootNodeId: $root) {
      __typename
      ... on Flow {
        draftIssues {
          path
          message
        }
        draftNodes {
          id
        }
      }
      ... on ValidationError {
        issues {
          path
          message
        }
      }
      ... on NotFoundError {
        entity
      }
    }
  }
`);
const Publish = graphql(`
  mutation FlowsProposals_Publish($flowId: ID!) {
    publishFlow(flowId: $flowId) {
      __typename
      ... on Flow {
        status
        latestVersion {
          version
          nodes {
            id
          }
        }
      }
      ... on ValidationError {
        issues {
          path
          message
        }
      }
      ... on NotFoundError {
        entity
      }
    }
  }
`);
const Archive = graphql(`
  mutation FlowsProposals_Archive($flowId: ID!) {
    archiveFlow(flowId: $flowId) {
      __typename
      ... on Flow {
        status
      }
    }
  }
`);
const Flows = graphql(`
  query FlowsProposals_Flows($search: String) {
    flows(search: $search) {
      id
      title
      status
    }
  }
`);
const FlowGet = graphql(`
  query FlowsProposals_Flow($id: ID!) {
    flow(id: $id) {
      __typename
      ... on Flow {
        id
        title
      }
      ... on NotFoundError {
        entity
      }
    }
  }
`);
const Intake = graphql(`
  mutation FlowsProposals_Intake($flowId: ID, $proposalId: ID, $adhoc: Boolean) {
    intake(
      problemStatement: "Laptop slow"
      customerName: "C"
      customerContact: "c@x.test"
      flowId: $flowId
      proposalId: $proposalId
      adhoc: $adhoc
    ) {
      __typename
      ... on IntakePayload {
        outcome
        session {
          id
          kind
          currentNode {
            id
          }
        }
        ticket {
          id
        }
      }
      ... on ValidationError {
        issues {
          path
          message
        }
      }
      ... on NotFoundError {
        entity
      }
    }
  }
`);
const CreateProposal = graphql(`
  mutation FlowsProposals_CreateProposal($title: String!, $nodes: [FlowNodeInput!]!, $root: String) {
    createProposal(title: $title, nodes: $nodes, rootNodeId: $root) {
      __typename
      ... on FlowProposal {
        id
        source
        status
        issues {
          path
        }
      }
      ... on ValidationError {
        issues {
          path
          message
        }
      }
    }
  }
`);
const Queue = graphql(`
  query FlowsProposals_Queue {
    proposalReviewQueue {
      id
      title
      validatedByOutcome
    }
  }
`);
const Approve = graphql(`
  mutation FlowsProposals_Approve($id: ID!) {
    approveProposal(proposalId: $id) {
      __typename
      ... on FlowProposal {
        status
        approvedFlow {
          id
          status
          title
          latestVersion {
            version
          }
        }
      }
      ... on ValidationError {
        issues {
          path
          message
        }
      }
      ... on ConflictError {
        reason
      }
      ... on NotFoundError {
        entity
      }
    }
  }
`);
const Reject = graphql(`
  mutation FlowsProposals_Reject($id: ID!) {
    rejectProposal(proposalId: $id, note: "Too vague") {
      __typename
      ... on FlowProposal {
        status
        reviewNote
      }
      ... on ConflictError {
        reason
      }
      ... on NotFoundError {
        entity
      }
    }
  }
`);
const Resolve = graphql(`
  mutation FlowsProposals_Resolve($id: ID!, $helpful: Boolean!) {
    resolveWalk(sessionId: $id, helpful: $helpful, resolutionNotes: "Fixed") {
      __typename
    }
  }
`);
const FromWalk = graphql(`
  mutation FlowsProposals_FromWalk($id: ID!) {
    createProposalFromWalk(sessionId: $id) {
      __typename
      ... on FlowProposal {
        id
        title
        source
        ticket {
          id
        }
        nodes {
          id
          kind
          text
          next
        }
        rootNodeId
        issues {
          path
        }
      }
      ... on ValidationError {
        issues {
          path
          message
        }
      }
      ... on ConflictError {
        reason
        message
      }
    }
  }
`);

let t: TestApp;
let accountId: string;
let engineer: TestUser;
let engToken: string;
let l1Token: string;

beforeAll(async () => {
  t = await startTestApp();
  accountId = (await t.factory.account()).id;
  engineer = await t.factory.user(accountId, 'engineer');
  engToken = await t.factory.token(engineer);
  l1Token = await t.factory.token(await t.factory.user(accountId, 'l1_tech'));
});
afterAll(() => t.close());

type NodeIn = {
  id: string;
  kind: 'QUESTION' | 'INSTRUCTION' | 'RESOLUTION' | 'ESCALATION';
  text: string;
  yesLabel?: string;
  noLabel?: string;
  yesNext?: string;
  noNext?: string;
  next?: string;
};
const toInput = (): NodeIn[] =>
  OUTLOOK_FLOW.nodes.map((n) => ({
    id: n.id,
    kind: n.kind.toUpperCase() as NodeIn['kind'],
    text: n.text,
    ...(n.kind === 'question' ? { yesLabel: n.yesLabel, noLabel: n.noLabel, yesNext: n.yesNext, noNext: n.noNext } : {}),
    ...(n.kind === 'instruction' ? { next: n.next } : {}),
  }));

async function newFlow(title = `Flow ${Math.random().toString(36).slice(2, 7)}`) {
  const r = await t.gql.runOk(CreateFlow, { title }, { token: engToken });
  if (r.createFlow.__typename !== 'Flow') throw new Error('createFlow');
  return r.createFlow.id;
}

describe('authoring flows', () => {
  it('saves an incomplete draft, shows what blocks publishing per node, and refuses to publish it', async () => {
    const id = await newFlow();
    const nodes: NodeIn[] = [
      { id: 'a', kind: 'QUESTION', text: 'Powered on?', yesLabel: 'On', noLabel: 'on', yesNext: 'b', noNext: 'ghost' },
      { id: 'b', kind: 'INSTRUCTION', text: 'Restart', next: 'c' },
      { id: 'c', kind: 'INSTRUCTION', text: 'Again', next: 'b' },
      { id: 'island', kind: 'RESOLUTION', text: 'Fixed' },
      { id: 'q', kind: 'QUESTION', text: 'Missing labels', yesNext: 'island', noNext: 'island' },
    ];
    const saved = await t.gql.runOk(SaveDraft, { flowId: id, nodes, root: 'a' }, { token: engToken });
    if (saved.saveFlowDraft.__typename !== 'Flow') throw new Error(saved.saveFlowDraft.__typename);
    const issues = (saved.saveFlowDraft.draftIssues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^nodes\.a\.noLabel: The two answers need different labels/),
        expect.stringMatching(/^nodes\.a\.noNext: The No answer leads to a step that does not exist \(“ghost”\)/),
        expect.stringMatching(/^nodes\.q\.yesLabel: Give the Yes answer a label/),
        expect.stringMatching(/^nodes\.q\.noLabel: Give the No answer a label/),
      ]),
    );
    const publish = await t.gql.runOk(Publish, { flowId: id }, { token: engToken });
    expect(publish.publishFlow.__typename).toBe('ValidationError');

    // Fix the labels and pointer: a cycle and an unreachable node remain, each named.
    nodes[0] = { ...nodes[0]!, noLabel: 'Off', noNext: 'b' };
    nodes[4] = { ...nodes[4]!, yesLabel: 'Y', noLabel: 'N' };
    await t.gql.runOk(SaveDraft, { flowId: id, nodes, root: 'a' }, { token: engToken });
    const again = await t.gql.runOk(Publish, { flowId: id }, { token: engToken });
    if (again.publishFlow.__typename !== 'ValidationError') throw new Error('expected refusal');
    const messages = again.publishFlow.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^nodes\.c\.next: This leads back to an earlier step \(“b”\)/),
        expect.stringMatching(/^nodes\.island\.id: No answer leads to this step/),
        expect.stringMatching(/^nodes\.q\.id: No answer leads to this step/),
      ]),
    );
  });

  it('refuses more than 500 nodes and text over its cap, naming them', async () => {
    const id = await newFlow();
    const many = Array.from({ length: 501 }, (_, i) => ({ id: `n${i}`, kind: 'RESOLUTION' as const, text: 'x' }));
    const r = await t.gql.runOk(SaveDraft, { flowId: id, nodes: many, root: 'n0' }, { token: engToken });
    expect(r.saveFlowDraft).toMatchObject({
      __typename: 'ValidationError',
      issues: [{ path: ['nodes'], message: expect.stringMatching(/500/) }],
    });
    const long = await t.gql.runOk(
      SaveDraft,
      { flowId: id, nodes: [{ id: 'a', kind: 'RESOLUTION', text: 'x'.repeat(2001) }], root: 'a' },
      { token: engToken },
    );
    expect(long.saveFlowDraft).toMatchObject({ __typename: 'ValidationError', issues: [{ path: ['nodes', '0', 'text'] }] });
  });

  it('publishes immutable versions n+1; archiving takes a flow out of intake; L1s see only published flows', async () => {
    const title = `Printer ${Math.random().toString(36).slice(2, 7)}`;
    const id = await newFlow(title);
    await t.gql.runOk(SaveDraft, { flowId: id, nodes: toInput(), root: 'opens' }, { token: engToken });
    const v1 = await t.gql.runOk(Publish, { flowId: id }, { token: engToken });
    expect(v1.publishFlow).toMatchObject({ status: 'PUBLISHED', latestVersion: { version: 1 } });
    // Only a changed draft makes a new version (an unchanged one is refused: see nothing-lost.test.ts).
    const changed = toInput();
    changed[0] = { ...changed[0]!, text: `${changed[0]!.text} (v2)` };
    await t.gql.runOk(SaveDraft, { flowId: id, nodes: changed, root: 'opens' }, { token: engToken });
    const v2 = await t.gql.runOk(Publish, { flowId: id }, { token: engToken });
    expect(v2.publishFlow).toMatchObject({ latestVersion: { version: 2 } });
    const draftOnly = await newFlow(`${title} draft`);
    const l1List = await t.gql.runOk(Flows, { search: title }, { token: l1Token });
    expect(l1List.flows.map((f) => f.id)).toEqual([id]);
    const engList = await t.gql.runOk(Flows, { search: title }, { token: engToken });
    expect(engList.flows.map((f) => f.id).sort()).toEqual([id, draftOnly].sort());
    expect((await t.gql.runOk(FlowGet, { id: draftOnly }, { token: l1Token })).flow.__typename).toBe('NotFoundError');

    const archived = await t.gql.runOk(Archive, { flowId: id }, { token: engToken });
    expect(archived.archiveFlow).toMatchObject({ status: 'ARCHIVED' });
    const intake = await t.gql.runOk(Intake, { flowId: id }, { token: l1Token });
    expect(intake.intake).toMatchObject({ __typename: 'ValidationError', issues: [{ path: ['flowId'] }] });
  });

  it('is for engineers and admins; L1s and viewers are refused', async () => {
    await t.gql.runDenied(CreateFlow, { title: 'x' }, 'FORBIDDEN', { token: l1Token });
    const viewer = await t.factory.token(await t.factory.user(accountId, 'viewer'));
    await t.gql.runDenied(Flows, {}, 'FORBIDDEN', { token: viewer });
  });

  it('never reaches another account’s flow', async () => {
    const id = await newFlow();
    const other = await t.factory.account();
    const token = await t.factory.token(await t.factory.user(other.id, 'admin'));
    expect((await t.gql.runOk(FlowGet, { id }, { token })).flow.__typename).toBe('NotFoundError');
    expect((await t.gql.runOk(Publish, { flowId: id }, { token })).publishFlow.__typename).toBe('NotFoundError');
    expect((await t.gql.runOk(SaveDraft, { flowId: id, nodes: [], root: null }, { token })).saveFlowDraft.__typename).toBe('NotFoundError');
    expect((await t.gql.runOk(Archive, { flowId: id }, { token })).archiveFlow.__typename).toBe('NotFoundError');
  });
});

describe('proposals', () => {
  it('a helpful walk of a proposal validates it and lifts it to the top of the review queue; approving publishes it as a flow', async () => {
    const older = await t.gql.runOk(CreateProposal, { title: 'Older draft', nodes: toInput(), root: 'opens' }, { token: engToken });
    const p = await t.gql.runOk(CreateProposal, { title: 'VPN draft', nodes: toInput(), root: 'opens' }, { token: engToken });
    const newer = await t.gql.runOk(CreateProposal, { title: 'Newest draft', nodes: toInput(), root: 'opens' }, { token: engToken });
    if (
      p.createProposal.__typename !== 'FlowProposal' ||
      older.createProposal.__typename !== 'FlowProposal' ||
      newer.createProposal.__typename !== 'FlowProposal'
    )
      throw new Error('create');
    expect(p.createProposal).toMatchObject({ source: 'MANUAL_DRAFT', status: 'DRAFT', issues: [] });
    const id = p.createProposal.id;

    const walk = await t.gql.runOk(Intake, { proposalId: id }, { token: l1Token });
    if (walk.intake.__typename !== 'IntakePayload' || !walk.intake.session) throw new Error(walk.intake.__typename);
    expect(walk.intake).toMatchObject({ outcome: 'PROPOSAL', session: { kind: 'PROPOSAL', currentNode: { id: 'opens' } } });
    await t.gql.runOk(Resolve, { id: walk.intake.session.id, helpful: true }, { token: l1Token });

    const queue = await t.gql.runOk(Queue, {}, { token: engToken });
    expect(queue.proposalReviewQueue[0]).toMatchObject({ id, validatedByOutcome: true });
    const rest = queue.proposalReviewQueue.map((q) => q.id);
    expect(rest.indexOf(newer.createProposal.id)).toBeLessThan(rest.indexOf(older.createProposal.id));

    const approved = await t.gql.runOk(Approve, { id }, { token: engToken });
    expect(approved.approveProposal).toMatchObject({
      status: 'APPROVED',
      approvedFlow: { status: 'PUBLISHED', title: 'VPN draft', latestVersion: { version: 1 } },
    });
    const twice = await t.gql.runOk(Approve, { id }, { token: engToken });
    expect(twice.approveProposal).toMatchObject({ __typename: 'ConflictError' });
    const queue2 = await t.gql.runOk(Queue, {}, { token: engToken });
    expect(queue2.proposalReviewQueue.map((q) => q.id)).not.toContain(id);
  });

  it('refuses a tree that a flow draft refuses, in the same words: too many steps, an answer label over its cap', async () => {
    const id = await newFlow();
    const many: NodeIn[] = Array.from({ length: 501 }, (_, i) => ({ id: `n${i}`, kind: 'RESOLUTION', text: 'x' }));
    const longLabel: NodeIn[] = [
      { id: 'a', kind: 'QUESTION', text: 'Q?', yesLabel: 'y'.repeat(61), noLabel: 'No', yesNext: 'b', noNext: 'b' },
      { id: 'b', kind: 'RESOLUTION', text: 'Done' },
    ];
    for (const nodes of [many, longLabel]) {
      const draft = await t.gql.runOk(SaveDraft, { flowId: id, nodes, root: nodes[0]!.id }, { token: engToken });
      const proposal = await t.gql.runOk(CreateProposal, { title: 'Refused draft', nodes, root: nodes[0]!.id }, { token: engToken });
      if (draft.saveFlowDraft.__typename !== 'ValidationError') throw new Error(draft.saveFlowDraft.__typename);
      if (proposal.createProposal.__typename !== 'ValidationError') throw new Error(proposal.createProposal.__typename);
      expect(proposal.createProposal.issues).toEqual(draft.saveFlowDraft.issues);
    }
    const queue = await t.gql.runOk(Queue, {}, { token: engToken });
    expect(queue.proposalReviewQueue.map((q) => q.title)).not.toContain('Refused draft');
  });

  it('an unhelpful walk does not validate; rejecting keeps a note; an incomplete proposal cannot be approved or walked', async () => {
    const p = await t.gql.runOk(
      CreateProposal,
      { title: 'Half', nodes: [{ id: 'a', kind: 'QUESTION', text: 'Q?' }], root: 'a' },
      { token: engToken },
    );
    if (p.createProposal.__typename !== 'FlowProposal') throw new Error('create');
    expect(p.createProposal.issues.length).toBeGreaterThan(0);
    expect((await t.gql.runOk(Approve, { id: p.createProposal.id }, { token: engToken })).approveProposal.__typename).toBe(
      'ValidationError',
    );
    expect((await t.gql.runOk(Intake, { proposalId: p.createProposal.id }, { token: l1Token })).intake.__typename).toBe('ValidationError');
    const r = await t.gql.runOk(Reject, { id: p.createProposal.id }, { token: engToken });
    expect(r.rejectProposal).toEqual({ __typename: 'FlowProposal', status: 'REJECTED', reviewNote: 'Too vague' });
  });

  it('turns a resolved ad-hoc walk’s notes into a draft linked to the ticket, shown in the L1’s drafts', async () => {
    const start = await t.gql.runOk(Intake, { adhoc: true }, { token: l1Token });
    if (start.intake.__typename !== 'IntakePayload' || !start.intake.session || !start.intake.ticket) throw new Error('intake');
    const sessionId = start.intake.session.id;
    const early = await t.gql.runOk(FromWalk, { id: sessionId }, { token: l1Token });
    expect(early.createProposalFromWalk).toMatchObject({ __typename: 'ConflictError' });
    await t.gql.runOk(
      graphql(`
        mutation FlowsProposals_Notes($id: ID!, $notes: [WalkNoteInput!]!) {
          updateWalkNotes(sessionId: $id, notes: $notes) {
            __typename
          }
        }
      `),
      {
        id: sessionId,
        notes: [
          { at: '2026-11-21T10:00:00Z', content: 'Cleared temp files' },
          { at: '2026-11-21T10:03:00Z', content: 'Disabled startup apps' },
        ],
      },
      { token: l1Token },
    );
    await t.gql.runOk(Resolve, { id: sessionId, helpful: true }, { token: l1Token });
    const made = await t.gql.runOk(FromWalk, { id: sessionId }, { token: l1Token });
    expect(made.createProposalFromWalk).toMatchObject({
      __typename: 'FlowProposal',
      title: 'Laptop slow',
      ticket: { id: start.intake.ticket.id },
      rootNodeId: 'step-1',
      issues: [],
      nodes: [
        { id: 'step-1', kind: 'INSTRUCTION', text: 'Cleared temp files', next: 'step-2' },
        { id: 'step-2', kind: 'INSTRUCTION', text: 'Disabled startup apps', next: 'resolved' },
        { id: 'resolved', kind: 'RESOLUTION', text: 'Fixed', next: null },
      ],
    });
    const drafts = await t.gql.runOk(
      graphql(`
        query FlowsProposals_Drafts {
          myDrafts {
            id
          }
        }
      `),
      {},
      { token: l1Token },
    );
    if (made.createProposalFromWalk.__typename !== 'FlowProposal') throw new Error('draft');
    expect(drafts.myDrafts.map((d) => d.id)).toContain(made.createProposalFromWalk.id);
    const someoneElse = await t.factory.token(await t.factory.user(accountId, 'l1_tech'));
    const notMine = await t.gql.runOk(FromWalk, { id: sessionId }, { token: someoneElse });
    expect(notMine.createProposalFromWalk.__typename).toBe('ConflictError');
    const otherDrafts = await t.gql.runOk(
      graphql(`
        query FlowsProposals_Drafts2 {
          myDrafts {
            id
          }
        }
      `),
      {},
      { token: someoneElse },
    );
    expect(otherDrafts.myDrafts).toEqual([]);
  });

  it('cannot be reviewed across accounts', async () => {
    const p = await t.gql.runOk(CreateProposal, { title: 'Mine', nodes: toInput(), root: 'opens' }, { token: engToken });
    if (p.createProposal.__typename !== 'FlowProposal') throw new Error('create');
    const other = await t.factory.account();
    const token = await t.factory.token(await t.factory.user(other.id, 'engineer'));
    expect((await t.gql.runOk(Approve, { id: p.createProposal.id }, { token })).approveProposal.__typename).toBe('NotFoundError');
    expect((await t.gql.runOk(Reject, { id: p.createProposal.id }, { token })).rejectProposal.__typename).toBe('NotFoundError');
    expect((await t.gql.runOk(Queue, {}, { token })).proposalReviewQueue).toEqual([]);
    const walk = await t.gql.runOk(
      Intake,
      { proposalId: p.createProposal.id },
      { token: await t.factory.token(await t.factory.user(other.id, 'l1_tech')) },
    );
    expect(walk.intake).toEqual({ __typename: 'NotFoundError', entity: 'Proposal' });
  });
});
