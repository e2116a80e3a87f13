import { describe, expect, test } from 'vitest';
import { run, useSpa } from './harness.ts';

describe.runIf(run)('SPA in Chromium', () => {
  const spa = useSpa();
  const { open, signIn, shot, capture, expectNoConsoleErrors, closeSessions, startWalk } = spa;

  test(
    'an L1 walks the demo flow with its own labels, resolves as helpful and finds the ticket resolved',
    () =>
      capture('walk', async () => {
        const l1 = await signIn('l1@demo.local');
        const { page } = l1;
        await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toMatch(/^Good (morning|afternoon|evening), Lena$/);

        await startWalk(page, 'Acme Dental', 'Outlook will not connect on the reception PC');
        await expect.poll(() => page.getByRole('button', { name: 'It opens' }).isEnabled()).toBe(true);
        expect(await page.getByRole('button', { name: "It won't open" }).count()).toBe(1);

        // A click with a note, then the keyboard: Y answers a question, Enter continues an instruction.
        await page.getByLabel('Note for this step (optional)').fill('Opens but shows a spinner');
        await page.getByRole('button', { name: 'It opens' }).click();
        await expect.poll(() => page.getByTestId('current-step').textContent()).toContain('status bar');
        await expect.poll(() => page.getByRole('button', { name: 'Shows disconnected' }).isEnabled()).toBe(true);
        await page.keyboard.press('y');
        await expect.poll(() => page.getByTestId('current-step').textContent()).toContain('Work Offline');
        // The live feed can show the next step while the answer's own save is still returning
        // ("Saving…"); keys wait for the Continue button, as a technician's eyes would.
        await expect.poll(() => page.getByRole('button', { name: 'Continue' }).isEnabled()).toBe(true);
        await page.keyboard.press('Enter');
        await expect.poll(() => page.getByTestId('current-step').textContent()).toContain('Does Outlook reconnect within a minute?');

        const transcript = page.getByTestId('transcript');
        await expect
          .poll(() => transcript.locator('.answer-pill').allTextContents())
          .toEqual(['It opens', 'Shows disconnected', 'Continue']);
        expect(await transcript.textContent()).toContain('Opens but shows a spinner');

        // A reload restores the same state from the server.
        await page.reload();
        await expect.poll(() => page.getByTestId('current-step').textContent()).toContain('Does Outlook reconnect within a minute?');
        await expect.poll(() => page.getByTestId('transcript').locator('.answer-pill').count()).toBe(3);

        await page.getByRole('button', { name: 'Resolve…' }).click();
        const dialog = page.getByRole('dialog', { name: 'Resolve this call' });
        await dialog.getByLabel('Yes, it helped').check();
        await dialog.getByLabel('Resolution notes').fill('Work Offline was switched on; switched it off and Outlook reconnected.');
        await dialog.getByRole('button', { name: 'Resolve ticket' }).click();
        await expect.poll(() => page.getByTestId('walk-outcome').textContent()).toContain('Call resolved');
        expect(await page.getByTestId('walk-outcome').textContent()).toContain('The flow helped.');
        await shot(page, '1-walk-resolved');

        await page.getByRole('link', { name: 'Tickets', exact: true }).click();
        await page.getByRole('tab', { name: 'Resolved' }).click();
        const row = page.locator('tr', { hasText: 'Outlook will not connect on the reception PC' });
        await expect.poll(() => row.getAttribute('data-ticket-status')).toBe('RESOLVED');
        expect(await row.textContent()).toContain('Resolved');
        await row.click();
        await expect.poll(() => page.locator('.row-detail').textContent()).toContain('Work Offline was switched on');
        await shot(page, '1-tickets');
        expectNoConsoleErrors(l1);
        await closeSessions();
      }),
    60_000,
  );

  test(
    'a coverer sees the walk on the board, watches steps arrive live and takes over; the L1 goes read-only',
    () =>
      capture('coverage', async () => {
        const l1 = await signIn('l1@demo.local');
        const walkId = await startWalk(l1.page, 'Globex Ltd', 'Outlook stuck on Trying to connect');

        const coverer = await signIn('engineer@demo.local');
        const board = coverer.page;
        await board.goto('/coverage');
        const row = board.locator(`tr[data-walk-id="${walkId}"]`);
        await expect.poll(() => row.textContent()).toContain('Can the user open Outlook at all?');
        expect(await row.textContent()).toContain('Lena Tech');
        const idleBefore = await row.locator('.idle').textContent();

        // A step by the L1 shows up on the board without a reload.
        await l1.page.getByRole('button', { name: 'It opens' }).click();
        await expect.poll(() => row.getByTestId('current-step-cell').textContent()).toContain('status bar');
        await expect.poll(async () => (await board.getByText('answered a step on').count()) > 0).toBe(true);
        // The idle clock ticks (and restarted with the step).
        await expect.poll(() => row.locator('.idle').textContent(), { timeout: 5000 }).not.toBe(idleBefore);
        await shot(board, '2-coverage-board');

        await row.getByRole('link', { name: 'Watch' }).click();
        await board.waitForURL(`**/l1/walk/${walkId}`);
        await expect.poll(() => board.getByTestId('watching-banner').textContent()).toContain('You are watching Lena Tech’s call');
        // The L1 sees who is watching.
        await expect.poll(() => l1.page.getByTestId('watchers').textContent()).toContain('Erin Engineer is watching');

        await l1.page.getByRole('button', { name: 'Shows disconnected' }).click();
        await expect
          .poll(() => board.getByTestId('transcript').locator('.answer-pill').allTextContents())
          .toEqual(['It opens', 'Shows disconnected']);

        await board.getByRole('button', { name: 'Take over' }).click();
        // Taking a call from someone is confirmed first (issue 18, item 8).
        await board.getByRole('dialog', { name: 'Take over this call?' }).getByRole('button', { name: 'Take over the call' }).click();
        await expect.poll(() => board.getByTestId('coverage-banner').isVisible()).toBe(true);
        await expect.poll(() => board.getByRole('button', { name: 'Continue' }).isEnabled()).toBe(true);

        await expect.poll(() => l1.page.getByTestId('takeover-banner').textContent()).toContain('Erin Engineer took over this call');
        expect(await l1.page.getByRole('button', { name: 'Continue' }).isDisabled()).toBe(true);
        expect(await l1.page.getByRole('button', { name: 'Resolve…' }).isDisabled()).toBe(true);
        // The keyboard does nothing for the L1 now.
        await l1.page.keyboard.press('Enter');
        await board.getByRole('button', { name: 'Continue' }).click();
        await expect.poll(() => l1.page.getByTestId('transcript').locator('.answer-pill').count()).toBe(3);
        const lastActor = await l1.page.getByTestId('transcript').locator('.transcript-step').last().textContent();
        expect(lastActor).toContain('Erin Engineer');
        expect(lastActor).toContain('coverage');
        await shot(l1.page, '2-l1-taken-over');
        await shot(board, '2-coverer-walk');
        expectNoConsoleErrors(l1, coverer);
        await closeSessions();
      }),
    60_000,
  );

  test(
    'an escalation raises the owner’s bell without a reload and lands in the engineers’ queue',
    () =>
      capture('escalation', async () => {
        const owner = await signIn('owner@demo.local');
        const bellCount = async () => {
          const label = (await owner.page.getByRole('button', { name: /^Notifications/ }).getAttribute('aria-label')) ?? '';
          return Number(/(\d+) unread/.exec(label)?.[1] ?? 0);
        };
        await expect.poll(() => owner.page.getByRole('button', { name: /^Notifications/ }).isVisible()).toBe(true);
        // Let the bell's live subscription connect before the escalation happens.
        await owner.page.waitForTimeout(300);
        const before = await bellCount();

        const l1 = await signIn('l1b@demo.local');
        await startWalk(l1.page, 'Initech', 'Outlook crashes at start for the whole finance team');
        await l1.page.getByRole('button', { name: "It won't open" }).click();
        await expect.poll(() => l1.page.getByTestId('current-step').textContent()).toContain('safe mode');
        await l1.page.getByRole('button', { name: 'Escalate…' }).click();
        const dialog = l1.page.getByRole('dialog', { name: 'Escalate to engineers' });
        await dialog.getByLabel('Reason').selectOption('NEEDS_ADMIN_ACCESS');
        await dialog.getByLabel(/Details for the engineer/).fill('Needs an Exchange admin to check the mailbox.');
        await dialog.getByRole('button', { name: 'Escalate' }).click();
        await expect.poll(() => l1.page.getByTestId('walk-outcome').textContent()).toContain('Escalated to engineers');

        await expect.poll(bellCount, { timeout: 15_000 }).toBe(before + 1);
        await owner.page.getByRole('button', { name: /^Notifications/ }).click();
        const item = owner.page
          .getByRole('dialog', { name: 'Notifications' })
          .getByRole('button', { name: /New escalation/ })
          .first();
        await expect.poll(() => item.textContent()).toContain('Outlook crashes at start for the whole finance team');
        await shot(owner.page, '3-bell');
        await item.click();
        // The notification opens its escalation (issue 18, item 9).
        await owner.page.waitForURL('**/engineer/escalations?ticket=*');
        const card = owner.page.getByTestId('escalation').filter({ hasText: 'Outlook crashes at start for the whole finance team' });
        await expect.poll(() => card.count()).toBe(1);
        expect(await card.textContent()).toContain('Luis Tech');
        expect(await card.textContent()).toContain('Needs admin access');
        // Opened from its notification, the escalation shows its handoff already.
        await expect.poll(() => card.locator('.handoff').textContent()).toContain("It won't open");
        await expect.poll(bellCount).toBe(before);

        // Another engineer (engineers are notified too) finds it in the queue, and claims it.
        const engineer = await signIn('engineer2@demo.local');
        await engineer.page.goto('/engineer/escalations');
        const theirs = engineer.page.getByTestId('escalation').filter({ hasText: 'Outlook crashes at start for the whole finance team' });
        await theirs.getByRole('button', { name: 'Claim' }).click();
        await expect.poll(() => theirs.textContent()).toContain('You');
        await shot(owner.page, '3-escalations');
        expectNoConsoleErrors(owner, l1, engineer);
        await closeSessions();
      }),
    60_000,
  );

  test(
    'the owner inviting a fourth L1 is refused with the seat counts',
    () =>
      capture('seats', async () => {
        const owner = await signIn('owner@demo.local');
        const page = owner.page;
        await page.goto('/admin/invites');
        await expect.poll(() => page.getByTestId('seats-l1-techs').textContent()).toBe('2 of 3');

        const invite = async (email: string) => {
          await page.getByLabel('Email').fill(email);
          await page.getByLabel('Role').selectOption('L1_TECH');
          await page.getByRole('button', { name: 'Create invite' }).click();
        };
        await invite('third.l1@demo.local');
        const link = await (async () => {
          await expect.poll(() => page.getByTestId('invite-link').isVisible()).toBe(true);
          return page.getByLabel('Invite link').inputValue();
        })();

        // The third L1 accepts and is signed in: the plan is now full.
        const third = await open();
        await third.page.goto(new URL(link).pathname);
        await third.page.getByLabel('Your name').fill('Tara Third');
        await third.page.getByLabel('Password').fill('a-long-password-1');
        await third.page.getByRole('button', { name: 'Join and sign in' }).click();
        await third.page.waitForURL('**/l1');
        await expect.poll(() => third.page.getByRole('heading', { level: 1 }).textContent()).toContain('Tara');

        await invite('fourth.l1@demo.local');
        const toast = page.locator('.toast[data-code="seat_limit_exceeded"]');
        await expect.poll(() => toast.textContent()).toContain('L1 seats full: 3 of 3');
        expect(await toast.textContent()).toContain('Seat limit reached');
        await expect.poll(() => page.getByTestId('seats-l1-techs').textContent()).toBe('3 of 3');
        await shot(page, '4-seat-refusal');
        expectNoConsoleErrors(owner, third);
        await closeSessions();
      }),
    60_000,
  );

  test(
    'a viewer cannot reach the L1 screens',
    () =>
      capture('viewer', async () => {
        const viewer = await signIn('viewer@demo.local');
        const { page } = viewer;
        await page.waitForURL('**/welcome');
        expect(await page.getByRole('link', { name: 'Dashboard' }).count()).toBe(0);
        for (const target of ['/l1', '/l1/tickets', '/l1/walk/00000000-0000-4000-8000-000000000000', '/coverage']) {
          await page.goto(target);
          await page.waitForURL(/\/welcome\?denied=/);
          await expect
            .poll(() => page.getByTestId('no-access').textContent())
            .toMatch(/You don’t have access to (the L1 desk|the coverage board)/);
        }
        await page.goto('/l1');
        await page.waitForURL('**/welcome?denied=l1');
        await shot(page, '5-viewer');
        expectNoConsoleErrors(viewer);
        await closeSessions();
      }),
    60_000,
  );

  test(
    'the owner’s other screens: ad-hoc notes autosave, the flow editor names each node’s problems, tokens, audit by coverage',
    () =>
      capture('tour', async () => {
        const owner = await signIn('owner@demo.local');
        const { page } = owner;

        // An ad-hoc walk (no flow): notes autosave.
        await page.goto('/l1');
        await page.getByLabel('Customer').fill('Umbrella Corp');
        await page.getByLabel('Contact').fill('+1 555 0100');
        await page.getByLabel('Problem').fill('VPN drops every few minutes');
        await page.getByRole('button', { name: 'Take notes', exact: true }).click();
        await page.waitForURL(/\/l1\/walk\//);
        await page.getByLabel('New note').fill('Drops on Wi-Fi only, wired is fine');
        await page.getByRole('button', { name: 'Add note' }).click();
        await expect.poll(() => page.getByTestId('save-status').textContent()).toBe('Unsaved changes');
        await expect.poll(() => page.getByTestId('save-status').textContent()).toBe('Saved');
        await page.reload();
        await expect.poll(() => page.getByRole('textbox', { name: /^Note at/ }).inputValue()).toBe('Drops on Wi-Fi only, wired is fine');
        await shot(page, '6-adhoc-notes');

        // A new flow with an incomplete question: the issues appear on that node.
        await page.getByRole('link', { name: 'Flow library' }).click();
        await page.getByRole('button', { name: 'New flow' }).click();
        await page.getByRole('dialog', { name: 'New flow' }).getByLabel('Title').fill('Printer offline');
        await page.getByRole('button', { name: 'Create and edit' }).click();
        await page.waitForURL(/\/engineer\/flows\/[0-9a-f-]{36}$/);
        await page.getByRole('button', { name: '+ Question' }).click();
        await page.getByLabel('Question', { exact: true }).fill('Is the printer powered on?');
        await page.getByLabel('First answer (Yes) label').fill('Powered on');
        await page.getByRole('button', { name: 'Save draft' }).click();
        const node = page.locator('[data-node-id="step-1"]');
        await expect.poll(() => node.locator('.field-error').count()).toBeGreaterThan(0);
        const publish = page.getByRole('button', { name: 'Publish' });
        await publish.click();
        await expect.poll(() => page.locator('.toast[data-code="validation_failed"]').count()).toBe(1);
        await shot(page, '6-flow-editor');

        await page.getByRole('link', { name: 'Proposal review' }).click();
        await expect.poll(() => page.getByRole('heading', { name: 'Proposal review' }).isVisible()).toBe(true);

        await page.getByRole('link', { name: 'Users & seats' }).click();
        await expect.poll(() => page.getByTestId('seats-engineers').textContent()).toBe('2 of 5');
        await shot(page, '6-users');

        await page.getByRole('link', { name: 'API tokens' }).click();
        await page.getByLabel('Name').fill('Billing dashboard');
        await page.getByRole('button', { name: 'Create token' }).click();
        await expect.poll(async () => (await page.getByLabel('Token secret').inputValue()).length).toBeGreaterThan(20);
        await expect.poll(() => page.locator('tr', { hasText: 'Billing dashboard' }).count()).toBe(1);

        await page.getByRole('link', { name: 'Sessions' }).click();
        // Issue 18 (item 16): presets; Standard is the default policy of 3 days idle, 14 days at most.
        await expect.poll(() => page.getByLabel(/^Standard/).isChecked()).toBe(true);
        expect(await page.locator('.presets').textContent()).toContain('Signed out after 3 days away');

        await page.getByRole('link', { name: 'Audit log' }).click();
        await page.getByLabel('Acting as').selectOption('l1_coverage');
        // Issue 18 (item 18): actions read as words, not codes.
        const takeover = page.locator('tr', { hasText: 'Took over a call' });
        await expect.poll(() => takeover.count()).toBeGreaterThan(0);
        expect(await takeover.first().textContent()).toContain('Erin Engineer');
        expect(await takeover.first().textContent()).toContain('Covering L1');
        await shot(page, '6-audit');
        expect(await page.getByRole('link', { name: /GraphiQL/ }).getAttribute('href')).toBe('/graphql');
        expectNoConsoleErrors(owner);
        await closeSessions();
      }),
    60_000,
  );
});
