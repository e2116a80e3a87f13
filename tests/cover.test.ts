import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from './factories/index.ts';
import { graphql } from './gql/index.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { eventually } from './helpers/eventually.ts';
import { collect } from './helpers/ws.ts';

/*
 * Issue 18, items 8 and 9: who may take a walk from whom (and how a call goes back), and
 * escalations that reach the engineers, live, and can be resolved or released.
 */

const Intake = graphql(`
  mutation Cover_Intake($flowId: ID) {
    intake(
      problemStatement: "Outlook keeps asking for a password"
      customerName: "Acme"
      customerContact: "pat@acme.test"
      flowId: $flowId
    ) {
      __typename
      ... on IntakePayload {
        session {
          id
          version
        }
        ticket {
          id
        }
      }
    }
  }
`);
const Step = graphql(`
  mutation Cover_Step($id: ID!, $c: String!) {
    recordStep(sessionId: $id, nodeId: "opens", answer: YES, clientStepId: $c) {
      __typename
      ... on WalkSession {
        version
        handler {
          id
        }
      }
      ... on ConflictError {
        reason
        message
      }
    }
  }
`);
const TakeOver = graphql(`
  mutation Cover_TakeOver($id: ID!, $v: Int) {
    takeOverWalk(sessionId: $id, expectedVersion: $v) {
      __typename
      ... on WalkSession {
        version
        actingAs
        handler {
          id
        }
        takenFrom {
          id
        }
        releasedAt
      }
      ... on ConflictError {
        reason
        message
        currentVersion
      }
    }
  }
`);
const Release = graphql(`
  mutation Cover_Release($id: ID!) {
    releaseWalk(sessionId: $id) {
      __typename
      ... on WalkSession {
        version
        releasedAt
        handler {
          id
        }
      }
      ... on ConflictError {
        reason
        message
      }
    }
  }
`);
const AskBack = graphql(`
  mutation Cover_AskBack($id: ID!) {
    requestWalkBack(sessionId: $id) {
      __typename
      ... on WalkSession {
        version
        handBackRequestedAt
        handler {
          id
        }
        takenFrom {
          id
        }
      }
      ... on ConflictError {
        reason
        message
      }
    }
  }
`);
const HandBack = graphql(`
  mutation Cover_HandBack($id: ID!, $to: ID) {
    handBackWalk(sessionId: $id, toUserId: $to) {
      __typename
      ... on WalkSession {
        version
        actingAs
        handler {
          id
        }
        takenFrom {
          id
        }
        handBackRequestedAt
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
      ... on NotFoundError {
        entity
      }
    }
  }
`);
const Rule = graphql(`
  query Cover_Rule($id: ID!) {
    walkSession(id: $id) {
      __typename
      ... on WalkSession {
        version
        handler {
          id
        }
        canTakeOver
        takeOverOpensAt
        takeOverBlockedReason
      }
    }
  }
`);
const Escalate = graphql(`
  mutation Cover_Escalate($id: ID!) {
    escalateWalk(sessionId: $id, reasonCategory: HARDWARE_FAILURE) {
      __typename
      ... on EscalationPayload {
        notifiedCount
        warning
        ticket {
          id
        }
      }
    }
  }
`);
const Claim = graphql(`
  mutation Cover_Claim($id: ID!) {
    claimEscalation(ticketId: $id) {
      __typename
      ... on InternalTicket {
        assignedEngineer {
          id
        }
      }
    }
  }
`);
const ResolveEsc = graphql(`
  mutation Cover_ResolveEscalation($id: ID!, $notes: String!) {
    resolveEscalation(ticketId: $id, resolutionNotes: $notes) {
      __typename
      ... on InternalTicket {
        status
        resolutionNotes
        resolvedAt
        assignedEngineer {
          id
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
      ... on NotFoundError {
        entity
      }
    }
  }
`);
const ReleaseEsc = graphql(`
  mutation Cover_ReleaseEscalation($id: ID!) {
    releaseEscalation(ticketId: $id) {
      __typename
      ... on InternalTicket {
        status
        assignedEngineer {
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
const Unclaimed = graphql(`
  query Cover_Unclaimed {
    escalations(unclaimedOnly: true, first: 100) {
      __typename
      ... on TicketPage {
        nodes {
          id
        }
      }
    }
  }
`);
const Notifications = graphql(`
  query Cover_Notifications {
    notifications {
      kind
      payload
    }
  }
`);

let t: TestApp;
let accountId: string;
let owner: TestUser;
let l1: TestUser;
let l1b: TestUser;
let coverer: TestUser;
const tokens: Record<string, string> = {};
let flowId: string;

beforeAll(async () => {
  t = await startTestApp({ listen: true });
  accountId = (await t.factory.account({ engineerSeats: null, l1Seats: null })).id;
  owner = await t.factory.user(accountId, 'owner', { name: 'Olivia Owner' });
  l1 = await t.factory.user(accountId, 'l1_tech', { name: 'Lena Tech' });
  l1b = await t.factory.user(accountId, 'l1_tech', { name: 'Luis Tech' });
  coverer = await t.factory.user(accountId, 'engineer', { canCoverL1: true, name: 'Erin Engineer' });
  for (const [k, u] of Object.entries({ owner, l1, l1b, coverer })) tokens[k] = await t.factory.token(u);
  flowId = (await t.factory.publishedFlow(accountId, owner.id)).flowId;
});
afterAll(() => t.close());

async function startWalk(token = tokens.l1!) {
  const r = await t.gql.runOk(Intake, { flowId }, { token });
  if (r.intake.__typename !== 'IntakePayload' || !r.intake.session || !r.intake.ticket) throw new Error(JSON.stringify(r.intake));
  return { id: r.intake.session.id, ticketId: r.intake.ticket.id };
}

/** Backdates the walk's last step, as if nobody had touched it for `minutes`. */
async function idleFor(walkId: string, minutes: number) {
  await t.system.query(`UPDATE walk_sessions SET last_step_at = now() - make_interval(mins => $2) WHERE id = $1`, [walkId, minutes]);
}

async function audits(walkId: string, action: string) {
  const { rows } = await t.system.query<{ actor_id: string; payload: Record<string, unknown> }>(
    'SELECT actor_id, payload FROM audit_logs WHERE entity_id = $1 AND action = $2 ORDER BY created_at',
    [walkId, action],
  );
  return rows;
}

async function handlerOf(walkId: string): Promise<string> {
  const { rows } = await t.system.query<{ handler_user_id: string }>('SELECT handler_user_id FROM walk_sessions WHERE id = $1', [walkId]);
  return rows[0]!.handler_user_id;
}

describe('an L1 tech taking a peer’s call', () => {
  it('is refused while the peer is working it, and told when it opens up', async () => {
    const w = await startWalk();
    const r = await t.gql.runOk(TakeOver, { id: w.id, v: 1 }, { token: tokens.l1b });
    expect(r.takeOverWalk).toMatchObject({
      __typename: 'ConflictError',
      reason: 'PEER_STILL_HANDLING',
      message: 'Lena Tech is handling this call. You can take it over if they hand it off to the desk, or after 10 minutes without a step.',
    });
    expect(await handlerOf(w.id)).toBe(l1.id);
    expect(await audits(w.id, 'l1.session.takeover')).toEqual([]);
    const rule = await t.gql.runOk(Rule, { id: w.id }, { token: tokens.l1b });
    expect(rule.walkSession).toMatchObject({
      canTakeOver: false,
      takeOverOpensAt: expect.any(String),
      takeOverBlockedReason: expect.stringContaining('Lena Tech is handling this call'),
    });
  });

  it('may pick it up once the peer hands it off to the desk (audited); the peer cannot simply take it back', async () => {
    const w = await startWalk();
    const released = await t.gql.runOk(Release, { id: w.id }, { token: tokens.l1 });
    expect(released.releaseWalk).toMatchObject({
      __typename: 'WalkSession',
      version: 2,
      releasedAt: expect.any(String),
      handler: { id: l1.id },
    });
    expect(await audits(w.id, 'l1.session.release')).toEqual([{ actor_id: l1.id, payload: { from: l1.id } }]);
    expect((await t.gql.runOk(Rule, { id: w.id }, { token: tokens.l1b })).walkSession).toMatchObject({
      canTakeOver: true,
      takeOverBlockedReason: null,
    });

    const took = await t.gql.runOk(TakeOver, { id: w.id, v: 2 }, { token: tokens.l1b });
    expect(took.takeOverWalk).toMatchObject({
      __typename: 'WalkSession',
      version: 3,
      actingAs: null,
      handler: { id: l1b.id },
      takenFrom: null,
      releasedAt: null,
    });
    const back = await t.gql.runOk(TakeOver, { id: w.id, v: 3 }, { token: tokens.l1 });
    expect(back.takeOverWalk).toMatchObject({
      __typename: 'ConflictError',
      reason: 'PEER_STILL_HANDLING',
      message: expect.stringContaining('Luis Tech'),
    });
    expect(await handlerOf(w.id)).toBe(l1b.id);
  });

  it('may take it once it has sat idle for the configured time (10 minutes), not before', async () => {
    const w = await startWalk();
    await idleFor(w.id, 9);
    expect((await t.gql.runOk(TakeOver, { id: w.id, v: 1 }, { token: tokens.l1b })).takeOverWalk).toMatchObject({
      reason: 'PEER_STILL_HANDLING',
    });
    await idleFor(w.id, 11);
    expect((await t.gql.runOk(Rule, { id: w.id }, { token: tokens.l1b })).walkSession).toMatchObject({ canTakeOver: true });
    const took = await t.gql.runOk(TakeOver, { id: w.id, v: 1 }, { token: tokens.l1b });
    expect(took.takeOverWalk).toMatchObject({ __typename: 'WalkSession', handler: { id: l1b.id } });
    expect(await audits(w.id, 'l1.session.takeover')).toEqual([{ actor_id: l1b.id, payload: { from: l1.id } }]);
  });

  it('of two techs picking up one handed-off call at once, exactly one wins; the other is told who did', async () => {
    const w = await startWalk();
    const l1c = await t.factory.user(accountId, 'l1_tech', { name: 'Lara Tech' });
    const l1cToken = await t.factory.token(l1c);
    await t.gql.runOk(Release, { id: w.id }, { token: tokens.l1 });
    const [a, b] = await Promise.all([
      t.gql.runOk(TakeOver, { id: w.id }, { token: tokens.l1b }),
      t.gql.runOk(TakeOver, { id: w.id }, { token: l1cToken }),
    ]);
    const results = [a.takeOverWalk, b.takeOverWalk];
    const winners = results.filter((x) => x.__typename === 'WalkSession');
    const losers = results.filter((x) => x.__typename === 'ConflictError');
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    const winner = winners[0] === a.takeOverWalk ? l1b : l1c;
    expect(losers[0]).toMatchObject({ reason: 'TAKEOVER_LOST', message: expect.stringContaining(winner.name) });
    expect(await handlerOf(w.id)).toBe(winner.id);
    expect(await audits(w.id, 'l1.session.takeover')).toHaveLength(1);
  });
});

describe('a coverer’s takeover', () => {
  it('sticks: neither the technician it was taken from nor a peer can take it, even when idle', async () => {
    const w = await startWalk();
    const took = await t.gql.runOk(TakeOver, { id: w.id }, { token: tokens.coverer });
    expect(took.takeOverWalk).toMatchObject({
      __typename: 'WalkSession',
      version: 2,
      handler: { id: coverer.id },
      takenFrom: { id: l1.id },
    });
    await idleFor(w.id, 60);
    const mine = await t.gql.runOk(TakeOver, { id: w.id, v: 2 }, { token: tokens.l1 });
    expect(mine.takeOverWalk).toMatchObject({
      __typename: 'ConflictError',
      reason: 'TAKEN_BY_COVERER',
      message: 'Erin Engineer took over this call. Ask for it back and they can hand it to you.',
    });
    const peer = await t.gql.runOk(TakeOver, { id: w.id, v: 2 }, { token: tokens.l1b });
    expect(peer.takeOverWalk).toMatchObject({
      reason: 'TAKEN_BY_COVERER',
      message: 'Erin Engineer is covering this call; only they can hand it on.',
    });
    expect(await handlerOf(w.id)).toBe(coverer.id);
    expect((await t.gql.runOk(Rule, { id: w.id }, { token: tokens.l1 })).walkSession).toMatchObject({
      canTakeOver: false,
      takeOverOpensAt: null,
      takeOverBlockedReason: 'Erin Engineer took over this call. Ask for it back and they can hand it to you.',
    });
    // The technician hears about it in their notifications, which open the walk.
    await eventually(async () => {
      const n = await t.gql.runOk(Notifications, {}, { token: tokens.l1 });
      expect(n.notifications.find((x) => (x.payload as { walkId?: string }).walkId === w.id)).toMatchObject({
        kind: 'walk_taken_over',
        payload: { walkId: w.id, by: 'Erin Engineer', canAskBack: true },
      });
    });
  });

  it('goes back when the technician asks and the coverer hands it back (both audited, from/to)', async () => {
    const w = await startWalk();
    await t.gql.runOk(TakeOver, { id: w.id }, { token: tokens.coverer });

    // Only the technician it was taken from may ask.
    const stranger = await t.gql.runOk(AskBack, { id: w.id }, { token: tokens.l1b });
    expect(stranger.requestWalkBack).toMatchObject({ __typename: 'ConflictError', reason: 'NOT_TAKEN_FROM_YOU' });

    const asked = await t.gql.runOk(AskBack, { id: w.id }, { token: tokens.l1 });
    expect(asked.requestWalkBack).toMatchObject({
      __typename: 'WalkSession',
      version: 3,
      handBackRequestedAt: expect.any(String),
      handler: { id: coverer.id },
    });
    // Asking twice changes nothing.
    expect((await t.gql.runOk(AskBack, { id: w.id }, { token: tokens.l1 })).requestWalkBack).toMatchObject({ version: 3 });
    expect(await audits(w.id, 'l1.session.handback_request')).toEqual([{ actor_id: l1.id, payload: { from: coverer.id, to: l1.id } }]);
    await eventually(async () => {
      const n = await t.gql.runOk(Notifications, {}, { token: tokens.coverer });
      expect(n.notifications[0]).toMatchObject({ kind: 'walk_handback_requested', payload: { walkId: w.id, by: 'Lena Tech' } });
    });

    // Only the handler can hand it back.
    expect((await t.gql.runOk(HandBack, { id: w.id }, { token: tokens.l1 })).handBackWalk).toMatchObject({
      __typename: 'ConflictError',
      reason: 'NOT_HANDLER',
    });
    const back = await t.gql.runOk(HandBack, { id: w.id }, { token: tokens.coverer });
    expect(back.handBackWalk).toMatchObject({
      __typename: 'WalkSession',
      version: 4,
      actingAs: null,
      handler: { id: l1.id },
      takenFrom: null,
      handBackRequestedAt: null,
    });
    expect(await audits(w.id, 'l1.session.handback')).toEqual([
      { actor_id: coverer.id, payload: { from: coverer.id, to: l1.id, requested: true } },
    ]);
    const step = await t.gql.runOk(Step, { id: w.id, c: 'after-handback' }, { token: tokens.l1 });
    expect(step.recordStep).toMatchObject({ __typename: 'WalkSession', handler: { id: l1.id } });
    expect((await t.gql.runOk(Step, { id: w.id, c: 'coverer-late' }, { token: tokens.coverer })).recordStep).toMatchObject({
      reason: 'NOT_HANDLER',
    });
  });

  it('refuses a hand-back to someone who cannot take calls, or with nobody to hand it to', async () => {
    const viewer = await t.factory.user(accountId, 'viewer', { name: 'Vera Viewer' });
    const w = await startWalk();
    await t.gql.runOk(TakeOver, { id: w.id }, { token: tokens.coverer });
    const bad = await t.gql.runOk(HandBack, { id: w.id, to: viewer.id }, { token: tokens.coverer });
    expect(bad.handBackWalk).toMatchObject({
      __typename: 'ValidationError',
      issues: [{ path: ['toUserId'], message: 'Vera Viewer cannot take calls: choose an L1 technician or someone who covers the desk' }],
    });
    const other = await t.factory.user((await t.factory.account()).id, 'l1_tech');
    expect((await t.gql.runOk(HandBack, { id: w.id, to: other.id }, { token: tokens.coverer })).handBackWalk).toEqual({
      __typename: 'NotFoundError',
      entity: 'User',
    });
    // To a peer instead of the original technician: allowed.
    const toPeer = await t.gql.runOk(HandBack, { id: w.id, to: l1b.id }, { token: tokens.coverer });
    expect(toPeer.handBackWalk).toMatchObject({ __typename: 'WalkSession', handler: { id: l1b.id } });

    const own = await startWalk(tokens.coverer);
    const nobody = await t.gql.runOk(HandBack, { id: own.id }, { token: tokens.coverer });
    expect(nobody.handBackWalk).toMatchObject({ __typename: 'ValidationError', issues: [{ path: ['toUserId'] }] });
    expect(await handlerOf(own.id)).toBe(coverer.id);
  });

  it('is seen live: the coverer gets the request on the walk and in notifications; the technician sees the call come back', async () => {
    const w = await startWalk();
    await t.gql.runOk(TakeOver, { id: w.id }, { token: tokens.coverer });
    const q = `subscription($id: ID!) { walkSession(id: $id) { version handler { id } handBackRequestedAt takenFrom { id } } }`;
    type Ev = {
      walkSession: { version: number; handler: { id: string }; handBackRequestedAt: string | null; takenFrom: { id: string } | null };
    };
    const covererWalk = collect<Ev>(t.url, tokens.coverer!, q, { id: w.id });
    const l1Walk = collect<Ev>(t.url, tokens.l1!, q, { id: w.id });
    const bell = collect<{ notifications: { kind: string; payload: { walkId?: string } } }>(
      t.url,
      tokens.coverer!,
      'subscription { notifications { kind payload } }',
    );
    const board = collect<{ activeWalks: { change: string; session: { id: string } } }>(
      t.url,
      tokens.coverer!,
      'subscription { activeWalks { change session { id } } }',
    );
    await covererWalk.waitFor(() => true);
    await l1Walk.waitFor(() => true);
    await new Promise((r) => setTimeout(r, 150));

    await t.gql.runOk(AskBack, { id: w.id }, { token: tokens.l1 });
    const asked = await covererWalk.waitFor((e) => e.walkSession.handBackRequestedAt !== null);
    expect(asked.walkSession).toMatchObject({ version: 3, takenFrom: { id: l1.id } });
    await bell.waitFor((e) => e.notifications.kind === 'walk_handback_requested' && e.notifications.payload.walkId === w.id);

    await t.gql.runOk(HandBack, { id: w.id }, { token: tokens.coverer });
    const back = await l1Walk.waitFor((e) => e.walkSession.handler.id === l1.id);
    expect(back.walkSession).toMatchObject({ version: 4, handBackRequestedAt: null, takenFrom: null });
    await board.waitFor((e) => e.activeWalks.change === 'HANDOVER' && e.activeWalks.session.id === w.id);
    expect(board.events.filter((e) => e.activeWalks.session.id === w.id).map((e) => e.activeWalks.change)).toEqual([
      'HANDBACK_REQUESTED',
      'HANDOVER',
    ]);
    for (const c of [covererWalk, l1Walk, bell, board]) await c.dispose();
  });
});

describe('another account', () => {
  it('finds none of these walks or escalations: every new mutation answers NOT_FOUND and changes nothing', async () => {
    const w = await startWalk();
    await t.gql.runOk(TakeOver, { id: w.id }, { token: tokens.coverer });
    const esc = await startWalk();
    await t.gql.runOk(Escalate, { id: esc.id }, { token: tokens.l1 });
    const other = (await t.factory.account()).id;
    const outsider = await t.factory.token(await t.factory.user(other, 'owner'));
    expect((await t.gql.runOk(AskBack, { id: w.id }, { token: outsider })).requestWalkBack).toMatchObject({ __typename: 'NotFoundError' });
    expect((await t.gql.runOk(HandBack, { id: w.id, to: l1.id }, { token: outsider })).handBackWalk).toMatchObject({
      __typename: 'NotFoundError',
    });
    expect((await t.gql.runOk(Release, { id: w.id }, { token: outsider })).releaseWalk).toMatchObject({ __typename: 'NotFoundError' });
    expect((await t.gql.runOk(ResolveEsc, { id: esc.ticketId, notes: 'x' }, { token: outsider })).resolveEscalation).toEqual({
      __typename: 'NotFoundError',
      entity: 'Ticket',
    });
    expect((await t.gql.runOk(ReleaseEsc, { id: esc.ticketId }, { token: outsider })).releaseEscalation).toEqual({
      __typename: 'NotFoundError',
      entity: 'Ticket',
    });
    const { rows } = await t.system.query(
      'SELECT handler_user_id, version, released_at, handback_requested_at FROM walk_sessions WHERE id = $1',
      [w.id],
    );
    expect(rows).toEqual([{ handler_user_id: coverer.id, version: 2, released_at: null, handback_requested_at: null }]);
    const tk = await t.system.query('SELECT status FROM internal_tickets WHERE id = $1', [esc.ticketId]);
    expect(tk.rows).toEqual([{ status: 'escalated' }]);
  });
});

describe('escalations reach the engineers', () => {
  it('notify every active engineer, owner and admin by default — never L1s, viewers, inactive or deleted users, or the escalating coverer', async () => {
    const acc = (await t.factory.account({ engineerSeats: null, l1Seats: null })).id;
    const o = await t.factory.user(acc, 'owner');
    const a = await t.factory.user(acc, 'admin');
    const e = await t.factory.user(acc, 'engineer');
    const c = await t.factory.user(acc, 'engineer', { canCoverL1: true });
    await t.factory.user(acc, 'engineer', { isActive: false });
    await t.factory.user(acc, 'engineer', { deleted: true });
    await t.factory.user(acc, 'viewer');
    const tech = await t.factory.user(acc, 'l1_tech');
    const [techToken, cToken] = [await t.factory.token(tech), await t.factory.token(c)];
    const flow = (await t.factory.publishedFlow(acc, o.id)).flowId;

    const byTech = await t.gql.runOk(Intake, { flowId: flow }, { token: techToken });
    if (byTech.intake.__typename !== 'IntakePayload' || !byTech.intake.session) throw new Error('intake');
    const techWalk = byTech.intake.session.id;
    const r1 = await t.gql.runOk(Escalate, { id: techWalk }, { token: techToken });
    expect(r1.escalateWalk).toMatchObject({ notifiedCount: 4, warning: null });

    const byCoverer = await t.gql.runOk(Intake, { flowId: flow }, { token: cToken });
    if (byCoverer.intake.__typename !== 'IntakePayload' || !byCoverer.intake.session) throw new Error('intake');
    const covererWalk = byCoverer.intake.session.id;
    const r2 = await t.gql.runOk(Escalate, { id: covererWalk }, { token: cToken });
    expect(r2.escalateWalk).toMatchObject({ notifiedCount: 3 });

    const recipients = async (walkId: string) =>
      (
        await t.system.query<{ recipient_id: string }>(
          `SELECT recipient_id FROM notifications WHERE payload->>'walkId' = $1 ORDER BY recipient_id`,
          [walkId],
        )
      ).rows.map((r) => r.recipient_id);
    await eventually(async () => expect(await recipients(techWalk)).toEqual([o.id, a.id, e.id, c.id].sort()));
    await eventually(async () => expect(await recipients(covererWalk)).toEqual([o.id, a.id, e.id].sort()));
  });

  it('reach every engineer of a large team (more than one notification job’s worth)', async () => {
    const acc = (await t.factory.account({ engineerSeats: null, l1Seats: null })).id;
    const o = await t.factory.user(acc, 'owner');
    for (let i = 0; i < 119; i++) await t.factory.user(acc, 'engineer');
    const tech = await t.factory.token(await t.factory.user(acc, 'l1_tech'));
    const r = await t.gql.runOk(Intake, { flowId: (await t.factory.publishedFlow(acc, o.id)).flowId }, { token: tech });
    if (r.intake.__typename !== 'IntakePayload' || !r.intake.session) throw new Error('intake');
    const walkId = r.intake.session.id;
    expect((await t.gql.runOk(Escalate, { id: walkId }, { token: tech })).escalateWalk).toMatchObject({ notifiedCount: 120 });
    await eventually(async () => {
      const { rows } = await t.system.query<{ n: number }>(`SELECT count(*)::int AS n FROM notifications WHERE payload->>'walkId' = $1`, [
        walkId,
      ]);
      expect(rows[0]!.n).toBe(120);
    }, 15_000);
  });

  it('the escalations feed and the bell update live for an engineer; another account’s feed hears nothing', async () => {
    const engineer = await t.factory.user(accountId, 'engineer', { name: 'Eli Engineer' });
    const engToken = await t.factory.token(engineer);
    type Feed = {
      escalations: {
        change: string;
        ticket: { id: string; status: string; problemStatement: string; assignedEngineer: { id: string } | null } | null;
      };
    };
    const feed = collect<Feed>(
      t.url,
      engToken,
      'subscription { escalations { change ticket { id status problemStatement assignedEngineer { id } } } }',
    );
    const bell = collect<{ notifications: { kind: string; payload: { ticketId?: string } } }>(
      t.url,
      engToken,
      'subscription { notifications { kind payload } }',
    );
    const outsider = await t.factory.user((await t.factory.account()).id, 'engineer');
    const otherFeed = collect<Feed>(t.url, await t.factory.token(outsider), 'subscription { escalations { change } }');
    await new Promise((r) => setTimeout(r, 200));

    const w = await startWalk();
    await t.gql.runOk(Escalate, { id: w.id }, { token: tokens.l1 });
    const raised = await feed.waitFor((e) => e.escalations.change === 'ESCALATED' && e.escalations.ticket?.id === w.ticketId);
    expect(raised.escalations.ticket).toMatchObject({
      status: 'ESCALATED',
      problemStatement: 'Outlook keeps asking for a password',
      assignedEngineer: null,
    });
    await bell.waitFor((e) => e.notifications.kind === 'escalation' && e.notifications.payload.ticketId === w.ticketId, 8000);

    await t.gql.runOk(Claim, { id: w.ticketId }, { token: engToken });
    const claimed = await feed.waitFor((e) => e.escalations.change === 'CLAIMED' && e.escalations.ticket?.id === w.ticketId);
    expect(claimed.escalations.ticket?.assignedEngineer).toEqual({ id: engineer.id });
    await t.gql.runOk(ResolveEsc, { id: w.ticketId, notes: 'New licence assigned' }, { token: engToken });
    await feed.waitFor((e) => e.escalations.change === 'RESOLVED' && e.escalations.ticket?.status === 'RESOLVED');
    expect(otherFeed.events).toEqual([]);
    expect(otherFeed.closed).toBeNull();
    for (const c of [feed, bell, otherFeed]) await c.dispose();
  });

  it('an L1 tech may not subscribe to the escalations feed', async () => {
    const sub = collect(t.url, tokens.l1!, 'subscription { escalations { change } }');
    await eventually(async () => expect(sub.errors.length + (sub.closed ? 1 : 0)).toBeGreaterThan(0), 3000);
    expect(JSON.stringify(sub.errors)).toContain('FORBIDDEN');
    await sub.dispose();
  });
});

describe('finishing a claimed escalation', () => {
  async function escalated() {
    const w = await startWalk();
    await t.gql.runOk(Escalate, { id: w.id }, { token: tokens.l1 });
    return w.ticketId;
  }

  it('the claimer resolves it with notes: the ticket is resolved and the resolve audited', async () => {
    const ticketId = await escalated();
    const eng = await t.factory.user(accountId, 'engineer', { name: 'Casey Claimer' });
    const engToken = await t.factory.token(eng);
    const other = await t.factory.token(await t.factory.user(accountId, 'engineer'));

    const unclaimed = await t.gql.runOk(ResolveEsc, { id: ticketId, notes: 'done' }, { token: engToken });
    expect(unclaimed.resolveEscalation).toMatchObject({
      __typename: 'ConflictError',
      reason: 'NOT_ASSIGNEE',
      message: 'Claim this escalation before you resolve it',
    });
    await t.gql.runOk(Claim, { id: ticketId }, { token: engToken });
    const blank = await t.gql.runOk(ResolveEsc, { id: ticketId, notes: '  ' }, { token: engToken });
    expect(blank.resolveEscalation).toMatchObject({ __typename: 'ValidationError', issues: [{ path: ['resolutionNotes'] }] });
    const notMine = await t.gql.runOk(ResolveEsc, { id: ticketId, notes: 'done' }, { token: other });
    expect(notMine.resolveEscalation).toMatchObject({
      reason: 'NOT_ASSIGNEE',
      message: 'Casey Claimer claimed this escalation; only they or an admin can resolve it',
    });

    const ok = await t.gql.runOk(ResolveEsc, { id: ticketId, notes: 'Mailbox was over quota; archived old mail.' }, { token: engToken });
    expect(ok.resolveEscalation).toMatchObject({
      __typename: 'InternalTicket',
      status: 'RESOLVED',
      resolutionNotes: 'Mailbox was over quota; archived old mail.',
      resolvedAt: expect.any(String),
      assignedEngineer: { id: eng.id },
    });
    const again = await t.gql.runOk(ResolveEsc, { id: ticketId, notes: 'again' }, { token: engToken });
    expect(again.resolveEscalation).toMatchObject({ __typename: 'ConflictError', reason: 'ESCALATION_CLOSED' });
    const { rows } = await t.system.query(`SELECT actor_id FROM audit_logs WHERE entity_id = $1 AND action = 'ticket.resolve'`, [ticketId]);
    expect(rows).toEqual([{ actor_id: eng.id }]);
  });

  it('the claimer (or an admin) releases it back to the queue, unclaimed and audited', async () => {
    const ticketId = await escalated();
    const eng = await t.factory.user(accountId, 'engineer', { name: 'Riley Releaser' });
    const engToken = await t.factory.token(eng);
    const other = await t.factory.token(await t.factory.user(accountId, 'engineer'));
    await t.gql.runOk(Claim, { id: ticketId }, { token: engToken });
    expect((await t.gql.runOk(ReleaseEsc, { id: ticketId }, { token: other })).releaseEscalation).toMatchObject({ reason: 'NOT_ASSIGNEE' });
    const ok = await t.gql.runOk(ReleaseEsc, { id: ticketId }, { token: engToken });
    expect(ok.releaseEscalation).toEqual({ __typename: 'InternalTicket', status: 'ESCALATED', assignedEngineer: null });
    const list = await t.gql.runOk(Unclaimed, {}, { token: other });
    if (list.escalations.__typename !== 'TicketPage') throw new Error('list');
    expect(list.escalations.nodes.map((n) => n.id)).toContain(ticketId);
    const { rows } = await t.system.query(`SELECT actor_id, payload FROM audit_logs WHERE entity_id = $1 AND action = 'ticket.release'`, [
      ticketId,
    ]);
    expect(rows).toEqual([{ actor_id: eng.id, payload: { from: eng.id } }]);

    // An owner may release (and resolve) an escalation someone else claimed.
    await t.gql.runOk(Claim, { id: ticketId }, { token: other });
    expect((await t.gql.runOk(ReleaseEsc, { id: ticketId }, { token: tokens.owner })).releaseEscalation).toMatchObject({
      assignedEngineer: null,
    });
    const missing = await t.gql.runOk(ReleaseEsc, { id: '00000000-0000-4000-8000-000000000000' }, { token: engToken });
    expect(missing.releaseEscalation).toEqual({ __typename: 'NotFoundError', entity: 'Ticket' });
  });
});
