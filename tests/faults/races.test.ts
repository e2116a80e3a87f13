import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../factories/index.ts';
import { graphql } from '../gql/index.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { httpGql, rootOf } from '../helpers/http.ts';

/**
 * Many people press the same button at the same instant, over real concurrent HTTP requests to a
 * listening server with a pool large enough that they really do meet in Postgres. Exactly one
 * wins; everyone else gets the typed refusal a client can show; nothing is written twice.
 */

const N = 20;
const PASSWORD = 'long-enough-password';

const CreateInvite = graphql(`
  mutation Races_CreateInvite($email: String!, $role: AccountRole!) {
    createInvite(email: $email, role: $role) {
      __typename
      ... on CreatedInvite {
        token
        invite {
          id
        }
      }
      ... on Error {
        code
        message
      }
    }
  }
`);
const Accept = graphql(`
  mutation Races_Accept($token: String!, $name: String!, $password: String!) {
    acceptInvite(token: $token, name: $name, password: $password) {
      __typename
      ... on SessionPayload {
        accessToken
        user {
          id
          email
          name
          role
        }
      }
      ... on SeatLimitExceeded {
        role
        current
        limit
      }
      ... on Error {
        code
        message
      }
    }
  }
`);
const Me = graphql(`
  query Races_Me {
    me {
      id
      email
    }
  }
`);
const Usage = graphql(`
  query Races_Usage {
    seatUsage {
      l1Tech {
        current
        limit
        available
      }
    }
  }
`);
const Intake = graphql(`
  mutation Races_Intake($flowId: ID) {
    intake(problemStatement: "Race", customerName: "C", customerContact: "c@example.test", flowId: $flowId) {
      __typename
      ... on IntakePayload {
        session {
          id
          version
        }
      }
    }
  }
`);
const TakeOver = graphql(`
  mutation Races_TakeOver($sessionId: ID!, $expectedVersion: Int) {
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
        currentVersion
      }
      ... on Error {
        code
        message
      }
    }
  }
`);
const Walk = graphql(`
  query Races_Walk($id: ID!) {
    walkSession(id: $id) {
      __typename
      ... on WalkSession {
        version
        handler {
          id
        }
      }
    }
  }
`);
const Step = graphql(`
  mutation Races_Step($id: ID!, $c: String!) {
    recordStep(sessionId: $id, nodeId: "opens", answer: YES, clientStepId: $c) {
      __typename
      ... on WalkSession {
        stepCount
      }
      ... on ConflictError {
        reason
      }
    }
  }
`);

const uniq = () => randomBytes(4).toString('hex');

let t: TestApp;
beforeAll(async () => {
  // Enough connections that N requests run their transactions side by side, not one after another.
  t = await startTestApp({ listen: true, env: { DB_POOL_SIZE: String(N + 5) } });
});
afterAll(() => t.close());

async function invite(ownerToken: string, email: string): Promise<string> {
  const r = rootOf(await httpGql(t.url, CreateInvite, { email, role: 'L1_TECH' }, ownerToken));
  if (r.__typename !== 'CreatedInvite') throw new Error(`createInvite: ${JSON.stringify(r)}`);
  return r.token;
}

async function count(sql: string, params: unknown[]): Promise<number> {
  const { rows } = await t.system.query<{ n: number }>(sql, params);
  return rows[0]!.n;
}

describe('acceptInvite', () => {
  it(`${N} concurrent accepts of the same invite create one user; the others are told the link is used`, async () => {
    const account = await t.factory.account({ l1Seats: null });
    const owner = await t.factory.user(account.id, 'owner');
    const ownerToken = await t.factory.token(owner);
    const email = `same-link-${uniq()}@example.test`;
    const token = await invite(ownerToken, email);

    const results = await Promise.all(
      Array.from({ length: N }, (_, i) => httpGql(t.url, Accept, { token, name: `Racer ${i}`, password: PASSWORD }).then(rootOf)),
    );
    const winners = results.flatMap((r, i) => (r.__typename === 'SessionPayload' ? [{ r, i }] : []));
    const refused = results.filter((r) => r.__typename === 'InviteInvalid');
    expect(winners).toHaveLength(1);
    expect(refused).toHaveLength(N - 1);
    for (const r of refused) expect(r).toMatchObject({ code: 'invite_invalid', message: expect.any(String) });
    const { r: won, i } = winners[0]!;
    if (won.__typename !== 'SessionPayload') throw new Error('unreachable');
    expect(won.user).toMatchObject({ email, name: `Racer ${i}`, role: 'L1_TECH' });

    // One user, one session, the invite points at that user, one audit row.
    const users = await t.system.query<{ id: string; name: string }>('SELECT id, name FROM users WHERE lower(email) = lower($1)', [email]);
    expect(users.rows).toEqual([{ id: won.user.id, name: `Racer ${i}` }]);
    expect(await count('SELECT count(*)::int AS n FROM auth_sessions WHERE user_id = $1', [won.user.id])).toBe(1);
    const inv = await t.system.query('SELECT accepted_user_id FROM invites WHERE account_id = $1 AND lower(email) = lower($2)', [
      account.id,
      email,
    ]);
    expect(inv.rows).toEqual([{ accepted_user_id: won.user.id }]);
    expect(await count(`SELECT count(*)::int AS n FROM audit_logs WHERE account_id = $1 AND action = 'invite.accept'`, [account.id])).toBe(
      1,
    );
    // The winner is signed in.
    expect(rootOf(await httpGql(t.url, Me, {}, won.accessToken))).toMatchObject({ id: won.user.id, email });
  });

  it(`${N} concurrent accepts of distinct invites for the one free L1 seat: one user, the rest SeatLimitExceeded`, async () => {
    // A pending invite holds its seat, so the invites go out while the plan has room for them all;
    // then billing lowers it to one free seat, and every invitee accepts at once.
    const account = await t.factory.account({ l1Seats: N + 2 });
    const owner = await t.factory.user(account.id, 'owner');
    const ownerToken = await t.factory.token(owner);
    await t.factory.user(account.id, 'l1_tech');
    await t.factory.user(account.id, 'l1_tech');
    const emails = Array.from({ length: N }, (_, i) => `seat-${i}-${uniq()}@example.test`);
    const tokens: string[] = [];
    for (const email of emails) tokens.push(await invite(ownerToken, email));
    await t.system.query('UPDATE billing_plans SET l1_seat_limit = 3 WHERE account_id = $1', [account.id]);
    expect(rootOf(await httpGql(t.url, Usage, {}, ownerToken)).l1Tech).toEqual({ current: 2, limit: 3, available: 0 });

    const results = await Promise.all(
      tokens.map((token, i) => httpGql(t.url, Accept, { token, name: `Seat ${i}`, password: PASSWORD }).then(rootOf)),
    );
    const winners = results.filter((r) => r.__typename === 'SessionPayload');
    const full = results.filter((r) => r.__typename === 'SeatLimitExceeded');
    expect(winners).toHaveLength(1);
    expect(full).toHaveLength(N - 1);
    for (const r of full) expect(r).toMatchObject({ code: 'seat_limit_exceeded', role: 'L1_TECH', current: 3, limit: 3 });

    // The seat count is never exceeded, and a refused accept leaves nothing behind.
    expect(
      await count(`SELECT count(*)::int AS n FROM users WHERE account_id = $1 AND role = 'l1_tech' AND is_active AND deleted_at IS NULL`, [
        account.id,
      ]),
    ).toBe(3);
    expect(await count('SELECT count(*)::int AS n FROM users WHERE lower(email) = ANY($1)', [emails])).toBe(1);
    expect(await count('SELECT count(*)::int AS n FROM invites WHERE account_id = $1 AND accepted_at IS NOT NULL', [account.id])).toBe(1);
    expect(
      await count('SELECT count(*)::int AS n FROM invites WHERE account_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL', [
        account.id,
      ]),
    ).toBe(N - 1);
    expect(await count(`SELECT count(*)::int AS n FROM audit_logs WHERE account_id = $1 AND action = 'invite.accept'`, [account.id])).toBe(
      1,
    );
    expect(rootOf(await httpGql(t.url, Usage, {}, ownerToken)).l1Tech).toEqual({ current: 3, limit: 3, available: 0 });
  });
});

describe('takeOverWalk', () => {
  it(`${N} coverers take over one live walk at once: one handler, one audit row, everyone else told who won`, async () => {
    const account = await t.factory.account({ engineerSeats: null, l1Seats: null });
    const owner = await t.factory.user(account.id, 'owner');
    const flow = await t.factory.publishedFlow(account.id, owner.id);
    const l1 = await t.factory.user(account.id, 'l1_tech');
    const l1Token = await t.factory.token(l1);
    const coverers: Array<TestUser & { token: string }> = [];
    for (let i = 0; i < N; i++) {
      const u = await t.factory.user(account.id, 'engineer', { canCoverL1: true, name: `Coverer ${i} ${uniq()}` });
      coverers.push({ ...u, token: await t.factory.token(u) });
    }
    const intake = rootOf(await httpGql(t.url, Intake, { flowId: flow.flowId }, l1Token));
    if (intake.__typename !== 'IntakePayload' || !intake.session) throw new Error(intake.__typename);
    const walkId = intake.session.id;

    // Round 1: from the technician who started the walk (no version needed).
    const round1 = await Promise.all(coverers.map((c) => httpGql(t.url, TakeOver, { sessionId: walkId }, c.token).then(rootOf)));
    const won1 = round1.flatMap((r, i) => (r.__typename === 'WalkSession' ? [coverers[i]!] : []));
    expect(won1).toHaveLength(1);
    const first = won1[0]!;
    const lost1 = round1.filter((r) => r.__typename === 'ConflictError');
    expect(lost1).toHaveLength(N - 1);
    for (const r of lost1)
      expect(r).toMatchObject({ reason: 'TAKEOVER_LOST', currentVersion: 2, message: expect.stringContaining(first.name) });
    expect(round1.find((r) => r.__typename === 'WalkSession')).toMatchObject({
      version: 2,
      actingAs: 'l1_coverage',
      handler: { id: first.id },
    });

    const walk = await t.system.query('SELECT handler_user_id, version FROM walk_sessions WHERE id = $1', [walkId]);
    expect(walk.rows).toEqual([{ handler_user_id: first.id, version: 2 }]);
    const audits = await t.system.query(
      `SELECT actor_id, payload FROM audit_logs WHERE action = 'l1.session.takeover' AND entity_id = $1`,
      [walkId],
    );
    expect(audits.rows).toEqual([{ actor_id: first.id, payload: { from: l1.id } }]);

    // Only the winner may step; the technician and the losers are told they are not the handler.
    const losers = coverers.filter((c) => c.id !== first.id);
    for (const token of [l1Token, losers[0]!.token]) {
      expect(rootOf(await httpGql(t.url, Step, { id: walkId, c: `late-${uniq()}` }, token))).toEqual({
        __typename: 'ConflictError',
        reason: 'NOT_HANDLER',
      });
    }
    expect(rootOf(await httpGql(t.url, Step, { id: walkId, c: `won-${uniq()}` }, first.token))).toEqual({
      __typename: 'WalkSession',
      stepCount: 1,
    });

    // Round 2: taking it from a coverer needs the version everyone saw; still exactly one wins.
    const seen = rootOf(await httpGql(t.url, Walk, { id: walkId }, losers[0]!.token));
    if (seen.__typename !== 'WalkSession') throw new Error(seen.__typename);
    expect(seen).toMatchObject({ version: 3, handler: { id: first.id } });
    const round2 = await Promise.all(
      losers.map((c) => httpGql(t.url, TakeOver, { sessionId: walkId, expectedVersion: seen.version }, c.token).then(rootOf)),
    );
    const won2 = round2.flatMap((r, i) => (r.__typename === 'WalkSession' ? [losers[i]!] : []));
    expect(won2).toHaveLength(1);
    const lost2 = round2.filter((r) => r.__typename === 'ConflictError');
    expect(lost2).toHaveLength(losers.length - 1);
    for (const r of lost2)
      expect(r).toMatchObject({ reason: 'STALE_VERSION', currentVersion: 4, message: expect.stringContaining(won2[0]!.name) });
    expect(rootOf(await httpGql(t.url, Walk, { id: walkId }, l1Token))).toMatchObject({ version: 4, handler: { id: won2[0]!.id } });
    const audits2 = await t.system.query<{ actor_id: string }>(
      `SELECT actor_id FROM audit_logs WHERE action = 'l1.session.takeover' AND entity_id = $1 ORDER BY created_at`,
      [walkId],
    );
    expect(audits2.rows.map((r) => r.actor_id)).toEqual([first.id, won2[0]!.id]);
    console.log(`races: ${N} same-link accepts, ${N} accepts for 1 seat, ${N}+${losers.length} concurrent takeovers: one winner each`);
  });
});
