import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { run, useSpa, VIEWPORTS } from './harness.ts';

/*
 * Issue 18, items 16 and 18 in Chromium at 1280 and 390 px: the session-expiry notice (the page's
 * clock is faked with Playwright's page.clock; the server's is real), session presets and who is
 * signed in, field-level validation messages, the role-change toast, a readable audit log, the
 * join page naming the team and role, resending an invite, and right-to-left names next to phone
 * numbers.
 */

// Five agents share two cores: a page's lazy chunk can take seconds to arrive.
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 100 });

const WIDTHS = [
  ['desktop', VIEWPORTS.desktop],
  ['phone', VIEWPORTS.phone],
] as const;

/** Where a substring of an element's text is drawn (the box of its first and last character). */
async function charBoxes(page: Page, selector: string, needle: string) {
  return page.evaluate(
    ({ selector, needle }) => {
      const root = document.querySelector(selector);
      if (!root) return null;
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const i = n.textContent!.indexOf(needle);
        if (i < 0) continue;
        const box = (from: number) => {
          const r = document.createRange();
          r.setStart(n!, from);
          r.setEnd(n!, from + 1);
          const b = r.getBoundingClientRect();
          return { x: b.x, y: b.y, right: b.right };
        };
        return { first: box(i), last: box(i + needle.length - 1) };
      }
      return null;
    },
    { selector, needle },
  );
}

describe.runIf(run)('words (issue 18, items 16 and 18)', () => {
  const spa = useSpa();
  const { open, signIn, shot, capture, expectNoConsoleErrors, closeSessions } = spa;

  const demoAccount = async () =>
    (await spa.t.system.query<{ id: string }>(`SELECT account_id AS id FROM users WHERE email = 'owner@demo.local'`)).rows[0]!.id;
  const setPolicy = async (idle: number | null, absolute: number | null) =>
    spa.t.system.query('UPDATE accounts SET session_idle_seconds = $2, session_absolute_seconds = $3 WHERE id = $1', [
      await demoAccount(),
      idle,
      absolute,
    ]);

  /** Sign in with the page's clock faked from the start, so timers can be fast-forwarded. */
  const signInWithClock = async (email: string, viewport: { width: number; height: number }) => {
    const s = await open({ viewport });
    await s.page.clock.install();
    await s.page.goto('/sign-in');
    await s.page.getByLabel('Email').fill(email);
    await s.page.getByLabel('Password').fill('demo');
    await s.page.getByRole('button', { name: 'Sign in' }).click();
    await s.page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
    return s;
  };

  test(
    'who is signed in: the owner alone sees "(you)" and no "everyone except me"; it appears once someone else signs in',
    () =>
      capture('signed-in', async () => {
        const owner = await signIn('owner@demo.local', { viewport: VIEWPORTS.desktop });
        const { page } = owner;
        await page.goto('/admin/security');
        const list = page.getByTestId('signed-in-users');
        await poll(() => list.textContent()).toContain('Olivia Owner (you)');
        expect(await list.locator('li').count()).toBe(1);
        expect(await page.getByRole('button', { name: 'Sign out everyone except me' }).count()).toBe(0);

        const l1 = await signIn('l1@demo.local');
        await page.reload();
        await poll(() => list.locator('li').count()).toBe(2);
        expect(await list.textContent()).toContain('Lena Tech');
        await poll(() => page.getByRole('button', { name: 'Sign out everyone except me' }).isVisible()).toBe(true);
        await shot(page, 'words-signed-in-desktop');
        await page.setViewportSize(VIEWPORTS.phone);
        await shot(page, 'words-signed-in-phone');

        await page.getByRole('button', { name: 'Sign out everyone except me' }).click();
        await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
        await poll(() => list.locator('li').count()).toBe(1);
        await poll(() => page.getByRole('button', { name: 'Sign out everyone except me' }).count()).toBe(0);
        expectNoConsoleErrors(owner, l1);
        await closeSessions();
      }),
    60_000,
  );

  test(
    'session presets, and an out-of-bounds value is explained next to its field',
    () =>
      capture('presets', async () => {
        for (const [name, viewport] of WIDTHS) {
          const owner = await signIn('owner@demo.local', { viewport });
          const { page } = owner;
          await page.goto('/admin/security');
          await poll(() => page.getByLabel(/^Standard/).isChecked()).toBe(true);
          expect(await page.getByLabel(/^Strict/).count()).toBe(1);
          expect(await page.locator('.presets').textContent()).toContain('Signed out after 15 minutes away, and after 8 hours at most');

          await page.getByLabel(/^Custom/).check();
          const idle = page.locator('fieldset[data-field="idle"]');
          await idle.getByLabel('Use the default').uncheck();
          await page.getByLabel('Idle timeout amount').fill('5');
          await page.getByLabel('Idle timeout unit').selectOption('minutes');
          await page.getByRole('button', { name: 'Save policy' }).click();
          // Before: a toast "idleSeconds: idle timeout must be at least 15 minutes", no field marked.
          await poll(() => idle.locator('.field-error').textContent()).toBe('Idle timeout must be at least 15 minutes.');
          expect(await page.getByLabel('Idle timeout amount').getAttribute('aria-invalid')).toBe('true');
          const toast = page.locator('.toast[data-code="validation_failed"]');
          await poll(() => toast.textContent()).toContain('Idle timeout must be at least 15 minutes.');
          expect(await toast.textContent()).not.toMatch(/idleSeconds/);
          await shot(page, `words-policy-error-${name}`);

          await page.getByLabel(/^Strict/).check();
          await page.getByRole('button', { name: 'Save policy' }).click();
          await poll(() => page.locator('.toast-success').first().textContent()).toContain('Session policy saved');
          await page.reload();
          await poll(() => page.getByLabel(/^Strict/).isChecked()).toBe(true);
          expect(await page.locator('form').first().textContent()).toContain(
            'end after 15 minutes without activity, and after 8 hours at most',
          );
          await shot(page, `words-policy-strict-${name}`);

          await page.getByLabel(/^Standard/).check();
          await page.getByRole('button', { name: 'Save policy' }).click();
          await poll(() => page.locator('.toast-success').first().textContent()).toContain('Session policy saved');
          expectNoConsoleErrors(owner);
          await closeSessions();
        }
      }),
    90_000,
  );

  test(
    'five minutes before an idle timeout: "Stay signed in" keeps the session; without it the user is signed out',
    () =>
      capture('idle-notice', async () => {
        await setPolicy(15 * 60, 8 * 3600);
        for (const [name, viewport] of WIDTHS) {
          const l1 = await signInWithClock('l1@demo.local', viewport);
          const { page } = l1;
          await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toContain('Lena');
          const notice = page.getByRole('alertdialog');
          await page.clock.fastForward('09:00');
          expect(await notice.count()).toBe(0);
          await page.clock.fastForward('01:30');
          await poll(() => notice.textContent()).toMatch(/You will be signed out in 4:[23]\d/);
          expect(await notice.textContent()).toContain('Sessions end after 15 minutes without activity.');
          await shot(page, `words-idle-notice-${name}`);
          await notice.getByRole('button', { name: 'Stay signed in' }).click();
          await poll(() => notice.count()).toBe(0);

          // Away again: at the deadline the tab signs out and says why.
          await page.clock.fastForward('10:30');
          await poll(() => notice.count()).toBe(1);
          await page.clock.fastForward('04:40');
          await page.waitForURL('**/sign-in');
          await poll(() => page.getByRole('status').textContent()).toContain('You were signed out after a period without activity');
          expectNoConsoleErrors(l1);
          await closeSessions();
        }
      }),
    90_000,
  );

  test(
    'work in another tab that this one never heard of (a frozen tab) keeps it from signing everyone out',
    () =>
      capture('idle-other-tab', async () => {
        await setPolicy(15 * 60, 8 * 3600);
        const l1 = await signInWithClock('l1@demo.local', WIDTHS[0]![1]);
        const { page } = l1;
        await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toContain('Lena');
        const notice = page.getByRole('alertdialog');
        await page.clock.fastForward('10:30');
        await poll(() => notice.count()).toBe(1);
        // Another tab of this browser was used just now, but its message never arrived here.
        await page.evaluate(() => localStorage.setItem('l1.last-activity', String(Date.now())));
        await page.clock.fastForward('04:40');
        // Past this tab's own deadline: it reads the shared time and stays signed in (before the
        // review it signed out, and its logout ended the session of every tab).
        await poll(() => notice.count()).toBe(0);
        expect(new URL(page.url()).pathname).toBe('/l1');
        expectNoConsoleErrors(l1);
        await closeSessions();
      }),
    90_000,
  );

  test(
    'five minutes before the maximum session length: "Sign in now", which cannot be extended',
    () =>
      capture('absolute-notice', async () => {
        await setPolicy(3600, 3600);
        for (const [name, viewport] of WIDTHS) {
          const l1 = await signInWithClock('l1@demo.local', viewport);
          const { page } = l1;
          await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toContain('Lena');
          const notice = page.getByRole('alertdialog');
          // Busy all along (a click now and then), so the idle timeout never comes first.
          for (let i = 0; i < 5; i++) {
            await page.clock.fastForward('11:00');
            await page.mouse.click(5, 400);
          }
          await poll(() => notice.textContent()).toMatch(/Your session ends in 4:[0-5]\d/);
          expect(await notice.textContent()).toContain('cannot be extended');
          expect(await notice.getByRole('button', { name: 'Stay signed in' }).count()).toBe(0);
          await shot(page, `words-absolute-notice-${name}`);
          await notice.getByRole('button', { name: 'Sign in now' }).click();
          await page.waitForURL('**/sign-in');
          await poll(() => page.getByRole('status').textContent()).toContain('Sign in again to start a new session');
          expectNoConsoleErrors(l1);
          await closeSessions();
        }
        await setPolicy(null, null);
      }),
    90_000,
  );

  test(
    'a role change names the person and the new role, and the audit log reads as sentences with the person acted on',
    () =>
      capture('audit', async () => {
        const owner = await signIn('owner@demo.local', { viewport: VIEWPORTS.desktop });
        const { page } = owner;
        await page.goto('/admin/users');
        await page.getByLabel('Role of Eli Engineer').selectOption('ADMIN');
        const toast = page.locator('.toast-success').first();
        await poll(() => toast.textContent()).toContain('Eli Engineer is now an Admin');
        expect(await toast.textContent()).toContain('Was an Engineer.');
        await page.getByLabel('Role of Eli Engineer').selectOption('ENGINEER');
        await poll(() => page.locator('.toast-success', { hasText: 'Eli Engineer is now an Engineer' }).count()).toBe(1);

        await page.goto('/admin/audit');
        const row = page.locator('tbody tr', { hasText: 'Changed role' }).nth(1);
        await poll(() => row.textContent()).toContain('Eli Engineer');
        expect(await row.textContent()).toContain('Olivia Owner');
        expect(await row.textContent()).toContain('Engineer → Admin');
        // No raw codes or ids on screen.
        const table = (await page.locator('table').textContent()) ?? '';
        expect(table).not.toMatch(/user\.role_change|[0-9a-f]{8}-[0-9a-f]{4}-/);
        expect(await page.getByLabel('Action').locator('option', { hasText: 'Took over a call' }).count()).toBe(1);
        await shot(page, 'words-audit-desktop');
        await page.setViewportSize(VIEWPORTS.phone);
        await shot(page, 'words-audit-phone');
        expectNoConsoleErrors(owner);
        await closeSessions();
      }),
    60_000,
  );

  test(
    'the join page names the team, role and inviter; a second invite offers a resend and the old link stops working',
    () =>
      capture('join', async () => {
        const owner = await signIn('owner@demo.local', { viewport: VIEWPORTS.desktop });
        const { page } = owner;
        await page.goto('/admin/invites');
        const invite = async (email: string) => {
          await page.getByLabel('Email').fill(email);
          await page.getByLabel('Role').selectOption('ENGINEER');
          await page.getByRole('button', { name: 'Create invite' }).click();
        };
        await invite('new.engineer@demo.local');
        await poll(() => page.getByTestId('invite-link').isVisible()).toBe(true);
        const first = await page.getByRole('textbox', { name: 'Invite link' }).inputValue();
        await poll(() => page.getByTestId('seats-pending-engineers').textContent()).toContain('1 held by pending invite');

        for (const [name, viewport] of WIDTHS) {
          const guest = await open({ viewport });
          await guest.page.goto(new URL(first).pathname);
          const summary = guest.page.getByTestId('invite-summary');
          await poll(() => summary.textContent()).toContain('Olivia Owner invited you to join Demo MSP as an engineer');
          expect(await summary.textContent()).toContain('You will sign in as new.engineer@demo.local');
          expect(await guest.page.getByRole('heading', { level: 1 }).textContent()).toBe('Join Demo MSP');
          await shot(guest.page, `words-join-${name}`);
        }

        // The same address again: refused next to the field, with a resend that warns about the old link.
        await invite('new.engineer@demo.local');
        const field = page.locator('.field', { has: page.getByLabel('Email') });
        await poll(() => field.locator('.field-error').textContent()).toContain(
          'is already invited. Resend the invite (the old link stops working) or revoke it.',
        );
        await page.getByRole('button', { name: 'Resend the invite…' }).click();
        const dialog = page.getByRole('dialog', { name: 'Send them a new link?' });
        expect(await dialog.textContent()).toContain('The link you sent before stops working.');
        await shot(page, 'words-resend-confirm');
        await dialog.getByRole('button', { name: 'Send new link' }).click();
        await poll(() => page.getByTestId('invite-link').textContent()).toContain('The previous link no longer works.');
        const second = await page.getByRole('textbox', { name: 'Invite link' }).inputValue();
        expect(second).not.toBe(first);

        const late = await open({ viewport: VIEWPORTS.phone });
        await late.page.goto(new URL(first).pathname);
        await poll(() => late.page.getByRole('heading', { level: 1 }).textContent()).toBe('This invite can’t be used');
        await shot(late.page, 'words-join-old-link');
        const fresh = await open({ viewport: VIEWPORTS.phone });
        await fresh.page.goto(new URL(second).pathname);
        await poll(() => fresh.page.getByTestId('invite-summary').textContent()).toContain('Demo MSP');
        await closeSessions();
      }),
    90_000,
  );

  test(
    'right-to-left customer names keep the phone number beside them intact',
    () =>
      capture('rtl', async () => {
        const lena = (
          await spa.t.system.query<{ id: string; account_id: string }>(`SELECT id, account_id FROM users WHERE email = 'l1@demo.local'`)
        ).rows[0]!;
        const token = await spa.t.factory.token({ id: lena.id, accountId: lena.account_id });
        const customer = 'מרים כהן';
        const phone = '+1 555-010-0199';
        const res = await spa.t.gql.raw(
          {
            query: `mutation($p: String!, $n: String!, $c: String!) { intake(problemStatement: $p, customerName: $n, customerContact: $c, adhoc: true) { __typename } }`,
            variables: { p: 'המדפסת לא מדפיסה 2 עמודים', n: customer, c: phone },
          },
          { token },
        );
        expect(await res.text()).toContain('IntakePayload');
        const l1 = await signIn('l1@demo.local', { viewport: VIEWPORTS.desktop });
        const { page } = l1;
        for (const [name, viewport] of WIDTHS) {
          await page.setViewportSize(viewport);
          await page.goto('/l1/tickets');
          const row = page.locator('tr', { hasText: customer }).first();
          await poll(() => row.count()).toBe(1);
          await row.evaluate((el) => el.setAttribute('data-rtl-row', '1'));
          const n = await charBoxes(page, '[data-rtl-row] .cell-sub', customer);
          const p = await charBoxes(page, '[data-rtl-row] .cell-sub', phone);
          expect(n && p).toBeTruthy();
          // Same line: the number reads left to right ("+1 555" before "0199") and comes after the
          // name, as typed. Without isolation the number is drawn to the left of the Hebrew name.
          if (Math.abs(n!.first.y - p!.first.y) < 4) {
            expect(p!.first.x).toBeGreaterThan(Math.max(n!.first.right, n!.last.right));
          }
          expect(p!.last.x).toBeGreaterThan(p!.first.x);
          await shot(page, `words-rtl-${name}`);
        }
        expectNoConsoleErrors(l1);
        await closeSessions();
      }),
    60_000,
  );
});
