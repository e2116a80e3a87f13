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

/** Starts an ad-hoc call (no flow) from the L1 dashboard; returns the walk id. */
async function startAdhoc(page: Page, customer: string, problem: string): Promise<string> {
  await page.goto('/l1');
  await page.getByLabel('Customer').fill(customer);
  await page.getByLabel('Contact').fill('front.desk@example.test');
  await page.getByLabel('Problem').fill(problem);
  await page.getByRole('button', { name: 'Take notes', exact: true }).click();
  await page.waitForURL(/\/l1\/walk\/[0-9a-f-]{36}$/);
  await page.getByLabel('New note').waitFor();
  return page.url().split('/').pop()!;
}

/** Where an element is on the page (document coordinates), and whether it fits the viewport's width. */
async function box(page: Page, locator: ReturnType<Page['locator']>) {
  const b = await locator.boundingBox();
  if (!b) throw new Error('not visible');
  const scrollY = await page.evaluate(() => window.scrollY);
  const width = page.viewportSize()!.width;
  return { top: b.y + scrollY, left: b.x, right: b.x + b.width, fitsWidth: b.x >= 0 && b.x + b.width <= width };
}

/** Types like a paste: one input event with the whole text. */
async function paste(page: Page, label: string, text: string) {
  await page.getByLabel(label, { exact: true }).evaluate((el, value) => {
    const input = el as HTMLTextAreaElement;
    input.focus();
    document.execCommand('insertText', false, value);
  }, text);
}

describe.runIf(run)('issue 18 in Chromium (helper spa)', () => {
  const spa = useSpa();
  const { signIn, open, shot, capture, expectNoConsoleErrors, closeSessions } = spa;

  for (const [name, viewport] of WIDTHS) {
    test(
      `ad-hoc notes survive a reload, the badge never says Saved over unsent text, and over-long text is refused with a counter (${name})`,
      () =>
        capture(`notes-${name}`, async () => {
          const l1 = await signIn('l1@demo.local', { viewport });
          const { page } = l1;
          // The intake form keeps a 10 000-character paste whole and says it is too long.
          await page.goto('/l1');
          await paste(page, 'Problem', 'x'.repeat(10_000));
          expect((await page.getByLabel('Problem', { exact: true }).inputValue()).length).toBe(10_000);
          await expect
            .poll(() => page.getByTestId('problem-count').textContent())
            .toBe('Too long by 6,000 characters: at most 4,000. Shorten it before saving.');
          expect(await page.getByRole('button', { name: 'Start', exact: true }).isDisabled()).toBe(true);
          await shot(page, `18-intake-too-long-${name}`);

          const walkId = await startAdhoc(page, `Hooli ${name}`, `Printer on floor 3 jams on every duplex job (${name})`);
          const badge = page.getByTestId('save-status');
          // A note typed but not added is not "Saved", and a reload gives it back.
          await page.getByLabel('New note').fill('Customer says it started after the firmware update');
          await expect.poll(() => badge.textContent()).toBe('Note not added yet');
          await page.reload();
          await expect.poll(() => page.getByLabel('New note').inputValue()).toBe('Customer says it started after the firmware update');
          await page.getByRole('button', { name: 'Add note' }).click();
          // Reloaded before the autosave could run: the note is kept here and sent after the reload.
          await page.reload();
          await expect
            .poll(() =>
              page
                .getByLabel(/^Note at /)
                .first()
                .inputValue(),
            )
            .toBe('Customer says it started after the firmware update');
          await expect.poll(() => badge.textContent(), { timeout: 8000 }).toBe('Saved');
          const saved = await spa.t.system.query<{ notes: Array<{ content: string }> }>('SELECT notes FROM walk_sessions WHERE id = $1', [
            walkId,
          ]);
          expect(saved.rows[0]!.notes.map((n) => n.content)).toEqual(['Customer says it started after the firmware update']);

          // A 25 000-character paste into a note is kept whole, refused with a counter, never cut.
          await paste(page, 'New note', 'y'.repeat(25_000));
          await expect
            .poll(() => page.getByTestId('new-note-count').textContent())
            .toBe('Too long by 5,000 characters: at most 20,000. Shorten it before saving.');
          expect(await page.getByRole('button', { name: 'Add note' }).isDisabled()).toBe(true);
          expect(await badge.textContent()).toBe('Note not added yet');
          await shot(page, `18-notes-too-long-${name}`);
          expectNoConsoleErrors(l1);
          await closeSessions();
        }),
      90_000,
    );
  }

  for (const [name, viewport] of WIDTHS) {
    test(
      `GraphiQL works offline for the owner and runs { me { name } } (${name})`,
      () =>
        capture(`graphiql-${name}`, async () => {
          const owner = await signIn('owner@demo.local', { viewport });
          const { page } = owner;
          const blocked = await offline(page);
          // The page runs under the server's own Content-Security-Policy: scripts and workers from
          // this origin only (src/server/headers.ts); any violation is reported on the console.
          const csp: string[] = [];
          page.on('console', (m) => {
            if (/Content Security Policy/i.test(m.text())) csp.push(m.text());
          });
          await page.goto('/graphql');
          await expect.poll(() => page.title()).toBe('L1 Workspace — GraphiQL');
          const editor = page
            .locator('.graphiql-query-editor .monaco-editor, .graphiql-query-editor [role="textbox"], .graphiql-query-editor textarea')
            .first();
          await editor.waitFor({ timeout: 20_000 });
          await editor.click();
          await page.keyboard.press('ControlOrMeta+A');
          await page.keyboard.press('Delete');
          await page.keyboard.type('{ me { name } }');
          const answered = page.waitForResponse(
            (r) =>
              r.request().method() === 'POST' &&
              /\bme\b/.test(r.request().postData() ?? '') &&
              !(r.request().postData() ?? '').includes('IntrospectionQuery'),
          );
          await page
            .getByRole('button', { name: /Execute query/ })
            .first()
            .click();
          expect(await (await answered).json()).toEqual({ data: { me: { name: 'Olivia Owner' } } });
          // Monaco draws spaces as no-break spaces, and only the lines in view (at 390 px the pane is narrow).
          await expect
            .poll(async () => (await page.locator('.graphiql-response').textContent())?.replace(/\s+/g, ''), { timeout: 15_000 })
            .toContain(name === 'desktop' ? '"name":"OliviaOwner"' : '"data"');
          await shot(page, `18-graphiql-${name}`);
          expect(blocked).toEqual([]);
          expect(csp).toEqual([]);
          expect(await page.content()).not.toContain('Loading __TITLE__');
          await closeSessions();
        }),
      90_000,
    );
  }

  test(
    'GraphiQL tells an engineer and a signed-out visitor why it is refused, with a way back',
    () =>
      capture('graphiql-refused', async () => {
        const engineer = await signIn('engineer@demo.local', { viewport: VIEWPORTS.phone });
        await engineer.page.goto('/graphql');
        await expect
          .poll(() => engineer.page.getByRole('heading', { level: 1 }).textContent())
          .toBe('GraphiQL is for owners and admins — sign in as one');
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
    60_000,
  );

  test(
    'at 390 px the owner’s page starts in the first screen, the menu opens and navigates, and action buttons are on screen',
    () =>
      capture('phone-layout', async () => {
        const owner = await signIn('owner@demo.local', { viewport: VIEWPORTS.phone });
        const { page } = owner;
        await page.goto('/admin/users');
        const h1 = page.getByRole('heading', { level: 1 });
        await expect.poll(() => h1.textContent()).toBe('Users & seats');
        expect((await box(page, h1)).top).toBeLessThan(200);
        // Every row's actions are reachable without scrolling sideways.
        const actions = page.locator('td.row-actions button, td.row-actions a, td.row-actions select');
        await expect.poll(() => actions.count()).toBeGreaterThan(0);
        for (const b of await actions.all()) expect((await box(page, b)).fitsWidth, (await b.textContent()) ?? '').toBe(true);
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(VIEWPORTS.phone.width);
        await shot(page, '18-phone-users');

        const menu = page.getByRole('button', { name: 'Menu' });
        expect(await menu.getAttribute('aria-expanded')).toBe('false');
        expect(await page.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(false);
        await menu.click();
        expect(await menu.getAttribute('aria-expanded')).toBe('true');
        const nav = page.getByRole('navigation', { name: 'Main' });
        await expect.poll(() => nav.isVisible()).toBe(true);
        await shot(page, '18-phone-menu-open');
        await nav.getByRole('link', { name: 'Audit log' }).click();
        await page.waitForURL('**/admin/audit');
        await expect.poll(() => nav.isVisible()).toBe(false);
        // The URL changes before the page renders (a loaded host once measured the heading in between).
        await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Audit log');
        expect((await box(page, page.getByRole('heading', { level: 1 }))).top).toBeLessThan(200);

        // The flow editor's header keeps its title and its three actions on screen.
        await menu.click();
        await nav.getByRole('link', { name: 'Flow library' }).click();
        await page.getByRole('link', { name: "Outlook won't connect" }).first().click();
        await page.waitForURL(/\/engineer\/flows\/[0-9a-f-]{36}$/);
        const title = page.getByLabel('Flow title');
        await title.waitFor();
        expect((await title.boundingBox())!.width).toBeGreaterThan(300);
        for (const label of ['Archive', 'Save draft', 'Publish']) {
          expect((await box(page, page.getByRole('button', { name: label, exact: true }))).fitsWidth, label).toBe(true);
        }
        await shot(page, '18-phone-flow-editor');
        // Nothing on the page is wider than the phone (a node's delete button was 28 px off screen).
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(VIEWPORTS.phone.width);
        expectNoConsoleErrors(owner);

        // The coverage board's Watch and Take over are on screen for a coverer.
        const l1 = await signIn('l1b@demo.local', { viewport: VIEWPORTS.desktop });
        const walkId = await spa.startWalk(l1.page, 'Stark Industries', 'Outlook keeps asking for the password');
        const coverer = await signIn('engineer@demo.local', { viewport: VIEWPORTS.phone });
        await coverer.page.goto('/coverage');
        const row = coverer.page.locator(`tr[data-walk-id="${walkId}"]`);
        await row.waitFor();
        expect((await box(coverer.page, row.getByRole('link', { name: 'Watch' }))).fitsWidth).toBe(true);
        expect((await box(coverer.page, row.getByRole('button', { name: 'Take over' }))).fitsWidth).toBe(true);
        expect(await coverer.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(VIEWPORTS.phone.width);
        await shot(coverer.page, '18-phone-coverage');
        await closeSessions();
      }),
    90_000,
  );

  test(
    'at 1280 px the sidebar is always there and no menu button shows',
    () =>
      capture('desktop-layout', async () => {
        const owner = await signIn('owner@demo.local', { viewport: VIEWPORTS.desktop });
        await owner.page.goto('/admin/users');
        await expect.poll(() => owner.page.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(true);
        expect(await owner.page.getByRole('button', { name: 'Menu' }).isVisible()).toBe(false);
        await closeSessions();
      }),
    30_000,
  );

  for (const [name, viewport] of WIDTHS) {
    test(
      `leaving the flow editor with unsaved edits asks first (${name})`,
      () =>
        capture(`editor-leave-${name}`, async () => {
          const engineer = await signIn('engineer2@demo.local', { viewport });
          const { page } = engineer;
          await page.goto('/engineer/flows');
          await page.getByRole('link', { name: "Outlook won't connect" }).first().click();
          await page.waitForURL(/\/engineer\/flows\/[0-9a-f-]{36}$/);
          const editorUrl = page.url();
          await page.getByLabel('Flow title').fill(`Outlook won't connect (${name} edit)`);
          const go = async () => {
            if (name === 'phone') await page.getByRole('button', { name: 'Menu' }).click();
            await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Escalations' }).click();
          };
          await go();
          const dialog = page.getByRole('dialog', { name: 'Leave without saving?' });
          await expect.poll(() => dialog.isVisible()).toBe(true);
          await shot(page, `18-editor-leave-${name}`);
          await dialog.getByRole('button', { name: 'Stay and keep editing' }).click();
          expect(page.url()).toBe(editorUrl);
          expect(await page.getByLabel('Flow title').inputValue()).toBe(`Outlook won't connect (${name} edit)`);
          // Reload or close: the browser asks too.
          const asked = new Promise<string>((resolve) =>
            page.once('dialog', (d) => {
              resolve(d.type());
              void d.dismiss();
            }),
          );
          await page.close({ runBeforeUnload: true });
          expect(await asked).toBe('beforeunload');
          expect(page.isClosed()).toBe(false);
          await go();
          await dialog.getByRole('button', { name: 'Discard changes' }).click();
          await page.waitForURL('**/engineer/escalations');
          // Nothing was saved.
          const { rows } = await spa.t.system.query<{ n: number }>(`SELECT count(*)::int AS n FROM flows WHERE title LIKE '%edit)'`);
          expect(rows[0]!.n).toBe(0);
          await closeSessions();
        }),
      60_000,
    );
  }

  for (const [name, viewport] of WIDTHS) {
    test(
      `a 4 000-character problem is clamped with Show all; Resolve stays near the top; the title is the problem shortened (${name})`,
      () =>
        capture(`long-text-${name}`, async () => {
          const l1 = await signIn('l1@demo.local', { viewport });
          const { page } = l1;
          const problem =
            `Laptop fan runs at full speed all day ${'and the caller explains every detail of the last three weeks at length '.repeat(60)}`.slice(
              0,
              4000,
            );
          await startAdhoc(page, `Wayne ${name}`, problem);
          const h1 = page.getByRole('heading', { level: 1 });
          expect(((await h1.textContent()) ?? '').length).toBeLessThanOrEqual(80);
          expect(await h1.textContent()).toMatch(/^Laptop fan runs at full speed all day\b.*…$/);
          const resolve = page.getByRole('button', { name: 'Resolve…' });
          // One screen on a laptop; on a phone, below the notes and the ticket but not 3 950 px down.
          expect((await box(page, resolve)).top).toBeLessThan(name === 'desktop' ? VIEWPORTS.desktop.height : 2 * VIEWPORTS.phone.height);
          const shown = page.getByTestId('ticket-problem');
          expect((await shown.boundingBox())!.height).toBeLessThan(140);
          await shot(page, `18-long-problem-${name}`);
          await shown.getByRole('button', { name: 'Show all' }).click();
          expect((await shown.boundingBox())!.height).toBeGreaterThan(400);
          await shown.getByRole('button', { name: 'Show less' }).click();

          // The tickets list and the dashboard queue clamp it too.
          await page.goto('/l1/tickets');
          const row = page.locator('tr', { hasText: 'Laptop fan runs at full speed all day' }).first();
          await row.waitFor();
          expect((await row.boundingBox())!.height).toBeLessThan(120);
          await shot(page, `18-long-tickets-${name}`);
          expectNoConsoleErrors(l1);
          await closeSessions();
        }),
      60_000,
    );
  }

  test(
    'the coverage board keeps "2 notes" and the problem as the title after an ad-hoc call is handed over',
    () =>
      capture('board-notes', async () => {
        const l1 = await signIn('l1b@demo.local', { viewport: VIEWPORTS.desktop });
        const walkId = await startAdhoc(l1.page, 'Cyberdyne', 'VPN drops every ten minutes in the warehouse');
        for (const note of ['Reinstalled the VPN client', 'Works on a phone hotspot']) {
          await l1.page.getByLabel('New note').fill(note);
          await l1.page.getByRole('button', { name: 'Add note' }).click();
        }
        await expect.poll(() => l1.page.getByTestId('save-status').textContent(), { timeout: 8000 }).toBe('Saved');

        const coverer = await signIn('engineer@demo.local', { viewport: VIEWPORTS.desktop });
        await coverer.page.goto('/coverage');
        const row = coverer.page.locator(`tr[data-walk-id="${walkId}"]`);
        await expect.poll(() => row.getByTestId('current-step-cell').textContent()).toBe('2 notes');
        expect(await row.locator('.cell-title').textContent()).toBe('VPN drops every ten minutes in the warehouse');

        // Another coverer takes the call over; the board hears of it live.
        const { rows } = await spa.t.system.query<{ id: string; account_id: string }>(
          `SELECT id, account_id FROM users WHERE email = 'admin@demo.local'`,
        );
        const token = await spa.t.factory.token({ id: rows[0]!.id, accountId: rows[0]!.account_id });
        const r = await spa.t.gql.raw(
          { query: `mutation($id: ID!) { takeOverWalk(sessionId: $id) { __typename } }`, variables: { id: walkId } },
          { token },
        );
        expect(await r.json()).toEqual({ data: { takeOverWalk: { __typename: 'WalkSession' } } });
        await expect.poll(() => row.textContent()).toContain('Adam Admin');
        expect(await row.getByTestId('current-step-cell').textContent()).toBe('2 notes');
        expect(await row.locator('.cell-title').textContent()).toBe('VPN drops every ten minutes in the warehouse');
        await shot(coverer.page, '18-board-after-handover');
        expectNoConsoleErrors(coverer);
        await closeSessions();
      }),
    60_000,
  );

  for (const [name, viewport] of WIDTHS) {
    test(
      `a resolved or escalated ad-hoc call turns its notes into a draft, linked from the outcome (${name})`,
      () =>
        capture(`draft-${name}`, async () => {
          const l1 = await signIn('l1@demo.local', { viewport });
          const { page } = l1;
          await startAdhoc(page, `Tyrell ${name}`, `Scanner will not send to email (${name})`);
          await page.getByLabel('New note').fill('Re-entered the SMTP password on the scanner');
          await page.getByRole('button', { name: 'Add note' }).click();
          await expect.poll(() => page.getByTestId('save-status').textContent(), { timeout: 8000 }).toBe('Saved');
          await page.getByRole('button', { name: 'Resolve…' }).click();
          const dialog = page.getByRole('dialog', { name: 'Resolve this call' });
          await dialog.getByLabel('Yes, it helped').check();
          await dialog.getByLabel('Resolution notes').fill('Scanner sends again');
          await dialog.getByRole('button', { name: 'Resolve ticket' }).click();
          const outcome = page.getByTestId('walk-outcome');
          await expect.poll(() => outcome.textContent()).toContain('Resolved from the call notes.');
          expect(await outcome.textContent()).not.toContain('The flow helped');
          await outcome.getByRole('button', { name: 'Turn these notes into a draft' }).click();
          await expect
            .poll(() => page.getByTestId('draft-made').textContent())
            .toContain(`Draft “Scanner will not send to email (${name})” is ready for review.`);
          await shot(page, `18-draft-made-${name}`);
          await page.getByRole('link', { name: 'Open my drafts' }).click();
          await page.waitForURL('**/l1/drafts');
          await expect.poll(() => page.getByRole('heading', { name: `Scanner will not send to email (${name})` }).count()).toBe(1);

          // Escalated: the same button, and the draft ends in an escalation.
          await startAdhoc(page, `Tyrell ${name}`, `Shared mailbox missing (${name})`);
          await page.getByLabel('New note').fill('Mailbox permission re-added, still missing');
          await page.getByRole('button', { name: 'Add note' }).click();
          await expect.poll(() => page.getByTestId('save-status').textContent(), { timeout: 8000 }).toBe('Saved');
          await page.getByRole('button', { name: 'Escalate…' }).click();
          const esc = page.getByRole('dialog', { name: /Escalate/ });
          await esc
            .getByRole('button', { name: /Escalate/ })
            .last()
            .click();
          await expect.poll(() => page.getByTestId('walk-outcome').textContent()).toContain('Escalated to engineers');
          await page.getByRole('button', { name: 'Turn these notes into a draft' }).click();
          await expect
            .poll(() => page.getByTestId('draft-made').textContent())
            .toContain(`Draft “Shared mailbox missing (${name})” is ready for review.`);
          expectNoConsoleErrors(l1);

          // The engineers' queue counts an ad-hoc escalation's notes, not "0 steps".
          const engineer = await signIn('engineer2@demo.local', { viewport });
          await engineer.page.goto('/engineer/escalations');
          const card = engineer.page.getByTestId('escalation').filter({ hasText: `Shared mailbox missing (${name})` });
          await expect.poll(() => card.textContent()).toContain('1 note');
          expect(await card.textContent()).not.toContain('0 steps');
          await closeSessions();
        }),
      60_000,
    );
  }

  test(
    'a refused page says who it is for, for every guard',
    () =>
      capture('denied', async () => {
        const viewer = await signIn('viewer@demo.local', { viewport: VIEWPORTS.phone });
        const cases: Array<[string, RegExp]> = [
          ['/l1', /the L1 desk: it is for L1 technicians/],
          ['/coverage', /the coverage board: it is for owners, admins and engineers who cover the desk/],
          ['/engineer/flows', /the engineering screens: it is for engineers, admins and owners/],
          ['/admin/users', /the admin screens: it is for owners and admins/],
        ];
        for (const [path, words] of cases) {
          await viewer.page.goto(path);
          await expect.poll(() => viewer.page.getByTestId('no-access').textContent()).toMatch(words);
          expect(await viewer.page.getByTestId('no-access').textContent()).toContain(
            'Your role is Viewer; an owner or admin can change it.',
          );
        }
        await shot(viewer.page, '18-denied');
        await closeSessions();
      }),
    30_000,
  );

  test(
    'a step note over 4 000 characters is kept, counted and holds the answer until it is shortened',
    () =>
      capture('step-note', async () => {
        const l1 = await signIn('l1b@demo.local', { viewport: VIEWPORTS.phone });
        const { page } = l1;
        await spa.startWalk(page, 'Soylent', 'Outlook will not open');
        await paste(page, 'Note for this step (optional)', 'z'.repeat(4100));
        await expect
          .poll(() => page.getByTestId('step-note-count').textContent())
          .toBe('Too long by 100 characters: at most 4,000. Shorten it before saving.');
        expect(await page.getByRole('button', { name: 'It opens' }).isDisabled()).toBe(true);
        await page.getByLabel('Note for this step (optional)').fill('z'.repeat(4000));
        await expect.poll(() => page.getByTestId('step-note-count').textContent()).toBe('4,000 / 4,000');
        await expect.poll(() => page.getByRole('button', { name: 'It opens' }).isEnabled()).toBe(true);
        await closeSessions();
      }),
    30_000,
  );
});
