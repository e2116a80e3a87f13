/**
 * A GraphQL enum's values from the services' own const array, so each enum is written once: a
 * value `no_kb_available` becomes NO_KB_AVAILABLE and resolves to the string the services use.
 */
export function enumValuesOf<const T extends readonly string[]>(
  values: T,
  descriptions: Partial<Record<T[number], string>> = {},
): { [K in T[number] as Uppercase<K>]: { value: K; description?: string } } {
  return Object.fromEntries(
    values.map((v) => [
      v.toUpperCase(),
      descriptions[v as T[number]] ? { value: v, description: descriptions[v as T[number]] } : { value: v },
    ]),
  ) as never;
}
