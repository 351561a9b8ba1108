// Regenerates the console screenshots in docs/screenshots/ (shown in the README): the demo
// hospital group as `npm run demo` creates it, with two weeks of simulated events fed through the
// real ingest path (so indicators, alerts and work orders exist), the built console, and Chromium
// (CHROMIUM_PATH, default /usr/bin/chromium). Chinese text needs a CJK font (Debian:
// fonts-noto-cjk). Run: npm run screenshots
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../test/e2e/support/browser.ts';
import { startDemoWebServer, type DemoWebServer } from '../test/e2e/support/demo-server.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(root, 'docs', 'screenshots');

interface Shot {
  readonly file: string;
  readonly username: string;
  readonly path: string;
  readonly viewport: { width: number; height: number };
  readonly mobile?: boolean;
  readonly locale?: string;
}

const shots: readonly Shot[] = [
  { file: 'overview.png', username: 'analyst', path: '/', viewport: { width: 1440, height: 900 } },
  { file: 'big-screen.png', username: 'director', path: '/screen?rotate=0', viewport: { width: 1920, height: 1080 } },
  { file: 'indicator-explorer.png', username: 'analyst', path: '/indicators?code=outpatient_visits&org=YJ&grain=day', viewport: { width: 1440, height: 900 }, locale: 'en' },
  { file: 'alerts.png', username: 'analyst', path: '/alerts', viewport: { width: 1440, height: 900 } },
  { file: 'budgets.png', username: 'analyst', path: '/budgets', viewport: { width: 1440, height: 900 } },
  { file: 'quality-costs.png', username: 'analyst', path: '/quality-costs', viewport: { width: 1440, height: 900 }, locale: 'en' },
  { file: 'work-queue-phone.png', username: 'liaison.online', path: '/workorders', viewport: { width: 390, height: 844 }, mobile: true },
];

async function shoot(browser: Browser, server: DemoWebServer, shot: Shot): Promise<void> {
  const context = await browser.newContext({
    baseURL: server.url, locale: shot.locale ?? 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: shot.viewport, deviceScaleFactor: 1,
    ...(shot.mobile === true ? { isMobile: true, hasTouch: true } : {}),
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => { errors.push(e.message); });
  await page.goto('/login');
  await page.fill('input[name="username"]', shot.username);
  await page.fill('input[name="password"]', server.passwordOf(shot.username));
  await page.click('button[type="submit"]');
  await page.waitForSelector('[data-testid="overview"]');
  await page.goto(shot.path);
  await page.waitForLoadState('networkidle');
  // Let the charts' entry animations finish.
  await page.waitForTimeout(2000);
  await page.screenshot({ path: join(outDir, shot.file) });
  await context.close();
  if (errors.length > 0) throw new Error(`console errors on ${shot.path}: ${errors.join('; ')}`);
  process.stdout.write(`wrote docs/screenshots/${shot.file}\n`);
}

process.stdout.write('starting the demo group with 14 days of simulated events…\n');
const server = await startDemoWebServer({ days: 14, scale: 0.1 });
const browser = await launchChromium();
try {
  mkdirSync(outDir, { recursive: true });
  // `npm run screenshots -- budgets.png …` regenerates only the files named.
  const only = process.argv.slice(2);
  for (const shot of shots) if (only.length === 0 || only.includes(shot.file)) await shoot(browser, server, shot);
} finally {
  await browser.close();
  await server.close();
}
