import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { txObservers } from '../src/db/tenant.ts';
import { OUTLOOK_FLOW } from '../src/services/demo/seed.ts';
import type { TestUser } from './factories/index.ts';
import { graphql } from './gql/index.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { started } from './helpers/intake.ts';
import { print } from 'graphql';
import { collect } from './helpers/ws.ts';

/*
 * What the coverage board, the dashboard and the ticket page read about walks: titles a person can
 * tell apart, counts that stay right after a hand-over, and a query count that does not grow with
 * the number of walks listed.
 */

const Intake = graphql(`
  mutation WalkReads_Intake($problem: String!, $flowId: ID, $adhoc: Boolean) {
    intake(problemStatement: $problem, customerName: "Initech", customerContact: "bill@initech.test", flowId: $flowId, adhoc: $adhoc) {
      __typename
      ... on IntakePayload {
        ticket {
          id
        }
        session {
          id
          version
          title
          kind
        }
      }
    }
  }
`);
const Notes = graphql(`
  mutation WalkReads_Notes($sessionId: ID!, $notes: [WalkNoteInput!]!) {
    updateWalkNotes(sessionId: $sessionId, notes: $notes) {
      __typename
      ... on WalkSession {
        version
        noteCount
      }
    }
  }
`);
const Step = graphql(`
  mutation WalkReads_Step($sessionId: ID!, $clientStepId: String!) {
    recordStep(sessionId: $sessionId, nodeId: "opens", answer: YES, clientStepId: $clientStepId) {
      __typename
    }
  }
`);
const TakeOver = graphql(`
  mutation WalkReads_TakeOver($sessionId: ID!) {
    takeOverWalk(sessionId: $sessionId) {
      __typename
      ... on WalkSession {
        version
        noteCount
      }
    }
  }
`);
// What the coverage board selects, plus the transcript: every per-walk field a list can ask for.
const Board = graphql(`
  query WalkReads_Board {
    activeWalks {
      id
      title
      kind
      stepCount
      noteCount
      steps {
        seq
        question
        answerLabel
        actor {
          name
        }
      }
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
        name
      }
      ticket {
        id
        customerName
        problemStatement
      }
      flow {
        id
        title
      }
      flowVersion {
        version
      }
    }
  }
`);
const Mine = graphql(`
  query WalkReads_Mine {
    myActiveWalks {
      id
      title
      kind
      stepCount
      noteCount
      steps {
        seq
        question
      }
      currentNode {
        id
        text
      }
      handler {
        id
        name
      }
      ticket {
        id
        customerName
      }
    }
  }
`);
const TicketWalks = graphql(`
  query WalkReads_TicketWalks($id: ID!) {
    internalTicket(id: $id) {
      __typename
      ... on InternalTicket {
        id
        walks {
          id
          title
          status
          stepCount
          noteCount
          steps {
            seq
            question
          }
          handler {
            name
          }
        }
      }
    }
  }
`);
const Feed = graphql(`
  subscription WalkReads_Feed {
    activeWalks {
      change
      session {
        id
        version
        kind
        title
        noteCount
        notes {
          content
        }
      }
    }
  }
`);

let t: TestApp;
let accountId: string;
let owner: TestUser;
let l1: TestUser;
let l1Token: string;
let covererToken: string;
let flowIds: string[];

beforeAll(async () => {
  t = await startTestApp({ listen: true });
  accountId = (await t.factory.account({ l1Seats: null, engineerSeats: null })).id;
  owner = await t.factory.user(accountId, 'owner');
  l1 = await t.factory.user(accountId, 'l1_tech');
  l1Token = await t.factory.token(l1);
  const coverer = await t.factory.user(accountId, 'engineer', { canCoverL1: true });
  covererToken = await t.factory.token(coverer);
  flowIds = [];
  for (let i = 0; i < 4; i++)
    flowIds.push((await t.factory.publishedFlow(accountId, owner.id, { ...OUTLOOK_FLOW, title: `Flow number ${i}` })).flowId);
});
afterAll(() => t.close());

async function intake(problem: string, flowId: string | null = null, token = l1Token) {
  const r = await t.gql.runOk(Intake, { problem, flowId, adhoc: !flowId }, { token });
  return started(r.intake);
}

/** Queries the operation ran against Postgres (the transaction's statements, COMMIT included). */
async function counted<R>(fn: () => Promise<R>): Promise<{ count: number; r: R }> {
  let count = 0;
  const observe = (s: { queryCount: number }) => (count += s.queryCount);
  txObservers.add(observe);
  try {
    const r = await fn();
    return { count, r };
  } finally {
    txObservers.delete(observe);
  }
}

/** `n` more walks for the L1: a mix of flow walks (several flows, each with a step) and ad-hoc notes. */
async function addWalks(n: number, tag: string) {
  for (let i = 0; i < n; i++) {
    if (i % 2) {
      const w = await intake(`${tag} ad-hoc ${i}: printer offline`);
      await t.gql.runOk(
        Notes,
        { sessionId: w.session.id, notes: [{ at: new Date().toISOString(), content: `checked cable ${i}` }] },
        { token: l1Token },
      );
    } else {
      const w = await intake(`${tag} flow ${i}`, flowIds[i % flowIds.length]!);
      await t.gql.runOk(Step, { sessionId: w.session.id, clientStepId: `s${i}` }, { token: l1Token });
    }
  }
}

describe('titles', () => {
  it('an ad-hoc walk is titled with its ticket’s problem, shortened; a flow walk with its flow', async () => {
    const short = await intake('Printer on floor 2 prints blank pages');
    expect(short.session).toMatchObject({ kind: 'ADHOC', title: 'Printer on floor 2 prints blank pages' });

    const long = `Outlook asks for the password again and again after the tenant moved ${'and the customer describes every step at length '.repeat(80)}`;
    const w = await intake(long);
    expect(w.session.title.length).toBeLessThanOrEqual(80);
    expect(w.session.title).toMatch(/^Outlook asks for the password again and again after the tenant moved\b.*…$/);

    const f = await intake('Outlook disconnected', flowIds[1]!);
    expect(f.session.title).toBe('Flow number 1');
  });
});

describe('lists of walks cost the same queries for 2 walks as for 30 (no N+1)', () => {
  it('activeWalks, myActiveWalks and internalTicket { walks }', async () => {
    const before = (await t.gql.runOk(Board, {}, { token: covererToken })).activeWalks.length;
    await addWalks(2, 'few');
    const few = await counted(() => t.gql.runOk(Board, {}, { token: covererToken }));
    const fewMine = await counted(() => t.gql.runOk(Mine, {}, { token: l1Token }));
    expect(few.r.activeWalks).toHaveLength(before + 2);
    await addWalks(28, 'many');
    const many = await counted(() => t.gql.runOk(Board, {}, { token: covererToken }));
    const manyMine = await counted(() => t.gql.runOk(Mine, {}, { token: l1Token }));
    expect(many.r.activeWalks).toHaveLength(before + 30);
    expect(manyMine.r.myActiveWalks).toHaveLength(20);
    expect(many.count).toBe(few.count);
    expect(many.count).toBeLessThanOrEqual(10);
    expect(manyMine.count).toBe(fewMine.count);
    expect(manyMine.count).toBeLessThanOrEqual(10);
    // What the board shows is right, not merely cheap.
    const adhoc = many.r.activeWalks.find((w) => w.title.startsWith('many ad-hoc 1:'))!;
    expect(adhoc).toMatchObject({ kind: 'ADHOC', noteCount: 1, title: 'many ad-hoc 1: printer offline' });
    const flow = many.r.activeWalks.find((w) => w.kind === 'FLOW' && w.stepCount === 1)!;
    expect(flow.title).toMatch(/^Flow number \d$/);
    expect(flow.steps).toEqual([
      { seq: 1, question: 'Can the user open Outlook at all?', answerLabel: 'It opens', actor: { name: l1.name } },
    ]);

    // One ticket walked many times (each earlier walk abandoned): its page lists every walk.
    const first = await intake('Laptop will not dock', flowIds[0]!);
    const ticketId = first.ticket.id;
    const addEnded = (n: number) =>
      t.system.query(
        `INSERT INTO walk_sessions (account_id, kind, flow_id, flow_version_id, internal_ticket_id, current_node_id, created_by, handler_user_id,
           status, ended_at, started_at, last_step_at)
         SELECT w.account_id, 'flow', f.id, f.latest_version_id, w.internal_ticket_id, 'opens', w.created_by, w.handler_user_id,
           'abandoned', now(), now() - (g || ' minutes')::interval, now() - (g || ' minutes')::interval
         FROM walk_sessions w, flows f, generate_series(1, $3::int) g
         WHERE w.id = $1 AND f.id = ANY($2::uuid[]) AND f.id = ($2::uuid[])[1 + g % 4]`,
        [first.session.id, flowIds, n],
      );
    await addEnded(2);
    const fewTicket = await counted(() => t.gql.runOk(TicketWalks, { id: ticketId }, { token: l1Token }));
    await addEnded(40);
    const manyTicket = await counted(() => t.gql.runOk(TicketWalks, { id: ticketId }, { token: l1Token }));
    const walksOf = (r: typeof manyTicket.r) => (r.internalTicket.__typename === 'InternalTicket' ? r.internalTicket.walks : []);
    expect(walksOf(fewTicket.r)).toHaveLength(3);
    expect(walksOf(manyTicket.r)).toHaveLength(43);
    expect(new Set(walksOf(manyTicket.r).map((w) => w.title))).toEqual(
      new Set(['Flow number 0', 'Flow number 1', 'Flow number 2', 'Flow number 3']),
    );
    expect(manyTicket.count).toBe(fewTicket.count);
    expect(manyTicket.count).toBeLessThanOrEqual(10);
  });
});

describe('the coverage feed after a hand-over', () => {
  it('keeps an ad-hoc walk’s notes and title: the handover event says 2 notes, not 0', async () => {
    const w = await intake('VPN drops every ten minutes');
    const at = new Date().toISOString();
    await t.gql.runOk(
      Notes,
      {
        sessionId: w.session.id,
        notes: [
          { at, content: 'reinstalled client' },
          { at, content: 'works on hotspot' },
        ],
      },
      { token: l1Token },
    );
    type FeedEvent = {
      activeWalks: { change: string; session: { id: string; title: string; noteCount: number; notes: Array<{ content: string }> } };
    };
    const feed = collect<FeedEvent>(t.url, covererToken, print(Feed));
    await new Promise((r) => setTimeout(r, 200));
    try {
      const taken = await t.gql.runOk(TakeOver, { sessionId: w.session.id }, { token: covererToken });
      expect(taken.takeOverWalk).toMatchObject({ __typename: 'WalkSession', noteCount: 2 });
      const ev = await feed.waitFor((e) => e.activeWalks.session.id === w.session.id && e.activeWalks.change === 'HANDOVER');
      expect(ev.activeWalks.session).toMatchObject({
        title: 'VPN drops every ten minutes',
        noteCount: 2,
        notes: [{ content: 'reinstalled client' }, { content: 'works on hotspot' }],
      });
    } finally {
      await feed.dispose();
    }
  });
});
