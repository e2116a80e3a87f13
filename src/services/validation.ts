import { z } from 'zod';
import { sentence, ValidationError } from './errors.ts';

/** Parse input with a zod schema; failures become a ValidationError naming each field. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  throw new ValidationError(
    r.error.issues.map((i) => ({ path: i.path.map(String), message: sentence(i.path as Array<string | number>, i.message) })),
  );
}

// Postgres text cannot hold NUL; refuse it up front rather than fail in the driver.
const noNul = (s: string) => !s.includes('\u0000');
// A lone UTF-16 surrogate cannot be stored as UTF-8 and would come back changed.
const wellFormed = (s: string) => !/[\uD800-\uDFFF]/u.test(s);

/** Free text used only to filter (search boxes): cleaned rather than refused. */
export function filterText(s: string | null | undefined, max = 200): string | undefined {
  const cleaned = s
    ?.replaceAll('\u0000', '')
    .replace(/[\uD800-\uDFFF]/gu, '')
    .trim()
    .slice(0, max);
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
    .refine(noNul, 'contains a character that cannot be saved (a NUL byte); remove it')
    .refine(wellFormed, 'contains a broken character; retype or paste it again')
    .refine((s) => s.trim().length >= min, min === 1 ? 'is required' : `must be at least ${min} characters`);

export const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(320, 'must be at most 320 characters')
  .pipe(z.email('must be an email address, like name@company.com'));

export const password = z
  .string()
  .min(10, 'must be at least 10 characters')
  .max(200, 'must be at most 200 characters')
  .refine(noNul, 'contains a character that cannot be saved (a NUL byte); remove it')
  .refine(wellFormed, 'contains a broken character; retype it');

// Ids come from links and buttons, never from typing: a bad one means a stale or broken link.
export const uuid = z.uuid('This link or item is not valid any more; reload the page and try again');

export const name = text(200, 1);

/** Optional free text: blank means "none" (null); anything else is kept exactly as sent. */
export function blankToNull(s: string | null | undefined): string | null {
  return s != null && s.trim() !== '' ? s : null;
}

/** Seconds in the largest whole unit people use for session limits: "3 days", "90 minutes". */
export function duration(seconds: number): string {
  const unit = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  if (seconds % 86_400 === 0) return unit(seconds / 86_400, 'day');
  if (seconds % 3600 === 0) return unit(seconds / 3600, 'hour');
  if (seconds % 60 === 0) return unit(seconds / 60, 'minute');
  return unit(seconds, 'second');
}
