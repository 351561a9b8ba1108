import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type WatchedPage } from './support/browser.ts';
import { signInDemo, withDemoPage } from './support/demo-page.ts';
import { startDemoWebServer, type DemoWebServer } from './support/demo-server.ts';

/**
 * Data sources and their quality in the console, on the demo group: the analyst reads every
 * source's figures; the administrator registers a source (its token shown once), that source
 * sends malformed records through the real ingest API with its token, the quarantine browser
 * shows them with their reasons, and once the missing event type is declared a re-process stores
 * them; a hospital executive sees only that hospital's sources and a liaison none.
 */
let server: DemoWebServer;
let browser: Browser;
let secret = '';
const NEW_SOURCE = 'E2E-LAB-SYSTEM';

beforeAll(async () => {
  server = await startDemoWebServer();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser.close();
  await server.close();
});

/** Runs a signed-in browser session, saves its screenshot and fails on any console error beyond the named refusals. */
const withUser = (username: string, name: string, run: (w: WatchedPage) => Promise<void>, refusals: readonly number[] = []) =>
  withDemoPage(browser, server, `sources-${name}`, async (w) => {
    await signInDemo(w.page, server, username);
    await run(w);
  }, { refusals });

async function sourceNamesUnder(orgCode: string): Promise<string[]> {
  const r = await server.db.query<{ name: string }>(
    `SELECT s.name FROM source s JOIN org_unit o ON o.id = s.org_unit_id
      WHERE o.path LIKE (SELECT path FROM org_unit WHERE code = $1) || '%' ORDER BY s.name`,
    [orgCode],
  );
  return r.rows.map((row) => row.name);
}

async function listedSources(page: Page): Promise<string[]> {
  await page.waitForSelector('[data-testid="sources-table"] tr[data-source]');
  const names = await Promise.all((await page.locator('tr[data-source]').all()).map((row) => row.getAttribute('data-source')));
  return names.filter((n): n is string => n !== null).sort();
}

async function sourceId(name: string): Promise<number> {
  const r = await server.db.query<{ id: number }>('SELECT id FROM source WHERE name = $1', [name]);
  const id = r.rows[0]?.id;
  if (id === undefined) throw new Error(`no source ${name}`);
  return id;
}

const statusOrder = ['silent', 'bad_data', 'late', 'healthy', 'inactive'];

describe('data sources and quality in the console', () => {
  it('shows the analyst every source of the group with its quality figures, sources in trouble first', async () => {
    await withUser('analyst', 'analyst-list', async ({ page }) => {
      await page.click('[data-nav="sources"]');
      expect(await listedSources(page)).toEqual(await sourceNamesUnder('YJ'));
      const statuses = await Promise.all((await page.locator('tr[data-source]').all()).map((row) => row.getAttribute('data-status')));
      const ranks = statuses.map((s) => statusOrder.indexOf(s ?? ''));
      expect(ranks.every((r) => r >= 0)).toBe(true);
      expect(ranks).toEqual([...ranks].sort((a, b) => a - b));

      // The demo's backfill went through H1's HIS: real counts and a success rate; its capture owes nothing from before its registration moments ago.
      const his = page.locator('tr[data-source="H1-HIS"]');
      expect(Number((await his.locator('[data-field="received"]').textContent())?.replaceAll(',', ''))).toBeGreaterThan(0);
      expect(await his.locator('[data-field="success"]').textContent()).toMatch(/^\d+\.\d%$/);
      expect(await his.locator('[data-field="capture"]').textContent()).toMatch(/^(\d+\.\d%|尚无应到批次)$/);
      expect(await his.locator('[data-field="timeliness"]').textContent()).toMatch(/\d/);

      await page.selectOption('select[data-testid="period"]', '7d');
      await page.waitForURL((url) => url.searchParams.get('period') === '7d');
      await expect.poll(() => listedSources(page)).toEqual(await sourceNamesUnder('YJ'));
    });
  });

  it('lets the administrator register a source and shows its token exactly once', async () => {
    await withUser('admin', 'admin-register', async ({ page }) => {
      await page.click('[data-nav="admin-sources"]');
      await page.waitForSelector('[data-testid="source-admin"] tr[data-source="H1-HIS"]');
      await page.click('[data-action="register-source"]');
      await page.fill('.modal input[name="name"]', NEW_SOURCE);
      await page.selectOption('.modal select[name="orgUnit"]', 'H1');
      await page.check('.modal input[name="allowedTypes"][value="visit"]');
      await page.fill('.modal input[name="everyMinutes"]', '30');
      await page.click('.modal [data-action="submit"]');

      const shown = page.locator('[data-testid="source-token-secret"]');
      await shown.waitFor();
      secret = (await shown.textContent()) ?? '';
      expect(secret).toMatch(/^yjt_/);
      await page.click('.modal button:has-text("关闭")');
      await page.waitForSelector(`tr[data-source="${NEW_SOURCE}"]`);
      expect(await page.locator('[data-testid="source-token-secret"]').count()).toBe(0);
      await expect.poll(() => page.textContent(`tr[data-source="${NEW_SOURCE}"]`)).toContain('每 30 分钟至少一批');
      await page.reload();
      await page.waitForSelector(`tr[data-source="${NEW_SOURCE}"]`);
      expect(await page.content()).not.toContain(secret);
    });
    const stored = await server.db.query<{ allowed_types: string[]; cadence: unknown }>('SELECT allowed_types, cadence FROM source WHERE name = $1', [NEW_SOURCE]);
    expect(stored.rows[0]).toEqual({ allowed_types: ['visit'], cadence: { kind: 'batches', everyMinutes: 30 } });
  });

  it('quarantines malformed records with their reasons and stores them once the missing type is declared and they are re-processed', async () => {
    expect(secret).not.toBe('');
    const now = new Date().toISOString();
    const visit = (id: string, attributes: Record<string, unknown>) => JSON.stringify({ id, type: 'visit', orgUnit: 'H1-OFF-CARD', occurredAt: now, attributes });
    const lab = (id: string) => JSON.stringify({ id, type: 'lab_result', orgUnit: 'H1-OFF-CARD', occurredAt: now, patient: 'MRN-5566', attributes: { test: 'HbA1c', value: 6.1 } });
    const body = [visit('e2e-v1', { visitId: 'e2e-v1', channel: 'offline' }), visit('e2e-v2', { visitId: 'e2e-v2' }), lab('e2e-l1'), lab('e2e-l2'), '{"id": "e2e-broken'].join('\n');
    const sent = await fetch(`${server.url}/api/ingest/events`, { method: 'POST', body, headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/x-ndjson' } });
    expect(sent.status).toBe(200);
    expect(await sent.json()).toMatchObject({ received: 5, accepted: 1, rejected: 4 });
    const id = await sourceId(NEW_SOURCE);

    await withUser('analyst', 'analyst-quarantine', async ({ page }) => {
      await page.goto(`/sources/${id}`);
      await page.waitForSelector('[data-testid="quarantine-table"] tr[data-quarantine]');
      expect(await page.locator('tr[data-quarantine]').count()).toBe(4);
      await expect.poll(() => page.textContent('[data-testid="detail-rejected"]')).toContain('4');
      await expect.poll(() => page.textContent('[data-testid="source-status"]')).toBe('数据异常');
      // The analyst may read the quarantine but not re-process it: no button the API would refuse.
      expect(await page.locator('[data-action="reprocess"]').count()).toBe(0);
    });

    await withUser('admin', 'admin-quarantine-fix', async ({ page }) => {
      await page.goto(`/sources/${id}`);
      await page.waitForSelector('tr[data-quarantine]');
      const codes = await Promise.all((await page.locator('tr[data-quarantine]').all()).map((row) => row.getAttribute('data-code')));
      expect(codes.sort()).toEqual(['INGEST_MALFORMED_JSON', 'INGEST_MISSING_FIELD', 'INGEST_UNKNOWN_TYPE', 'INGEST_UNKNOWN_TYPE']);

      await page.selectOption('[data-testid="quarantine"] select[name="code"]', 'INGEST_UNKNOWN_TYPE');
      await expect.poll(() => page.locator('tr[data-quarantine]').count()).toBe(2);
      const first = page.locator('tr[data-quarantine]').first();
      expect(await first.textContent()).toContain('lab_result');
      await first.locator('[data-action="payload"]').click();
      const payload = await page.textContent('[data-testid="payload"]');
      expect(payload).toContain('"test": "HbA1c"');
      // The raw identifier never reaches the quarantine: the payload holds its pseudonym.
      expect(payload).not.toContain('MRN-5566');
      expect(payload).toMatch(/"patient": "p_[A-Za-z0-9_-]{22}"/);

      // The fix: declare the type the source sends.
      await page.goto('/admin/sources');
      await page.click(`tr[data-source="${NEW_SOURCE}"] [data-action="schemas"]`);
      await page.fill('.modal input[name="typeName"]', 'lab_result');
      await page.fill('.modal textarea[name="schema"]', JSON.stringify({ type: 'object', properties: { test: { type: 'string' }, value: { type: 'number' } }, required: ['test'] }));
      await page.click('.modal [data-action="submit"]');
      await page.waitForSelector('.modal', { state: 'detached' });

      await page.goto(`/sources/${id}`);
      await page.waitForSelector('tr[data-quarantine]');
      await page.click('[data-action="reprocess"]');
      const result = page.locator('[data-testid="reprocess-result"]');
      await result.waitFor();
      expect(await result.locator('tr[data-event="e2e-l1"]').getAttribute('data-outcome')).toBe('settled');
      expect(await result.locator('tr[data-event="e2e-l2"]').getAttribute('data-outcome')).toBe('settled');
      expect(await result.locator('tr[data-event="e2e-v2"]').getAttribute('data-outcome')).toBe('open');
      expect(await result.locator('tr[data-event="e2e-v2"]').textContent()).toContain('INGEST_MISSING_FIELD');
      await expect.poll(() => page.textContent('[data-testid="quarantine-open"]')).toContain('2');
      await expect.poll(() => page.locator('tr[data-quarantine]').count()).toBe(2);
    });
    const stored = await server.db.query<{ event_id: string }>('SELECT event_id FROM event WHERE source_id = $1 ORDER BY event_id', [id]);
    expect(stored.rows.map((r) => r.event_id)).toEqual(['e2e-l1', 'e2e-l2', 'e2e-v1']);
  });

  it('shows a hospital executive only that hospital’s sources, and a liaison no data sources at all', async () => {
    const h1 = await sourceNamesUnder('H1');
    expect(h1).toContain('H1-HIS');
    expect(h1).not.toContain('H2-HIS');
    const outside = await sourceId('H2-HIS');
    await withUser('h1.president', 'executive-scope', async ({ page }) => {
      await page.click('[data-nav="sources"]');
      expect(await listedSources(page)).toEqual(h1);
      await page.goto(`/sources/${outside}`);
      await page.waitForSelector('[data-testid="source-missing"]');
      expect(await page.content()).not.toContain('H2-HIS');
    }, [404]);
    await withUser('liaison.card', 'liaison-none', async ({ page }) => {
      expect(await page.locator('[data-nav="sources"]').count()).toBe(0);
      await page.goto('/sources');
      await page.waitForSelector('[data-testid="not-found"]');
    });
  });

  it('lets the administrator save a column mapping and upload a CSV through the ingest endpoint, with an outcome per row', async () => {
    await withUser('admin', 'admin-mapping-upload', async ({ page }) => {
      await page.goto('/admin/sources');
      await page.click(`tr[data-source="${NEW_SOURCE}"] [data-action="mapping"]`);
      await page.waitForSelector('.modal input[name="header-2"]');
      await page.fill('.modal input[name="header-0"]', '单号');
      await page.fill('.modal input[name="header-1"]', '科室');
      await page.fill('.modal input[name="header-2"]', '时间');
      await page.click('.modal [data-action="add-column"]');
      await page.fill('.modal input[name="header-3"]', '门诊号');
      await page.fill('.modal input[name="field-3"]', 'attributes.visitId');
      await page.click('.modal [data-action="add-column"]');
      await page.fill('.modal input[name="header-4"]', '渠道');
      await page.fill('.modal input[name="field-4"]', 'attributes.channel');
      expect(await page.inputValue('.modal input[name="constant-value-0"]')).toBe('visit');
      await page.click('.modal [data-action="submit"]');
      await page.waitForSelector('.modal', { state: 'detached' });
      await expect.poll(() => page.textContent(`tr[data-source="${NEW_SOURCE}"]`)).toContain('已配置列映射');

      await page.click(`tr[data-source="${NEW_SOURCE}"] [data-action="upload"]`);
      const csv = ['单号,科室,时间,门诊号,渠道', 'csv-1,H1-OFF-CARD,2026-12-01 09:00,csv-1,offline', 'csv-2,H1-OFF-CARD,2026-12-01 09:10,csv-2,teleport', 'csv-3,H2-OFF-GAST,2026-12-01 09:20,csv-3,offline'].join('\n');
      await page.setInputFiles('.modal input[name="file"]', { name: 'visits.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
      await page.click('.modal [data-action="submit"]');
      const report = page.locator('[data-testid="upload-report"]');
      await report.waitFor();
      expect(await report.textContent()).toContain('共 3 行：入库 1，重复 0，冲突 0，拒收 2');
      expect(await report.locator('tr[data-row="3"]').getAttribute('data-outcome')).toBe('rejected');
      expect(await report.locator('tr[data-row="3"]').textContent()).toContain('渠道');
      expect(await report.locator('tr[data-row="4"]').textContent()).toContain('INGEST_ORG_UNIT_OUT_OF_SCOPE');
    });
    const id = await sourceId(NEW_SOURCE);
    const stored = await server.db.query<{ n: number }>(`SELECT count(*)::int8 AS n FROM event WHERE source_id = $1 AND event_id = 'csv-1'`, [id]);
    expect(stored.rows[0]?.n).toBe(1);
  });
});
