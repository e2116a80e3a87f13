import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { txObservers } from '../src/db/tenant.ts';
import type { FlowNode } from '../src/services/flows/graph.ts';
import type { TestUser } from './factories/index.ts';
import { graphql } from './gql/index.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { started } from './helpers/intake.ts';

export const Intake = graphql(`
  mutation Walks_Intake($problem: String!, $name: String!, $contact: String!, $flowId: ID, $proposalId: ID, $adhoc: Boolean) {
    intake(
      problemStatement: $problem
      customerName: $name
      customerContact: $contact
      flowId: $flowId
      proposalId: $proposalId
      adhoc: $adhoc
    ) {
      __typename
      ... on IntakePayload {
        outcome
        ticket {
          id
          status
          problemStatement
        }
        session {
          id
          kind
          status
          version
          title
          currentNode {
            id
            kind
            text
            yesLabel
            noLabel
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
const Step = graphql(`
  mutation Walks_Step(
    $sessionId: ID!
    $nodeId: String!
    $answer: StepAnswer!
    $clientStepId: String!
    $note: String
    $expectedVersion: Int
  ) {
    recordStep(
      sessionId: $sessionId
      nodeId: $nodeId
      answer: $answer
      clientStepId: $clientStepId
      note: $note
      expectedVersion: $expectedVersion
    ) {
      __typename
      ... on WalkSession {
        id
        version
        stepCount
        currentNode {
          id
          kind
          text
          yesLabel
          noLabel
        }
        steps {
          seq
          nodeId
          question
          answer
          answerLabel
          yesLabel
          noLabel
          note
          actingAs
          actor {
            id
          }
        }
      }
      ... on ConflictError {
        reason
        message
        currentVersion
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
const Resolve = graphql(`
  mutation Walks_Resolve($sessionId: ID!, $helpful: Boolean!, $notes: String!) {
    resolveWalk(sessionId: $sessionId, helpful: $helpful, resolutionNotes: $notes) {
      __typename
      ... on WalkSession {
        status
        helpful
        resolutionNotes
        ticket {
          status
          resolutionNotes
          resolvedAt
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
const Notes = graphql(`
  mutation Walks_Notes($sessionId: ID!, $notes: [WalkNoteInput!]!, $expectedVersion: Int) {
    updateWalkNotes(sessionId: $sessionId, notes: $notes, expectedVersion: $expectedVersion) {
      __typename
      ... on WalkSession {
        version
        noteCount
        notes {
          at
          content
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
const Walk = graphql(`
  query Walks_Get($id: ID!) {
    walkSession(id: $id) {
      __typename
      ... on WalkSession {
        id
        kind
        status
        version
        stepCount
        title
        actingAs
        currentNode {
          id
          text
        }
        handler {
          id
          name
        }
        createdBy {
          id
        }
        ticket {
          id
          status
          customerName
        }
        flowVersion {
          version
        }
        steps {
          seq
          question
          answerLabel
          actor {
            id
            name
          }
        }
        notes {
          content
        }
      }
      ... on NotFoundError {
        entity
      }
    }
  }
`);
const TakeOver = graphql(`
  mutation Walks_TakeOver($sessionId: ID!, $expectedVersion: Int) {
    takeOverWalk(sessionId: $sessionId, expectedVersion: $expectedVersion) {
      __typename
      ... on WalkSession {
        version
        actingAs
        handler {
          id
        }
      }
      ... on ConflictError {
        reason
        message
      }
      ... on NotFoundError {
        entity
      }
    }
  }
`);

let t: TestApp;
let accountId: string;
let owner: TestUser;
let l1: TestUser;
let l1Token: string;
let coverer: TestUser;
let covererToken: string;
let flowId: string;

beforeAll(async () => {
  t = await startTestApp();
  accountId = (await t.factory.account()).id;
  owner = await t.factory.user(accountId, 'owner');
  l1 = await t.factory.user(accountId, 'l1_tech');
  l1Token = await t.factory.token(l1);
  coverer = await t.factory.user(accountId, 'engineer', { canCoverL1: true });
  covererToken = await t.factory.token(coverer);
  flowId = (await t.factory.publishedFlow(accountId, owner.id)).flowId;
});
afterAll(() => t.close());

async function startFlowWalk(token = l1Token, flow = flowId) {
  const r = await t.gql.runOk(
    Intake,
    { problem: 'Outlook says disconnected', name: 'ACME Ltd', contact: 'pat@acme.test', flowId: flow },
    { token },
  );
  return started(r.intake);
}

describe('intake', () => {
  it('opens a ticket in WALKING and pins the published flow, starting at its root with the node’s own labels', async () => {
    const r = await startFlowWalk();
    expect(r.outcome).toBe('FLOW');
    expect(r.ticket).toMatchObject({ status: 'WALKING', problemStatement: 'Outlook says disconnected' });
    expect(r.session).toMatchObject({
      kind: 'FLOW',
      status: 'ACTIVE',
      version: 1,
      title: expect.stringMatching(/^Flow /),
      currentNode: { id: 'opens', kind: 'QUESTION', yesLabel: 'It opens', noLabel: "It won't open" },
    });
    const audit = await t.system.query(`SELECT acting_as FROM audit_logs WHERE action = 'l1.session.start' AND entity_id = $1`, [
      r.session.id,
    ]);
    expect(audit.rows).toEqual([{ acting_as: null }]);
  });

  it('starts an ad-hoc walk when notes are chosen (adhoc: true)', async () => {
    const r = await t.gql.runOk(Intake, { problem: 'Printer jams', name: 'Bob', contact: '555-0100', adhoc: true }, { token: l1Token });
    expect(r.intake).toMatchObject({ outcome: 'ADHOC', session: { kind: 'ADHOC', currentNode: null } });
  });

  it('refuses an empty problem, both a flow and a proposal, and another account’s flow', async () => {
    // Only the problem is required (issue 18 item 13): a blank customer name is "not given".
    const empty = await t.gql.runOk(Intake, { problem: '  ', name: '', contact: 'x' }, { token: l1Token });
    expect(empty.intake.__typename).toBe('ValidationError');
    if (empty.intake.__typename === 'ValidationError') {
      expect(empty.intake.issues.map((i) => i.path[0]).sort()).toEqual(['problemStatement']);
    }
    const both = await t.gql.runOk(Intake, { problem: 'p', name: 'n', contact: 'c', flowId, proposalId: randomUUID() }, { token: l1Token });
    expect(both.intake.__typename).toBe('ValidationError');
    const other = await t.factory.account();
    const otherOwner = await t.factory.user(other.id, 'owner');
    const otherFlow = await t.factory.publishedFlow(other.id, otherOwner.id);
    const cross = await t.gql.runOk(Intake, { problem: 'p', name: 'n', contact: 'c', flowId: otherFlow.flowId }, { token: l1Token });
    expect(cross.intake).toEqual({ __typename: 'NotFoundError', entity: 'Flow' });
    const tickets = await t.system.query(
      `SELECT count(*)::int AS n FROM internal_tickets WHERE account_id = $1 AND problem_statement = 'p'`,
      [accountId],
    );
    expect(tickets.rows[0].n).toBe(0);
  });
});

describe('one round trip per step', () => {
  /** The tenant scopes of one HTTP operation, as they ended. */
  async function scopes<T>(fn: () => Promise<T>): Promise<[Array<{ committed: unknown[] }>, T]> {
    const seen: Array<{ committed: unknown[] }> = [];
    const observe = (s: { committed: unknown[] }) => void seen.push({ committed: [...s.committed] });
    txObservers.add(observe);
    try {
      return [seen, await fn()];
    } finally {
      txObservers.delete(observe);
    }
  }
  const twoSteps = `mutation Two($s: ID!) {
    a: recordStep(sessionId: $s, nodeId: "opens", answer: YES, clientStepId: "two-a") { __typename ... on WalkSession { version } }
    b: recordStep(sessionId: $s, nodeId: "nowhere", answer: YES, clientStepId: "two-b") { __typename }
  }`;

  it('intake, a step and resolve each send COMMIT with their statement; the payload still reads the walk', async () => {
    const one = [{ committed: [expect.anything()] }];
    const [intakeScopes, w] = await scopes(() => startFlowWalk());
    expect(intakeScopes).toEqual(one);
    const [stepScopes, step] = await scopes(() =>
      t.gql.runOk(Step, { sessionId: w.session.id, nodeId: 'opens', answer: 'YES', clientStepId: 'rt-1' }, { token: l1Token }),
    );
    expect(stepScopes).toEqual(one);
    // Read after the COMMIT, in a transaction of its own: the step just written is there.
    expect(step.recordStep).toMatchObject({ __typename: 'WalkSession', version: 2, steps: [{ seq: 1, nodeId: 'opens' }] });
    const [resolveScopes] = await scopes(() =>
      t.gql.runOk(Resolve, { sessionId: w.session.id, helpful: true, notes: 'Fixed' }, { token: l1Token }),
    );
    expect(resolveScopes).toEqual(one);
    const ticket = await t.system.query(
      'SELECT status FROM internal_tickets WHERE id = (SELECT internal_ticket_id FROM walk_sessions WHERE id = $1)',
      [w.session.id],
    );
    expect(ticket.rows).toEqual([{ status: 'resolved' }]);
  });

  it('keeps a mutation with several root fields one transaction, committed at its end (each field in a savepoint)', async () => {
    const w = await startFlowWalk();
    const [seen] = await scopes(async () => {
      const r = await t.gql.raw({ query: twoSteps, variables: { s: w.session.id } }, { token: l1Token }).then((x) => x.json());
      expect(r.data).toEqual({ a: { __typename: 'WalkSession', version: 2 }, b: { __typename: 'ValidationError' } });
    });
    expect(seen).toEqual([{ committed: [] }]);
    const steps = await t.system.query('SELECT count(*)::int AS n FROM walk_steps WHERE session_id = $1', [w.session.id]);
    expect(steps.rows[0].n).toBe(1);
  });
});

describe('walking a flow', () => {
  it('records a step with labels derived from the pinned node, advancing the walk', async () => {
    const w = await startFlowWalk();
    const r = await t.gql.runOk(
      Step,
      { sessionId: w.session.id, nodeId: 'opens', answer: 'YES', clientStepId: 'c1', note: 'user can open it' },
      { token: l1Token },
    );
    expect(r.recordStep).toMatchObject({
      __typename: 'WalkSession',
      version: 2,
      stepCount: 1,
      currentNode: { id: 'status', yesLabel: 'Shows disconnected', noLabel: 'Shows connected' },
      steps: [
        {
          seq: 1,
          nodeId: 'opens',
          question: 'Can the user open Outlook at all?',
          answer: 'YES',
          answerLabel: 'It opens',
          yesLabel: 'It opens',
          noLabel: "It won't open",
          note: 'user can open it',
          actingAs: null,
          actor: { id: l1.id },
        },
      ],
    });
  });

  it('treats a retried clientStepId as the same step, and a reused one with another payload as invalid', async () => {
    const w = await startFlowWalk();
    const first = await t.gql.runOk(
      Step,
      { sessionId: w.session.id, nodeId: 'opens', answer: 'NO', clientStepId: 'once' },
      { token: l1Token },
    );
    const again = await t.gql.runOk(
      Step,
      { sessionId: w.session.id, nodeId: 'opens', answer: 'NO', clientStepId: 'once' },
      { token: l1Token },
    );
    expect(again).toEqual(first);
    const { rows } = await t.system.query('SELECT count(*)::int AS n FROM walk_steps WHERE session_id = $1', [w.session.id]);
    expect(rows[0].n).toBe(1);
    const reused = await t.gql.runOk(
      Step,
      { sessionId: w.session.id, nodeId: 'safe-mode', answer: 'CONTINUE', clientStepId: 'once' },
      { token: l1Token },
    );
    expect(reused.recordStep).toMatchObject({ __typename: 'ValidationError', issues: [{ path: ['clientStepId'] }] });
  });

  it('answers each wrong request with the typed error that says why', async () => {
    const w = await startFlowWalk();
    const id = w.session.id;
    const cases: Array<
      [
        Parameters<
          typeof t.gql.runOk<
            unknown,
            { sessionId: string; nodeId: string; answer: 'YES' | 'NO' | 'CONTINUE'; clientStepId: string; expectedVersion?: number }
          >
        >[1],
        object,
      ]
    > = [
      [
        { sessionId: id, nodeId: 'opens', answer: 'CONTINUE', clientStepId: 'a' },
        { __typename: 'ValidationError', issues: [{ path: ['answer'] }] },
      ],
      [
        { sessionId: id, nodeId: 'no-such-node', answer: 'YES', clientStepId: 'b' },
        { __typename: 'ValidationError', issues: [{ path: ['nodeId'] }] },
      ],
      [
        { sessionId: id, nodeId: 'status', answer: 'YES', clientStepId: 'c' },
        { __typename: 'ConflictError', reason: 'NOT_CURRENT_NODE' },
      ],
      [
        { sessionId: id, nodeId: 'opens', answer: 'YES', clientStepId: 'd', expectedVersion: 7 },
        { __typename: 'ConflictError', reason: 'STALE_VERSION', currentVersion: 1 },
      ],
      [
        { sessionId: id, nodeId: 'fixed-online', answer: 'CONTINUE', clientStepId: 'e' },
        { __typename: 'ValidationError', issues: [{ path: ['answer'] }] },
      ],
      [
        { sessionId: randomUUID(), nodeId: 'opens', answer: 'YES', clientStepId: 'f' },
        { __typename: 'NotFoundError', entity: 'Walk' },
      ],
      [
        { sessionId: 'not-a-uuid', nodeId: 'opens', answer: 'YES', clientStepId: 'g' },
        { __typename: 'ValidationError', issues: [{ path: ['sessionId'] }] },
      ],
      [
        { sessionId: id, nodeId: 'opens', answer: 'YES', clientStepId: '' },
        { __typename: 'ValidationError', issues: [{ path: ['clientStepId'] }] },
      ],
    ];
    for (const [vars, want] of cases) {
      const r = await t.gql.runOk(Step, vars, { token: l1Token });
      expect(r.recordStep, JSON.stringify(vars)).toMatchObject(want);
    }
    const { rows } = await t.system.query(
      'SELECT count(*)::int AS n, max(version) AS v FROM walk_steps, walk_sessions w WHERE walk_steps.session_id = $1 AND w.id = $1',
      [id],
    );
    expect(rows[0].n).toBe(0);
  });

  it('lets only the handler act: another L1 gets a ConflictError naming who handles it', async () => {
    const w = await startFlowWalk();
    const other = await t.factory.user(accountId, 'l1_tech', { name: 'Other Tech' });
    const r = await t.gql.runOk(
      Step,
      { sessionId: w.session.id, nodeId: 'opens', answer: 'YES', clientStepId: 'x' },
      { token: await t.factory.token(other) },
    );
    expect(r.recordStep).toMatchObject({ __typename: 'ConflictError', reason: 'NOT_HANDLER', message: expect.stringContaining(l1.name) });
  });

  it('resolves as helpful: the ticket is resolved with the notes and further steps are refused', async () => {
    const w = await startFlowWalk();
    await t.gql.runOk(Step, { sessionId: w.session.id, nodeId: 'opens', answer: 'YES', clientStepId: 's1' }, { token: l1Token });
    const r = await t.gql.runOk(Resolve, { sessionId: w.session.id, helpful: true, notes: 'Turned off Work Offline' }, { token: l1Token });
    expect(r.resolveWalk).toMatchObject({
      __typename: 'WalkSession',
      status: 'RESOLVED',
      helpful: true,
      ticket: { status: 'RESOLVED', resolutionNotes: 'Turned off Work Offline', resolvedAt: expect.any(String) },
    });
    const after = await t.gql.runOk(
      Step,
      { sessionId: w.session.id, nodeId: 'status', answer: 'YES', clientStepId: 's2' },
      { token: l1Token },
    );
    expect(after.recordStep).toMatchObject({ __typename: 'ConflictError', reason: 'WALK_NOT_ACTIVE' });
    const again = await t.gql.runOk(Resolve, { sessionId: w.session.id, helpful: false, notes: 'x' }, { token: l1Token });
    expect(again.resolveWalk).toMatchObject({ __typename: 'ConflictError', reason: 'WALK_NOT_ACTIVE' });
    const audit = await t.system.query(
      `SELECT actor_id, acting_as, payload FROM audit_logs WHERE action = 'l1.session.resolve' AND entity_id = $1`,
      [w.session.id],
    );
    expect(audit.rows).toEqual([{ actor_id: l1.id, acting_as: null, payload: expect.objectContaining({ helpful: true }) }]);
  });

  it('keeps walking the version it started on after the flow is republished', async () => {
    const f = await t.factory.publishedFlow(accountId, owner.id);
    const w = await startFlowWalk(l1Token, f.flowId);
    const changed: FlowNode[] = [
      {
        id: 'start',
        kind: 'question',
        text: 'Is it plugged in?',
        yesLabel: 'Plugged in',
        noLabel: 'Unplugged',
        yesNext: 'done',
        noNext: 'done',
      },
      { id: 'done', kind: 'resolution', text: 'Done' },
    ];
    await t.system.query(`UPDATE flows SET draft_nodes = $2, draft_root_node_id = 'start' WHERE id = $1`, [
      f.flowId,
      JSON.stringify(changed),
    ]);
    const publish = await t.gql.runOk(
      graphql(`
        mutation Walks_Publish($id: ID!) {
          publishFlow(flowId: $id) {
            __typename
            ... on Flow {
              latestVersion {
                version
              }
            }
          }
        }
      `),
      { id: f.flowId },
      { token: await t.factory.token(owner) },
    );
    expect(publish.publishFlow).toMatchObject({ latestVersion: { version: 2 } });
    const r = await t.gql.runOk(Step, { sessionId: w.session.id, nodeId: 'opens', answer: 'NO', clientStepId: 'p1' }, { token: l1Token });
    expect(r.recordStep).toMatchObject({ currentNode: { id: 'safe-mode', kind: 'INSTRUCTION' } });
    const fresh = await startFlowWalk(l1Token, f.flowId);
    expect(fresh.session.currentNode).toMatchObject({ id: 'start', yesLabel: 'Plugged in' });
  });
});

describe('ad-hoc walks', () => {
  it('take notes (not steps), replace them with a version bump, and refuse more than 256 KB', async () => {
    const r = await t.gql.runOk(Intake, { problem: 'VPN drops', name: 'Ann', contact: 'ann@x.test', adhoc: true }, { token: l1Token });
    const id = started(r.intake).session.id;
    const step = await t.gql.runOk(Step, { sessionId: id, nodeId: 'x', answer: 'YES', clientStepId: 'n' }, { token: l1Token });
    expect(step.recordStep).toMatchObject({ __typename: 'ValidationError', issues: [{ path: ['sessionId'] }] });
    const notes = [
      { at: '2026-11-21T10:00:00.000Z', content: 'Rebooted router' },
      { at: '2026-11-21T10:05:00.000Z', content: "Reinstalled client <b>v2</b> '; DROP TABLE users; --" },
    ];
    const saved = await t.gql.runOk(Notes, { sessionId: id, notes, expectedVersion: 1 }, { token: l1Token });
    expect(saved.updateWalkNotes).toEqual({ __typename: 'WalkSession', version: 2, noteCount: 2, notes });
    const stale = await t.gql.runOk(Notes, { sessionId: id, notes: [], expectedVersion: 1 }, { token: l1Token });
    expect(stale.updateWalkNotes).toMatchObject({ __typename: 'ConflictError', reason: 'STALE_VERSION' });
    const huge = await t.gql.runOk(
      Notes,
      { sessionId: id, notes: Array.from({ length: 14 }, (_, i) => ({ at: '2026-11-21T10:00:00Z', content: `${i}`.padEnd(19_990, 'x') })) },
      { token: l1Token },
    );
    expect(huge.updateWalkNotes).toMatchObject({ __typename: 'ValidationError', issues: [{ path: ['notes'] }] });
    const read = await t.gql.runOk(Walk, { id }, { token: l1Token });
    expect(read.walkSession).toMatchObject({ version: 2, notes: notes.map((n) => ({ content: n.content })) });
  });
});

describe('reading walks', () => {
  it('walkSession with 50 steps costs the same few queries as with 1 (no N+1)', async () => {
    const nodes: FlowNode[] = Array.from({ length: 51 }, (_, i) =>
      i < 50
        ? {
            id: `n${i}`,
            kind: 'question',
            text: `Question ${i}?`,
            yesLabel: `Yes ${i}`,
            noLabel: `No ${i}`,
            yesNext: `n${i + 1}`,
            noNext: `n${i + 1}`,
          }
        : { id: `n${i}`, kind: 'resolution', text: 'Done' },
    );
    const f = await t.factory.publishedFlow(accountId, owner.id, { rootNodeId: 'n0', nodes });
    const w = await startFlowWalk(l1Token, f.flowId);
    const measure = async () => {
      let count = 0;
      const observe = (s: { queryCount: number }) => (count = s.queryCount);
      txObservers.add(observe);
      try {
        const r = await t.gql.runOk(Walk, { id: w.session.id }, { token: l1Token });
        return { count, r };
      } finally {
        txObservers.delete(observe);
      }
    };
    await t.gql.runOk(Step, { sessionId: w.session.id, nodeId: 'n0', answer: 'YES', clientStepId: 'q0' }, { token: l1Token });
    const one = await measure();
    for (let i = 1; i < 50; i++) {
      await t.gql.runOk(
        Step,
        { sessionId: w.session.id, nodeId: `n${i}`, answer: i % 2 ? 'YES' : 'NO', clientStepId: `q${i}` },
        { token: l1Token },
      );
    }
    const fifty = await measure();
    expect(fifty.r.walkSession).toMatchObject({ stepCount: 50, currentNode: { id: 'n50' } });
    if (fifty.r.walkSession.__typename === 'WalkSession') expect(fifty.r.walkSession.steps).toHaveLength(50);
    expect(fifty.count).toBe(one.count);
    expect(fifty.count).toBeLessThanOrEqual(8);
  });

  it('lists my active walks (most recent step first) and the account’s active walks for coverers', async () => {
    const a = await startFlowWalk();
    const b = await startFlowWalk();
    await t.gql.runOk(Step, { sessionId: a.session.id, nodeId: 'opens', answer: 'YES', clientStepId: 'recent' }, { token: l1Token });
    const mine = await t.gql.runOk(
      graphql(`
        query Walks_Mine {
          myActiveWalks {
            id
          }
        }
      `),
      {},
      { token: l1Token },
    );
    expect(mine.myActiveWalks.slice(0, 2).map((w) => w.id)).toEqual([a.session.id, b.session.id]);
    const board = await t.gql.runOk(
      graphql(`
        query Walks_Board {
          activeWalks {
            id
            handler {
              id
            }
          }
        }
      `),
      {},
      { token: covererToken },
    );
    expect(board.activeWalks.map((w) => w.id)).toEqual(expect.arrayContaining([a.session.id, b.session.id]));
    const covererMine = await t.gql.runOk(
      graphql(`
        query Walks_Mine2 {
          myActiveWalks {
            id
          }
        }
      `),
      {},
      { token: covererToken },
    );
    expect(covererMine.myActiveWalks.map((w) => w.id)).not.toContain(a.session.id);
  });

  it('never shows another account’s walk, and refuses every write to it', async () => {
    const w = await startFlowWalk();
    const other = await t.factory.account();
    const outsider = await t.factory.user(other.id, 'l1_tech');
    const token = await t.factory.token(outsider);
    expect((await t.gql.runOk(Walk, { id: w.session.id }, { token })).walkSession).toEqual({ __typename: 'NotFoundError', entity: 'Walk' });
    expect(
      (await t.gql.runOk(Step, { sessionId: w.session.id, nodeId: 'opens', answer: 'YES', clientStepId: 'x' }, { token })).recordStep,
    ).toMatchObject({ __typename: 'NotFoundError' });
    expect((await t.gql.runOk(Resolve, { sessionId: w.session.id, helpful: true, notes: 'x' }, { token })).resolveWalk).toMatchObject({
      __typename: 'NotFoundError',
    });
    expect((await t.gql.runOk(Notes, { sessionId: w.session.id, notes: [] }, { token })).updateWalkNotes).toMatchObject({
      __typename: 'NotFoundError',
    });
    expect((await t.gql.runOk(TakeOver, { sessionId: w.session.id }, { token })).takeOverWalk).toMatchObject({
      __typename: 'NotFoundError',
    });
    const board = await t.gql.runOk(
      graphql(`
        query Walks_Board2 {
          activeWalks {
            id
          }
        }
      `),
      {},
      { token },
    );
    expect(board.activeWalks).toEqual([]);
    const read = await t.gql.runOk(Walk, { id: w.session.id }, { token: l1Token });
    expect(read.walkSession).toMatchObject({ status: 'ACTIVE', version: 1 });
  });
});

describe('taking over a call', () => {
  it('makes the coverer the handler (audited as coverage); the L1’s next write is refused', async () => {
    const w = await startFlowWalk();
    const r = await t.gql.runOk(TakeOver, { sessionId: w.session.id }, { token: covererToken });
    expect(r.takeOverWalk).toMatchObject({ __typename: 'WalkSession', version: 2, actingAs: 'l1_coverage', handler: { id: coverer.id } });
    const refused = await t.gql.runOk(
      Step,
      { sessionId: w.session.id, nodeId: 'opens', answer: 'YES', clientStepId: 'late' },
      { token: l1Token },
    );
    expect(refused.recordStep).toMatchObject({
      __typename: 'ConflictError',
      reason: 'NOT_HANDLER',
      message: expect.stringContaining(coverer.name),
    });
    const step = await t.gql.runOk(
      Step,
      { sessionId: w.session.id, nodeId: 'opens', answer: 'YES', clientStepId: 'cov' },
      { token: covererToken },
    );
    expect(step.recordStep).toMatchObject({ steps: [{ actingAs: 'l1_coverage', actor: { id: coverer.id } }] });
    const audit = await t.system.query(
      `SELECT actor_id, acting_as FROM audit_logs WHERE action = 'l1.session.takeover' AND entity_id = $1`,
      [w.session.id],
    );
    expect(audit.rows).toEqual([{ actor_id: coverer.id, acting_as: 'l1_coverage' }]);
  });

  it('lets exactly one of two concurrent takeovers win; the other is told who did', async () => {
    const w = await startFlowWalk();
    const second = await t.factory.user(accountId, 'admin', { name: 'Second Admin' });
    const secondToken = await t.factory.token(second);
    const [a, b] = await Promise.all([
      t.gql.runOk(TakeOver, { sessionId: w.session.id }, { token: covererToken }),
      t.gql.runOk(TakeOver, { sessionId: w.session.id }, { token: secondToken }),
    ]);
    const results = [a.takeOverWalk, b.takeOverWalk];
    const winners = results.filter((x) => x.__typename === 'WalkSession');
    const losers = results.filter((x) => x.__typename === 'ConflictError');
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    const winnerName = winners[0] === a.takeOverWalk ? coverer.name : second.name;
    expect(losers[0]).toMatchObject({ reason: 'TAKEOVER_LOST', message: expect.stringContaining(winnerName) });
  });
});
