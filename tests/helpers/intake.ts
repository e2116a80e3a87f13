/**
 * Intake answers a walk only for some outcomes (DESIGN §14): `session` and `ticket` are null for
 * SUGGEST, OUT_OF_SCOPE and ABORTED_NO_KB. Tests that start a walk on purpose (a flow, a draft or
 * notes chosen) check it started here and get the payload typed with both present.
 */
type Present<P, K extends string> = P extends Record<K, infer V> ? Record<K, NonNullable<V>> : unknown;
export type Started<P> = P extends { __typename: 'IntakePayload' }
  ? Omit<P, 'session' | 'ticket'> & Present<P, 'session'> & Present<P, 'ticket'>
  : never;

export function started<P extends { __typename: string }>(p: P): Started<P> {
  const x = p as unknown as { __typename: string; session?: unknown; ticket?: unknown };
  if (x.__typename !== 'IntakePayload' || x.session === null || x.ticket === null)
    throw new Error(`expected intake to start a walk, got ${JSON.stringify(p)}`);
  return p as unknown as Started<P>;
}
