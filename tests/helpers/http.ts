import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type ExecutionResult, print } from 'graphql';

export interface HttpResult<R> {
  status: number;
  body: ExecutionResult<R>;
}

/**
 * One operation over a real HTTP connection to a listening server (another process, or this one's
 * `app.listen`), the way a browser or dashboard sends it. Network failures (refused, reset) reject.
 */
export async function httpGql<R, V>(
  baseUrl: string,
  doc: TypedDocumentNode<R, V>,
  variables: V,
  token?: string | null,
  opts: { timeoutMs?: number } = {},
): Promise<HttpResult<R>> {
  const res = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: print(doc), variables }),
    signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
  });
  const text = await res.text();
  let body: ExecutionResult<R>;
  try {
    body = JSON.parse(text) as ExecutionResult<R>;
  } catch {
    body = { errors: [{ message: `HTTP ${res.status}: ${text.slice(0, 200)}` }] } as unknown as ExecutionResult<R>;
  }
  return { status: res.status, body };
}

/** The root field's value when the operation succeeded without GraphQL errors; throws otherwise. */
export function rootOf<R>(r: HttpResult<R>): R[keyof R] {
  if (r.status !== 200 || r.body.errors?.length || !r.body.data) {
    throw new Error(`HTTP ${r.status}: ${JSON.stringify(r.body.errors ?? r.body)}`);
  }
  return Object.values(r.body.data as object)[0] as R[keyof R];
}
