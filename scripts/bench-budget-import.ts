/**
 * Budget import benchmark (`npm run bench:budget-import`): the template of 50 org units × 40 leaf
 * items × 12 months (2,000 rows, 24,000 budget lines) as one XLSX file, imported through
 * `BudgetsService.importSheet` (read with exceljs's streaming reader, every cell checked, all
 * lines written in one transaction with their audit entries) — the figure the issue asks for is
 * ≤ 10 s. Then the same file with 120 bad cells spread over it: every one is reported (row and
 * column) and nothing is written. PGlite by default; YUNJIAN_TEST_BACKEND=postgres with DATABASE_URL for
 * PostgreSQL (a fresh database, dropped afterwards). The last line is one JSON object.
 */
import ExcelJS from 'exceljs';
import { createBudgetsService } from '../src/budgets/index.ts';
import { MONTH_COLUMNS, SHEET_COLUMNS } from '../src/budgets/budget-sheet.ts';
import type { ActionContext } from '../src/audit/index.ts';
import { buildServices } from '../src/main.ts';
import { createTestDb } from '../test/support/test-db.ts';

const UNITS = 50;
const ITEMS = 40;
const YEAR = 2026;

async function workbook(bad: boolean): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('budget');
  ws.addRow([...SHEET_COLUMNS]);
  let row = 1;
  for (let u = 0; u < UNITS; u++) {
    for (let i = 0; i < ITEMS; i++) {
      row++;
      const months: (number | string)[] = MONTH_COLUMNS.map((_, m) => 1000 + u * 10 + i + m * 0.5);
      // Every 50th row: a text amount in March and a negative one in November (2 × 40 = 80 bad cells); every 50th row shifted by 25 names an unknown
      // unit (40 more), and as those rows repeat an item, 36 of them are also duplicates of an earlier NOPE row: 156 in all.
      if (bad && row % 50 === 0) { months[2] = 'n/a'; months[10] = -1; }
      const unit = bad && row % 50 === 25 ? 'NOPE' : `D${String(u).padStart(2, '0')}`;
      ws.addRow([unit, `item_${String(i).padStart(2, '0')}`, ...months]);
    }
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function main(): Promise<void> {
  const t = await createTestDb();
  try {
    const now = new Date('2026-01-05T08:00:00+08:00');
    const ctx: ActionContext = { actor: { kind: 'system', id: null, name: 'bench' }, now };
    const services = buildServices(t.db, { sessionIdleMinutes: 30, sessionMaxHours: 12 });
    const group = await services.orgs.create(ctx, { code: 'G', name: 'Group', kind: 'group' });
    const hospital = await services.orgs.create(ctx, { code: 'H', name: 'Hospital', kind: 'hospital', parentCode: 'G' });
    for (let u = 0; u < UNITS; u++) await services.orgs.create(ctx, { code: `D${String(u).padStart(2, '0')}`, name: `Dept ${String(u)}`, kind: 'department', parentCode: hospital.code });
    const budgets = createBudgetsService({ db: t.db });
    await budgets.createItem(ctx, { code: 'cost', nameZh: '支出', nameEn: 'Cost', kind: 'cost' }, group.id);
    for (let i = 0; i < ITEMS; i++) await budgets.createItem(ctx, { code: `item_${String(i).padStart(2, '0')}`, nameZh: `科目${String(i)}`, nameEn: `Item ${String(i)}`, kind: 'cost', parent: 'cost' }, group.id);
    const good = await workbook(false);
    const broken = await workbook(true);

    const started = performance.now();
    const result = await budgets.importSheet(ctx, { fiscalYear: YEAR, kind: 'budget', format: 'xlsx', fileName: 'bench.xlsx', body: [good], paths: null });
    const importMs = performance.now() - started;
    const written = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM budget_line')).rows[0]?.n ?? 0;

    await t.db.query('DELETE FROM budget_line');
    const badStarted = performance.now();
    let reported = 0;
    try {
      await budgets.importSheet(ctx, { fiscalYear: YEAR, kind: 'budget', format: 'xlsx', fileName: 'broken.xlsx', body: [broken], paths: null });
    } catch (e) {
      reported = ((e as { details?: { errors?: unknown[] } }).details?.errors ?? []).length;
    }
    const badMs = performance.now() - badStarted;
    const afterBad = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM budget_line')).rows[0]?.n ?? 0;
    console.log(`imported ${String(result.lines)} lines (${String(result.rows)} rows, ${String(result.orgUnits)} units, ${String(good.length)} bytes) in ${importMs.toFixed(0)} ms; ${String(written)} lines stored`);
    console.log(`broken file: ${String(reported)} bad cells reported in ${badMs.toFixed(0)} ms; ${String(afterBad)} lines stored`);
    console.log(JSON.stringify({ backend: process.env.YUNJIAN_TEST_BACKEND ?? 'pglite', lines: result.lines, importMs: Math.round(importMs), stored: written, badCellsReported: reported, badImportMs: Math.round(badMs), storedAfterBad: afterBad }));
  } finally {
    await t.drop();
  }
}

await main();
