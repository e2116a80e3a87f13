import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Scope, txObservers } from '../src/db/tenant.ts';
import type { TestUser } from './factories/index.ts';
import { graphql } from './gql/index.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';

/**
 * README "Atomicity": each root mutation field is its own unit of work. Driven through real
 * operations; the database is read as l1_system to see what was kept.
 */

const Intake = graphql(`
  mutation Atomicity_Intake($problem: String!, $flowId: ID) {
    intake(problemStatement: $problem, customerName: "ACME", customerContact: "pat@acme.test", flowId: $flowId) {
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
const Step = graphql(`
  mutation Atomicity_Step($sessionId: ID!, $nodeId: String!, $clientStepId: String!, $expectedVersion: Int) {
    recordStep(sessionId: $sessionId, nodeId: $nodeId, answer: YES, clientStepId: $clientStepId, expectedVersion: $expectedVersion) {
      __typename
      ... on WalkSession {
        version
      }
      ... on ConflictError {
        reason
        currentVersion
      }
    }
  }
`);
const CreateInvite = graphql(`
  mutation Atomicity_CreateInvite($email: String!, $role: AccountRole!) {
    createInvite(email: $email, role: $role) {
      __typename
    }
  }
`);
const CreateInvites = graphql(`
  mutation Atomicity_CreateInvites($invites: [InviteInput!]!) {
    createInvites(invites: $invites) {
      __typename
    }
  }
`);
const TwoInvites = graphql(`
  mutation Atomicity_TwoInvites($first: String!, $firstRole: AccountRole!, $second: String!, $secondRole: AccountRole!) {
    first: createInvite(email: $first, role: $firstRole) {
      __typename
    }
    second: createInvite(email: $second, role: $secondRole) {
      __typename
    }
  }
`);
const ReleaseForbidden = graphql(`
  mutation Atomicity_ReleaseForbidden($sessionId: ID!) {
    releaseWalk(sessionId: $sessionId) {
      __typename
      ... on WalkSession {
        releasedAt
        flow {
          title
          draftNodes {
            id
          }
        }
      }
    }
  }
`);
const ReleaseWithVersion = graphql(`
  mutation Atomicity_ReleaseWithVersion($sessionId: ID!) {
    releaseWalk(sessionId: $sessionId) {
      __typename
      ... on WalkSession {
        releasedAt
        flowVersion {
          id
        }
      }
    }
  }
`);
const StepWithVersion = graphql(`
  mutation Atomicity_StepWithVersion($sessionId: ID!, $nodeId: String!, $clientStepId: String!) {
    recordStep(sessionId: $sessionId, nodeId: $nodeId, answer: YES, clientStepId: $clientStepId) {
      __typename
      ... on WalkSession {
        version
        flowVersion {
          id
        }
      }
    }
  }
`);

let t: TestApp;
let admin: pg.Pool;
let accountId: string;
let owner: TestUser;
let ownerToken: string;
let l1Token: string;
let flowId: string;

beforeAll(async () => {
  t = await startTestApp();
  admin = new pg.Pool({ connectionString: t.urls.admin, max: 1 });
  // One engineer seat, taken: an engineer invite is refused with SeatLimitExceeded.
  accountId = (await t.factory.account({ engineerSeats: 1 })).id;
  owner = await t.factory.user(accountId, 'owner');
  ownerToken = await t.factory.token(owner);
  await t.factory.user(accountId, 'engineer');
  l1Token = await t.factory.token(await t.factory.user(accountId, 'l1_tech'));
  flowId = (await t.factory.publishedFlow(accountId, owner.id)).flowId;
});
afterAll(async () => {
  await admin.end();
  await t.close();
});

const address = (prefix = 'invitee') => `${prefix}-${randomBytes(4).toString('hex')}@example.test`;

/** An invite that ran out: inviting the address again first revokes it, then checks the rest. */
async function expiredInvite(email: string, role: 'engineer' | 'l1_tech'): Promise<string> {
  const { rows } = await t.system.query<{ id: string }>(
    `INSERT INTO invites (account_id, email, role, token_hash, expires_at, invited_by)
     VALUES ($1, $2, $3, $4, now() - interval '1 day', $5) RETURNING id`,
    [accountId, email, role, randomBytes(32).toString('hex'), owner.id],
  );
  return rows[0]!.id;
}

/** Every invite of an address: 'revoked', 'expired' or 'pending', oldest first. */
async function invitesOf(email: string): Promise<string[]> {
  const { rows } = await t.system.query<{ state: string }>(
    `SELECT CASE WHEN revoked_at IS NOT NULL THEN 'revoked' WHEN expires_at <= now() THEN 'expired' ELSE 'pending' END AS state
     FROM invites WHERE account_id = $1 AND email = $2 ORDER BY created_at, id`,
    [accountId, email],
  );
  return rows.map((r) => r.state);
}

/**
 * A real statement failure, installed for one test: the audit row of an invite to a `boom-`
 * address is refused by the database, after the invite itself was written.
 */
async function withFailingAudit<T>(fn: () => Promise<T>): Promise<T> {
  await admin.query(`CREATE OR REPLACE FUNCTION test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.action = 'invite.create' AND NEW.payload->>'email' LIKE 'boom-%' THEN RAISE EXCEPTION 'audit refused'; END IF;
      RETURN NEW;
    END $$`);
  await admin.query('CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_logs FOR EACH ROW EXECUTE FUNCTION test_refuse_audit()');
  try {
    return await fn();
  } finally {
    await admin.query('DROP TRIGGER test_refuse_audit ON audit_logs');
  }
}

async function startWalk(): Promise<{ id: string; version: number }> {
  const r = await t.gql.runOk(Intake, { problem: `Outlook ${randomBytes(3).toString('hex')}`, flowId }, { token: l1Token });
  if (r.intake.__typename !== 'IntakePayload' || !r.intake.session) throw new Error(JSON.stringify(r.intake));
  return r.intake.session;
}

async function walkRow(id: string) {
  const { rows } = await t.system.query<{ version: number; step_count: number; status: string; released: boolean }>(
    'SELECT version, step_count, status, released_at IS NOT NULL AS released FROM walk_sessions WHERE id = $1',
    [id],
  );
  return rows[0]!;
}

/** The scope an operation ran in, as it ended. */
async function scopeOf<T>(fn: () => Promise<T>): Promise<{ scope: Scope; value: T }> {
  let scope: Scope | undefined;
  const observe = (s: Scope) => (scope = s);
  txObservers.add(observe);
  try {
    const value = await fn();
    return { scope: scope!, value };
  } finally {
    txObservers.delete(observe);
  }
}

const codes = (errors: readonly { extensions?: Record<string, unknown> }[] | undefined) =>
  (errors ?? []).map((e) => e.extensions?.code as string);

describe('a typed error leaves nothing of its field behind', () => {
  it('an invite refused for seats does not keep the revocation it wrote before the seat check', async () => {
    const email = address();
    await expiredInvite(email, 'engineer');
    await t.gql.runError(CreateInvite, { email, role: 'ENGINEER' }, 'SeatLimitExceeded', { token: ownerToken });
    // The service revoked the expired invite, then met the full plan: the revocation is undone.
    expect(await invitesOf(email)).toEqual(['expired']);
    // The same write stands when the invite succeeds (an L1 seat is free).
    await t.gql.runError(CreateInvite, { email, role: 'L1_TECH' }, 'CreatedInvite', { token: ownerToken });
    expect(await invitesOf(email)).toEqual(['revoked', 'pending']);
  });

  it('on the commit-ahead path (a step with a stale version) the statement that carried COMMIT wrote nothing', async () => {
    const walk = await startWalk();
    await t.gql.runOk(Step, { sessionId: walk.id, nodeId: 'opens', clientStepId: 'first' }, { token: l1Token });
    const { scope, value } = await scopeOf(() =>
      t.gql.runOk(Step, { sessionId: walk.id, nodeId: 'status', clientStepId: 'stale', expectedVersion: walk.version }, { token: l1Token }),
    );
    expect(value.recordStep).toEqual({ __typename: 'ConflictError', reason: 'STALE_VERSION', currentVersion: walk.version + 1 });
    // The step's COMMIT went out with its statement (the hot path), and the refusal followed it.
    expect(scope.committed).toHaveLength(1);
    expect(await walkRow(walk.id)).toMatchObject({ version: walk.version + 1, step_count: 1 });
    const steps = await t.system.query('SELECT 1 FROM walk_steps WHERE session_id = $1 AND client_step_id = $2', [walk.id, 'stale']);
    expect(steps.rowCount).toBe(0);
  });

  it('keeps the hot path at one COMMIT riding with its statement and no statement more than before', async () => {
    const walk = await startWalk();
    const { scope } = await scopeOf(() =>
      t.gql.runOk(Step, { sessionId: walk.id, nodeId: 'opens', clientStepId: 'hot' }, { token: l1Token }),
    );
    // BEGIN, the step and its COMMIT, sent together: the payload needs nothing more.
    expect(scope.committed).toHaveLength(1);
    expect(scope.queryCount).toBe(3);
  });
});

describe('a thrown error undoes its field', () => {
  it('an invite whose audit row the database refuses leaves neither the invite nor the revocation', async () => {
    const email = address('boom');
    await expiredInvite(email, 'l1_tech');
    const r = await withFailingAudit(() => t.gql.run(CreateInvite, { email, role: 'L1_TECH' }, { token: ownerToken }));
    expect(r.data).toBeNull();
    expect(codes(r.errors)).toEqual(['INTERNAL_SERVER_ERROR']);
    expect(r.extensions).toEqual({ saved: [] });
    expect(await invitesOf(email)).toEqual(['expired']);
  });

  it('a bulk invite that throws on its second row keeps neither row, though each ran in a savepoint of its own', async () => {
    const ok = address();
    const failed = address('boom');
    await expiredInvite(failed, 'l1_tech');
    const invites = [
      { email: ok, role: 'L1_TECH' as const },
      { email: failed, role: 'L1_TECH' as const },
    ];
    // The failing row's savepoint is rolled back and its error rethrown: the transaction is healthy
    // and holds the first row, which only the field's own rollback removes.
    const r = await withFailingAudit(() => t.gql.run(CreateInvites, { invites }, { token: ownerToken }));
    expect(r.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['createInvites'], 'INTERNAL_SERVER_ERROR']]);
    expect(r.extensions).toEqual({ saved: [] });
    expect({ ok: await invitesOf(ok), failed: await invitesOf(failed) }).toEqual({ ok: [], failed: ['expired'] });
  });
});

describe('two root fields: the one that fails is undone, the other kept', () => {
  const states = async (ok: string, failed: string) => ({ ok: await invitesOf(ok), failed: await invitesOf(failed) });

  for (const order of ['success first', 'failure first'] as const) {
    it(`typed error, ${order}`, async () => {
      const ok = address();
      const failed = address();
      await expiredInvite(failed, 'engineer');
      type Field = { email: string; role: 'L1_TECH' | 'ENGINEER' };
      const okField: Field = { email: ok, role: 'L1_TECH' };
      const failedField: Field = { email: failed, role: 'ENGINEER' };
      const [first, second] = order === 'success first' ? [okField, failedField] : [failedField, okField];
      const r = await t.gql.run(
        TwoInvites,
        { first: first.email, firstRole: first.role, second: second.email, secondRole: second.role },
        { token: ownerToken },
      );
      expect(r.errors).toBeUndefined();
      const typename = (f: Field) => (f === okField ? 'CreatedInvite' : 'SeatLimitExceeded');
      expect(r.data).toEqual({ first: { __typename: typename(first) }, second: { __typename: typename(second) } });
      expect(await states(ok, failed)).toEqual({ ok: ['pending'], failed: ['expired'] });
    });
  }

  for (const order of ['success first', 'failure first'] as const) {
    it(`thrown error, ${order}: the success is kept and the response names it`, async () => {
      const ok = address();
      const failed = address('boom');
      await expiredInvite(failed, 'l1_tech');
      const [first, second] = order === 'success first' ? [ok, failed] : [failed, ok];
      const r = await withFailingAudit(() =>
        t.gql.run(TwoInvites, { first, firstRole: 'L1_TECH', second, secondRole: 'L1_TECH' }, { token: ownerToken }),
      );
      // Every mutation result is non-null, so GraphQL nulls `data`; `saved` says what stands.
      expect(r.data).toBeNull();
      const [okKey, failedKey] = order === 'success first' ? ['first', 'second'] : ['second', 'first'];
      expect(r.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[[failedKey], 'INTERNAL_SERVER_ERROR']]);
      expect(r.extensions).toEqual({ saved: [okKey] });
      expect(await states(ok, failed)).toEqual({ ok: ['pending'], failed: ['expired'] });
    });
  }
});

describe('an error reading the payload does not undo the field', () => {
  it('a sub-field the caller may not read: the hand-off stands and data says so', async () => {
    const walk = await startWalk();
    const r = await t.gql.run(ReleaseForbidden, { sessionId: walk.id }, { token: l1Token });
    expect(codes(r.errors)).toEqual(['FORBIDDEN']);
    expect(r.errors?.[0]?.path).toEqual(['releaseWalk', 'flow', 'draftNodes']);
    expect(r.data?.releaseWalk).toMatchObject({ __typename: 'WalkSession', releasedAt: expect.any(String), flow: { draftNodes: null } });
    expect(r.extensions).toEqual({ saved: ['releaseWalk'] });
    expect(await walkRow(walk.id)).toMatchObject({ released: true, version: walk.version + 1 });
  });

  it('a read the database refuses, in the open transaction and after an early COMMIT alike', async () => {
    const released = await startWalk();
    const stepped = await startWalk();
    // The first step loads the walk's tree (then cached), so the second reads flow_versions only
    // for its payload.
    await t.gql.runOk(Step, { sessionId: stepped.id, nodeId: 'opens', clientStepId: 'warm' }, { token: l1Token });
    // The payload's flowVersion is the only read of flow_versions either mutation makes.
    await admin.query('REVOKE SELECT ON flow_versions FROM l1_app');
    let release, step;
    try {
      release = await t.gql.run(ReleaseWithVersion, { sessionId: released.id }, { token: l1Token });
      step = await scopeOf(() =>
        t.gql.run(StepWithVersion, { sessionId: stepped.id, nodeId: 'status', clientStepId: 'after-commit' }, { token: l1Token }),
      );
    } finally {
      await admin.query('GRANT SELECT ON flow_versions TO l1_app');
    }
    expect(release.errors?.map((e) => e.path)).toEqual([['releaseWalk', 'flowVersion']]);
    expect(release.data?.releaseWalk).toMatchObject({ __typename: 'WalkSession', releasedAt: expect.any(String), flowVersion: null });
    expect(release.extensions).toEqual({ saved: ['releaseWalk'] });
    expect(await walkRow(released.id)).toMatchObject({ released: true });

    // recordStep's statement carried COMMIT; the refused read after it changes nothing.
    expect(step.scope.committed).toHaveLength(1);
    expect(step.value.errors?.map((e) => e.path)).toEqual([['recordStep', 'flowVersion']]);
    expect(step.value.data?.recordStep).toMatchObject({ __typename: 'WalkSession', version: 3, flowVersion: null });
    expect(step.value.extensions).toEqual({ saved: ['recordStep'] });
    expect(await walkRow(stepped.id)).toMatchObject({ step_count: 2 });
  });
});
