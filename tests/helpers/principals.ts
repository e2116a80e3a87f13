import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../../src/lib/crypto.ts';
import type { Factory, TestUser } from '../factories/index.ts';

export const PRINCIPALS = ['owner', 'admin', 'engineer', 'coverer', 'l1_tech', 'viewer', 'anonymous', 'apiToken'] as const;
export type PrincipalName = (typeof PRINCIPALS)[number];

export interface Principals {
  accountId: string;
  users: Partial<Record<PrincipalName, TestUser>>;
  tokens: Record<PrincipalName, string | null>;
}

/** An API token with SEATS_READ, straight into the database (the secret is returned). */
export async function apiTokenFor(factory: Factory, accountId: string): Promise<string> {
  const secret = `l1k_${randomBytes(24).toString('base64url')}`;
  await factory.system.query(
    `INSERT INTO api_tokens (account_id, name, token_hash, token_prefix, scopes) VALUES ($1, 'matrix', $2, $3, ARRAY['seats_read'])`,
    [accountId, sha256Hex(secret), secret.slice(0, 12)],
  );
  return secret;
}

/** One of each principal in `accountId` (or a fresh account), each with a live token. */
export async function makePrincipals(factory: Factory, accountId?: string): Promise<Principals> {
  const acc = accountId ?? (await factory.account({ engineerSeats: null, l1Seats: null })).id;
  const users: Principals['users'] = {
    owner: await factory.user(acc, 'owner'),
    admin: await factory.user(acc, 'admin'),
    engineer: await factory.user(acc, 'engineer'),
    coverer: await factory.user(acc, 'engineer', { canCoverL1: true }),
    l1_tech: await factory.user(acc, 'l1_tech'),
    viewer: await factory.user(acc, 'viewer'),
  };
  const tokens = { anonymous: null, apiToken: await apiTokenFor(factory, acc) } as Principals['tokens'];
  for (const [k, u] of Object.entries(users)) tokens[k as PrincipalName] = await factory.token(u!);
  return { accountId: acc, users, tokens };
}
