import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Overview } from '../../src/live/index.ts';
import { launchChromium } from './support/browser.ts';
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

const roles = [
  { username: 'admin', scope: 'YJ', name: '云健医疗集团' },
  { username: 'analyst', scope: 'YJ', name: '云健医疗集团' },
  { username: 'director', scope: 'YJ', name: '云健医疗集团' },
  { username: 'h1.president', scope: 'H1', name: '云健第一医院' },
  { username: 'liaison.card', scope: 'H1-OFF-CARD', name: '心内科' },
] as const;

describe('overview of the demo group', () => {
  for (const role of roles) {
    it(`shows ${role.username} the real figures of ${role.scope}`, async () => {
      await withDemoPage(browser, server, `overview-${role.username}`, async ({ page }) => {
        await signInDemo(page, server, role.username);
        await expect.poll(() => page.textContent('[data-testid="scope-name"]')).toBe(role.name);
        await page.waitForSelector('[data-testid="overview-kpis"] [data-kpi]');
        const api = await getInPage<Overview>(page, `/api/overview?org=${role.scope}`);
        expect(api.org.code).toBe(role.scope);
        // Every headline the API has for the scope is on the page with its value.
        const shown = await Promise.all((await page.locator('[data-testid="overview-kpis"] [data-kpi]').all()).map((card) => card.getAttribute('data-kpi')));
        expect(shown).toEqual(api.indicators?.map((i) => i.code));
        const visits = api.indicators?.find((i) => i.code === 'outpatient_visits');
        expect(visits?.value).toBeGreaterThan(0);
        await expect.poll(() => page.textContent('[data-kpi="outpatient_visits"] [data-testid="kpi-value"]')).toBe(visits?.value?.toLocaleString('zh-CN', { maximumFractionDigits: 0 }));
        await expect.poll(() => page.textContent('[data-testid="open-alerts"]')).toBe(String(api.alerts?.open));
        await expect.poll(() => page.textContent('[data-testid="overdue-orders"]')).toBe(String(api.workorders?.overdue));
        const sourcesShown = await page.locator('[data-testid="overview-sources"]').count();
        if (role.username === 'liaison.card') {
          expect(api.sources).toBeNull();
          expect(sourcesShown).toBe(0);
          // Nothing of another department reaches a liaison.
          expect(await page.textContent('main')).not.toContain('消化内科');
          expect(JSON.stringify(api)).not.toContain('H2-');
          const refused = await page.evaluate(async () => (await fetch('/api/overview?org=H2-OFF-GAST')).status);
          expect(refused).toBe(404);
        } else {
          expect(sourcesShown).toBe(1);
          expect(api.sources?.total).toBeGreaterThan(0);
          expect(await page.locator('[data-testid="child-units"] [data-child]').count()).toBe(api.children.length);
        }
        // Click-through targets follow the route contract.
        expect(await page.getAttribute('[data-testid="alerts-by-severity"] [data-severity="2"]', 'href')).toBe(`/alerts?severity=2&state=firing&org=${role.scope}`);
        expect(await page.getAttribute('[data-kpi="outpatient_visits"]', 'href')).toBe(`/indicators?code=outpatient_visits&org=${role.scope}`);
      }, { viewport: { width: 1600, height: 900 }, refusals: role.username === 'liaison.card' ? [404] : [] });
    });
  }

  it('lets the analyst drill down from the group to a department, each node with its indicators and alerts', async () => {
    await withDemoPage(browser, server, 'overview-drilldown', async ({ page }) => {
      await signInDemo(page, server, 'analyst');
      await page.waitForSelector('[data-testid="overview-kpis"] [data-kpi]');
      await saveViewShot(page, 'overview');
      await page.click('[data-testid="child-units"] [data-child="H1"] a');
      await page.waitForURL('**/orgs/H1');
      await expect.poll(() => page.textContent('[data-testid="org-detail-name"]')).toBe('云健第一医院');
      await page.waitForSelector('[data-testid="child-units"] [data-child="H1-OFF"]');
      await page.click('[data-testid="child-units"] [data-child="H1-OFF"] a');
      await expect.poll(() => page.textContent('[data-testid="org-detail-name"]')).toBe('线下诊疗');
      await page.click('[data-org="H1-OFF-CARD"]');
      await expect.poll(() => page.textContent('[data-testid="org-detail-name"]')).toBe('心内科');
      await page.waitForSelector('[data-kpi="outpatient_visits"]');
      const api = await getInPage<Overview>(page, '/api/overview?org=H1-OFF-CARD');
      await expect.poll(() => page.textContent('[data-testid="open-alerts"]')).toBe(String(api.alerts?.open));
      await expect.poll(() => page.textContent('[data-testid="org-path"]')).toContain('云健第一医院');
      // The ongoing wait surge in cardiology shows among its open alerts.
      expect(api.alerts?.open).toBeGreaterThan(0);
      expect(await page.locator('[data-testid="recent-alerts"] [data-alert]').count()).toBe(Math.min(api.alerts?.open ?? 0, 8));
    }, { viewport: { width: 1600, height: 900 } });
  });
});
