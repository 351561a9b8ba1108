import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveAlertTransitions } from '../../src/alerts/alerts-repo.ts';
import { launchChromium, type WatchedPage } from './support/browser.ts';
import { withDemoPage, type DemoPageOptions } from './support/demo-page.ts';
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

/** Runs a browser session, saves its screenshot and fails on any console error (statuses provoked on purpose excepted). */
const withPage = (name: string, run: (w: WatchedPage) => Promise<void>, options: DemoPageOptions = {}) => withDemoPage(browser, server, name, run, options);

async function signIn(page: Page, username: string) {
  await page.goto('/login');
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', server.passwordOf(username));
  await page.click('button[type="submit"]');
  await page.waitForSelector('[data-testid="overview"]');
}

async function attributesOf(page: Page, selector: string, name: string) {
  return Promise.all((await page.locator(selector).all()).map((el) => el.getAttribute(name)));
}

async function alertRows(page: Page) {
  return Promise.all((await page.locator('[data-testid="alerts-inbox"] tr[data-alert]').all()).map(async (row) => ({
    id: Number(await row.getAttribute('data-alert')), severity: await row.getAttribute('data-severity'),
  })));
}

/** A firing alert of a series rule (one with an indicator chart) in the liaison's department. */
async function seriesAlertIn(orgCode: string): Promise<number> {
  const { rows } = await server.db.query<{ id: number }>(
    `SELECT a.id FROM alert a JOIN org_unit o ON o.id = a.org_unit_id JOIN rule r ON r.id = a.rule_id
     WHERE o.code = $1 AND a.state = 'firing' AND r.definition ? 'indicator' ORDER BY a.id LIMIT 1`, [orgCode],
  );
  const id = rows[0]?.id;
  if (id === undefined) throw new Error(`the demo backfill raised no firing series alert in ${orgCode}`);
  return id;
}

/**
 * An incident of `wait_time_high` at H1-OFF-CARD spanning three days, ended by a clean day, stored
 * as the engine stores one (opened, two periods added, resolved) so the console reads it back.
 */
async function seedIncident(): Promise<number> {
  const { rows } = await server.db.query<{ ruleId: number; orgId: number }>(
    `SELECT r.id AS "ruleId", o.id AS "orgId" FROM rule r, org_unit o WHERE r.code = 'wait_time_high' AND o.code = 'H1-OFF-CARD'`,
  );
  const ids = rows[0];
  if (!ids) throw new Error('no wait_time_high rule or H1-OFF-CARD in the demo');
  const at = new Date();
  const days = ['2026-11-01', '2026-11-02', '2026-11-03'];
  const template = { zh: '{{orgUnitName}} {{period}} 预约后平均等待 {{value}}，超过 {{bound}}', en: '{{orgUnitName}} {{period}}: average wait after appointment {{value}}, above {{bound}}' };
  const params = { orgUnitName: 'Cardiology', period: '2026-11-03', value: 48, bound: 30, unit: 'minutes', valueUnit: 'minutes', ruleZh: '预约后等待时间过长', ruleEn: 'Wait after appointment too long' };
  const status = (state: 'firing' | 'resolved') => ({ state, activeSince: at.toISOString(), stateSince: at.toISOString(), breachCount: 3, clearedSince: null, finalized: true, lastValue: 48, lastEvaluatedAt: at.toISOString() });
  let id = 0;
  for (const [i, day] of [...days, '2026-11-04'].entries()) {
    const resolved = i === 3;
    const last = days[Math.min(i, 2)] ?? day;
    const saved = await server.db.transaction((tx) => saveAlertTransitions(tx, [{
      alert: {
        fingerprint: 'e2e-incident', ruleId: ids.ruleId, ruleCode: 'wait_time_high', orgUnitId: ids.orgId, seriesKey: 'e2e', periodKey: '2026-11-01', periodStart: new Date('2026-10-31T16:00:00Z'),
        severity: 3, category: 'outpatient', groupKey: 'e2e', status: status(resolved ? 'resolved' : 'firing'), value: 48, bound: 30, messageZh: 'x', messageEn: 'x',
        notify: true, suppressedBy: null, suppressedRefs: [], lastNotifiedState: resolved ? 'resolved' : 'firing', silentSource: null, at,
        lastPeriodKey: last, lastPeriodStart: new Date(`${last}T00:00:00+08:00`), periodCount: Math.min(i + 1, 3), endedAt: resolved ? at : null, endReason: resolved ? 'cleared' : null,
        messageTemplate: template, messageParams: params,
      },
      history: {
        from: i === 0 ? null : 'firing', to: resolved ? 'resolved' : 'firing', reason: i === 0 ? 'breach' : resolved ? 'cleared' : 'period_added', trigger: 'schedule', at,
        periodKey: day, closed: true, value: resolved ? 20 : 48, bound: 30, detail: {}, ruleVersion: 1, notify: true, suppressedBy: null, suppressedRefs: [],
      },
      period: resolved ? undefined : { periodKey: day, periodStart: new Date(`${day}T00:00:00+08:00`), value: 48, bound: 30, detail: {} },
    }]));
    id = saved.get('e2e-incident') ?? 0;
  }
  return id;
}

describe('alerts console', () => {
  it('shows an incident in the inbox and its detail: start, end, state and periods, in English when the console is', async () => {
    const alertId = await seedIncident();
    await withPage('alerts-incident-en', async ({ page }) => {
      await signIn(page, 'analyst');
      await page.click('.topbar [data-locale="en"]');
      await page.goto('/alerts?rule=wait_time_high&state=resolved');
      const row = `[data-testid="alerts-inbox"] tr[data-alert="${String(alertId)}"]`;
      await page.waitForSelector(row);
      await expect.poll(() => page.textContent(`${row} [data-testid="alert-span"]`)).toContain('2026-11-01 – 2026-11-03 · 3 period(s)');
      await expect.poll(() => page.textContent(`${row} [data-testid="alert-ended"]`)).toContain('Cleared');
      expect(await page.textContent(`${row} .alert-message a`)).toBe('Cardiology 2026-11-03: average wait after appointment 48 min, above 30 min');

      await page.click(`${row} a`);
      await page.waitForURL(`**/alerts/${String(alertId)}`);
      await expect.poll(() => page.textContent('[data-testid="alert-title"]')).toBe('Cardiology 2026-11-03: average wait after appointment 48 min, above 30 min');
      await expect.poll(async () => attributesOf(page, '[data-testid="alert-periods"] tr[data-period]', 'data-period')).toEqual(['2026-11-01', '2026-11-02', '2026-11-03']);
      expect(await page.textContent('[data-testid="alert-periods-span"]')).toContain('2026-11-01 – 2026-11-03');
      expect(await page.textContent('[data-testid="alert-ended"]')).toContain('Cleared');
      expect(await page.locator('[data-testid="alert-history"] tr[data-transition]').count()).toBe(4);
      await page.click('.topbar [data-locale="zh-CN"]');
      await expect.poll(() => page.textContent('[data-testid="alert-state"]')).toContain('已恢复');
    });
  });

  it('lets the analyst filter the inbox by severity, read an alert’s chart and history, and silence it with a reason and an end time', async () => {
    const alertId = await seriesAlertIn('H1-OFF-CARD');
    await withPage('alerts-analyst-silence', async ({ page }) => {
      await signIn(page, 'analyst');
      await page.click('[data-nav="alerts"]');
      await page.waitForSelector('[data-testid="alerts-inbox"] tr[data-alert]');
      const all = await alertRows(page);
      expect(new Set(all.map((r) => r.severity)).size).toBeGreaterThan(1);

      await page.selectOption('select[name="severity"]', '3');
      await page.waitForURL((url) => url.searchParams.get('severity') === '3');
      await expect.poll(async () => (await alertRows(page)).every((r) => r.severity === '3')).toBe(true);
      const filtered = await alertRows(page);
      expect(filtered.length).toBeGreaterThan(0);
      expect(filtered.length).toBeLessThan(all.length);
      expect(filtered.map((r) => r.id)).toContain(alertId);
      await page.reload();
      await expect.poll(async () => (await alertRows(page)).length).toBe(filtered.length);

      await page.click('[data-view="grouped"]');
      await page.waitForURL((url) => url.searchParams.get('view') === 'grouped' && url.searchParams.get('severity') === '3');
      await page.waitForSelector('[data-testid="alert-groups"] [data-group="wait_time_high"]');
      const grouped = await page.locator('[data-testid="alert-groups"] li[data-alert]').count();
      expect(grouped).toBe(filtered.length);
      await page.click('[data-view="list"]');

      await page.click(`tr[data-alert="${String(alertId)}"] a`);
      await page.waitForURL(`**/alerts/${String(alertId)}`);
      await page.waitForSelector('[data-testid="alert-history"] tr[data-transition="firing"]');
      await page.waitForSelector('[data-testid="alert-chart"] canvas');
      await expect.poll(() => page.textContent('[data-testid="alert-state"]')).toContain('告警中');
      expect(await page.locator('[data-testid="alert-silenced"]').count()).toBe(0);

      await page.click('[data-action="silence-alert"]');
      expect(await page.inputValue('.modal input[name="matcher-value-0"]')).toBe('wait_time_high');
      expect(await page.inputValue('.modal input[name="matcher-value-1"]')).toBe('H1-OFF-CARD');
      await page.click('.modal [data-action="submit"]');
      await page.waitForSelector('.modal [data-field-error="/reason"]');
      expect(await page.locator('.modal [data-field-error="/endsAt"]').count()).toBe(1);
      await page.fill('.modal textarea[name="reason"]', '已批准的变更窗口：候诊系统升级');
      await page.click('.modal [data-ends-in="24"]');
      await page.click('.modal [data-action="submit"]');
      await page.waitForSelector('[data-testid="alert-silenced"]');
      await expect.poll(() => page.textContent('[data-testid="alert-silenced"]')).toContain('候诊系统升级');
      expect(await page.locator('.modal').count()).toBe(0);

      await page.click('[data-nav="admin-silences"]');
      await page.waitForSelector('[data-testid="silences-page"] tr[data-silence]');
      await expect.poll(() => page.textContent('[data-testid="silences-page"] tr[data-silence]')).toContain('候诊系统升级');
      await page.click('[data-action="create-mute-window"]');
      await page.fill('.modal input[name="name"]', '夜间');
      await page.fill('.modal input[name="timezone"]', 'Mars/Olympus');
      await page.click('.modal [data-action="submit"]');
      await page.waitForSelector('.modal [data-field-error="/timezone"]');
      await page.fill('.modal input[name="timezone"]', 'Asia/Shanghai');
      await page.click('.modal [data-action="submit"]');
      await page.waitForSelector('[data-mute-window="夜间"]');
      await expect.poll(() => page.textContent('[data-mute-window="夜间"]')).toContain('22:00–07:00');
    }, { refusals: [400] });
    const silences = await server.db.query<{ reason: string; created_by: string; ends_at: Date }>('SELECT reason, created_by, ends_at FROM silence');
    expect(silences.rows).toHaveLength(1);
    expect(silences.rows[0]).toMatchObject({ reason: '已批准的变更窗口：候诊系统升级', created_by: 'analyst' });
    const hours = ((silences.rows[0]?.ends_at.getTime() ?? 0) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23);
    expect(hours).toBeLessThan(24.1);
    const audit = await server.db.query<{ target_id: string }>("SELECT target_id FROM audit_entry WHERE action = 'alert.silenced'");
    expect(audit.rows.map((r) => r.target_id)).toEqual([String(alertId)]);
    const mute = await server.db.query<{ name: string; definition: unknown }>('SELECT name, definition FROM mute_window');
    expect(mute.rows).toEqual([{ name: '夜间', definition: expect.objectContaining({ timezone: 'Asia/Shanghai', times: [{ start: '22:00', end: '07:00' }] }) as unknown }]);
  });

  it('shows a liaison on a phone only the alerts of their department, with the chart and history but no silence button', async () => {
    const expected = await server.db.query<{ id: number }>("SELECT a.id FROM alert a JOIN org_unit o ON o.id = a.org_unit_id WHERE o.code = 'H1-OFF-CARD'");
    const alertId = await seriesAlertIn('H1-OFF-CARD');
    await withPage('alerts-liaison', async ({ page }) => {
      await signIn(page, 'liaison.card');
      expect(await page.locator('[data-nav="admin-silences"]').count()).toBe(0);
      expect(await page.locator('[data-nav="admin-rules"]').count()).toBe(0);
      await page.goto('/alerts');
      await page.waitForSelector('[data-testid="alerts-inbox"] tr[data-alert]');
      const ids = (await alertRows(page)).map((r) => r.id).sort((a, b) => a - b);
      expect(ids).toEqual(expected.rows.map((r) => r.id).sort((a, b) => a - b));
      // Another department's alert does not exist for this liaison.
      const elsewhere = await server.db.query<{ id: number }>("SELECT a.id FROM alert a JOIN org_unit o ON o.id = a.org_unit_id WHERE o.code <> 'H1-OFF-CARD' LIMIT 1");
      await page.goto(`/alerts/${String(elsewhere.rows[0]?.id)}`);
      await page.waitForSelector('[data-testid="alert-not-found"]');
      await page.goto('/admin/silences');
      await page.waitForSelector('[data-testid="not-found"]');

      await page.goto('/alerts');
      await page.click(`tr[data-alert="${String(alertId)}"] a`);
      await page.waitForSelector('[data-testid="alert-history"] tr[data-transition]');
      await page.waitForSelector('[data-testid="alert-chart"] canvas');
      expect(await page.locator('[data-action="silence-alert"]').count()).toBe(0);
      // On a phone the page keeps to the screen's width (wide tables scroll inside their card).
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
      expect(overflow).toBeLessThanOrEqual(0);
    }, { refusals: [404], viewport: { width: 375, height: 812 } });
  });

  it('lets the administrator fix a rule refused at a field, save it as a new version, and dry-run it', async () => {
    const before = await server.db.query<{ version: number }>("SELECT version FROM rule WHERE code = 'wait_time_high'");
    await withPage('rules-admin-edit', async ({ page }) => {
      await signIn(page, 'admin');
      await page.click('[data-nav="admin-rules"]');
      await page.waitForSelector('[data-rule="wait_time_high"]');
      await page.click('[data-rule="wait_time_high"] a');
      await page.waitForSelector('[data-testid="rule-editor"] [data-field="/messageZh"] textarea');
      const message = await page.inputValue('[data-field="/messageZh"] textarea');

      await page.fill('[data-field="/messageZh"] textarea', `${message} {{nonsense}}`);
      await page.fill('[data-field="/bound"] input', '45');
      await page.click('[data-action="save-rule"]');
      await page.waitForSelector('[data-field-error="/messageZh"]');
      await expect.poll(() => page.textContent('[data-field-error="/messageZh"]')).toContain('nonsense');

      await page.fill('[data-field="/messageZh"] textarea', message);
      await page.click('[data-action="save-rule"]');
      await expect.poll(() => page.locator('[data-field-error]').count()).toBe(0);
      await expect.poll(() => page.textContent('[data-testid="rule-versions"]')).toContain(`v${String(Number(before.rows[0]?.version) + 1)}`);

      await page.click('[data-action="dry-run"]');
      await page.waitForSelector('[data-testid="dry-run-firings"]');
      const firings = Number(await page.getAttribute('[data-testid="dry-run-firings"]', 'data-firings'));
      expect(Number.isInteger(firings)).toBe(true);
      await expect.poll(() => page.textContent('[data-testid="dry-run-firings"]')).toContain(`会触发 ${String(firings)} 次`);
      if (firings > 0) await page.waitForSelector('[data-testid="dry-run"] canvas');
      else await expect.poll(() => page.textContent('[data-testid="dry-run"]')).toContain('所选时段内不会触发');
    }, { refusals: [400] });
    const after = await server.db.query<{ version: number; bound: number }>("SELECT version, (definition->>'bound')::float AS bound FROM rule WHERE code = 'wait_time_high'");
    expect(after.rows[0]).toMatchObject({ version: Number(before.rows[0]?.version) + 1, bound: 45 });
  });
});
