import { z } from 'zod';
import { ValidationError } from './errors.ts';

/** Parse input with a zod schema; failures become a ValidationError naming each field. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  throw new ValidationError(
    r.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
  );
}

// Postgres text cannot hold NUL; refuse it up front rather than fail in the driver.
const noNul = (s: string) => !s.includes('\u0000');
// A lone UTF-16 surrogate cannot be stored as UTF-8 and would come back changed.
const wellFormed = (s: string) => !/[\uD800-\uDFFF]/u.test(s);

/** Free text used only to filter (search boxes): cleaned rather than refused. */
export function filterText(s: string | null | undefined, max = 200): string | undefined {
  const cleaned = s?.replace(/\u0000/g, '').replace(/[\uD800-\uDFFF]/gu, '').trim().slice(0, max);
  return cleaned || undefined;
}

/**
 * Search text for Prisma's `contains`, which becomes LIKE '%…%' without escaping: `%` and `_` would
 * match anything. Escaped with Postgres's default LIKE escape (backslash), each matches itself.
 */
export function likeLiteral(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export const text = (max: number, min = 0) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .refine(noNul, 'must not contain NUL characters')
    .refine(wellFormed, 'must be valid Unicode text')
    .refine((s) => s.trim().length >= min, min === 1 ? 'must not be empty' : `must be at least ${min} characters`);

export const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(320, 'must be at most 320 characters')
  .pipe(z.email('must be a valid email address'));

export const password = z
  .string()
  .min(10, 'must be at least 10 characters')
  .max(200, 'must be at most 200 characters')
  .refine(noNul, 'must not contain NUL characters')
  .refine(wellFormed, 'must be valid Unicode text');

export const uuid = z.uuid('must be a valid id');

export const name = text(200, 1);

/** Optional free text: blank means "none" (null); anything else is kept exactly as sent. */
export function blankToNull(s: string | null | undefined): string | null {
  return s != null && s.trim() !== '' ? s : null;
}
