import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { run, useSpa, VIEWPORTS } from './harness.ts';

/*
 * DESIGN §13 in the SPA: an account manager chooses what the L1 desk takes on
 * /admin/categories; the hard floor is shown but cannot be chosen; nobody else reaches the page.
 */

const SLOW = { timeout: 8000 };

/** The checkboxes of the choosable categories, ticked or not, by label. */
async function ticks(page: Page): Promise<Record<string, boolean>> {
  const out: Record<string, boolean> = {};
  for (const row of await page.locator('fieldset.categories label.category').all()) {
    out[(await row.locator('.category-name').textContent())!] = await row.getByRole('checkbox').isChecked();
  }
  return out;
}

describe.runIf(run)('L1 categories page in Chromium', () => {
  const spa = useSpa();
  const { signIn, shot, capture, expectNoConsoleErrors, closeSessions } = spa;

  /** What the API says the account's desk takes, asked as the owner over plain GraphQL. */
  async function enabledKeys(): Promise<string[]> {
    const login = await spa.t.gql.raw({
      query: 'mutation { login(email: "owner@demo.local", password: "demo") { __typename ... on SessionPayload { accessToken } } }',
    });
    const token = ((await login.json()) as { data: { login: { accessToken: string } } }).data.login.accessToken;
    const res = await spa.t.gql.raw({ query: '{ l1Categories { enabled { key } } }' }, { token });
    const body = (await res.json()) as { data: { l1Categories: { enabled: Array<{ key: string }> } } };
    return body.data.l1Categories.enabled.map((c) => c.key);
  }

  test(
    'an owner unticks two categories, saves, and they stay unticked after a reload; the hard floor is locked',
    () =>
      capture('categories-owner', async () => {
        const before = await enabledKeys();
        expect(before).toContain('printing');
        expect(before).toContain('meetings');

        const owner = await signIn('owner@demo.local', { viewport: VIEWPORTS.desktop });
        const { page } = owner;
        await page.goto('/admin/security');
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'What the L1 desk takes' }).click();
        await page.waitForURL(/\/admin\/categories$/);
        await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), SLOW).toBe('What the L1 desk takes');
        await page.getByLabel('Printing and scanning').waitFor();
        const save = page.getByRole('button', { name: 'Save', exact: true });
        expect(await save.isDisabled()).toBe(true);
        expect(Object.values(await ticks(page)).every(Boolean)).toBe(true);

        // The hard floor: listed, unticked, locked, and explained.
        const floor = page.getByTestId('hard-floor');
        expect(await floor.locator('li').count()).toBe(5);
        for (const label of ['Security incidents', 'Deleting data', 'Money', 'Infrastructure', 'Legal and HR']) {
          const box = floor.getByRole('checkbox', { name: `${label} (locked)` });
          expect(await box.isChecked()).toBe(false);
          expect(await box.getAttribute('aria-disabled')).toBe('true');
          expect(await box.isDisabled()).toBe(true);
        }
        expect(await floor.locator('svg.lock').count()).toBe(5);
        expect(await page.getByText('These calls always go to an engineer').count()).toBe(1);

        await page.getByLabel('Printing and scanning').uncheck();
        await page.getByLabel('Meetings').uncheck();
        expect(await save.isDisabled()).toBe(false);
        // Ticking one back and unticking it again is still a change; undoing both is not.
        await page.getByLabel('Meetings').check();
        await page.getByLabel('Printing and scanning').check();
        expect(await save.isDisabled()).toBe(true);
        await page.getByLabel('Printing and scanning').uncheck();
        await page.getByLabel('Meetings').uncheck();
        await save.click();
        await expect.poll(() => page.getByText('Categories saved').count(), SLOW).toBe(1);
        await expect.poll(() => save.isDisabled()).toBe(true);
        await shot(page, 'categories-desktop');

        await page.reload();
        await page.getByLabel('Printing and scanning').waitFor();
        const after = await ticks(page);
        expect(after['Printing and scanning']).toBe(false);
        expect(after.Meetings).toBe(false);
        expect(Object.values(after).filter((v) => !v)).toHaveLength(2);
        expect(await enabledKeys()).toEqual(before.filter((k) => k !== 'printing' && k !== 'meetings'));
        await page.goto('/admin/audit');
        await expect.poll(() => page.getByText('Changed what the L1 desk takes').count(), SLOW).toBeGreaterThan(0);
        await page.goto('/admin/categories');
        await page.getByLabel('Printing and scanning').waitFor();

        // Clear all, then Select all, ends where it started: nothing to save.
        await page.getByRole('button', { name: 'Clear all' }).click();
        expect(Object.values(await ticks(page)).some(Boolean)).toBe(false);
        await page.getByRole('button', { name: 'Select all' }).click();
        expect(Object.values(await ticks(page)).every(Boolean)).toBe(true);
        await save.click();
        await expect.poll(() => page.getByText('The L1 desk takes 13 of 13 categories.').count(), SLOW).toBe(1);
        expect(await enabledKeys()).toEqual(before);
        expectNoConsoleErrors(owner);
        await closeSessions();
      }),
    120_000,
  );

  test(
    'the page fits a phone',
    () =>
      capture('categories-phone', async () => {
        const admin = await signIn('admin@demo.local', { viewport: VIEWPORTS.phone });
        const { page } = admin;
        await page.goto('/admin/categories');
        await page.getByLabel('Printing and scanning').waitFor();
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(width).toBeLessThanOrEqual(VIEWPORTS.phone.width);
        const saveBox = await page.getByRole('button', { name: 'Save', exact: true }).boundingBox();
        expect(saveBox!.x + saveBox!.width).toBeLessThanOrEqual(VIEWPORTS.phone.width);
        await shot(page, 'categories-phone');
        expectNoConsoleErrors(admin);
        await closeSessions();
      }),
    120_000,
  );

  for (const [who, email] of [
    ['an L1 tech', 'l1@demo.local'],
    ['an engineer', 'engineer2@demo.local'],
  ] as const) {
    test(
      `${who} has no menu entry and is turned away from the page`,
      () =>
        capture(`categories-denied-${email}`, async () => {
          const s = await signIn(email, { viewport: VIEWPORTS.desktop });
          const { page } = s;
          await page.goto('/admin/categories');
          await page.waitForURL(/\/welcome\?denied=admin$/);
          await expect
            .poll(() => page.getByTestId('no-access').textContent(), SLOW)
            .toContain('You don’t have access to the admin screens');
          expect(await page.getByRole('link', { name: 'What the L1 desk takes' }).count()).toBe(0);
          expect(await page.getByText('Printing and scanning').count()).toBe(0);
          await closeSessions();
        }),
      120_000,
    );
  }
});
