import type { GraphQLFormattedError } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

export function wsUrl(httpUrl: string): string {
  return `${httpUrl.replace(/^http/, 'ws')}/graphql`;
}

/** A real graphql-ws client, the way the SPA connects. */
export function wsClient(
  httpUrl: string,
  token: string | null,
  opts: { lazy?: boolean; onClose?: (code: number, reason: string) => void } = {},
): Client {
  return createClient({
    url: wsUrl(httpUrl),
    webSocketImpl: WebSocket,
    lazy: opts.lazy ?? true,
    retryAttempts: 0,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    on: {
      // A refused or closed connection is reported through `closed`; nothing else to handle.
      error: () => undefined,
      closed: (e) => {
        const ev = e as { code?: number; reason?: string };
        opts.onClose?.(ev.code ?? 0, ev.reason ?? '');
      },
    },
  });
}

export type SubscribeOutcome =
  | { kind: 'accepted' }
  | { kind: 'rejected'; code: number }
  | { kind: 'error'; errors: readonly GraphQLFormattedError[] }
  | { kind: 'next'; data: unknown };

/** Subscribe, take the first event (or refusal), and disconnect. */
export function subscribeOnce(
  httpUrl: string,
  query: string,
  variables: Record<string, unknown>,
  token: string | null,
  timeoutMs = 5000,
  /** Count a subscription that stays quiet (no error, no close) this long as accepted. */
  quietMs?: number,
): Promise<SubscribeOutcome> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (o: SubscribeOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      void Promise.resolve(client.dispose()).catch(() => undefined);
      resolve(o);
    };
    const client = wsClient(httpUrl, token, { onClose: (code) => finish({ kind: 'rejected', code }) });
    const timer = setTimeout(
      () => finish(quietMs ? { kind: 'accepted' } : { kind: 'error', errors: [{ message: 'timed out waiting for the first event' }] }),
      quietMs ?? timeoutMs,
    );
    client.subscribe(
      { query, variables },
      {
        next: (v) => finish(v.errors?.length ? { kind: 'error', errors: v.errors } : { kind: 'next', data: v.data }),
        error: (e) => {
          if (Array.isArray(e)) finish({ kind: 'error', errors: e as GraphQLFormattedError[] });
          else if ((e as { code?: number })?.code) finish({ kind: 'rejected', code: (e as { code: number }).code });
          else finish({ kind: 'error', errors: [{ message: String(e) }] });
        },
        complete: () => finish({ kind: 'error', errors: [{ message: 'completed without an event' }] }),
      },
    );
  });
}

export interface Collector<T = Record<string, unknown>> {
  events: T[];
  errors: Array<readonly GraphQLFormattedError[]>;
  closed: { code: number; reason: string } | null;
  completed: boolean;
  /** Resolves with the first event (from now on, or already received) matching `pred`. */
  waitFor(pred: (e: T) => boolean, timeoutMs?: number): Promise<T>;
  waitForClose(timeoutMs?: number): Promise<{ code: number; reason: string }>;
  waitForEnd(timeoutMs?: number): Promise<void>;
  dispose(): Promise<void>;
}

/** Subscribe over a real socket and keep every event, error and the close code. */
export function collect<T = Record<string, unknown>>(
  httpUrl: string,
  token: string | null,
  query: string,
  variables: Record<string, unknown> = {},
): Collector<T> {
  const waiters: Array<() => void> = [];
  const wake = () => {
    for (const w of waiters.splice(0)) w();
  };
  const c: Collector<T> = {
    events: [],
    errors: [],
    closed: null,
    completed: false,
    async waitFor(pred, timeoutMs = 5000) {
      const t0 = Date.now();
      for (;;) {
        const hit = c.events.find(pred);
        if (hit) return hit;
        if (c.closed || c.completed)
          throw new Error(`ended before a matching event (close ${JSON.stringify(c.closed)}, errors ${JSON.stringify(c.errors)})`);
        const left = timeoutMs - (Date.now() - t0);
        if (left <= 0) throw new Error(`timed out; got ${JSON.stringify(c.events.slice(-3))}`);
        await new Promise<void>((r) => {
          const timer = setTimeout(r, left);
          waiters.push(() => {
            clearTimeout(timer);
            r();
          });
        });
      }
    },
    async waitForClose(timeoutMs = 5000) {
      const t0 = Date.now();
      while (!c.closed) {
        if (Date.now() - t0 > timeoutMs) throw new Error('socket did not close');
        await new Promise((r) => setTimeout(r, 20));
      }
      return c.closed;
    },
    async waitForEnd(timeoutMs = 5000) {
      const t0 = Date.now();
      while (!c.completed && !c.closed) {
        if (Date.now() - t0 > timeoutMs) throw new Error('subscription did not end');
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    dispose: async () => {
      unsubscribe();
      await Promise.resolve(client.dispose()).catch(() => undefined);
    },
  };
  const client = wsClient(httpUrl, token, {
    onClose: (code, reason) => {
      c.closed = { code, reason };
      wake();
    },
  });
  const unsubscribe = client.subscribe(
    { query, variables },
    {
      next: (v) => {
        if (v.errors?.length) c.errors.push(v.errors);
        if (v.data) c.events.push(v.data as T);
        wake();
      },
      error: (e) => {
        if (Array.isArray(e)) c.errors.push(e as GraphQLFormattedError[]);
        wake();
      },
      complete: () => {
        c.completed = true;
        wake();
      },
    },
  );
  return c;
}
