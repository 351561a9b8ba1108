import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type WatchedPage } from './support/browser.ts';
import { getInPage, saveViewShot, signInDemo, withDemoPage } from './support/demo-page.ts';
import { startDemoWebServer, type DemoWebServer } from './support/demo-server.ts';

/**
 * Budgets and quality costs in the console, on the demo group: a department liaison prepares next
 * year's budget (a wrong amount is marked as typed and cannot be saved), submits it and the group
 * director approves it; the liaison then asks for the year's adjustment and an out-of-budget
 * spending, both approved by the director, the latter shown on the execution view; a sheet with
 * bad cells is refused with each cell named; the PAF report shows the demo's ledger and takes an
 * entry and a target (English). Screenshots of each in test-results/.
 */
let server: DemoWebServer;
let browser: Browser;
const nextYear = new Date().getFullYear() + 1;
const DEPT = 'H1-OFF-CARD';

beforeAll(async () => {
  server = await startDemoWebServer();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser.close();
  await server.close();
});

const withUser = (username: string, name: string, run: (w: WatchedPage) => Promise<void>, options: { locale?: string; refusals?: readonly number[] } = {}) =>
  withDemoPage(browser, server, `budgets-${name}`, async (w) => {
    await signInDemo(w.page, server, username);
    await run(w);
  }, { viewport: { width: 1440, height: 1000 }, ...options });

async function openBudgets(page: Page, year: number, org: string): Promise<void> {
  await page.click('[data-nav="budgets"]');
  await page.waitForSelector('[data-testid="budgets-page"]');
  await page.fill('input[name="year"]', String(year));
  await page.selectOption('select[name="org"]', org);
  await page.waitForSelector('[data-testid="budget-status"]');
}

interface BudgetView { status: string; lines: { item: string; month: number; amount: number; originalAmount: number | null }[] }
const budgetOf = (page: Page, org: string) => getInPage<BudgetView>(page, `/api/budgets/${String(nextYear)}/${org}`);

describe('budgets in the console', () => {
  it('lets a liaison prepare and submit next year\'s budget, refusing a wrong amount as it is typed', async () => {
    await withUser('liaison.card', 'entry-zh', async ({ page }) => {
      await openBudgets(page, nextYear, DEPT);
      expect(await page.locator('[data-testid="budget-status"] strong').getAttribute('data-status')).toBe('none');
      const row = page.locator('[data-testid="budget-entry"] tbody tr').first();
      const item = await row.getAttribute('data-item');
      const cells = row.locator('input');
      await cells.nth(0).fill('-5');
      expect(await cells.nth(0).getAttribute('aria-invalid')).toBe('true');
      expect(await page.textContent('[data-testid="entry-problems"]')).toContain('1 个金额需要更正');
      expect(await page.isDisabled('[data-action="save-budget"]')).toBe(true);
      await cells.nth(0).fill('12000.50');
      await cells.nth(1).fill('8,000');
      expect(await page.isDisabled('[data-action="save-budget"]')).toBe(false);
      await page.click('[data-action="save-budget"]');
      await page.waitForSelector('[data-testid="budget-status"] strong[data-status="draft"]');
      await page.click('[data-action="submit-budget"]');
      await page.waitForSelector('[data-testid="budget-status"] strong[data-status="submitted"]');
      expect(await page.textContent('[data-testid="entry-done"]')).toBe('已提交审批');
      const saved = await budgetOf(page, DEPT);
      expect(saved.status).toBe('submitted');
      expect(saved.lines.map((l) => [l.item, l.month, l.amount])).toEqual([[item, 1, 12000.5], [item, 2, 8000]]);
      await saveViewShot(page, 'budgets-entry-zh');
    });
  });

  it('lets the director approve it, then an adjustment and an out-of-budget spending that shows on the execution view', async () => {
    await withUser('director', 'approve-zh', async ({ page }) => {
      await openBudgets(page, nextYear, DEPT);
      await page.click('[data-action="approve-budget"]');
      await page.waitForSelector('[data-testid="budget-status"] strong[data-status="approved"]');
      expect((await budgetOf(page, DEPT)).status).toBe('approved');
    });

    await withUser('liaison.card', 'requests-zh', async ({ page }) => {
      await openBudgets(page, nextYear, DEPT);
      await page.waitForSelector('[data-testid="adjustment-form"]');
      const item = (await budgetOf(page, DEPT)).lines[0]?.item ?? '';
      await page.fill('textarea[name="adjustment-reason"]', '新增介入手术耗材');
      await page.selectOption('select[name="adjustment-item-0"]', item);
      await page.selectOption('select[name="adjustment-month-0"]', '1');
      await page.fill('input[name="adjustment-amount-0"]', '15000');
      await page.click('[data-action="request-adjustment"]');
      await page.waitForSelector('[data-testid="request-done"]');

      await page.selectOption('select[name="exception-item"]', item);
      await page.selectOption('select[name="exception-month"]', '3');
      await page.fill('input[name="exception-amount"]', '0');
      expect(await page.textContent('[data-testid="exception-amount-problem"]')).toBe('金额须大于 0');
      expect(await page.isDisabled('[data-action="request-exception"]')).toBe(true);
      await page.fill('input[name="exception-amount"]', '5000');
      await page.fill('textarea[name="exception-reason"]', '设备紧急维修');
      await page.click('[data-action="request-exception"]');
      await expect.poll(() => page.textContent('[data-testid="request-done"]')).toBe('预算外支出申请已提交，待审批');
      // The year's one adjustment is asked for: the form is gone until it is decided.
      await page.waitForSelector('[data-testid="adjustment-form"]', { state: 'detached' });
    });

    await withUser('director', 'decide-zh', async ({ page }) => {
      await openBudgets(page, nextYear, DEPT);
      await page.click('[data-action="approve-adjustment"]');
      await page.click('[data-action="approve-exception"]');
      await expect.poll(async () => (await getInPage<{ adjustments: { status: string }[]; exceptions: { status: string }[] }>(page, `/api/budgets/requests?year=${String(nextYear)}`)))
        .toMatchObject({ adjustments: [{ status: 'approved' }], exceptions: [{ status: 'approved' }] });
      const adjusted = (await budgetOf(page, DEPT)).lines.find((l) => l.month === 1);
      expect(adjusted).toMatchObject({ amount: 15000, originalAmount: 12000.5 });
      await page.selectOption('select[name="grain"]', 'month');
      const cell = page.locator('[data-testid="execution-table"] [data-field="out-of-budget"]').first();
      await cell.waitFor();
      expect(await cell.textContent()).toBe('预算外（已批） 5,000');
      await saveViewShot(page, 'budgets-execution-zh');
      // The same page in English: headings, statuses, months, levels and the out-of-budget figure.
      await page.click('.topbar [data-locale="en"]');
      await expect.poll(() => page.textContent('h1')).toBe('Budget execution and warnings');
      expect(await cell.textContent()).toBe('Out of budget (approved) 5,000');
      expect(await page.textContent('[data-testid="budget-status"]')).toContain('approved by');
      expect(await page.textContent('[data-testid="budget-requests"]')).toContain('Department head');
      await saveViewShot(page, 'budgets-execution-en');
      await page.click('.topbar [data-locale="zh-CN"]');
    });
  });

  it('refuses a budget sheet with bad cells, naming each by row and column, and imports nothing', async () => {
    await withUser('analyst', 'import-zh', async ({ page }) => {
      await openBudgets(page, nextYear, 'H2-OFF-GAST');
      const header = (await page.evaluate(async (y) => (await fetch(`/api/budgets/template?year=${String(y)}&format=csv`)).text(), nextYear)).replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '';
      const months = Array.from({ length: 12 }, () => '100');
      const body = [header, ['H2-OFF-GAST', 'no_such_item', ...months].join(','), ['H2-OFF-GAST', 'no_such_item_2', 'abc', ...months.slice(1)].join(',')].join('\n');
      await page.setInputFiles('input[name="budget-file"]', { name: 'budget.csv', mimeType: 'text/csv', buffer: Buffer.from(body) });
      await page.waitForSelector('[data-testid="import-errors"] li');
      const errors = await page.locator('[data-testid="import-errors"] li').allTextContents();
      expect(errors.some((e) => e.includes('第 2 行 B 列') && e.includes('科目编码不存在'))).toBe(true);
      expect(errors.some((e) => e.includes('第 3 行 C 列') && e.includes('金额无效'))).toBe(true);
      expect(await page.textContent('[data-testid="import-result"]')).toContain('未导入任何数据');
      expect((await getInPage<BudgetView>(page, `/api/budgets/${String(nextYear)}/H2-OFF-GAST`)).status).toBe('none');
      await saveViewShot(page, 'budgets-import-zh');
    }, { refusals: [400] });
  });
});

describe('quality costs in the console', () => {
  it('shows the PAF report in English, takes a ledger entry checked as typed and a failure-cost target', async () => {
    await withUser('analyst', 'paf-en', async ({ page }) => {
      await page.click('[data-nav="quality-costs"]');
      await page.waitForSelector('[data-testid="paf-summary"]');
      expect(await page.textContent('h1')).toBe('Quality costs (PAF)');
      const year = new Date().getFullYear();
      const before = await getInPage<{ byCategory: Record<string, number> }>(page, `/api/quality-costs/report?year=${String(year)}&org=YJ`);
      // The demo's ledger: each hospital's quality office entered its programme and audits; H1 aims at failure cost −15 %.
      expect(await page.locator('[data-testid="quality-entries"] td', { hasText: 'demo quality office' }).count()).toBeGreaterThanOrEqual(6);
      expect(await getInPage(page, `/api/quality-costs/target?year=${String(year)}&org=H1-OFF-CARD`)).toMatchObject({ failureChange: -0.15, setOn: 'H1' });

      await page.selectOption('select[name="entry-org"]', 'H1');
      await page.fill('input[name="entry-month"]', `${String(year)}-01`);
      await page.selectOption('select[name="entry-category"]', 'prevention');
      await page.fill('input[name="entry-amount"]', '12.345');
      expect(await page.textContent('[data-testid="entry-amount-problem"]')).toBe('At most two decimals');
      expect(await page.isDisabled('[data-action="add-entry"]')).toBe(true);
      await page.fill('input[name="entry-amount"]', '20000');
      await page.fill('input[name="entry-description"]', 'Fall-prevention training');
      await page.click('[data-action="add-entry"]');
      await page.waitForSelector('[data-testid="quality-entries"] td:has-text("Fall-prevention training")');
      const after = await getInPage<{ byCategory: Record<string, number> }>(page, `/api/quality-costs/report?year=${String(year)}&org=YJ`);
      expect(after.byCategory.prevention).toBeCloseTo((before.byCategory.prevention ?? 0) + 20000, 2);

      await page.fill('input[name="failure-goal"]', '-15');
      await page.click('[data-action="set-target"]');
      await expect.poll(() => page.textContent('[data-testid="paf-target"]')).toContain('goal -15.0%');
      const csv = await page.evaluate(async (href) => { const r = await fetch(href ?? ''); return { type: r.headers.get('content-type'), text: await r.text() }; }, await page.getAttribute('[data-action="export-paf-csv"]', 'href'));
      expect(csv.type).toContain('text/csv');
      expect(csv.text).toContain('Prevention');
      await saveViewShot(page, 'quality-costs-en');
      await page.click('.topbar [data-locale="zh-CN"]');
      await expect.poll(() => page.textContent('h1')).toBe('品质成本（PAF）');
      expect(await page.textContent('[data-testid="paf-summary"]')).toContain('预防成本');
      await saveViewShot(page, 'quality-costs-zh');
      await page.click('.topbar [data-locale="en"]');
    }, { locale: 'en' });
  });
});
