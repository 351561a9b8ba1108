import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/test-app.ts';
import { testBackend } from '../../test/support/test-db.ts';
import type { ActionContext } from '../audit/index.ts';
import { insertFixtureEvents, insertFixtureSource } from '../indicators/event-fixture-repo.ts';
import { createRulesService } from '../rules/rules-service.ts';
import { createWorkOrderAlertConsumer } from '../workorders/alert-consumer-service.ts';
import { createBudgetAlertRecorder } from './budget-alerts.ts';
import { listOrgsInScope, type OrgRef } from './budgets-repo.ts';
import { createBudgetsService } from './budgets-service.ts';
import { createExecutionService } from './execution-service.ts';
import { seedItems } from './test-support.ts';
import { createBudgetWarningsService } from './warnings-service.ts';

let ta: TestApp;
let budgets: ReturnType<typeof createBudgetsService>;
let execution: ReturnType<typeof createExecutionService>;
let orgs: Map<string, OrgRef>;
const as = (name: string): ActionContext => ({ actor: { kind: 'user', id: name, name }, now: ta.clock.now() });
const org = (code: string): OrgRef => {
  const o = orgs.get(code);
  if (!o) throw new Error(`no org ${code}`);
  return o;
};
const flat = (amount: number, item = 'consumables') => Array.from({ length: 12 }, (_, i) => ({ item, month: i + 1, amount }));

async function xlsx(rows: readonly (readonly (string | number)[])[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('budget');
  for (const r of rows) ws.addRow([...r]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
const header = ['org_unit', 'item', ...Array.from({ length: 12 }, (_, i) => `m${String(i + 1).padStart(2, '0')}`)];

beforeAll(async () => {
  ta = await createTestApp();
  budgets = createBudgetsService({ db: ta.t.db });
  execution = createExecutionService({ db: ta.t.db });
  orgs = new Map((await listOrgsInScope(ta.t.db, null)).map((o) => [o.code, o]));
  await seedItems(budgets, as('analyst'), org('GROUP').id);
  // January: DEPT-A spends 1,600 on consumables (two events) against 1,000; a drug charge maps to revenue.
  const source = await insertFixtureSource(ta.t.db, org('GROUP').id, 'finance', ['expense', 'charge']);
  await insertFixtureEvents(ta.t.db, source, [
    { eventId: 'e1', type: 'expense', orgUnitId: org('DEPT-A').id, occurredAt: new Date('2026-01-10T02:00:00Z'), patient: null, attributes: { item: 'medical_consumables', amount: 1000 } },
    { eventId: 'e2', type: 'expense', orgUnitId: org('DEPT-A').id, occurredAt: new Date('2026-01-31T15:00:00Z'), patient: null, attributes: { item: 'medical_consumables', amount: 600 } },
    // 1 February 01:00 in Shanghai: a February actual.
    { eventId: 'e3', type: 'expense', orgUnitId: org('DEPT-A').id, occurredAt: new Date('2026-01-31T17:30:00Z'), patient: null, attributes: { item: 'medical_consumables', amount: 1000 } },
    { eventId: 'e4', type: 'charge', orgUnitId: org('DEPT-B').id, occurredAt: new Date('2026-03-03T02:00:00Z'), patient: null, attributes: { category: 'drug', amount: 250.5 } },
  ]);
});

afterAll(async () => {
  await ta.close();
});

describe(`budgets on ${testBackend}`, () => {
  it('keeps a draft editable, approves it only through submit and by someone else, and audits each step', async () => {
    const saved = await budgets.saveLines(as('liaison.a'), 2026, org('DEPT-A'), { lines: flat(1000), carryRule: 'within_quarter' });
    expect(saved).toMatchObject({ status: 'draft', carryRule: 'within_quarter' });
    expect(saved.lines).toHaveLength(12);
    await expect(budgets.transition(as('analyst'), 2026, org('DEPT-A'), 'approve')).rejects.toMatchObject({ code: 'BUDGET_INVALID_TRANSITION' });
    await budgets.transition(as('liaison.a'), 2026, org('DEPT-A'), 'submit');
    await expect(budgets.transition(as('liaison.a'), 2026, org('DEPT-A'), 'approve')).rejects.toMatchObject({ code: 'BUDGET_APPROVER_IS_SUBMITTER' });
    await expect(budgets.saveLines(as('liaison.a'), 2026, org('DEPT-A'), { lines: flat(5) })).rejects.toMatchObject({ code: 'BUDGET_INVALID_TRANSITION' });
    const approved = await budgets.transition(as('analyst'), 2026, org('DEPT-A'), 'approve');
    expect(approved).toMatchObject({ status: 'approved', submittedBy: 'liaison.a', approvedBy: 'analyst' });
    const audit = await ta.t.db.query<{ action: string; actor_name: string }>("SELECT action, actor_name FROM audit_entry WHERE target_kind = 'budget' ORDER BY seq");
    expect(audit.rows.map((r) => `${r.action}:${r.actor_name}`)).toEqual(['budget.saved:liaison.a', 'budget.submitted:liaison.a', 'budget.approved:analyst']);
  });

  it('imports nothing from a sheet with bad cells and names each by row and column', async () => {
    const bad = await xlsx([header, ['DEPT-B', 'utilities', 100, 'x'], ['DEPT-A', 'consumables', 1], ['NOPE', 'cost', -1]]);
    await expect(budgets.importSheet(as('analyst'), { fiscalYear: 2026, kind: 'budget', format: 'xlsx', fileName: 'b.xlsx', body: [bad], paths: null })).rejects.toMatchObject({
      code: 'BUDGET_IMPORT_INVALID',
      details: { errors: [
        expect.objectContaining({ row: 2, column: 'D' }),
        expect.objectContaining({ row: 4, column: 'A' }), expect.objectContaining({ row: 4, column: 'B' }), expect.objectContaining({ row: 4, column: 'C' }),
      ] },
    });
    expect((await budgets.view(2026, org('DEPT-B'))).status).toBe('none');
    // A good sheet naming an approved budget is refused as a whole too (DEPT-B is not written).
    const locked = await xlsx([header, ['DEPT-B', 'utilities', 100], ['DEPT-A', 'consumables', 1]]);
    await expect(budgets.importSheet(as('analyst'), { fiscalYear: 2026, kind: 'budget', format: 'xlsx', fileName: null, body: [locked], paths: null }))
      .rejects.toMatchObject({ details: { errors: [expect.objectContaining({ row: 3, column: 'A', code: 'BUDGET_SHEET_LOCKED' })] } });
    expect((await budgets.view(2026, org('DEPT-B'))).lines).toEqual([]);
  });

  it('imports a good sheet (CSV) as drafts, only for org units in the uploader\'s scope', async () => {
    const csv = `${header.join(',')}\nDEPT-B,utilities,${Array<string>(12).fill('500').join(',')}\nDEPT-B,drug_revenue,${Array<string>(12).fill('200').join(',')}\n`;
    await expect(budgets.importSheet(as('liaison.a'), { fiscalYear: 2026, kind: 'budget', format: 'csv', fileName: 'b.csv', body: [csv], paths: [org('DEPT-A').path] }))
      .rejects.toMatchObject({ code: 'BUDGET_IMPORT_INVALID' });
    const r = await budgets.importSheet(as('analyst'), { fiscalYear: 2026, kind: 'budget', format: 'csv', fileName: 'b.csv', body: [csv], paths: null });
    expect(r).toMatchObject({ rows: 2, lines: 24, orgUnits: 1 });
    expect((await budgets.view(2026, org('DEPT-B')))).toMatchObject({ status: 'draft' });
    await budgets.transition(as('liaison.b'), 2026, org('DEPT-B'), 'submit');
    await budgets.transition(as('analyst'), 2026, org('DEPT-B'), 'approve');
  });

  it('shows execution along both trees with event, entered and imported actuals, and traces a cell to its sources', async () => {
    await budgets.enterActual(as('liaison.b'), org('DEPT-B'), { fiscalYear: 2026, month: 1, item: 'utilities', amount: 450, note: 'January invoice' });
    const actuals = `${header.join(',')}\nDEPT-B,utilities,0,520\n`;
    const imported = await budgets.importSheet(as('analyst'), { fiscalYear: 2026, kind: 'actual', format: 'csv', fileName: 'actuals.csv', body: [actuals], paths: null });
    const g = await execution.grid({ fiscalYear: 2026, org: org('H1'), item: null, grain: 'month', paths: null, now: ta.clock.now() });
    const cell = (orgId: number, itemCode: string, month: number) => {
      const itemId = g.items.find((i) => i.code === itemCode)?.id;
      return g.rows.find((r) => r.orgUnitId === orgId && r.itemId === itemId)?.cells[month - 1];
    };
    // January consumables of DEPT-A: 1,600 against 1,000 (within_quarter: nothing unspent moves).
    expect(cell(org('H1').id, 'cost', 1)).toMatchObject({ budget: 1500, actual: 2050 });
    expect(g.orgRows.map((o) => o.code)).toEqual(['H1', 'H1-OFF']);
    const dept = await execution.grid({ fiscalYear: 2026, org: org('DEPT-A'), item: null, grain: 'quarter', paths: null, now: ta.clock.now() });
    expect(dept.rows[0]?.cells[0]).toMatchObject({ period: 'Q1', budget: 3000, actual: 2600 });
    const feb = (await execution.grid({ fiscalYear: 2026, org: org('DEPT-A'), item: null, grain: 'month', paths: null, now: ta.clock.now() })).rows[0]?.cells[1];
    expect(feb).toMatchObject({ actual: 1000, budget: 1000, deviationRate: 0 });
    const b = await execution.grid({ fiscalYear: 2026, org: org('DEPT-B'), item: null, grain: 'month', paths: null, now: ta.clock.now() });
    expect(b.rows[0]?.cells[1]).toMatchObject({ actual: 520 });
    expect(b.rows.find((r) => r.itemId === b.items.find((i) => i.code === 'revenue')?.id)?.cells[2]).toMatchObject({ actual: 250.5, budget: 200 });
    const sources = await execution.sources({ orgUnitId: org('DEPT-A').id, item: 'consumables', fiscalYear: 2026, month: 1 });
    expect(sources.map((s) => `${s.kind}:${s.note ?? ''}:${String(s.amount)}`)).toEqual(['event:e1:1000', 'event:e2:600']);
    const bSources = await execution.sources({ orgUnitId: org('DEPT-B').id, item: 'utilities', fiscalYear: 2026, month: 2 });
    expect(bSources).toEqual([expect.objectContaining({ kind: 'import', ref: String(imported.importId), amount: 520 })]);
  });

  it('raises the §8 warnings on approved lines as alerts whose work order asks the budget owner, and ends a warning when a later month no longer breaches', async () => {
    const rules = createRulesService({ db: ta.t.db });
    const recorder = createBudgetAlertRecorder({ db: ta.t.db, rules, consumers: [createWorkOrderAlertConsumer()] });
    const warnings = createBudgetWarningsService({ execution, recorder, root: () => Promise.resolve({ code: 'GROUP' }) });
    const pass = await warnings.evaluate(ta.clock.now());
    expect(pass.lines).toBe(3);
    const alerts = await ta.t.db.query<{ rule_code: string; period_key: string; series_key: string; state: string; message_zh: string; code: string }>(
      `SELECT a.rule_code, a.period_key, a.series_key, a.state, a.message_zh, o.code FROM alert a JOIN org_unit o ON o.id = a.org_unit_id WHERE a.category = 'budget' ORDER BY a.rule_code, o.code, a.period_key`,
    );
    const firing = alerts.rows.filter((a) => a.state === 'firing').map((a) => `${a.rule_code}:${a.code}:${a.series_key}:${a.period_key}`);
    // DEPT-A consumables: January 1,600 / 1,000 (+60 %); March to October nothing spent (−100 %).
    // Warnings are incidents: January's is recorded and ended by a clean February; March on is one open incident.
    const resolved = alerts.rows.filter((a) => a.state === 'resolved').map((a) => `${a.rule_code}:${a.code}:${a.series_key}:${a.period_key}`);
    expect(resolved).toContain('budget_month_deviation:DEPT-A:item:consumables:2026-01');
    expect(firing).toContain('budget_month_deviation:DEPT-A:item:consumables:2026-03');
    expect([...firing, ...resolved]).not.toContain('budget_month_deviation:DEPT-A:item:consumables:2026-02');
    expect(firing).toContain('budget_3m_avg_deviation:DEPT-A:item:consumables:2026-04');
    expect(firing).toContain('budget_half_year_cumulative:DEPT-A:item:consumables:2026-06');
    expect(alerts.rows.find((a) => a.period_key === '2026-01')?.message_zh).toMatch(/心内科 · 医用耗材 2026-01 .*请预算责任人提交预算调整建议或书面说明/);
    const orders = await ta.t.db.query<{ rule_code: string; code: string }>("SELECT w.rule_code, o.code FROM work_order w JOIN org_unit o ON o.id = w.org_unit_id WHERE w.rule_code LIKE 'budget_%'");
    expect(orders.rows.length).toBeGreaterThan(0);
    const rule = await rules.get('budget_month_deviation');
    expect(rule?.enabled).toBe(false);
    // A second pass changes nothing.
    expect((await warnings.evaluate(ta.clock.now())).transitions).toBe(0);
  });
});
