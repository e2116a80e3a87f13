import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ENABLED, HARD_FLOOR, L1_CATEGORIES } from '../src/services/categories/catalogue.ts';
import { graphql } from './gql/index.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';

const Categories = graphql(`
  query Categories_Read {
    l1Categories {
      enabled {
        key
      }
      available {
        key
        label
        description
      }
      hardFloor {
        key
        label
        description
      }
    }
  }
`);

const SetCategories = graphql(`
  mutation Categories_Set($keys: [String!]!) {
    setL1Categories(keys: $keys) {
      __typename
      ... on SetL1CategoriesPayload {
        categories {
          enabled {
            key
          }
        }
        dropped {
          key
          reason
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

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

async function ownerOfNewAccount() {
  const account = await t.factory.account();
  const owner = await t.factory.user(account.id, 'owner');
  return { account, owner, token: await t.factory.token(owner) };
}

async function stored(accountId: string): Promise<string[]> {
  const { rows } = await t.system.query<{ keys: string[] }>('SELECT enabled_l1_categories AS keys FROM accounts WHERE id = $1', [
    accountId,
  ]);
  return rows[0]!.keys;
}

describe('L1 categories', () => {
  it('a new account starts with every category above the hard floor enabled, and the floor listed apart', async () => {
    const { token } = await ownerOfNewAccount();
    const r = await t.gql.runOk(Categories, {}, { token });
    expect(r.l1Categories.enabled.map((c) => c.key)).toEqual(L1_CATEGORIES.map((c) => c.key));
    expect(r.l1Categories.available.map((c) => c.key)).toEqual(L1_CATEGORIES.map((c) => c.key));
    expect(r.l1Categories.hardFloor.map((c) => c.key)).toEqual([
      'security_incident',
      'data_destruction',
      'financial',
      'infrastructure',
      'legal_hr',
    ]);
    for (const c of [...r.l1Categories.available, ...r.l1Categories.hardFloor]) {
      expect(c.label.length).toBeGreaterThan(2);
      expect(c.description.length).toBeGreaterThan(10);
    }
  });

  it('the database default for new accounts is the catalogue’s, so an account made anywhere starts the same', async () => {
    const { rows } = await t.system.query<{ d: string }>(
      `SELECT column_default AS d FROM information_schema.columns WHERE table_name = 'accounts' AND column_name = 'enabled_l1_categories'`,
    );
    const keys = [...rows[0]!.d.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]);
    expect(keys).toEqual([...DEFAULT_ENABLED]);
  });

  it('stores the set sent, in catalogue order, dropping unknown and hard-floor keys and saying why; audited with old and new', async () => {
    const { account, owner, token } = await ownerOfNewAccount();
    const r = await t.gql.runOk(
      SetCategories,
      { keys: ['printing', 'security_incident', 'telepathy', 'email', 'printing', 'financial'] },
      { token },
    );
    expect(r.setL1Categories.__typename).toBe('SetL1CategoriesPayload');
    if (r.setL1Categories.__typename !== 'SetL1CategoriesPayload') return;
    expect(r.setL1Categories.categories.enabled.map((c) => c.key)).toEqual(['email', 'printing']);
    expect(r.setL1Categories.dropped).toEqual([
      { key: 'security_incident', reason: 'Security incidents: these calls always go to an engineer, so they cannot be enabled for L1.' },
      { key: 'telepathy', reason: '“telepathy” is not an L1 category.' },
      { key: 'financial', reason: 'Money: these calls always go to an engineer, so they cannot be enabled for L1.' },
    ]);
    expect(await stored(account.id)).toEqual(['email', 'printing']);
    expect((await t.gql.runOk(Categories, {}, { token })).l1Categories.enabled.map((c) => c.key)).toEqual(['email', 'printing']);

    const audit = await t.system.query<{ actor_id: string; payload: { from: string[]; to: string[]; dropped: string[] } }>(
      `SELECT actor_id, payload FROM audit_logs WHERE account_id = $1 AND action = 'account.l1_categories'`,
      [account.id],
    );
    expect(audit.rows).toEqual([
      {
        actor_id: owner.id,
        payload: { from: [...DEFAULT_ENABLED], to: ['email', 'printing'], dropped: ['security_incident', 'telepathy', 'financial'] },
      },
    ]);
  });

  it('an empty set is allowed (the desk takes notes and escalates only), and the floor can never be stored', async () => {
    const { account, token } = await ownerOfNewAccount();
    const r = await t.gql.runOk(SetCategories, { keys: HARD_FLOOR.map((c) => c.key) }, { token });
    if (r.setL1Categories.__typename !== 'SetL1CategoriesPayload') throw new Error(r.setL1Categories.__typename);
    expect(r.setL1Categories.categories.enabled).toEqual([]);
    expect(r.setL1Categories.dropped.map((d) => d.key)).toEqual(HARD_FLOOR.map((c) => c.key));
    expect(await stored(account.id)).toEqual([]);
  });

  it('refuses an over-long key or too many keys and stores nothing', async () => {
    const { account, token } = await ownerOfNewAccount();
    for (const keys of [['email', 'x'.repeat(101)], Array.from({ length: 101 }, () => 'email')]) {
      const r = await t.gql.runOk(SetCategories, { keys }, { token });
      expect(r.setL1Categories.__typename).toBe('ValidationError');
    }
    expect(await stored(account.id)).toEqual([...DEFAULT_ENABLED]);
    const audit = await t.system.query(`SELECT 1 FROM audit_logs WHERE account_id = $1 AND action = 'account.l1_categories'`, [account.id]);
    expect(audit.rowCount).toBe(0);
  });

  it('changes only the caller’s own account', async () => {
    const a = await ownerOfNewAccount();
    const b = await ownerOfNewAccount();
    await t.gql.runOk(SetCategories, { keys: ['vpn'] }, { token: a.token });
    expect(await stored(a.account.id)).toEqual(['vpn']);
    expect(await stored(b.account.id)).toEqual([...DEFAULT_ENABLED]);
    expect((await t.gql.runOk(Categories, {}, { token: b.token })).l1Categories.enabled).toHaveLength(DEFAULT_ENABLED.length);
  });
});
