import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertFindings } from '../../src/alerts/findings-repo.ts';
import { systemContext } from '../../src/cli/bootstrap.ts';
import { periodKey } from '../../src/shared/index.ts';
import { launchChromium, type WatchedPage } from './support/browser.ts';
import { signInDemo, withDemoPage } from './support/demo-page.ts';
import { startDemoWebServer, type DemoWebServer } from './support/demo-server.ts';

/** The indicator explorer and administration on the demo hospital group, per role. */
let server: DemoWebServer;
let browser: Browser;
const thisMonth = periodKey(new Date(), 'month');

beforeAll(async () => {
  server = await startDemoWebServer();
  browser = await launchChromium();
  // A month target on the hospital, so the explorer has a target line to show (inherited below it).
  await server.runtime.indicators.targets.setTarget(systemContext(new Date()), 'outpatient_visits', { org: await server.services.orgs.require('H1'), periodKey: thisMonth, value: 5000 });
});

afterAll(async () => {
  await browser.close();
  await server.close();
});

/** Runs a browser session, saves its screenshot and fails on any console error but the refusals named. */
// The browser sits in the group's reporting zone (Asia/Shanghai), as the hospital's staff do: "today" is the same day for both.
const withPage = (name: string, run: (w: WatchedPage) => Promise<void>, refusals: readonly number[] = []) =>
  withDemoPage(browser, server, name, run, { timezoneId: 'Asia/Shanghai', refusals });

const signIn = (page: Page, username: string) => signInDemo(page, server, username);

const query = (page: Page) => Object.fromEntries(new URL(page.url()).searchParams);
/** The values of one attribute over every element a selector matches. */
const attributes = async (page: Page, selector: string, name: string) => Promise.all((await page.locator(selector).all()).map((el) => el.getAttribute(name)));
const chartSeries = async (page: Page) => ((await page.getAttribute('.indicator-chart', 'data-series')) ?? '').split(',');

describe('indicator explorer', () => {
  it('marks the findings rules judged on history (no alert) on the chart and in the table', async () => {
    const { rows } = await server.db.query<{ ruleId: number; orgId: number }>(
      `SELECT r.id AS "ruleId", o.id AS "orgId" FROM rule r, org_unit o WHERE r.code = 'wait_time_high' AND o.code = 'H1'`,
    );
    const ids = rows[0];
    if (!ids) throw new Error('no wait_time_high rule or H1 in the demo');
    const day = periodKey(new Date(Date.now() - 20 * 86_400_000), 'day', 'Asia/Shanghai');
    await server.db.transaction((tx) => upsertFindings(tx, [{
      ruleId: ids.ruleId, ruleCode: 'wait_time_high', orgUnitId: ids.orgId, seriesKey: 'all', periodKey: day, periodStart: new Date(`${day}T00:00:00+08:00`),
      kind: 'breach', value: 52, bound: 30, detail: {}, messageTemplate: { zh: '{{period}} 等待 {{value}}', en: '{{period}}: wait {{value}}' },
      messageParams: { period: day, value: 52, bound: 30, unit: 'minutes', valueUnit: 'minutes', ruleZh: '预约后等待时间过长', ruleEn: 'Wait after appointment too long' }, at: new Date(),
    }]));
    await withPage('indicators-findings', async ({ page }) => {
      await signIn(page, 'analyst');
      await page.goto('/indicators?code=avg_wait_after_appointment&org=H1&grain=day');
      await page.waitForSelector(`[data-testid="series-table"] tr[data-period="${day}"]`);
      await page.waitForSelector(`tr[data-period="${day}"] [data-testid="finding-tag"]`);
      expect(await page.locator('[data-testid="finding-tag"]').count()).toBe(1);
      await expect.poll(() => page.getAttribute('.indicator-chart', 'data-findings')).toBe('1');
      expect(await chartSeries(page)).toContain('finding');
      await expect.poll(() => page.textContent('[data-testid="finding-count"]')).toContain('历史发现 1 处');
    });
  });


  it('opens from a link, switches grain, shows target and overlays, breaks down and ranks, and downloads the series as CSV', async () => {
    await withPage('indicators-analyst', async ({ page }) => {
      await signIn(page, 'analyst');
      await page.goto('/indicators?code=outpatient_visits&org=H1&grain=day');
      await page.waitForSelector('[data-testid="series-table"] tr[data-period]');
      // The link's selection is completed with a default range, in the URL too.
      expect(query(page)).toMatchObject({ code: 'outpatient_visits', org: 'H1', grain: 'day', from: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), to: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
      await expect.poll(() => page.textContent('[data-testid="indicator-title"]')).toContain('门诊人次数');
      expect(await page.locator('[data-testid="series-table"] tr[data-period]').count()).toBe(30);
      expect(await chartSeries(page)).toEqual(expect.arrayContaining(['value', 'open', 'previous', 'yearAgo']));
      // Today is open: marked as such in the chart and the table, never as a drop.
      const today = periodKey(new Date(), 'day');
      expect(await page.getAttribute('.indicator-chart', 'data-open-periods')).toBe(today);
      await expect.poll(() => page.textContent(`tr[data-period="${today}"]`)).toContain('未结束');

      await page.selectOption('select[name="grain"]', 'month');
      await page.waitForURL((url) => url.searchParams.get('grain') === 'month');
      await expect.poll(() => page.locator('[data-testid="series-table"] tr[data-period]').count()).toBe(12);
      await expect.poll(() => chartSeries(page)).toEqual(expect.arrayContaining(['value', 'open', 'previous', 'yearAgo', 'target']));
      await expect.poll(() => page.textContent(`tr[data-period="${thisMonth}"]`)).toMatch(/5,000.*未结束/);

      // Breakdown by the hospital's channels, with the hospital's total; H1 ranked among the group's units.
      await expect.poll(async () => (await attributes(page, '[data-breakdown-org]', 'data-breakdown-org')).sort()).toEqual(['H1-OFF', 'H1-ONL']);
      expect(await page.textContent('[data-testid="breakdown-total"]')).not.toBe('');
      await page.waitForSelector('[data-testid="ranking"] tr[data-rank-org="H1"].row-current');
      expect(await page.locator('[data-testid="ranking"] tr[data-rank-org]').count()).toBeGreaterThanOrEqual(3);

      // The current month's breakdown, chosen through the URL, has values (the demo backfill is recent).
      await page.goto(`/indicators?code=outpatient_visits&org=H1&grain=month&from=${query(page)['from'] ?? ''}&to=${query(page)['to'] ?? ''}&period=${thisMonth}`);
      await expect.poll(() => page.textContent('[data-testid="breakdown"] h2')).toContain(thisMonth);

      const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-action="export-series-csv"]')]);
      expect(download.suggestedFilename()).toMatch(/^outpatient_visits-H1-month-.+\.csv$/);
      const csv = readFileSync(await download.path());
      expect(csv.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      const lines = csv.toString('utf8').slice(1).trimEnd().split('\r\n');
      expect(lines).toHaveLength(13);
      expect(lines[0]).toMatch(/^指标编码,指标,组织编码,组织,粒度,周期/);
      const current = lines.find((l) => l.includes(`,${thisMonth},`));
      expect(current).toContain('outpatient_visits,门诊人次数,H1,');
      expect(current).toContain(',5000,H1,');
      expect(current).toContain('未结束（数据不完整）');
    });
  });

  it('shows a liaison only their department, without siblings to rank against, and refuses another unit', async () => {
    await withPage('indicators-liaison', async ({ page }) => {
      await signIn(page, 'liaison.card');
      await page.click('[data-nav="indicators"]');
      await page.waitForSelector('[data-testid="series-table"] tr[data-period]');
      expect(query(page)['org']).toBe('H1-OFF-CARD');
      expect(await attributes(page, 'select[name="org"] option', 'value')).toEqual(['H1-OFF-CARD']);
      await page.waitForSelector('[data-testid="no-ranking"]');
      await expect.poll(() => page.textContent('[data-testid="breakdown"]')).toContain('没有下级组织');

      // A link to the hospital is refused by the API and shows no data.
      await page.goto('/indicators?code=outpatient_visits&org=H1&grain=day');
      await page.waitForSelector('[data-testid="explorer-error"]');
      expect(await page.locator('[data-testid="series-table"]').count()).toBe(0);
    }, [404]);
  });
});

describe('indicator administration', () => {
  it('lists definitions with their JSON, and shows a target inherited from the hospital', async () => {
    await withPage('indicators-admin', async ({ page }) => {
      await signIn(page, 'analyst');
      await page.click('[data-nav="admin-indicators"]');
      await page.waitForSelector('[data-definition="outpatient_visits"]');
      await expect.poll(() => page.textContent('[data-definition="outpatient_visits"]')).toContain('门诊人次数');
      await page.click('[data-definition="outpatient_visits"] [data-action="view-json"]');
      await expect.poll(() => page.textContent('[data-testid="definition-json"]')).toContain('"code": "outpatient_visits"');
      await page.click('.modal button[type="button"]');

      await page.click('[data-definition="outpatient_visits"] [data-action="targets"]');
      await page.selectOption('select[name="targetOrg"]', 'H1-OFF');
      await expect.poll(() => page.textContent(`[data-target-period="${thisMonth}"]`)).toContain('继承自');
    });
  });
});
