import { randomBytes } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type ExecutionResult, print } from 'graphql';
import pg from 'pg';
import { inject } from 'vitest';
import { type App, buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { bootstrapRoles, type DatabaseUrls, ensureDatabase } from '../../src/db/bootstrap.ts';
import type { Clock } from '../../src/lib/clock.ts';
import type { QueuePolicy } from '../../src/jobs/define.ts';
import { createLogger } from '../../src/logger.ts';
import { Factory } from '../factories/index.ts';
import { assertTestDatabase, DB_PREFIX } from './guard.ts';

export const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');

/** A fresh database cloned from the migrated template: unique data per test file. */
export async function createTestDatabase(): Promise<DatabaseUrls> {
  const server = inject('pgServerUrl');
  const template = inject('templateDb');
  const name = `${DB_PREFIX}${process.pid}_${randomBytes(4).toString('hex')}`;
  for (let attempt = 0; ; attempt++) {
    try {
      await ensureDatabase(server, name, template);
      break;
    } catch (err) {
      // Two files cloning the template at the same instant can collide; retry briefly.
      if (attempt > 10 || !/being accessed by other users/.test((err as Error).message)) throw err;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
  const u = new URL(server);
  u.pathname = `/${name}`;
  assertTestDatabase(u.toString());
  // The roles were created (and given their passwords) once by the global set-up.
  return bootstrapRoles(u.toString(), logger, { rolesExist: true });
}

export interface TestAppOptions {
  clock?: Clock;
  env?: Record<string, string>;
  /** Listen on a random port (WebSocket and raw HTTP tests). */
  listen?: boolean;
  urls?: DatabaseUrls;
  jobPolicies?: Record<string, Partial<QueuePolicy>>;
}

export interface TestApp {
  app: App;
  urls: DatabaseUrls;
  factory: Factory;
  /** Connected as l1_system: test set-up and assertions that look across tenants. */
  system: pg.Pool;
  gql: GqlClient;
  url: string;
  close(): Promise<void>;
}

export const TEST_JWT_SECRET = 'test-secret-test-secret-test-secret-0123';

export async function startTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const urls = opts.urls ?? (await createTestDatabase());
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DB_POOL_SIZE: '5',
    JOBS_ENABLED: 'true',
    JOBS_POLL_SECONDS: '0.5',
    // Never due during a test run unless a test schedules its own.
    SWEEP_CRON: '0 0 1 1 *',
    LOGIN_MAX_ATTEMPTS_PER_IP: '100000',
    LOGIN_MAX_FAILURES_PER_EMAIL: '1000',
    // Tests sign in wrongly on purpose; the slowdown has a test of its own (tests/security.test.ts).
    LOGIN_SLOWDOWN_MS: '0',
    WEB_DIST_DIR: './web/dist',
    ...opts.env,
  });
  const app = await buildApp({
    config,
    urls,
    logger,
    jwtSecret: TEST_JWT_SECRET,
    clock: opts.clock,
    jobPolicies: {
      'escalation-notify': { retryDelay: 1, retryBackoff: false, retryDelayMax: undefined, retryLimit: 2 },
      ...opts.jobPolicies,
    },
  });
  let url = 'http://test.local';
  if (opts.listen) {
    await app.listen(0, '127.0.0.1');
    url = app.url();
  }
  const system = new pg.Pool({ connectionString: urls.system, max: 3 });
  const factory = new Factory(system, app.deps.jwt);
  return {
    app,
    urls,
    factory,
    system,
    gql: new GqlClient(app),
    url,
    close: async () => {
      await app.close();
      await system.end();
    },
  };
}

export interface RunOptions {
  token?: string | null;
  headers?: Record<string, string>;
}

type Data = Record<string, unknown>;

/**
 * Operations the way clients send them: JSON over yoga's fetch, typed by codegen documents.
 * `runOk` fails on any GraphQL error; `runError` expects a root field of a given __typename.
 */
export class GqlClient {
  constructor(private readonly app: App) {}

  async raw(body: unknown, opts: RunOptions = {}): Promise<Response> {
    return this.app.yoga.fetch('http://test.local/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        ...opts.headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  async run<R, V>(doc: TypedDocumentNode<R, V>, variables?: V, opts: RunOptions = {}): Promise<ExecutionResult<R>> {
    const res = await this.raw({ query: print(doc), variables }, opts);
    return (await res.json()) as ExecutionResult<R>;
  }

  async runOk<R, V>(doc: TypedDocumentNode<R, V>, variables?: V, opts: RunOptions = {}): Promise<R> {
    const r = await this.run(doc, variables, opts);
    if (r.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(r.errors)}`);
    return r.data as R;
  }

  /** The single root field must be a result of `typename` (e.g. 'SeatLimitExceeded'). */
  async runError<R, V>(doc: TypedDocumentNode<R, V>, variables: V, typename: string, opts: RunOptions = {}): Promise<Data> {
    const data = (await this.runOk(doc, variables, opts)) as Data;
    const value = Object.values(data)[0] as Data;
    if (value?.__typename !== typename) {
      throw new Error(`expected ${typename}, got ${JSON.stringify(value)}`);
    }
    return value;
  }

  /** Expect a GraphQL error with extensions.code (UNAUTHENTICATED, FORBIDDEN, …). */
  async runDenied<R, V>(doc: TypedDocumentNode<R, V>, variables: V, code: string, opts: RunOptions = {}): Promise<void> {
    const r = await this.run(doc, variables, opts);
    const codes = (r.errors ?? []).map((e) => (e.extensions as { code?: string } | undefined)?.code);
    if (!codes.includes(code)) throw new Error(`expected ${code}, got ${JSON.stringify(r)}`);
  }
}
