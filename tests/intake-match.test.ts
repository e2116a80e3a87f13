import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusAccount } from './corpus/intake-account.ts';
import { type Expected, INTAKE_CORPUS, INTAKE_HELD_OUT, type IntakeCase } from './corpus/intake.ts';
import { graphql } from './gql/index.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';

/*
 * The labelled intake corpus through the real service and real Postgres: an account with the
 * corpus's published flows, its knowledge base fixture, and phone and onboarding switched off.
 */

export const MatchIntake = graphql(`
  mutation IntakeMatch_Intake($problem: String!) {
    intake(problemStatement: $problem) {
      __typename
      ... on IntakePayload {
        outcome
        reason
        matchedFlow {
          id
        }
        suggestions {
          flow {
            id
          }
          score
          reason
        }
        category {
          key
        }
        session {
          id
        }
      }
    }
  }
`);

let t: TestApp;
let corpus: Awaited<ReturnType<typeof corpusAccount>>;

beforeAll(async () => {
  t = await startTestApp();
  corpus = await corpusAccount(t);
});
afterAll(() => t.close());

interface Result {
  statement: string;
  expected: Expected;
  flow?: string;
  kind?: string;
  got: string;
  matched?: string;
  detail: string;
  right: boolean;
}

/** Each statement through GraphQL as the corpus account's L1 tech, judged against its label. */
async function run(cases: IntakeCase[]): Promise<Result[]> {
  const keyOf = new Map([...corpus.flowIds].map(([k, id]) => [id, k]));
  const results: Result[] = [];
  for (const x of cases) {
    const r = await t.gql.runOk(MatchIntake, { problem: x.statement }, { token: corpus.token });
    if (r.intake.__typename !== 'IntakePayload') throw new Error(`${x.statement}: ${r.intake.__typename}`);
    const p = r.intake;
    const matched = p.matchedFlow ? keyOf.get(p.matchedFlow.id) : undefined;
    const offered = p.suggestions.map((s) => keyOf.get(s.flow.id));
    let right = p.outcome === x.outcome;
    if (right && x.outcome === 'MATCHED') right = matched === x.flow;
    if (right && x.outcome === 'SUGGEST' && x.flow) right = offered.includes(x.flow);
    const detail =
      p.outcome === 'MATCHED'
        ? `${matched} — ${p.reason}`
        : p.outcome === 'SUGGEST'
          ? p.suggestions.map((s) => `${keyOf.get(s.flow.id)} ${s.score}`).join(', ')
          : p.reason;
    results.push({ statement: x.statement, expected: x.outcome, flow: x.flow, kind: x.kind, got: p.outcome, matched, detail, right });
  }
  return results;
}

/** Precision and recall per outcome, then every miss with why. */
function report(name: string, results: Result[]): void {
  const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(0)} %` : '—');
  const rows = ['MATCHED', 'SUGGEST', 'OUT_OF_SCOPE', 'BUILD', 'ABORTED_NO_KB'].map((o) => {
    const tp = results.filter((r) => r.got === o && r.expected === o && r.right).length;
    const predicted = results.filter((r) => r.got === o).length;
    const actual = results.filter((r) => r.expected === o).length;
    return `${o.padEnd(14)}  ${pct(tp, predicted).padStart(9)}  ${pct(tp, actual).padStart(6)}  ${actual}`;
  });
  const wrong = results.filter((r) => !r.right);
  const floor = results.filter((r) => r.kind === 'hard_floor');
  if (process.env.INTAKE_CORPUS_VERBOSE)
    for (const r of results) console.log(`${r.right ? '✓' : '✗'} ${r.statement} → ${r.got}: ${r.detail}`);
  console.log(
    [
      `${name}: ${results.length - wrong.length}/${results.length} right; hard floor refused ${floor.filter((r) => r.got === 'OUT_OF_SCOPE').length}/${floor.length}`,
      'outcome         precision  recall   n',
      ...rows,
      ...wrong.map((r) => `✗ ${r.statement} → ${r.got} (expected ${r.expected}${r.flow ? ` ${r.flow}` : ''}): ${r.detail}`),
    ].join('\n'),
  );
}

/** A walk started on another flow than the one the statement is about (or on any, when none is). */
const wrongFlows = (results: Result[]) =>
  results.filter((r) => r.got === 'MATCHED' && r.matched !== r.flow).map((r) => `${r.statement} → ${r.detail}`);

describe('intake matching on the labelled corpus', () => {
  it('is large enough to mean something', () => {
    expect(INTAKE_CORPUS.length).toBeGreaterThanOrEqual(150);
    expect(INTAKE_CORPUS.filter((x) => x.kind === 'hard_floor').length).toBeGreaterThanOrEqual(40);
    expect(INTAKE_CORPUS.filter((x) => x.kind === 'near_miss').length).toBeGreaterThanOrEqual(20);
    for (const o of ['MATCHED', 'SUGGEST', 'OUT_OF_SCOPE', 'BUILD', 'ABORTED_NO_KB'] as const)
      expect(
        INTAKE_CORPUS.some((x) => x.outcome === o),
        o,
      ).toBe(true);
  });

  it('gets ≥ 90 % of outcomes right, refuses every hard-floor statement, never starts a wrong flow; prints precision and recall per outcome', async () => {
    const results = await run(INTAKE_CORPUS);
    report('INTAKE_CORPUS', results);
    expect(results.filter((r) => r.kind === 'hard_floor' && r.got !== 'OUT_OF_SCOPE').map((r) => r.statement)).toEqual([]);
    expect(wrongFlows(results)).toEqual([]);
    const wrong = results.filter((r) => !r.right);
    expect((results.length - wrong.length) / results.length, wrong.map((r) => r.statement).join('\n')).toBeGreaterThanOrEqual(0.9);
  });

  it('on INTAKE_HELD_OUT (never tuned on): prints its figures', async () => {
    const results = await run(INTAKE_HELD_OUT);
    report('INTAKE_HELD_OUT', results);
    // A floor below which matching has stopped generalising at all; the printed figures are the measure.
    expect(results.filter((r) => r.right).length / results.length).toBeGreaterThanOrEqual(0.5);
  });
});
