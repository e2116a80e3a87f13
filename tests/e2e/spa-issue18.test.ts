import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { run, useSpa, VIEWPORTS } from './harness.ts';

/*
 * Issue 18, the SPA items of helper `spa`: nothing lost (notes drafts, limits, the flow editor's
 * unsaved edits), long text, walk titles and counts, drafts from notes, the phone layout, and
 * GraphiQL offline.
 */

const WIDTHS = [
  ['desktop', VIEWPORTS.desktop],
  ['phone', VIEWPORTS.phone],
] as const;

/** Only this machine answers: anything else (a CDN) fails as it would offline. */
async function offline(page: Page) {
  const blocked: string[] = [];
  await page.context().route(
    (url) => url.hostname !== '127.0.0.1' && url.hostname !== 'localhost',
    (route) => {
      blocked.push(route.request().url());
      return route.abort('internetdisconnected');
    },
  );
  return blocked;
}

describe.runIf(run)('issue 18 in Chromium (helper spa)', () => {
  const spa = useSpa();
  const { signIn, open, shot, capture, expectNoConsoleErrors, closeSessions } = spa;

  for (const [name, viewport] of WIDTHS) {
    test(`GraphiQL works offline for the owner and runs { me { name } } (${name})`, () =>
      capture(`graphiql-${name}`, async () => {
        const owner = await signIn('owner@demo.local', { viewport });
        const { page } = owner;
        const blocked = await offline(page);
        // The lead's CSP: scripts from this origin only. The page must run under it.
        await page.context().route('**/graphql', async (route) => {
          if (route.request().resourceType() !== 'document') return route.fallback();
          const res = await route.fetch();
          await route.fulfill({ response: res, headers: { ...res.headers(), 'content-security-policy': "script-src 'self'" } });
        });
        const csp: string[] = [];
        page.on('console', (m) => {
          if (/Content Security Policy/i.test(m.text())) csp.push(m.text());
        });
        await page.goto('/graphql');
        await expect.poll(() => page.title()).toBe('L1 Workspace — GraphiQL');
        const editor = page.locator('.graphiql-query-editor .monaco-editor, .graphiql-query-editor [role="textbox"], .graphiql-query-editor textarea').first();
        await editor.waitFor({ timeout: 20_000 });
        await editor.click();
        await page.keyboard.press('ControlOrMeta+A');
        await page.keyboard.press('Delete');
        await page.keyboard.type('{ me { name } }');
        const answered = page.waitForResponse((r) => r.request().method() === 'POST' && /\bme\b/.test(r.request().postData() ?? '') && !(r.request().postData() ?? '').includes('IntrospectionQuery'));
        await page.getByRole('button', { name: /Execute query/ }).first().click();
        expect(await (await answered).json()).toEqual({ data: { me: { name: 'Olivia Owner' } } });
        // Monaco draws spaces as no-break spaces, and only the lines in view (at 390 px the pane is narrow).
        await expect.poll(async () => (await page.locator('.graphiql-response').textContent())?.replace(/\s+/g, ''), { timeout: 15_000 }).toContain(
          name === 'desktop' ? '"name":"OliviaOwner"' : '"data"',
        );
        await shot(page, `18-graphiql-${name}`);
        expect(blocked).toEqual([]);
        expect(csp).toEqual([]);
        expect(await page.content()).not.toContain('Loading __TITLE__');
        await closeSessions();
      }),
    90_000);
  }

  test('GraphiQL tells an engineer and a signed-out visitor why it is refused, with a way back', () =>
    capture('graphiql-refused', async () => {
      const engineer = await signIn('engineer@demo.local', { viewport: VIEWPORTS.phone });
      await engineer.page.goto('/graphql');
      await expect.poll(() => engineer.page.getByRole('heading', { level: 1 }).textContent()).toBe('GraphiQL is for owners and admins — sign in as one');
      expect(await engineer.page.textContent('body')).toContain('You are signed in as Erin Engineer, an engineer.');
      await shot(engineer.page, '18-graphiql-refused');
      await engineer.page.getByRole('link', { name: 'Back to L1 Workspace' }).click();
      await engineer.page.waitForURL((u) => u.pathname !== '/graphql');

      const visitor = await open({ viewport: VIEWPORTS.desktop });
      await visitor.page.goto('/graphql');
      expect(await visitor.page.textContent('body')).toContain('You are not signed in');
      await visitor.page.getByRole('link', { name: 'Sign in' }).click();
      await visitor.page.waitForURL('**/sign-in');
      await closeSessions();
    }),
  60_000);
});
