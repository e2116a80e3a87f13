import type { DocumentNode } from 'graphql';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import * as generated from '../../web/src/gql/graphql.ts';

/*
 * Every operation the SPA sends passes the API's validation, including its depth, token and cost
 * limits (graphql-armor). Sent unauthenticated and without variables: validation runs first, and
 * nothing can execute past the missing variables or the auth scopes.
 */

const operations = Object.entries(generated as Record<string, unknown>).filter(
  (e): e is [string, DocumentNode] =>
    !!e[1] &&
    typeof e[1] === 'object' &&
    (e[1] as DocumentNode).kind === 'Document' &&
    (e[1] as DocumentNode).definitions.some((d) => d.kind === 'OperationDefinition'),
);

// Errors that mean "validated, then refused at execution".
const EXECUTION = /^Variable "\$\w+" of required type|^Variable "\$\w+" of non-null type/;

describe('SPA operations against the API schema and limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('finds the SPA documents', () => {
    expect(operations.length).toBeGreaterThan(40);
  });

  it.each(operations)('%s validates', async (_name, doc) => {
    const res = await t.gql.raw({ query: print(doc) }, { headers: { accept: 'application/json' } });
    const text = await res.text();
    let body: { errors?: Array<{ message: string; extensions?: { code?: string } }> };
    try {
      body = JSON.parse(text);
    } catch {
      // An event stream (a subscription refused at execution) is not a validation failure.
      expect(text).not.toMatch(/Syntax Error|Cannot query field|Unknown (type|argument|fragment)/);
      return;
    }
    // Subscriptions are refused over HTTP only after they validated.
    const invalid = (body.errors ?? []).filter(
      (e) =>
        !EXECUTION.test(e.message) &&
        !['UNAUTHENTICATED', 'FORBIDDEN'].includes(e.extensions?.code ?? '') &&
        !/served over WebSocket/.test(e.message),
    );
    expect(invalid, JSON.stringify(body.errors)).toEqual([]);
  });
});
