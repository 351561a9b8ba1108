import type { Page } from 'playwright-core';
import { changedPassword, testPassword } from '../../support/test-app.ts';

/**
 * Signs in through the sign-in page. Seeded users start with `testPassword` and must change it
 * at first sign-in; `changed` remembers who already did, so later tests use the new one.
 */
export function createSignIn(changed = new Set<string>()) {
  return async function signIn(page: Page, username: string): Promise<void> {
    await page.goto('/login');
    await page.fill('input[name="username"]', username);
    await page.fill('input[name="password"]', changed.has(username) ? changedPassword : testPassword);
    await page.click('button[type="submit"]');
    await page.waitForURL((url) => url.pathname !== '/login');
    if (new URL(page.url()).pathname === '/change-password') {
      await page.fill('input[name="currentPassword"]', testPassword);
      await page.fill('input[name="newPassword"]', changedPassword);
      await page.fill('input[name="confirmPassword"]', changedPassword);
      await page.click('button[type="submit"]');
      await page.waitForURL((url) => url.pathname === '/');
      changed.add(username);
    }
    await page.waitForSelector('[data-testid="overview"]');
  };
}
