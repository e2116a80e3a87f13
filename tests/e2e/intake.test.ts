import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import type { FlowNode } from '../../src/services/flows/graph.ts';
import { TEST_PASSWORD } from '../factories/index.ts';
import { run, useSpa, VIEWPORTS } from './harness.ts';

/*
 * DESIGN §14 in the SPA (issue 20): the new-call form sends only what the L1 typed, and each intake
 * outcome has its screen: MATCHED goes straight to the walk and says why, SUGGEST offers the flows,
 * OUT_OF_SCOPE and ABORTED_NO_KB offer escalation (reason pre-filled), BUILD lists the articles on
 * the walk. What the L1 typed is never lost between the screens. Each viewport in its own account
 * with flows and an article of its own; at 1280 and 390 px.
 */

const SLOW = { timeout: 15_000 };

function labelFlow(title: string, description: string, question: string): { title: string; rootNodeId: string; nodes: FlowNode[] } {
  return {
    title,
    rootNodeId: 'q',
    nodes: [
      { id: 'q', kind: 'question', text: question, yesLabel: 'Yes', noLabel: 'No', yesNext: 'fixed', noNext: 'esc' },
      { id: 'fixed', kind: 'resolution', text: `Resolved: ${description}` },
      { id: 'esc', kind: 'escalation', text: 'Escalate to engineers with the printer model and what was tried.' },
    ] as FlowNode[],
  };
}

async function fitsWidth(page: Page, width: number) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
}

describe.runIf(run)('intake outcomes in Chromium', () => {
  const spa = useSpa();
  const { signIn, shot, capture, expectNoConsoleErrors, closeSessions } = spa;

  const DOCKING = {
    title: 'Docking station shows no screens',
    body: '# Docking station shows no screens\n\n## Power cycle the dock\n\n1. Unplug the docking station power for ten seconds.\n2. Reconnect the laptop and wait for the external monitors.\n',
  };
  const RIBBON = {
    title: 'Changing the label printer ribbon',
    body: '# Changing the label printer ribbon\n\n1. Open the lid of the label printer.\n2. Fit the new ribbon ink side out and close the lid.\n',
  };

  /** A fresh account: an L1 tech, an engineer, two label-printer flows, and maybe an article. */
  async function desk(opts: { article?: { title: string; body: string } } = {}) {
    const f = spa.t.factory;
    const account = await f.account();
    const engineer = await f.user(account.id, 'engineer', { name: 'Eve Engineer' });
    const l1 = await f.user(account.id, 'l1_tech', { name: 'Lou Tech' });
    const offline = await f.publishedFlow(
      account.id,
      engineer.id,
      labelFlow('Label printer offline', 'the label printer is back online', 'Is the label printer switched on and its cable plugged in?'),
    );
    const jams = await f.publishedFlow(
      account.id,
      engineer.id,
      labelFlow('Label printer jams', 'the jammed labels were cleared', 'Are labels stuck under the label printer head?'),
    );
    if (!opts.article) return { l1, offline, jams, articleId: null };
    const token = await f.token(engineer);
    const res = await spa.t.gql.raw(
      {
        query: `mutation($title: String!, $body: String!) { createKbDocument(title: $title, body: $body) {
          __typename ... on CreateKbDocumentPayload { document { id } } } }`,
        variables: opts.article,
      },
      { token },
    );
    const created = (await res.json()) as { data: { createKbDocument: { __typename: string; document?: { id: string } } } };
    expect(created.data.createKbDocument.__typename).toBe('CreateKbDocumentPayload');
    return { l1, offline, jams, articleId: created.data.createKbDocument.document!.id };
  }

  async function fill(page: Page, customer: string, problem: string) {
    await page.goto('/l1');
    await page.getByLabel('Customer').fill(customer);
    await page.getByLabel('Contact').fill('+1 555 0142');
    await page.getByLabel('Problem').fill(problem);
  }

  const panel = (page: Page) => page.getByTestId('intake-outcome');

  for (const [width, viewport] of Object.entries(VIEWPORTS)) {
    test(
      `${width}: a clear match goes straight to the walk and says why; close ones are offered, and what was typed stays`,
      () =>
        capture(`intake-match-${width}`, async () => {
          const { l1, offline, jams, articleId } = await desk({ article: RIBBON });
          const s = await signIn(l1.email, { viewport, password: TEST_PASSWORD });
          const { page } = s;

          // MATCHED: the walk on that flow, with the flow named and the reason.
          await fill(page, 'Acme Depot', 'The label printer is offline');
          await page.getByRole('button', { name: 'Start', exact: true }).click();
          await page.waitForURL(/\/l1\/walk\/[0-9a-f-]{36}$/);
          await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), SLOW).toBe(offline.title);
          const banner = page.getByTestId('intake-banner');
          await expect.poll(() => banner.textContent(), SLOW).toContain(`This call matched the flow “${offline.title}”.`);
          expect((await banner.textContent())!.length).toBeGreaterThan(`This call matched the flow “${offline.title}”.`.length + 5);
          expect(await page.getByTestId('current-step').textContent()).toContain('Is the label printer switched on');
          await fitsWidth(page, viewport.width);
          await shot(page, `intake-matched-${width}`);

          // SUGGEST: both flows offered with their reasons; nothing started yet.
          await fill(page, 'Bolt Freight', 'Problem with the label printer');
          await page.getByRole('button', { name: 'Start', exact: true }).click();
          await expect.poll(() => panel(page).getByRole('heading').textContent(), SLOW).toBe('These flows might fit');
          const suggested = panel(page).getByRole('list', { name: 'Suggested flows' });
          expect(await suggested.textContent()).toContain(offline.title);
          expect(await suggested.textContent()).toContain(jams.title);
          expect(await page.getByTestId('intake-typed').textContent()).toContain('Problem with the label printer');
          expect(await page.getByTestId('intake-typed').textContent()).toContain('Bolt Freight');
          expect(page.url()).toMatch(/\/l1$/);
          await fitsWidth(page, viewport.width);
          await shot(page, `intake-suggest-${width}`);

          // Back to the form: everything typed is still there, through a reload too.
          await panel(page).getByRole('button', { name: 'Change the details' }).click();
          expect(await page.getByLabel('Problem').inputValue()).toBe('Problem with the label printer');
          await page.reload();
          await expect.poll(() => page.getByLabel('Problem').inputValue(), SLOW).toBe('Problem with the label printer');
          expect(await page.getByLabel('Customer').inputValue()).toBe('Bolt Freight');
          expect(await page.getByLabel('Contact').inputValue()).toBe('+1 555 0142');

          // Walk one of them: a walk on that flow, for the same caller.
          await page.getByRole('button', { name: 'Start', exact: true }).click();
          await panel(page)
            .getByRole('button', { name: `Walk this flow: ${jams.title}` })
            .click();
          await page.waitForURL(/\/l1\/walk\/[0-9a-f-]{36}$/);
          await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), SLOW).toBe(jams.title);
          expect(await page.getByTestId('ticket-problem').textContent()).toContain('Problem with the label printer');
          expect(await page.locator('.details').textContent()).toContain('Bolt Freight');

          // The form is empty again for the next call.
          await page.goto('/l1');
          await expect.poll(() => page.getByLabel('Problem').inputValue(), SLOW).toBe('');

          // SUGGEST, then notes with the knowledge base: an honest label, and an ad-hoc walk.
          await fill(page, 'Crane Ltd', 'Problem with the label printer');
          await page.getByRole('button', { name: 'Start', exact: true }).click();
          await expect.poll(() => panel(page).textContent(), SLOW).toContain('Walks built step by step from your articles are coming');
          await panel(page).getByRole('button', { name: 'Build from the knowledge base' }).click();
          await page.waitForURL(/\/l1\/walk\/[0-9a-f-]{36}$/);
          await page.getByLabel('New note').waitFor();
          // The articles are searched for what the caller said, any of its words.
          const articles = page.getByTestId('walk-knowledge');
          await expect.poll(() => articles.getByRole('link', { name: /Changing the label printer ribbon/ }).count(), SLOW).toBe(1);
          expect(await articles.getByRole('link').first().getAttribute('href')).toBe(`/kb/${articleId}`);
          expect(await articles.locator('mark').count()).toBeGreaterThan(0);
          await fitsWidth(page, viewport.width);
          await shot(page, `intake-notes-with-articles-${width}`);
          expectNoConsoleErrors(s);
          await closeSessions();
        }),
      180_000,
    );

    test(
      `${width}: out of scope and nothing-to-walk offer escalation with the reason filled in; articles found are listed on the walk`,
      () =>
        capture(`intake-refuse-${width}`, async () => {
          const { l1, articleId } = await desk({ article: DOCKING });
          const s = await signIn(l1.email, { viewport, password: TEST_PASSWORD });
          const { page } = s;

          // OUT_OF_SCOPE: the category in words, and escalation with "Out of scope for L1" chosen.
          await fill(page, 'Delta Bank', 'I clicked a link in an email and typed my password, now there is a ransom note on screen');
          await page.getByRole('button', { name: 'Start', exact: true }).click();
          await expect
            .poll(() => panel(page).getByRole('heading').textContent(), SLOW)
            .toBe('This looks like a security incident: L1 does not handle these');
          await fitsWidth(page, viewport.width);
          await shot(page, `intake-out-of-scope-${width}`);
          await panel(page).getByRole('button', { name: 'Escalate to an engineer…' }).click();
          const dialog = page.getByRole('dialog', { name: 'Escalate without a walk' });
          await expect.poll(() => dialog.getByLabel('Problem').inputValue(), SLOW).toContain('ransom note on screen');
          expect(await dialog.getByLabel('Customer (optional)').inputValue()).toBe('Delta Bank');
          expect(await dialog.getByLabel('Reason').inputValue()).toBe('OUT_OF_SCOPE');
          await fitsWidth(page, viewport.width);
          await dialog.getByRole('button', { name: 'Escalate', exact: true }).click();
          await page.waitForURL(/\/l1\/walk\/[0-9a-f-]{36}$/);
          await expect.poll(() => page.locator('.page-actions').textContent(), SLOW).toContain('Escalated');

          // ABORTED_NO_KB: said plainly; escalation starts from "No knowledge base for this"; notes instead.
          await fill(page, 'Echo Cafe', 'The espresso machine in the staff kitchen shows error E42');
          await page.getByRole('button', { name: 'Start', exact: true }).click();
          await expect.poll(() => panel(page).getByRole('heading').textContent(), SLOW).toBe('No flow or article covers this');
          await fitsWidth(page, viewport.width);
          await shot(page, `intake-no-kb-${width}`);
          await panel(page).getByRole('button', { name: 'Escalate to an engineer…' }).click();
          expect(await dialog.getByLabel('Reason').inputValue()).toBe('NO_KB_AVAILABLE');
          await dialog.getByRole('button', { name: 'Cancel' }).click();
          await panel(page).getByRole('button', { name: 'Take notes' }).click();
          await page.waitForURL(/\/l1\/walk\/[0-9a-f-]{36}$/);
          await page.getByLabel('New note').waitFor();
          expect(await page.getByTestId('ticket-problem').textContent()).toContain('error E42');

          // BUILD: no flow fits, an article does: notes, with the article listed and linked.
          await fill(page, 'Foxtrot Legal', 'My docking station shows no screens');
          await page.getByRole('button', { name: 'Start', exact: true }).click();
          await page.waitForURL(/\/l1\/walk\/[0-9a-f-]{36}$/);
          await expect
            .poll(() => page.getByTestId('intake-banner').textContent(), SLOW)
            .toContain('No flow fits this call, but articles do.');
          const articles = page.getByTestId('walk-knowledge');
          await expect
            .poll(() => articles.getByRole('link', { name: /Docking station shows no screens/ }).count(), SLOW)
            .toBeGreaterThan(0);
          expect(await articles.getByRole('link').first().getAttribute('href')).toBe(`/kb/${articleId}`);
          await page.getByLabel('New note').waitFor();
          await fitsWidth(page, viewport.width);
          await shot(page, `intake-build-${width}`);
          expectNoConsoleErrors(s);
          await closeSessions();
        }),
      180_000,
    );
  }
});
