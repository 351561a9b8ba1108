// Regenerates docs/screenshots/overview.png and docs/screenshots/big-screen.png: the demo
// hospital group (npm run demo's org tree and accounts) on an in-memory database, the built
// console, and Chromium (CHROMIUM_PATH, default /usr/bin/chromium).
// Run: node bin/run-ts.mjs scripts/screenshots.ts
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { createApp } from '../src/app.ts';
import { seedDemoOrganisation } from '../src/demo/demo-seed.ts';
import { buildServices } from '../src/main.ts';
import { systemClock } from '../src/shared/index.ts';
import { migrate, openPgliteDb } from '../src/store/index.ts';
import { ensureWebBuilt, registerWebApp } from '../src/web/index.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(root, 'docs', 'screenshots');

async function shoot(browser: Browser, baseURL: string, login: { username: string; password: string }, path: string, file: string, viewport: { width: number; height: number }) {
  const context = await browser.newContext({ baseURL, locale: 'zh-CN', viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => { errors.push(e.message); });
  await page.goto('/login');
  await page.fill('input[name="username"]', login.username);
  await page.fill('input[name="password"]', login.password);
  await page.click('button[type="submit"]');
  await page.waitForSelector('[data-testid="overview"]');
  await page.goto(path);
  await page.waitForSelector('.trend-chart canvas');
  // Let the chart's entry animation finish.
  await page.waitForTimeout(1200);
  await page.screenshot({ path: join(outDir, file) });
  await context.close();
  if (errors.length > 0) throw new Error(`console errors on ${path}: ${errors.join('; ')}`);
  process.stdout.write(`wrote docs/screenshots/${file}\n`);
}

const { distDir } = await ensureWebBuilt({ root, log: (line) => { process.stdout.write(`${line}\n`); } });
const db = await openPgliteDb(undefined);
await migrate(db);
const services = buildServices(db, { sessionIdleMinutes: 30, sessionMaxHours: 12 });
const logins = await seedDemoOrganisation(services, systemClock.now());
const app = await createApp({ config: { bodyLimitBytes: 1024 * 1024, cookieSecure: false, sessionMaxHours: 12 }, db, clock: systemClock, ...services });
await registerWebApp(app, { distDir });
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const baseURL = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  mkdirSync(outDir, { recursive: true });
  const loginOf = (username: string) => {
    const found = logins.find((l) => l.username === username);
    if (!found) throw new Error(`the demo has no account ${username}`);
    return found;
  };
  await shoot(browser, baseURL, loginOf('admin'), '/', 'overview.png', { width: 1440, height: 900 });
  await shoot(browser, baseURL, loginOf('director'), '/screen?rotate=0', 'big-screen.png', { width: 1920, height: 1080 });
} finally {
  await browser.close();
  await app.close();
  await db.close();
}
