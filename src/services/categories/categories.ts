import { z } from 'zod';
import { sql } from '../../db/tenant.ts';
import { auditRow } from '../audit/audit.ts';
import type { Caller } from '../caller.ts';
import { requireUser } from '../identity/principal.ts';
import { parse, text } from '../validation.ts';
import { category, HARD_FLOOR, isHardFloor, L1_CATEGORIES, type L1Category } from './catalogue.ts';

export interface L1CategoriesView {
  enabled: L1Category[];
  /** Every category an account may enable: all of them but the hard floor. */
  available: L1Category[];
  hardFloor: L1Category[];
}

export interface DroppedCategory {
  key: string;
  reason: string;
}

/** The enabled set as the catalogue orders it; a stored key the catalogue no longer has is ignored. */
function view(stored: readonly string[]): L1CategoriesView {
  const on = new Set(stored);
  return {
    enabled: L1_CATEGORIES.filter((c) => on.has(c.key)),
    available: [...L1_CATEGORIES],
    hardFloor: [...HARD_FLOOR],
  };
}

export async function current(ctx: Caller): Promise<L1CategoriesView> {
  const p = requireUser(ctx);
  const { rows } = await sql<{ keys: string[] }>('SELECT enabled_l1_categories AS keys FROM accounts WHERE id = $1', [p.accountId]);
  return view(rows[0]?.keys ?? []);
}

const setInput = z.object({ keys: z.array(text(100).transform((k) => k.trim())).max(100, 'Send at most 100 categories.') });

/**
 * Stores the enabled set. Keys on the hard floor and keys that are not categories are dropped, and
 * the answer says which and why; the rest replace the set. Audited with the old and new sets.
 */
export async function set(ctx: Caller, input: { keys: string[] }): Promise<{ categories: L1CategoriesView; dropped: DroppedCategory[] }> {
  const p = requireUser(ctx);
  const v = parse(setInput, input);
  const keys: string[] = [];
  const dropped: DroppedCategory[] = [];
  for (const key of new Set(v.keys)) {
    const c = category(key);
    if (!c) dropped.push({ key, reason: `“${key}” is not an L1 category.` });
    else if (isHardFloor(key))
      dropped.push({ key, reason: `${c.label}: these calls always go to an engineer, so they cannot be enabled for L1.` });
    else keys.push(key);
  }
  // Kept in the catalogue's order, so the stored set (and its audit row) reads the same way each time.
  const ordered = L1_CATEGORIES.map((c) => c.key).filter((k) => keys.includes(k));
  const now = ctx.deps.clock.now();
  await sql(
    `WITH old AS (
       SELECT id, enabled_l1_categories AS keys FROM accounts WHERE id = $1 FOR UPDATE
     ), u AS (
       UPDATE accounts a SET enabled_l1_categories = $2::text[], updated_at = $3 FROM old WHERE a.id = old.id
       RETURNING a.id, old.keys AS before
     ), a AS (
       ${auditRow({
         action: 'account.l1_categories',
         entityType: 'account',
         from: 'u',
         account: 'u.id',
         actor: '$4::uuid',
         entityId: 'u.id',
         actingAs: 'NULL',
         at: '$3',
         payload: "jsonb_build_object('from', to_jsonb(u.before), 'to', to_jsonb($2::text[]), 'dropped', to_jsonb($5::text[]))",
       })}
     )
     SELECT 1 FROM u`,
    [p.accountId, ordered, now, p.userId, dropped.map((d) => d.key)],
  );
  return { categories: view(ordered), dropped };
}
