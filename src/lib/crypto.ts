import { createHash, randomBytes } from 'node:crypto';

export const sha256Hex = (s: string): string => createHash('sha256').update(s).digest('hex');

/** URL-safe random secret with a readable prefix (`l1k_…` API tokens, `inv_…` invites). */
export function randomToken(prefix: string, bytes = 32): string {
  return `${prefix}${randomBytes(bytes).toString('base64url')}`;
}
