import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '../../src/cli/bootstrap.ts';
import type { Overview } from '../../src/live/index.ts';
import { ruleJson } from '../../src/rules/engine-support.test-data.ts';
import { launchChromium, openPage } from './support/browser.ts';
import { getInPage, saveViewShot, signInDemo, withDemoPage } from './support/demo-page.ts';
import { startDemoWebServer, type DemoWebServer } from './support/demo-server.ts';

let server: DemoWebServer;
let browser: Browser;

beforeAll(async () => {
  server = await startDemoWebServer();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser.close();
  await server.close();
});

/** A critical rule on dermatology's visits, then one visit through the server's own ingest service and a scheduler pass. */
async function raiseDermatologyAlert(): Promise<void> {
  const now = new Date();
  const ctx = systemContext(now);
  await server.runtime.rules.rules.create(ctx, ruleJson({
    code: 'e2e_live_probe', kind: 'threshold', indicator: 'outpatient_visits', grain: 'hour', op: '>', bound: 0, evaluateOpenPeriod: true, severity: 1,
    nameZh: '皮肤科实时探针', nameEn: 'Dermatology live probe', messageZh: '皮肤科实时探针：{{period}} 门诊 {{value}} 人次', messageEn: 'Dermatology live probe: {{value}} visits in {{period}}',
    scope: { orgUnit: 'H1-OFF-DERM', includeDescendants: true },
  }));
  const source = (await server.runtime.sources.list(['/'])).find((s) => s.name === 'H1-HIS');
  if (!source) throw new Error('demo source H1-HIS missing');
  const line = JSON.stringify({ id: `e2e-live-${String(now.getTime())}`, type: 'visit', orgUnit: 'H1-OFF-DERM', occurredAt: new Date(now.getTime() - 1000).toISOString(), attributes: { visitId: 'e2e-live', channel: 'offline' } });
  const report = await server.runtime.ingest.ingestEvents(source, 'ndjson', [`${line}\n`], now);
  expect(report.accepted).toBe(1);
  await server.runJobs();
}

describe('big screen', () => {
  it('shows the director the group live: sites, indicators, counters, and a new alert arriving without reload', async () => {
    const liaison = await openPage(browser, { baseURL: server.url, viewport: { width: 1600, height: 900 } });
    try {
      await withDemoPage(browser, server, 'screen-live', async ({ page }) => {
        await signInDemo(page, server, 'director');
        await page.goto('/screen?rotate=0');
        await expect.poll(() => page.textContent('[data-testid="screen-status"]')).toContain('实时');
        for (const site of ['H1', 'H2', 'H3', 'YJ-CC']) await page.waitForSelector(`[data-testid="screen-sites"] [data-site="${site}"]`);
        await page.waitForSelector('[data-testid="screen-kpis"] [data-kpi="outpatient_visits"]');
        const before = await getInPage<Overview>(page, '/api/overview?org=YJ');
        await expect.poll(() => page.textContent('[data-counter="alerts"] .counter-value')).toBe(String(before.alerts?.open));
        await saveViewShot(page, 'screen');

        // A liaison's wall of their own department, open at the same time.
        await signInDemo(liaison.page, server, 'liaison.card');
        await liaison.page.goto('/screen?rotate=0');
        await expect.poll(() => liaison.page.textContent('[data-testid="screen-status"]')).toContain('实时');

        const p1 = Number(await page.textContent('[data-counter="p1"] .counter-value'));
        const url = page.url();
        await raiseDermatologyAlert();
        await page.waitForSelector('[data-testid="screen-ticker"] [data-tick="alert"][data-org="H1-OFF-DERM"]', { timeout: 15_000 });
        await expect.poll(() => page.textContent('[data-testid="screen-ticker"]')).toContain('皮肤科实时探针');
        // The probe fires for the open hour (and the scheduler's catch-up of the hour before, which had visits too).
        await expect.poll(async () => Number(await page.textContent('[data-counter="p1"] .counter-value')), { timeout: 15_000 }).toBeGreaterThan(p1);
        const after = await getInPage<Overview>(page, '/api/overview?org=YJ');
        await expect.poll(() => page.textContent('[data-counter="p1"] .counter-value'), { timeout: 15_000 }).toBe(String(after.alerts?.bySeverity['1']));
        expect(page.url()).toBe(url);
        // The work order the alert opened shows in the ticker as well.
        await page.waitForSelector('[data-testid="screen-ticker"] [data-tick="workorder"][data-org="H1-OFF-DERM"]', { timeout: 15_000 });
        await page.click('.screen-dots button:nth-child(3)');
        await page.waitForSelector('[data-screen-page="workorders"]');
        await page.click('.screen-dots button:nth-child(2)');
        await page.waitForSelector('[data-screen-page="quality"] .trend-chart canvas');
        await page.click('.screen-dots button:nth-child(1)');
        await page.waitForSelector('[data-screen-page="overview"]');
      }, { viewport: { width: 1600, height: 900 } });

      // Out of the liaison's scope: nothing of dermatology reached their wall.
      expect(await liaison.page.locator('[data-testid="screen-ticker"] [data-org="H1-OFF-DERM"]').count()).toBe(0);
      expect(await liaison.page.textContent('[data-testid="big-screen"]')).not.toContain('皮肤科');
      expect(await liaison.page.locator('[data-counter="sources"]').count()).toBe(0);
      await liaison.screenshot('e2e-screen-liaison');
      expect(liaison.errors).toEqual([]);
    } finally {
      await liaison.close();
    }
  });
});
