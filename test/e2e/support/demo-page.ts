import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { openPage, resultsDir, type WatchedPage } from './browser.ts';
import type { DemoWebServer } from './demo-server.ts';

/**
 * Browser sessions against the demo server for the overview and big-screen tests: each saves its
 * screenshot under test-results/ and fails on any console error; sign-in uses the demo accounts.
 */
export interface DemoPageOptions {
  readonly viewport?: { width: number; height: number };
  readonly isMobile?: boolean;
  readonly locale?: string;
  readonly timezoneId?: string;
  /** HTTP statuses the test provokes on purpose (Chromium logs each refused request as a console error). */
  readonly refusals?: readonly number[];
}

/** Any of the test web servers (the demo one or the bare console one): only its address is used. */
export async function withDemoPage(browser: Browser, server: { readonly url: string }, name: string, run: (w: WatchedPage) => Promise<void>, options: DemoPageOptions = {}): Promise<void> {
  const { refusals, ...pageOptions } = options;
  const w = await openPage(browser, { baseURL: server.url, ...pageOptions });
  try {
    await run(w);
    await w.screenshot(`e2e-${name}`);
    const expected = (refusals ?? []).map((status) => `console: Failed to load resource: the server responded with a status of ${String(status)}`);
    expect(w.errors.filter((e) => !expected.some((prefix) => e.startsWith(prefix)))).toEqual([]);
  } finally {
    await w.close();
  }
}

export async function signInDemo(page: Page, server: DemoWebServer, username: string): Promise<void> {
  await page.goto('/login');
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', server.passwordOf(username));
  await page.click('button[type="submit"]');
  await page.waitForSelector('[data-testid="overview"]');
}

/** A viewport-sized screenshot for the README (test-results/<name>.png). */
export async function saveViewShot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(resultsDir, `${name}.png`), fullPage: false });
}

/** GET through the page's own session (what the page itself sees). */
export function getInPage<T>(page: Page, url: string): Promise<T> {
  return page.evaluate(async (u) => (await fetch(u, { credentials: 'same-origin' })).json(), url) as Promise<T>;
}
