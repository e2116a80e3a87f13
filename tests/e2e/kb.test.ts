import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { TEST_PASSWORD } from '../factories/index.ts';
import { run, useSpa, VIEWPORTS } from './harness.ts';

/*
 * DESIGN §12 in the SPA (issue 20): everyone on the desk reads and searches the knowledge base;
 * only engineers, admins and owners add, import, edit and archive (an L1 never reaches the editor).
 * Each scenario in its own account, so "No articles yet" is really empty; at 1280 and 390 px.
 */

const SLOW = { timeout: 15_000 };

const ARTICLE = `# Label printer prints blank labels

The Zebraline label printer feeds labels but nothing is printed on them.

## Check the ribbon

1. Open the lid and check the thermal ribbon is fitted ink side out.
2. Close the lid until it clicks, then press Feed once.

## Still blank

If the labels are still blank, the print head needs replacing: escalate to an engineer.

<script>window.__injected = true</script>
`;

async function fitsWidth(page: Page, width: number) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
}

describe.runIf(run)('knowledge base in Chromium', () => {
  const spa = useSpa();
  const { signIn, shot, capture, expectNoConsoleErrors, closeSessions } = spa;

  /** A fresh account with an engineer and an L1 tech who sign in with the test password. */
  async function team() {
    const account = await spa.t.factory.account();
    const engineer = await spa.t.factory.user(account.id, 'engineer', { name: 'Eve Engineer' });
    const l1 = await spa.t.factory.user(account.id, 'l1_tech', { name: 'Lou Tech' });
    return { account, engineer, l1 };
  }

  /** An article created the way the API's clients do, as that engineer. */
  async function createArticle(user: { id: string; accountId: string }, title: string, body: string): Promise<string> {
    const token = await spa.t.factory.token(user);
    const res = await spa.t.gql.raw(
      {
        query: `mutation($title: String!, $body: String!) { createKbDocument(title: $title, body: $body) {
          __typename ... on CreateKbDocumentPayload { document { id } } } }`,
        variables: { title, body },
      },
      { token },
    );
    const json = (await res.json()) as { data: { createKbDocument: { __typename: string; document?: { id: string } } } };
    expect(json.data.createKbDocument.__typename).toBe('CreateKbDocumentPayload');
    return json.data.createKbDocument.document!.id;
  }

  for (const [width, viewport] of Object.entries(VIEWPORTS)) {
    test(
      `${width}: an L1 tech reads and searches, and never reaches the editor`,
      () =>
        capture(`kb-l1-${width}`, async () => {
          const { engineer, l1 } = await team();
          const id = await createArticle(engineer, 'Wi-Fi keeps dropping in the warehouse', ARTICLE.replace('Zebraline', 'Wifiline'));

          const s = await signIn(l1.email, { viewport, password: TEST_PASSWORD });
          const { page } = s;
          if (width === 'phone') await page.getByRole('button', { name: 'Menu' }).click();
          await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Knowledge base' }).click();
          await page.waitForURL(/\/kb$/);
          await expect.poll(() => page.getByRole('link', { name: 'Wi-Fi keeps dropping in the warehouse' }).count(), SLOW).toBe(1);
          expect(await page.getByRole('link', { name: 'Add an article' }).count()).toBe(0);
          expect(await page.getByRole('link', { name: 'Import files' }).count()).toBe(0);
          await fitsWidth(page, viewport.width);
          await shot(page, `kb-l1-list-${width}`);

          await page.getByLabel('Search the knowledge base').fill('thermal ribbon');
          await expect.poll(() => page.getByTestId('kb-hits').locator('mark').count(), SLOW).toBeGreaterThan(0);
          expect(await page.getByTestId('kb-hits').locator('mark').first().textContent()).toMatch(/thermal|ribbon/i);
          await page.getByTestId('kb-hits').getByRole('link', { name: 'Wi-Fi keeps dropping in the warehouse' }).click();
          await page.waitForURL(`**/kb/${id}`);
          await page.goBack();
          await expect.poll(() => page.getByLabel('Search the knowledge base').inputValue(), SLOW).toBe('thermal ribbon');
          await page.getByLabel('Search the knowledge base').fill('');

          // Paging: 25 to a page, newest first; the count says where the list is.
          if (width === 'desktop') {
            for (let i = 1; i <= 25; i++)
              await createArticle(engineer, `Runbook ${i}`, `# Runbook ${i}\n\nStep ${i}: restart service ${i}.`);
            await page.reload();
            await expect.poll(() => page.getByTestId('kb-range').textContent(), SLOW).toBe('1–25 of 26');
            expect(await page.locator('.kb-table tbody tr').count()).toBe(25);
            await page.getByRole('button', { name: 'Next' }).click();
            await expect.poll(() => page.getByTestId('kb-range').textContent(), SLOW).toBe('26–26 of 26');
            expect(await page.locator('.kb-table tbody tr').textContent()).toContain('Wi-Fi keeps dropping in the warehouse');
            expect(await page.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);
            await page.getByRole('button', { name: 'Previous' }).click();
            await expect.poll(() => page.getByTestId('kb-range').textContent(), SLOW).toBe('1–25 of 26');
            // "warehouse" is in the title, so every section matches: the article is listed once.
            await page.getByLabel('Search the knowledge base').fill('warehouse');
            const hit = page.getByTestId('kb-hits').getByRole('listitem');
            await expect.poll(() => hit.count(), SLOW).toBe(1);
            expect(await hit.textContent()).toMatch(/more sections? match/);
          }

          await page.getByRole('link', { name: 'Wi-Fi keeps dropping in the warehouse' }).click();
          await page.waitForURL(`**/kb/${id}`);
          // Its own "#" heading (not the title) is a section under the page's h1; "##" sit below it.
          await expect.poll(() => page.locator('.markdown h3').first().textContent(), SLOW).toBe('Check the ribbon');
          expect(await page.locator('.markdown h2').allTextContents()).toEqual(['Label printer prints blank labels']);
          expect(await page.getByRole('link', { name: 'Edit' }).count()).toBe(0);
          expect(await page.getByRole('button', { name: /Archive/ }).count()).toBe(0);
          await shot(page, `kb-l1-article-${width}`);

          for (const path of ['/kb/new', '/kb/import', `/kb/${id}/edit`]) {
            await page.goto(path);
            await page.waitForURL(/\/welcome\?denied=kb-edit$/);
            await expect
              .poll(() => page.getByTestId('no-access').textContent(), SLOW)
              .toContain('You don’t have access to adding or changing knowledge-base articles');
            expect(await page.getByLabel('Title').count()).toBe(0);
          }
          expectNoConsoleErrors(s);

          // A viewer has no menu entry and is turned away from the knowledge base itself.
          const viewer = await spa.t.factory.user(l1.accountId, 'viewer');
          const v = await signIn(viewer.email, { viewport, password: TEST_PASSWORD });
          expect(await v.page.getByRole('link', { name: 'Knowledge base' }).count()).toBe(0);
          await v.page.goto(`/kb/${id}`);
          await v.page.waitForURL(/\/welcome\?denied=kb$/);
          await expect
            .poll(() => v.page.getByTestId('no-access').textContent(), SLOW)
            .toContain('You don’t have access to the knowledge base');
          expect(await v.page.getByText('Check the ribbon').count()).toBe(0);
          await closeSessions();
        }),
      120_000,
    );

    test(
      `${width}: an engineer pastes an article, is told about a duplicate, imports files and searches`,
      () =>
        capture(`kb-engineer-${width}`, async () => {
          const { engineer } = await team();
          const s = await signIn(engineer.email, { viewport, password: TEST_PASSWORD });
          const { page } = s;
          await page.goto('/kb');
          await expect.poll(() => page.getByText('No articles yet').count(), SLOW).toBe(1);
          await shot(page, `kb-empty-${width}`);
          // The empty state offers both ways in (the header has them too).
          const empty = page.locator('.state-empty');
          expect(await empty.getByRole('link', { name: 'Import files' }).count()).toBe(1);
          await empty.getByRole('link', { name: 'Add an article' }).click();
          await page.waitForURL(/\/kb\/new$/);

          // Paste: the Markdown is rendered, the raw HTML in it is not run or shown as HTML.
          await page.getByLabel('Title').fill('Label printer prints blank labels');
          await page.getByLabel('Category (optional)').selectOption({ label: 'Printing and scanning' });
          await page.getByLabel('Article').fill(ARTICLE);
          await fitsWidth(page, viewport.width);
          await page.getByRole('button', { name: 'Add the article' }).click();
          await page.waitForURL(/\/kb\/[0-9a-f-]{36}$/);
          const articleUrl = page.url();
          await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), SLOW).toBe('Label printer prints blank labels');
          // One h1, the title: the article's own "# title" is not repeated, its sections are h2.
          expect(await page.locator('h1').count()).toBe(1);
          expect(await page.locator('.markdown h2').allTextContents()).toEqual(['Check the ribbon', 'Still blank']);
          expect(await page.locator('.markdown ol li').count()).toBe(2);
          expect(await page.locator('.markdown script').count()).toBe(0);
          expect(await page.evaluate(() => (window as { __injected?: boolean }).__injected)).toBeUndefined();
          expect(await page.locator('.details').textContent()).toContain('Pasted in');
          expect(await page.locator('.details').textContent()).toContain('Printing and scanning');
          expect(await page.getByRole('link', { name: 'Edit' }).count()).toBe(1);
          await fitsWidth(page, viewport.width);
          await shot(page, `kb-article-${width}`);

          // The same text again: refused, with a link to the article that already has it.
          await page.goto('/kb/new');
          await page.getByLabel('Title').fill('Blank labels (again)');
          await page.getByLabel('Article').fill(ARTICLE);
          await page.getByRole('button', { name: 'Add the article' }).click();
          const dup = page.getByTestId('kb-duplicate');
          await expect.poll(() => dup.textContent(), SLOW).toContain('The knowledge base already has this article');
          expect(await dup.getByRole('link', { name: 'Label printer prints blank labels' }).getAttribute('href')).toBe(
            new URL(articleUrl).pathname,
          );
          expect(page.url()).toMatch(/\/kb\/new$/);
          // Leaving with the text still typed asks first.
          await page.getByRole('link', { name: 'Cancel' }).click();
          const leave = page.getByRole('dialog', { name: 'Leave without saving?' });
          await leave.getByRole('button', { name: 'Stay and keep editing' }).click();
          expect(page.url()).toMatch(/\/kb\/new$/);
          expect(await page.getByLabel('Title').inputValue()).toBe('Blank labels (again)');
          await page.getByRole('link', { name: 'Cancel' }).click();
          await leave.getByRole('button', { name: 'Discard changes' }).click();
          await page.waitForURL(/\/kb$/);

          // Import: a new file, a copy of the pasted article, and one too big to send.
          await page.goto('/kb/import');
          const fresh = `# Docking station shows no screens\n\nUnplug the dock's power for ten seconds, then reconnect the laptop.\n\n${'Check each cable in turn. '.repeat(12000)}`;
          await page.getByLabel('Files').setInputFiles([
            { name: 'docking-station.md', mimeType: 'text/markdown', buffer: Buffer.from(fresh) },
            { name: 'blank-labels.md', mimeType: 'text/markdown', buffer: Buffer.from(ARTICLE) },
            { name: 'huge.txt', mimeType: 'text/plain', buffer: Buffer.alloc(5 * 1024 * 1024 + 1, 'a') },
          ]);
          const chosen = page.getByTestId('kb-chosen');
          await expect.poll(() => chosen.textContent(), SLOW).toContain('huge.txt');
          expect(await chosen.textContent()).toContain('Too big: at most 5 MB per file. It will not be sent.');
          await fitsWidth(page, viewport.width);
          // A slow uplink (Chromium's network emulation), so the upload takes long enough to be seen
          // in steps; every value the bar shows is recorded.
          const cdp = await s.context.newCDPSession(page);
          await cdp.send('Network.enable');
          await cdp.send('Network.emulateNetworkConditions', {
            offline: false,
            latency: 0,
            downloadThroughput: -1,
            uploadThroughput: 256 * 1024,
          });
          await page.evaluate(() => {
            const seen: number[] = [];
            (window as { __progress?: number[] }).__progress = seen;
            new MutationObserver(() => {
              const bar = document.querySelector('[data-testid="kb-progress"]');
              if (bar) seen.push(Number(bar.getAttribute('value')));
            }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['value'] });
          });
          await page.getByRole('button', { name: 'Import 2 files' }).click();
          const results = page.getByTestId('kb-results');
          await expect.poll(() => results.locator('li').count(), SLOW).toBe(3);
          expect(await page.getByTestId('kb-progress').getAttribute('value')).toBe('100');
          const seen = (await page.evaluate(() => (window as { __progress?: number[] }).__progress)) ?? [];
          expect(
            seen.some((p) => p > 0 && p < 100),
            `progress seen: ${seen.join(', ')}`,
          ).toBe(true);
          expect(seen).toEqual([...seen].sort((a, b) => a - b));
          await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
          const row = (name: string) => results.locator('li', { hasText: name });
          expect(await row('docking-station.md').getAttribute('data-status')).toBe('IMPORTED');
          expect(await row('docking-station.md').getByRole('link').count()).toBe(1);
          expect(await row('blank-labels.md').getAttribute('data-status')).toBe('DUPLICATE');
          expect(await row('blank-labels.md').textContent()).toContain(
            'Already in the knowledge base as Label printer prints blank labels',
          );
          expect(await row('blank-labels.md').getByRole('link').getAttribute('href')).toBe(new URL(articleUrl).pathname);
          expect(await row('huge.txt').getAttribute('data-status')).toBe('REJECTED');
          await fitsWidth(page, viewport.width);
          await shot(page, `kb-import-${width}`);

          // Search: the matched word is highlighted in the snippet.
          await page.goto('/kb');
          await expect.poll(() => page.getByTestId('kb-range').textContent(), SLOW).toBe('1–2 of 2');
          await page.getByLabel('Search the knowledge base').fill('ribbon');
          const hits = page.getByTestId('kb-hits');
          await expect.poll(() => hits.locator('li').count(), SLOW).toBeGreaterThan(0);
          const marks = await hits.locator('mark').allTextContents();
          expect(marks.length).toBeGreaterThan(0);
          expect(marks.every((m) => /ribbon/i.test(m))).toBe(true);
          expect(page.url()).toContain('?q=ribbon');
          await fitsWidth(page, viewport.width);
          await shot(page, `kb-search-${width}`);

          // Archive, after a confirmation: the article leaves the search.
          await page.getByLabel('Search the knowledge base').fill('docking station');
          await hits.getByRole('link', { name: 'Docking station shows no screens' }).first().click();
          await page.getByRole('button', { name: 'Archive…' }).click();
          const confirm = page.getByRole('dialog', { name: 'Archive this article?' });
          await confirm.getByRole('button', { name: 'Cancel' }).click();
          expect(await page.getByText('This article is archived').count()).toBe(0);
          await page.getByRole('button', { name: 'Archive…' }).click();
          await confirm.getByRole('button', { name: 'Archive the article' }).click();
          await page.waitForURL(/\/kb$/);
          await page.getByLabel('Search the knowledge base').fill('docking station');
          await expect.poll(() => page.getByText('No article matches “docking station”').count(), SLOW).toBe(1);

          // Edit: the body stays Markdown, the new title shows, the category can be cleared.
          await page.goto(articleUrl);
          await page.getByRole('link', { name: 'Edit' }).click();
          await page.waitForURL(/\/edit$/);
          await expect.poll(() => page.getByLabel('Title').inputValue(), SLOW).toBe('Label printer prints blank labels');
          expect(await page.getByLabel('Article').inputValue()).toContain('## Check the ribbon');
          await page.getByLabel('Title').fill('Zebraline labels come out blank');
          await page.getByLabel('Category (optional)').selectOption({ label: 'No category' });
          await fitsWidth(page, viewport.width);
          await page.getByRole('button', { name: 'Save changes' }).click();
          await page.waitForURL(articleUrl);
          await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), SLOW).toBe('Zebraline labels come out blank');
          expect(await page.locator('.details').textContent()).toContain('CategoryNone');
          // The old title in the body is no longer the page's: it shows as the first section.
          expect(await page.locator('.markdown h2').allTextContents()).toEqual(['Label printer prints blank labels']);
          expectNoConsoleErrors(s);
          await closeSessions();
        }),
      180_000,
    );
  }
});
