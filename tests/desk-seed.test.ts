import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from './factories/index.ts';
import { graphql } from './gql/index.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';

/*
 * The L1 desk as the seed plan has it (issue 18 items 13–15): intake needs only the problem, an
 * escalation before any walk leaves an escalated ad-hoc walk, and only engineers covering the desk
 * are tagged as coverage.
 */

const Intake = graphql(`
  mutation DeskSeed_Intake($problem: String!, $name: String, $contact: String, $flowId: ID, $adhoc: Boolean) {
    intake(problemStatement: $problem, customerName: $name, customerContact: $contact, flowId: $flowId, adhoc: $adhoc) {
      __typename
      ... on IntakePayload {
        outcome
        ticket {
          id
          customerName
          customerContact
          problemStatement
        }
        session {
          id
          kind
          actingAs
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
const NoWalk = graphql(`
  mutation DeskSeed_NoWalk($problem: String!, $name: String, $contact: String, $reason: String) {
    escalateWithoutWalk(
      problemStatement: $problem
      customerName: $name
      customerContact: $contact
      reasonCategory: OTHER
      reason: $reason
    ) {
      __typename
      ... on EscalationPayload {
        notifiedCount
        session {
          id
          kind
          status
          actingAs
          endedAt
          handler {
            id
          }
          createdBy {
            id
          }
          handoff {
            problemStatement
            customerName
            customerContact
            reasonCategory
            reason
            transcript {
              seq
            }
            escalatedBy {
              id
              name
            }
          }
        }
        ticket {
          id
          status
          customerName
          customerContact
          handoff {
            customerName
            customerContact
            reason
          }
          walks {
            id
            kind
            status
          }
          latestWalk {
            id
            status
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
const Step = graphql(`
  mutation DeskSeed_Step($sessionId: ID!, $clientStepId: String!) {
    recordStep(sessionId: $sessionId, nodeId: "opens", answer: YES, clientStepId: $clientStepId) {
      __typename
      ... on WalkSession {
        actingAs
        steps {
          actingAs
          actor {
            id
          }
        }
      }
    }
  }
`);
const Escalations = graphql(`
  query DeskSeed_Escalations {
    escalations(first: 50) {
      __typename
      ... on TicketPage {
        nodes {
          id
          customerName
          walks {
            kind
            status
            handoff {
              reason
            }
          }
        }
      }
    }
  }
`);

let t: TestApp;
let accountId: string;
let flowId: string;
const people: Record<'owner' | 'admin' | 'engineer' | 'coverer' | 'l1', TestUser & { token: string }> = {} as never;

beforeAll(async () => {
  t = await startTestApp();
  accountId = (await t.factory.account()).id;
  const make = async (role: TestUser['role'], opts: { canCoverL1?: boolean; name?: string } = {}) => {
    const u = await t.factory.user(accountId, role, opts);
    return { ...u, token: await t.factory.token(u) };
  };
  people.owner = await make('owner');
  people.admin = await make('admin');
  people.engineer = await make('engineer');
  people.coverer = await make('engineer', { canCoverL1: true });
  people.l1 = await make('l1_tech', { name: 'Lena Tech' });
  flowId = (await t.factory.publishedFlow(accountId, people.owner.id)).flowId;
});
afterAll(() => t.close());

async function ticketRow(id: string) {
  const { rows } = await t.system.query('SELECT customer_name, customer_contact FROM internal_tickets WHERE id = $1', [id]);
  return rows[0];
}

describe('intake needs only the problem statement (item 13)', () => {
  it('starts a walk with no customer name or contact, and stores them as not given', async () => {
    const r = await t.gql.runOk(Intake, { problem: 'Caller cannot print', flowId }, { token: people.l1.token });
    expect(r.intake).toMatchObject({
      __typename: 'IntakePayload',
      outcome: 'FLOW',
      ticket: { customerName: null, customerContact: null, problemStatement: 'Caller cannot print' },
    });
    if (r.intake.__typename !== 'IntakePayload' || !r.intake.ticket) return;
    expect(await ticketRow(r.intake.ticket.id)).toEqual({ customer_name: null, customer_contact: null });
  });

  it('treats blank name and contact as not given, and keeps what was given', async () => {
    const blank = await t.gql.runOk(
      Intake,
      { problem: 'Mail bounces', name: '   ', contact: '\t', adhoc: true },
      { token: people.l1.token },
    );
    expect(blank.intake).toMatchObject({ outcome: 'ADHOC', ticket: { customerName: null, customerContact: null } });
    const named = await t.gql.runOk(Intake, { problem: 'Mail bounces', name: 'Acme Dental', adhoc: true }, { token: people.l1.token });
    expect(named.intake).toMatchObject({ ticket: { customerName: 'Acme Dental', customerContact: null } });
  });

  it('still refuses a missing problem, naming only that field', async () => {
    const r = await t.gql.runOk(Intake, { problem: ' ' }, { token: people.l1.token });
    expect(r.intake).toMatchObject({ __typename: 'ValidationError', issues: [{ path: ['problemStatement'] }] });
  });

  it('lets the database hold no blank customer either: another writer gets the same rule', async () => {
    await expect(
      t.system.query(`INSERT INTO internal_tickets (account_id, customer_name, problem_statement, created_by) VALUES ($1, '  ', 'p', $2)`, [
        accountId,
        people.l1.id,
      ]),
    ).rejects.toThrow(/internal_tickets_customer_name_check/);
  });
});

describe('escalate without a walk (items 13 and 14)', () => {
  it('leaves an escalated ad-hoc walk on the ticket, handled and created by the L1, with the handoff and the audit row', async () => {
    const r = await t.gql.runOk(NoWalk, { problem: 'SAP login loops', reason: 'No article for SAP yet' }, { token: people.l1.token });
    if (r.escalateWithoutWalk.__typename !== 'EscalationPayload') throw new Error(JSON.stringify(r.escalateWithoutWalk));
    const p = r.escalateWithoutWalk;
    expect(p.session).toMatchObject({
      kind: 'ADHOC',
      status: 'ESCALATED',
      actingAs: null,
      endedAt: expect.any(String),
      handler: { id: people.l1.id },
      createdBy: { id: people.l1.id },
      handoff: {
        problemStatement: 'SAP login loops',
        customerName: null,
        customerContact: null,
        reasonCategory: 'other',
        reason: 'No article for SAP yet',
        transcript: [],
        escalatedBy: { id: people.l1.id, name: 'Lena Tech' },
      },
    });
    const walkId = p.session!.id;
    expect(p.ticket).toMatchObject({
      status: 'ESCALATED',
      customerName: null,
      customerContact: null,
      handoff: { customerName: null, reason: 'No article for SAP yet' },
      walks: [{ id: walkId, kind: 'ADHOC', status: 'ESCALATED' }],
      latestWalk: { id: walkId, status: 'ESCALATED' },
    });
    const audit = await t.system.query(
      `SELECT actor_id, entity_type, entity_id, acting_as, payload FROM audit_logs WHERE action = 'l1.session.escalate_no_walk' AND entity_id = $1`,
      [p.ticket.id],
    );
    expect(audit.rows).toEqual([
      {
        actor_id: people.l1.id,
        entity_type: 'ticket',
        entity_id: p.ticket.id,
        acting_as: null,
        payload: { reasonCategory: 'other', walkId },
      },
    ]);
    // Engineers find it in their queue with the walk's handoff, like any other escalation.
    const list = await t.gql.runOk(Escalations, {}, { token: people.engineer.token });
    if (list.escalations.__typename !== 'TicketPage') throw new Error('escalations');
    expect(list.escalations.nodes.find((n) => n.id === p.ticket.id)).toMatchObject({
      customerName: null,
      walks: [{ kind: 'ADHOC', status: 'ESCALATED', handoff: { reason: 'No article for SAP yet' } }],
    });
  });

  it('keeps a given customer on the ticket and the handoff; blanks are not given', async () => {
    const r = await t.gql.runOk(
      NoWalk,
      { problem: 'VPN drops', name: 'Globex', contact: '  ', reason: 'Firewall' },
      { token: people.l1.token },
    );
    expect(r.escalateWithoutWalk).toMatchObject({
      ticket: { customerName: 'Globex', customerContact: null, handoff: { customerName: 'Globex', customerContact: null } },
    });
  });

  it('writes nothing when refused', async () => {
    const before = await t.system.query('SELECT (SELECT count(*) FROM internal_tickets) + (SELECT count(*) FROM walk_sessions) AS n');
    const r = await t.gql.runOk(NoWalk, { problem: 'x', reason: ' ' }, { token: people.l1.token });
    expect(r.escalateWithoutWalk).toMatchObject({ __typename: 'ValidationError', issues: [{ path: ['reason'] }] });
    const after = await t.system.query('SELECT (SELECT count(*) FROM internal_tickets) + (SELECT count(*) FROM walk_sessions) AS n');
    expect(after.rows).toEqual(before.rows);
  });
});

describe('actingAs "l1_coverage" is for engineers covering the desk (item 15)', () => {
  async function actingOf(token: string) {
    const r = await t.gql.runOk(Intake, { problem: 'Outlook offline', flowId }, { token });
    if (r.intake.__typename !== 'IntakePayload' || !r.intake.session) throw new Error(JSON.stringify(r.intake));
    const step = await t.gql.runOk(Step, { sessionId: r.intake.session.id, clientStepId: `s-${r.intake.session.id}` }, { token });
    if (step.recordStep.__typename !== 'WalkSession') throw new Error(JSON.stringify(step.recordStep));
    const audit = await t.system.query(`SELECT acting_as FROM audit_logs WHERE action = 'l1.session.start' AND entity_id = $1`, [
      r.intake.session.id,
    ]);
    const noWalk = await t.gql.runOk(NoWalk, { problem: 'No KB', reason: 'none' }, { token });
    if (noWalk.escalateWithoutWalk.__typename !== 'EscalationPayload') throw new Error('no walk');
    const noWalkAudit = await t.system.query(
      `SELECT acting_as FROM audit_logs WHERE action = 'l1.session.escalate_no_walk' AND entity_id = $1`,
      [noWalk.escalateWithoutWalk.ticket.id],
    );
    return {
      walk: r.intake.session.actingAs,
      step: step.recordStep.steps?.[0]?.actingAs,
      audit: audit.rows[0].acting_as,
      noWalkWalk: noWalk.escalateWithoutWalk.session!.actingAs,
      noWalkAudit: noWalkAudit.rows[0].acting_as,
    };
  }
  const NONE = { walk: null, step: null, audit: null, noWalkWalk: null, noWalkAudit: null };

  // Before this change every role but l1_tech was tagged, owners and admins included.
  it('tags an engineer with canCoverL1 on walks, steps and audit rows', async () => {
    const c = 'l1_coverage';
    expect(await actingOf(people.coverer.token)).toEqual({ walk: c, step: c, audit: c, noWalkWalk: c, noWalkAudit: c });
  });

  it('leaves owners, admins and L1 techs untagged: the desk is part of their role', async () => {
    expect(await actingOf(people.owner.token)).toEqual(NONE);
    expect(await actingOf(people.admin.token)).toEqual(NONE);
    expect(await actingOf(people.l1.token)).toEqual(NONE);
  });
});
