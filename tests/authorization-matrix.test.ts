import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../src/schema/index.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { makePrincipals, PRINCIPALS, type PrincipalName, type Principals } from './helpers/principals.ts';
import { MATRIX, type MatrixEntry } from './matrix-table.ts';
import { subscribeOnce } from './helpers/ws.ts';

let t: TestApp;
let shared: Principals;

beforeAll(async () => {
  t = await startTestApp({ listen: true });
  shared = await makePrincipals(t.factory);
});
afterAll(() => t.close());

function rootFields(): string[] {
  const out: string[] = [];
  for (const [kind, type] of [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
    ['subscription', schema.getSubscriptionType()],
  ] as const) {
    for (const name of Object.keys(type?.getFields() ?? {})) out.push(`${kind}.${name}`);
  }
  return out.sort();
}

const AUTH_CODES = new Set(['FORBIDDEN', 'UNAUTHENTICATED']);

async function outcome(entry: MatrixEntry, field: string, token: string | null, p: Principals): Promise<'allow' | 'deny' | string> {
  const variables = typeof entry.vars === 'function' ? entry.vars(p) : (entry.vars ?? {});
  if (entry.kind === 'subscription') {
    const r = await subscribeOnce(t.url, entry.op, variables, token, 5000, 400);
    if (r.kind === 'rejected') return 'deny';
    if (r.kind === 'error') {
      const codes = r.errors.map((e) => (e.extensions as { code?: string } | undefined)?.code);
      if (codes.some((c) => c && AUTH_CODES.has(c))) return 'deny';
      // Authorized, but the (deliberately unknown) walk does not exist.
      if (codes.every((c) => c === 'NOT_FOUND')) return 'allow';
      return `error: ${JSON.stringify(r.errors)}`;
    }
    return 'allow';
  }
  const res = await t.gql.raw({ query: entry.op, variables }, { token });
  const body = (await res.json()) as { errors?: Array<{ path?: string[]; extensions?: { code?: string } }> };
  const errors = body.errors ?? [];
  if (errors.some((e) => AUTH_CODES.has(e.extensions?.code ?? '') && (e.path?.[0] === field || !e.path))) return 'deny';
  if (errors.length) return `error: ${JSON.stringify(errors)}`;
  return 'allow';
}

describe('authorization matrix', () => {
  it('lists every root field of the schema, and nothing else', () => {
    expect(Object.keys(MATRIX).sort()).toEqual(rootFields());
  });

  for (const [key, entry] of Object.entries(MATRIX)) {
    const [kind, field] = key.split('.') as [string, string];
    it(`${key}: ${entry.allow.length ? entry.allow.join(', ') : 'super admin only'}`, async () => {
      // Mutations get principals of their own: some end sessions or change the account.
      const p = kind === 'mutation' ? await makePrincipals(t.factory) : shared;
      const seen: Record<string, string> = {};
      const want: Record<string, string> = {};
      for (const name of PRINCIPALS) {
        seen[name] = await outcome(entry, field, p.tokens[name as PrincipalName], p);
        want[name] = entry.allow.includes(name) ? 'allow' : 'deny';
      }
      expect(seen).toEqual(want);
    });
  }
});
