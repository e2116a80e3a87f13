import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTLOOK_FLOW } from '../src/services/demo/seed.ts';
import type { TestUser } from './factories/index.ts';
import { graphql } from './gql/index.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { started } from './helpers/intake.ts';

/*
 * Nothing lost, nothing silently changed: over-long text is refused (never cut), a cleared title
 * never turns a 4 000-character problem into a flow title, republishing an unchanged flow adds no
 * version, and an escalated ad-hoc call's notes can become a draft too.
 */

const Intake = graphql(`
  mutation NothingLost_Intake($problem: String!) {
    intake(problemStatement: $problem, customerName: "Umbrella", customerContact: "ops@umbrella.test", adhoc: true) {
      __typename
      ... on IntakePayload {
        ticket {
          id
          problemStatement
        }
        session {
          id
          version
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
const Notes = graphql(`
  mutation NothingLost_Notes($sessionId: ID!, $notes: [WalkNoteInput!]!) {
    updateWalkNotes(sessionId: $sessionId, notes: $notes) {
      __typename
      ... on WalkSession {
        version
        notes {
          content
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
const Walk = graphql(`
  query NothingLost_Walk($id: ID!) {
    walkSession(id: $id) {
      __typename
      ... on WalkSession {
        notes {
          content
        }
      }
    }
  }
`);
const Resolve = graphql(`
  mutation NothingLost_Resolve($id: ID!, $notes: String!) {
    resolveWalk(sessionId: $id, helpful: true, resolutionNotes: $notes) {
      __typename
    }
  }
`);
const Escalate = graphql(`
  mutation NothingLost_Escalate($id: ID!) {
    escalateWalk(sessionId: $id, reasonCategory: NEEDS_ADMIN_ACCESS, reason: "needs a domain admin", notifyUserIds: []) {
      __typename
    }
  }
`);
const FromWalk = graphql(`
  mutation NothingLost_FromWalk($id: ID!) {
    createProposalFromWalk(sessionId: $id) {
      __typename
      ... on FlowProposal {
        id
        title
        issues {
          path
        }
        nodes {
          id
          kind
          text
          next
        }
      }
      ... on ConflictError {
        reason
        message
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
const Approve = graphql(`
  mutation NothingLost_Approve($id: ID!, $title: String) {
    approveProposal(proposalId: $id, title: $title) {
      __typename
      ... on FlowProposal {
        status
        approvedFlow {
          id
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
    }
  }
`);
const CreateFlow = graphql(`
  mutation NothingLost_CreateFlow($title: String!) {
    createFlow(title: $title) {
      __typename
      ... on Flow {
        id
      }
    }
  }
`);
const SaveDraft = graphql(`
  mutation NothingLost_Save($flowId: ID!, $nodes: [FlowNodeInput!]!, $root: String) {
    saveFlowDraft(flowId: $flowId, nodes: $nodes, rootNodeId: $root) {
      __typename
    }
  }
`);
const Publish = graphql(`
  mutation NothingLost_Publish($flowId: ID!) {
    publishFlow(flowId: $flowId) {
      __typename
      ... on Flow {
        latestVersion {
          version
        }
      }
      ... on ConflictError {
        reason
        message
        currentVersion
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

async function adhoc(problem: string) {
  const r = await t.gql.runOk(Intake, { problem }, { token: l1Token });
  return started(r.intake);
}

const note = (content: string) => ({ at: new Date().toISOString(), content });

describe('over-long text is refused, never cut', () => {
  it('a 10 000-character problem is refused naming the limit; 4 000 is kept whole', async () => {
    const tickets = async () =>
      Number((await t.system.query('SELECT count(*) FROM internal_tickets WHERE account_id = $1', [accountId])).rows[0].count);
    const before = await tickets();
    const r = await t.gql.runOk(Intake, { problem: 'p'.repeat(10_000) }, { token: l1Token });
    expect(r.intake).toMatchObject({
      __typename: 'ValidationError',
      issues: [{ path: ['problemStatement'], message: 'Problem must be at most 4000 characters.' }],
    });
    expect(await tickets()).toBe(before);
    const ok = await adhoc(`${'q'.repeat(3999)}!`);
    expect(ok.ticket.problemStatement).toHaveLength(4000);
  });

  it('a note over 20 000 characters is refused and the saved notes stay as they were', async () => {
    const w = await adhoc('Scanner will not send to email');
    await t.gql.runOk(Notes, { sessionId: w.session.id, notes: [note('checked SMTP relay')] }, { token: l1Token });
    const r = await t.gql.runOk(
      Notes,
      { sessionId: w.session.id, notes: [note('checked SMTP relay'), note('x'.repeat(20_001))] },
      { token: l1Token },
    );
    expect(r.updateWalkNotes).toMatchObject({
      __typename: 'ValidationError',
      issues: [{ path: ['notes', '1', 'content'], message: 'Note must be at most 20000 characters.' }],
    });
    const read = await t.gql.runOk(Walk, { id: w.session.id }, { token: l1Token });
    expect(read.walkSession).toEqual({ __typename: 'WalkSession', notes: [{ content: 'checked SMTP relay' }] });
    const whole = await t.gql.runOk(Notes, { sessionId: w.session.id, notes: [note('y'.repeat(20_000))] }, { token: l1Token });
    expect(whole.updateWalkNotes).toMatchObject({ __typename: 'WalkSession', notes: [{ content: 'y'.repeat(20_000) }] });
  });
});

describe('drafts from call notes', () => {
  it('an escalated ad-hoc call becomes a draft ending in an escalation; long notes are split into steps, not cut', async () => {
    const w = await adhoc('Shared mailbox missing for the new hire');
    const long = `${'Checked the licence and the group membership in the admin centre. '.repeat(40)}end.`;
    await t.gql.runOk(Notes, { sessionId: w.session.id, notes: [note('Re-added the mailbox permission'), note(long)] }, { token: l1Token });
    const early = await t.gql.runOk(FromWalk, { id: w.session.id }, { token: l1Token });
    expect(early.createProposalFromWalk).toMatchObject({
      __typename: 'ConflictError',
      message: 'Resolve or escalate the call before turning its notes into a draft.',
    });
    expect((await t.gql.runOk(Escalate, { id: w.session.id }, { token: l1Token })).escalateWalk.__typename).toBe('EscalationPayload');

    const made = await t.gql.runOk(FromWalk, { id: w.session.id }, { token: l1Token });
    if (made.createProposalFromWalk.__typename !== 'FlowProposal') throw new Error(JSON.stringify(made.createProposalFromWalk));
    const p = made.createProposalFromWalk;
    expect(p.title).toBe('Shared mailbox missing for the new hire');
    expect(p.issues).toEqual([]);
    expect(p.nodes.at(-1)).toEqual({
      id: 'escalate',
      kind: 'ESCALATION',
      text: 'Escalate to an engineer: needs a domain admin',
      next: null,
    });
    const instructions = p.nodes.filter((n) => n.kind === 'INSTRUCTION');
    expect(instructions[0]!.text).toBe('Re-added the mailbox permission');
    expect(instructions.length).toBeGreaterThan(2);
    // Every character of the long note is in the draft, in order.
    expect(
      instructions
        .slice(1)
        .map((n) => n.text)
        .join(' ')
        .replace(/\s+/g, ' '),
    ).toBe(long.trim().replace(/\s+/g, ' '));
    for (const n of p.nodes) expect(n.text.length).toBeLessThanOrEqual(2000);
  });

  it('approving without a title titles the flow with the problem shortened to one line, never 4 000 characters; a blank title is refused', async () => {
    const problem =
      `Teams calls drop after exactly five minutes for the whole sales floor ${'while the caller keeps explaining the history of the issue '.repeat(60)}`.slice(
        0,
        4000,
      );
    const w = await adhoc(problem);
    await t.gql.runOk(Notes, { sessionId: w.session.id, notes: [note('Updated the Teams client')] }, { token: l1Token });
    await t.gql.runOk(Resolve, { id: w.session.id, notes: 'Client update fixed it' }, { token: l1Token });
    const made = await t.gql.runOk(FromWalk, { id: w.session.id }, { token: l1Token });
    if (made.createProposalFromWalk.__typename !== 'FlowProposal') throw new Error(JSON.stringify(made.createProposalFromWalk));
    expect(made.createProposalFromWalk.title.length).toBeLessThanOrEqual(80);

    for (const title of [null, undefined]) {
      const again = await adhoc(problem);
      await t.gql.runOk(Notes, { sessionId: again.session.id, notes: [note('Updated the Teams client')] }, { token: l1Token });
      await t.gql.runOk(Resolve, { id: again.session.id, notes: 'Fixed' }, { token: l1Token });
      const d = await t.gql.runOk(FromWalk, { id: again.session.id }, { token: l1Token });
      if (d.createProposalFromWalk.__typename !== 'FlowProposal') throw new Error('draft');
      const r = await t.gql.runOk(Approve, { id: d.createProposalFromWalk.id, title }, { token: engToken });
      if (r.approveProposal.__typename !== 'FlowProposal') throw new Error(JSON.stringify(r.approveProposal));
      const flowTitle = r.approveProposal.approvedFlow!.title;
      expect(flowTitle.length).toBeLessThanOrEqual(80);
      expect(flowTitle).toMatch(/^Teams calls drop after exactly five minutes for the whole sales floor\b.*…$/);
    }
    // A title sent blank is refused, naming the field; a title the reviewer typed is kept as typed.
    for (const blank of ['', '   ']) {
      const refused = await t.gql.runOk(Approve, { id: made.createProposalFromWalk.id, title: blank }, { token: engToken });
      expect(refused.approveProposal).toMatchObject({
        __typename: 'ValidationError',
        issues: [{ path: ['title'], message: 'Title is required.' }],
      });
    }
    const typed = await t.gql.runOk(Approve, { id: made.createProposalFromWalk.id, title: 'Teams calls drop' }, { token: engToken });
    expect(typed.approveProposal).toMatchObject({ approvedFlow: { title: 'Teams calls drop' } });
  });
});

describe('publishing', () => {
  it('refuses to publish an unchanged flow again ("nothing changed since version 1"); a changed draft becomes version 2', async () => {
    const created = await t.gql.runOk(CreateFlow, { title: 'Printer offline' }, { token: engToken });
    if (created.createFlow.__typename !== 'Flow') throw new Error('create');
    const flowId = created.createFlow.id;
    const nodes = OUTLOOK_FLOW.nodes.map((n) => ({
      id: n.id,
      kind: n.kind.toUpperCase() as 'QUESTION',
      text: n.text,
      ...(n.kind === 'question' ? { yesLabel: n.yesLabel, noLabel: n.noLabel, yesNext: n.yesNext, noNext: n.noNext } : {}),
      ...('next' in n ? { next: n.next } : {}),
    }));
    await t.gql.runOk(SaveDraft, { flowId, nodes, root: OUTLOOK_FLOW.rootNodeId }, { token: engToken });
    expect((await t.gql.runOk(Publish, { flowId }, { token: engToken })).publishFlow).toMatchObject({ latestVersion: { version: 1 } });
    const versions = async () =>
      Number((await t.system.query('SELECT count(*) FROM flow_versions WHERE flow_id = $1', [flowId])).rows[0].count);

    const same = await t.gql.runOk(Publish, { flowId }, { token: engToken });
    expect(same.publishFlow).toEqual({
      __typename: 'ConflictError',
      reason: 'NOTHING_CHANGED',
      currentVersion: 1,
      message: 'Nothing changed since version 1: edit the draft before publishing it again.',
    });
    // Saving the same draft again is still no change.
    await t.gql.runOk(SaveDraft, { flowId, nodes, root: OUTLOOK_FLOW.rootNodeId }, { token: engToken });
    expect((await t.gql.runOk(Publish, { flowId }, { token: engToken })).publishFlow).toMatchObject({
      __typename: 'ConflictError',
      reason: 'NOTHING_CHANGED',
    });
    expect(await versions()).toBe(1);

    nodes[0] = { ...nodes[0]!, text: `${nodes[0]!.text} (check the taskbar too)` };
    await t.gql.runOk(SaveDraft, { flowId, nodes, root: OUTLOOK_FLOW.rootNodeId }, { token: engToken });
    expect((await t.gql.runOk(Publish, { flowId }, { token: engToken })).publishFlow).toMatchObject({
      __typename: 'Flow',
      latestVersion: { version: 2 },
    });
    expect(await versions()).toBe(2);
  });
});
