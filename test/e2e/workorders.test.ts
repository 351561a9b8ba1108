import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type WatchedPage } from './support/browser.ts';
import { signInDemo, withDemoPage, type DemoPageOptions } from './support/demo-page.ts';
import { startDemoWebServer, type DemoWebServer } from './support/demo-server.ts';

/**
 * The closed loop in the console on the demo group: the center routes and dispatches an order
 * opened by a demo alert, the internet-hospital liaison works it on a phone (acknowledge, start,
 * comment with a file, resolve), another department's liaison cannot see it, and the analyst
 * verifies and closes it. The board is checked after every step; each step saves a screenshot.
 */
let server: DemoWebServer;
let browser: Browser;
let orderId = '';
const phone = { viewport: { width: 375, height: 812 }, isMobile: true } as const;

beforeAll(async () => {
  server = await startDemoWebServer();
  browser = await launchChromium();
  // An order the demo's alerts opened in the internet hospital (H1-ONL and its departments) that
  // its routing did not give the internet hospital's liaison (the data-quality ones go to the
  // administrator), so that the analyst's dispatch is what brings the liaison in.
  const r = await server.db.query<{ id: number; code: string; state: string; liaison: boolean }>(
    `SELECT w.id, o.code, w.state, (SELECT id::text FROM app_user WHERE username = 'liaison.online') = ANY (w.assignees) AS liaison
       FROM work_order w JOIN org_unit o ON o.id = w.org_unit_id
     ORDER BY (o.path LIKE (SELECT path FROM org_unit WHERE code = 'H1-ONL') || '%' AND w.state = 'new') DESC,
              ((SELECT id::text FROM app_user WHERE username = 'liaison.online') = ANY (w.assignees)) ASC, w.severity DESC, w.id`);
  const first = r.rows[0];
  expect(first?.state, `demo orders: ${JSON.stringify(r.rows)}`).toBe('new');
  expect(first?.code, `demo orders: ${JSON.stringify(r.rows)}`).toMatch(/^H1-ONL/);
  expect(first?.liaison, `demo orders: ${JSON.stringify(r.rows)}`).toBe(false);
  orderId = String(first?.id);
});

afterAll(async () => {
  await browser.close();
  await server.close();
});

/** Runs a signed-in browser session, fails on any console error (beyond the named refusals). */
const withUser = (username: string, name: string, run: (w: WatchedPage) => Promise<void>, options: DemoPageOptions = {}) =>
  withDemoPage(browser, server, `workorders-${name}`, async (w) => {
    await signInDemo(w.page, server, username);
    await run(w);
  }, options);

/** The board's column holding the order (null when the order is not on the board). */
async function boardColumnOf(page: Page, query = ''): Promise<string | null> {
  await page.goto(`/workorders${query}`);
  await page.waitForSelector('[data-testid="board"]');
  await expect.poll(() => page.textContent('[data-testid="order-count"]')).not.toContain('加载中');
  const card = page.locator(`[data-testid="board"] [data-order="${orderId}"]`);
  if ((await card.count()) === 0) return null;
  return card.locator('xpath=ancestor::section[@data-column]').getAttribute('data-column');
}

async function openOrder(page: Page): Promise<void> {
  await page.goto(`/workorders/${orderId}`);
  await page.waitForSelector('[data-testid="order-actions"]');
}

async function command(page: Page, kind: string, expectedState: string): Promise<void> {
  await page.click(`[data-command="${kind}"]`);
  await expect.poll(() => page.getAttribute('[data-testid="order-state"]', 'data-state')).toBe(expectedState);
}

async function offered(page: Page): Promise<(string | null)[]> {
  return Promise.all((await page.locator('[data-command]').all()).map((b) => b.getAttribute('data-command')));
}

describe('work orders in the console', () => {
  it('lets the analyst route the internet hospital\'s compliance orders to its liaison, load holidays, and dispatch a demo order', async () => {
    await withUser('analyst', '1-analyst-dispatch', async ({ page }) => {
      await page.goto('/admin/routing');
      await page.waitForSelector('[data-testid="route-form"]');
      // The demo routes the internet hospital's orders to its liaison; compliance has no route of its own yet.
      await expect.poll(() => page.textContent('[data-route="H1-ONL:*"]')).toContain('互联网医院联络员');
      expect(await page.locator('[data-route="H1-ONL:compliance"]').count()).toBe(0);
      await page.selectOption('[data-testid="route-form"] select[name="orgUnit"]', 'H1-ONL');
      await page.fill('[data-testid="route-form"] input[name="category"]', 'compliance');
      await page.check('[data-testid="route-form"] [data-person^="互联网医院联络员"] input');
      await page.click('[data-action="save-route"]');
      await expect.poll(() => page.textContent('[data-route="H1-ONL:compliance"]')).toContain('互联网医院联络员');

      await page.goto('/admin/calendars');
      await page.fill('[data-testid="holiday-import"] textarea', '2031-01-01 off 元旦\n2031-01-04 班 元旦调休');
      await page.click('[data-action="import-holidays"]');
      await page.selectOption('select[name="year"]', '2031');
      await expect.poll(() => page.textContent('[data-day="2031-01-04"]')).toContain('调休上班');

      expect(await boardColumnOf(page, '?view=all')).toBe('new');
      await openOrder(page);
      // An order from an alert links to its alert; the center may dispatch and close, not verify yet.
      expect(await page.locator('[data-testid="source-alerts"] a').first().getAttribute('href')).toMatch(/^\/alerts\/\d+$/);
      expect(await offered(page)).toEqual(['acknowledge', 'close', 'assign']);
      expect(await page.textContent('[data-testid="assignees"]')).not.toContain('互联网医院联络员');
      await page.click('[data-command="assign"]');
      await page.check('[data-person^="互联网医院联络员"] input');
      await page.click('[data-action="submit"]');
      await expect.poll(() => page.textContent('[data-testid="assignees"]')).toContain('互联网医院联络员');
    });
  });

  it('takes the liaison on a phone from acknowledgement to resolution, the board following each step', async () => {
    await server.runJobs(); // deliver the assignment notification
    await withUser('liaison.online', '2-liaison-phone', async (w) => {
      const { page } = w;
      expect(await boardColumnOf(page)).toBe('new');
      await w.screenshot('e2e-workorders-2a-board-new');
      await openOrder(page);
      await expect.poll(() => page.locator('[data-testid="timeline"] [data-kind="notify"]').count()).toBeGreaterThan(0);
      await expect.poll(() => page.textContent('[data-countdown="acknowledge"]')).toMatch(/剩余|超期/);
      // Verify, close and reopen belong to the originator or the center: never offered here.
      expect(await offered(page)).toEqual(['acknowledge', 'assign']);
      await command(page, 'acknowledge', 'acknowledged');
      await w.screenshot('e2e-workorders-2b-acknowledged');
      expect(await boardColumnOf(page)).toBe('acknowledged');

      await openOrder(page);
      await command(page, 'start', 'in_progress');
      expect(await boardColumnOf(page)).toBe('in_progress');

      await openOrder(page);
      await page.fill('[data-testid="comment-form"] textarea[name="comment"]', '已联系互联网医院药学部，审方排班调整中，分析见附件。');
      await page.setInputFiles('[data-testid="comment-form"] input[type="file"]', { name: '审方分析.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 analysis') });
      await page.click('[data-action="send-comment"]');
      await expect.poll(() => page.textContent('[data-testid="timeline"]')).toContain('已联系互联网医院药学部');
      await expect.poll(() => page.textContent('[data-testid="timeline"]')).toContain('审方分析.pdf');
      const href = await page.locator('[data-testid="attachments"] a').first().getAttribute('href');
      const download = await page.request.get(href ?? '');
      expect(await download.text()).toBe('%PDF-1.4 analysis');
      await w.screenshot('e2e-workorders-2c-comment-attachment');

      await page.click('[data-command="resolve"]');
      await page.fill('textarea[name="rootCause"]', '夜间药师排班不足，处方积压');
      await page.fill('textarea[name="actionTaken"]', '增加夜班审方药师一名，设置30分钟超时提醒');
      await page.click('[data-action="submit"]');
      await expect.poll(() => page.getAttribute('[data-testid="order-state"]', 'data-state')).toBe('resolved');
      await expect.poll(() => page.textContent('[data-testid="resolution"]')).toContain('夜间药师排班不足');
      expect(await offered(page)).toEqual(['assign']);
      await w.screenshot('e2e-workorders-2d-resolved');
      expect(await boardColumnOf(page)).toBe('resolved');
    }, phone);
  });

  it('keeps the order from a liaison of another department', async () => {
    await withUser('liaison.card', '3-other-liaison', async ({ page }) => {
      expect(await boardColumnOf(page, '?view=department')).toBeNull();
      expect(await boardColumnOf(page, '?view=mine')).toBeNull();
      await page.goto(`/workorders/${orderId}`);
      await page.waitForSelector('[data-testid="workorder-missing"]');
      expect(await page.locator('[data-command]').count()).toBe(0);
    }, { ...phone, refusals: [404] });
  });

  it('lets the analyst verify and close the resolved order', async () => {
    await withUser('analyst', '4-analyst-verify', async (w) => {
      const { page } = w;
      expect(await boardColumnOf(page, '?view=all')).toBe('resolved');
      await openOrder(page);
      expect(await offered(page)).toEqual(['verify', 'reopen', 'close', 'assign']);
      await page.click('[data-command="verify"]');
      await page.fill('textarea[name="note"]', '复核审方时长已恢复正常');
      await page.click('[data-action="submit"]');
      await expect.poll(() => page.getAttribute('[data-testid="order-state"]', 'data-state')).toBe('closed');
      await expect.poll(() => page.textContent('[data-testid="timeline"]')).toContain('核实关闭');
      await w.screenshot('e2e-workorders-4a-closed');
      expect(await boardColumnOf(page, '?view=all')).toBe('closed');
    }, phone);
  });

  it('records a recurring cause in the problem library until its proposer verifies it, then finds it in the knowledge base', async () => {
    await withUser('analyst', '5-problem-library', async ({ page }) => {
      await page.goto('/problems');
      await page.click('[data-action="create-problem"]');
      await page.fill('input[name="title"]', '夜间审方超时反复出现');
      await page.selectOption('select[name="orgUnit"]', 'H1-ONL');
      await expect.poll(() => page.locator('select[name="ownerId"] option').count()).toBeGreaterThan(0);
      await page.selectOption('select[name="ownerId"]', { label: '运监中心 王敏 Analyst' });
      await page.fill('textarea[name="plan"]', '排查夜班药师配置');
      await page.click('[data-action="submit"]');
      await page.waitForSelector('[data-testid="problem-page"] [data-command="update"]');
      await page.click('[data-command="update"]');
      await page.fill('textarea[name="body"]', '已调取三个月审方记录');
      await page.fill('input[name="progress"]', '40');
      await page.click('[data-action="submit"]');
      await expect.poll(() => page.textContent('[data-testid="problem-progress"]')).toBe('40%');
      await page.click('[data-command="link"]');
      await page.fill('input[name="ref"]', orderId);
      await page.click('[data-action="submit"]');
      await expect.poll(() => page.locator(`[data-testid="problem-links"] a[href="/workorders/${orderId}"]`).count()).toBe(1);
      await page.click('[data-command="resolve"]');
      await page.fill('textarea[name="resolution"]', '夜班增设审方药师并启用超时提醒');
      await page.click('[data-action="submit"]');
      await expect.poll(() => page.textContent('[data-testid="problem-state"]')).toBe('待核实');
      await page.click('[data-command="verify"]');
      await expect.poll(() => page.textContent('[data-testid="problem-state"]')).toBe('已解决');
      await page.goto('/problems?q=审方药师');
      await expect.poll(() => page.textContent('[data-testid="articles"]')).toContain('夜间审方超时反复出现');
    });
  });
});
