import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import codegenConfig from '../../codegen.ts';
import { seedDemo } from '../../src/services/demo/seed.ts';
import { logger, startTestApp, type TestApp } from '../helpers/app.ts';
import { spaDistDir } from './spa-dir.ts';

/*
 * The SPA in a real browser against a real API: the demo account, Debian's Chromium through
 * playwright-core. Each e2e file calls `useSpa()` once: one server, one database (seeded with the
 * demo) and one browser for the file; each scenario opens its own contexts (separate cookie jars =
 * separate people). The SPA is built once per test run and shared by every e2e file.
 */

// Debian's Chromium, or CHROMIUM_PATH. `npm test` makes sure it is there (scripts/ensure-chromium.mjs).
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// Run alone (`npx vitest run tests/e2e`) without Chromium, the files are skipped; in CI a missing
// browser is a failure.
export const run = existsSync(CHROMIUM) || !!process.env.CI;
const ROOT = path.resolve(import.meta.dirname, '../..');
export const SHOTS = path.join(ROOT, 'test-results');
const exec = promisify(execFile);

/** The two widths every SPA change is looked at: a laptop and a phone. */
export const VIEWPORTS = {
  desktop: { width: 1280, height: 860 },
  phone: { width: 390, height: 844 },
} as const;

function newestMtime(dir: string, skip: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (p === skip) continue;
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p, skip));
    else if (/\.tsx?$/.test(entry.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Regenerates the SPA's typed documents when a web source or the schema is newer than them. */
async function codegenIfStale(tmp: string) {
  const gqlDir = path.join(ROOT, 'web/src/gql');
  const generated = existsSync(path.join(gqlDir, 'gql.ts')) ? statSync(path.join(gqlDir, 'gql.ts')).mtimeMs : 0;
  const sources = Math.max(newestMtime(path.join(ROOT, 'web/src'), gqlDir), statSync(path.join(ROOT, 'schema.graphql')).mtimeMs);
  if (generated >= sources) return;
  // Only the web output: the API tests' generated documents are not ours to rewrite mid-run.
  const { generates, ...rest } = codegenConfig;
  const config = path.join(tmp, 'codegen-web.json');
  await writeFile(config, JSON.stringify({ ...rest, generates: { 'web/src/gql/': generates['web/src/gql/'] } }));
  await exec(process.execPath, [path.join(ROOT, 'node_modules/@graphql-codegen/cli/esm/bin.js'), '--config', config], { cwd: ROOT });
  // Codegen leaves unchanged files alone; mark them checked so the next run skips this step.
  const now = new Date();
  await utimes(path.join(gqlDir, 'gql.ts'), now, now);
}

/**
 * The built SPA for this test run: the first file to get here builds it under a directory lock;
 * the others wait for it and reuse the output.
 */
async function sharedSpa(): Promise<string> {
  const dist = spaDistDir();
  const lock = `${dist}.lock`;
  const deadline = Date.now() + 110_000;
  for (;;) {
    if (existsSync(path.join(dist, 'index.html'))) return dist;
    try {
      await mkdir(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`timed out waiting for another test file to build the SPA (${lock})`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    if (existsSync(path.join(dist, 'index.html'))) return dist;
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'l1-e2e-build-'));
    try {
      await codegenIfStale(tmp);
      const out = path.join(tmp, 'dist');
      await exec(
        process.execPath,
        [
          path.join(ROOT, 'node_modules/vite/bin/vite.js'),
          'build',
          '--config',
          'web/vite.config.ts',
          '--outDir',
          out,
          '--emptyOutDir',
          '--logLevel',
          'warn',
        ],
        { cwd: ROOT },
      );
      await rm(dist, { recursive: true, force: true });
      // A rename is atomic: a waiting file sees no index.html or a complete build.
      await rename(out, dist);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    return dist;
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

export interface Session {
  context: BrowserContext;
  page: Page;
  errors: string[];
}

export interface OpenOptions {
  viewport?: { width: number; height: number };
}

export interface Spa {
  /** The API + SPA under test (seeded with the demo account). Set once `beforeAll` has run. */
  readonly t: TestApp;
  open(opts?: OpenOptions): Promise<Session>;
  signIn(email: string, opts?: OpenOptions & { password?: string }): Promise<Session>;
  shot(page: Page, name: string): Promise<void>;
  /** On failure, keep a picture of every open page and print what the browser said. */
  capture(name: string, fn: () => Promise<void>): Promise<void>;
  expectNoConsoleErrors(...list: Session[]): void;
  closeSessions(): Promise<void>;
  /** Starts a walk of the demo flow "Outlook won't connect" from the L1 dashboard; returns its id. */
  startWalk(page: Page, customer: string, problem: string): Promise<string>;
}

/** Registers the file's beforeAll/afterAll and returns the helpers its scenarios use. */
export function useSpa(): Spa {
  let t: TestApp | undefined;
  let browser: Browser | undefined;
  const sessions: Session[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // Built first: the API decides at start-up whether there is a SPA to serve.
    const dist = await sharedSpa();
    t = await startTestApp({ listen: true, env: { WEB_DIST_DIR: dist } });
    const client = new pg.Client({ connectionString: t.urls.system });
    await client.connect();
    try {
      await seedDemo(client, logger);
    } finally {
      await client.end();
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 120_000);

  const closeSessions = async () => {
    while (sessions.length) await sessions.pop()!.context.close();
  };

  afterAll(async () => {
    await closeSessions().catch(() => undefined);
    await browser?.close();
    await t?.close();
  });

  const open = async (opts: OpenOptions = {}): Promise<Session> => {
    const context = await browser!.newContext({ baseURL: t!.url, viewport: opts.viewport ?? { width: 1360, height: 860 } });
    // Fail fast with the locator in the message rather than at the test's own timeout.
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    const s = { context, page, errors };
    sessions.push(s);
    return s;
  };

  return {
    get t() {
      if (!t) throw new Error('useSpa(): the test app is not started yet (use it inside a test)');
      return t;
    },
    open,
    signIn: async (email, opts = {}) => {
      const s = await open(opts);
      await s.page.goto('/sign-in');
      await s.page.getByLabel('Email').fill(email);
      await s.page.getByLabel('Password').fill(opts.password ?? 'demo');
      await s.page.getByRole('button', { name: 'Sign in' }).click();
      await s.page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
      return s;
    },
    shot: async (page, name) => {
      await page.screenshot({ path: path.join(SHOTS, `e2e-${name}.png`), fullPage: true });
    },
    capture: async (name, fn) => {
      try {
        await fn();
      } catch (err) {
        for (const [i, s] of sessions.entries()) {
          await s.page.screenshot({ path: path.join(SHOTS, `e2e-failed-${name}-${i}.png`), fullPage: true }).catch(() => undefined);
          console.error(`[${name}] page ${i} at ${s.page.url()}; console errors: ${JSON.stringify(s.errors)}`);
        }
        throw err;
      }
    },
    expectNoConsoleErrors: (...list) => {
      for (const s of list) expect(s.errors, `console errors on ${s.page.url()}`).toEqual([]);
    },
    closeSessions,
    startWalk: async (page, customer, problem) => {
      await page.goto('/l1');
      await page.getByLabel('Customer').fill(customer);
      await page.getByLabel('Contact').fill(`${customer.toLowerCase().replace(/\W+/g, '.')}@example.test`);
      await page.getByLabel('Problem').fill(problem);
      await page.getByRole('combobox').fill('Outlook');
      await page.getByRole('option', { name: /Outlook won't connect/ }).click();
      await page.getByRole('button', { name: 'Start', exact: true }).click();
      await page.waitForURL(/\/l1\/walk\/[0-9a-f-]{36}$/);
      await expect.poll(() => page.getByTestId('current-step').textContent()).toContain('Can the user open Outlook at all?');
      return page.url().split('/').pop()!;
    },
  };
}
