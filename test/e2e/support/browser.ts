import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { repoRoot } from './web-server.ts';

/**
 * Chromium for the browser tests and the screenshot script. Every page records console errors
 * and uncaught exceptions; a test asserts the list is empty at its end.
 */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const resultsDir = join(repoRoot, 'test-results');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export interface WatchedPage {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console errors and page errors seen so far. */
  readonly errors: string[];
  /** Saves a full-page screenshot as test-results/<name>.png. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function openPage(browser: Browser, options: { baseURL: string; locale?: string; viewport?: { width: number; height: number }; isMobile?: boolean; timezoneId?: string }): Promise<WatchedPage> {
  const context = await browser.newContext({
    baseURL: options.baseURL,
    locale: options.locale ?? 'zh-CN',
    viewport: options.viewport ?? { width: 1440, height: 900 },
    deviceScaleFactor: 1,
    ...(options.isMobile === true ? { isMobile: true, hasTouch: true } : {}),
    ...(options.timezoneId !== undefined ? { timezoneId: options.timezoneId } : {}),
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => { errors.push(`page error: ${error.message}`); });
  return {
    context, page, errors,
    async screenshot(name) {
      mkdirSync(resultsDir, { recursive: true });
      const path = join(resultsDir, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    close: () => context.close(),
  };
}
