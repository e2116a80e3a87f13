/**
 * One declaration for a raw-SQL row: the column each field reads and the field's TypeScript type,
 * so the SELECT list and the row type cannot drift apart.
 *
 *   const walk = columns({ id: col<string>('id'), accountId: col<string>('account_id') });
 *   type WalkRow = RowOf<typeof walk>;
 *   sql<WalkRow>(`SELECT ${walk.select('w')} FROM walk_sessions w …`)
 */
export interface Column<T> {
  readonly column: string;
  /** Phantom: carries the field's type, never read. */
  readonly type?: T;
}

export function col<T>(column: string): Column<T> {
  return { column };
}

export type RowOf<S> = S extends Columns<infer F> ? { [K in keyof F]: F[K] extends Column<infer T> ? T : never } : never;

export interface Columns<F extends Record<string, Column<unknown>>> {
  readonly fields: F;
  /** The columns under their field names, qualified by a table alias (or bare without one). */
  select(alias?: string): string;
}

export function columns<F extends Record<string, Column<unknown>>>(fields: F): Columns<F> {
  const cache = new Map<string, string>();
  return {
    fields,
    select(alias = '') {
      let list = cache.get(alias);
      if (list === undefined) {
        const prefix = alias ? `${alias}.` : '';
        list = Object.entries(fields)
          .map(([name, c]) => (name === c.column ? `${prefix}${c.column}` : `${prefix}${c.column} AS "${name}"`))
          .join(', ');
        cache.set(alias, list);
      }
      return list;
    },
  };
}
