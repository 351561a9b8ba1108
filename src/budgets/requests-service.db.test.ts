import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/test-app.ts';
import { testBackend } from '../../test/support/test-db.ts';
import type { ActionContext } from '../audit/index.ts';
import { listOrgsInScope, type OrgRef } from './budgets-repo.ts';
import { createBudgetsService } from './budgets-service.ts';
import { createExecutionService } from './execution-service.ts';
import { createBudgetRequestsService } from './requests-service.ts';
import { seedItems } from './test-support.ts';

let ta: TestApp;
let requests: ReturnType<typeof createBudgetRequestsService>;
let orgs: Map<string, OrgRef>;
const as = (name: string): ActionContext => ({ actor: { kind: 'user', id: name, name }, now: ta.clock.now() });
const org = (code: string): OrgRef => orgs.get(code) ?? (() => { throw new Error(code); })();

beforeAll(async () => {
  ta = await createTestApp();
  const budgets = createBudgetsService({ db: ta.t.db });
  requests = createBudgetRequestsService({ db: ta.t.db });
  orgs = new Map((await listOrgsInScope(ta.t.db, null)).map((o) => [o.code, o]));
  await seedItems(budgets, as('analyst'), org('GROUP').id);
  for (const code of ['DEPT-A', 'DEPT-B']) {
    await budgets.saveLines(as('liaison'), 2026, org(code), { lines: Array.from({ length: 12 }, (_, i) => ({ item: 'consumables', month: i + 1, amount: 1000 })) });
    await budgets.transition(as('liaison'), 2026, org(code), 'submit');
    await budgets.transition(as('analyst'), 2026, org(code), 'approve');
  }
});

afterAll(async () => {
  await ta.close();
});

describe(`budget adjustments and out-of-budget requests on ${testBackend}`, () => {
  it('adjusts a budget at most once a year, keeps the original beside the adjusted line, and audits it', async () => {
    const proposed = await requests.requestAdjustment(as('liaison.a'), 2026, org('DEPT-A'), { reason: 'new cath lab from July', lines: [{ item: 'consumables', month: 7, amount: 1800 }, { item: 'utilities', month: 7, amount: 200 }] });
    expect(proposed.lines).toEqual([{ item: 'consumables', month: 7, original: 1000, adjusted: 1800 }, { item: 'utilities', month: 7, original: 0, adjusted: 200 }]);
    await expect(requests.requestAdjustment(as('liaison.a'), 2026, org('DEPT-A'), { reason: 'again', lines: [{ item: 'consumables', month: 8, amount: 1 }] })).rejects.toMatchObject({ code: 'BUDGET_ADJUSTMENT_CONFLICT' });
    await expect(requests.decideAdjustment(as('liaison.a'), proposed.id, 'approve', null)).rejects.toMatchObject({ code: 'BUDGET_APPROVER_IS_SUBMITTER' });
    const approved = await requests.decideAdjustment(as('analyst'), proposed.id, 'approve', 'agreed');
    expect(approved).toMatchObject({ status: 'approved', decidedBy: 'analyst' });
    expect(approved.lines[0]).toEqual({ item: 'consumables', month: 7, original: 1000, adjusted: 1800 });
    // Approved: no second adjustment this year, but the next year is free.
    await expect(requests.requestAdjustment(as('liaison.a'), 2026, org('DEPT-A'), { reason: 'more', lines: [{ item: 'consumables', month: 9, amount: 1 }] })).rejects.toMatchObject({ code: 'BUDGET_ADJUSTMENT_CONFLICT' });
    await expect(requests.decideAdjustment(as('exec'), proposed.id, 'reject', null)).rejects.toMatchObject({ code: 'BUDGET_INVALID_TRANSITION' });
    // The execution view shows July at the adjusted budget with the original beside it.
    const execution = createExecutionService({ db: ta.t.db });
    const grid = await execution.grid({ fiscalYear: 2026, org: org('DEPT-A'), item: null, grain: 'month', paths: null, now: ta.clock.now() });
    expect(grid.rows[0]?.cells[6]).toMatchObject({ budget: 2000, originalBudget: 1000 });
    const audit = await ta.t.db.query<{ action: string }>("SELECT action FROM audit_entry WHERE target_kind = 'budget_adjustment' ORDER BY seq");
    expect(audit.rows.map((r) => r.action)).toEqual(['budget.adjustment_requested', 'budget.adjustment_approved']);
  });

  it('lets a rejected adjustment be followed by another one', async () => {
    const first = await requests.requestAdjustment(as('liaison.b'), 2026, org('DEPT-B'), { reason: 'x', lines: [{ item: 'consumables', month: 3, amount: 500 }] });
    await requests.decideAdjustment(as('analyst'), first.id, 'reject', 'not needed');
    const second = await requests.requestAdjustment(as('liaison.b'), 2026, org('DEPT-B'), { reason: 'y', lines: [{ item: 'consumables', month: 4, amount: 500 }] });
    expect(second.status).toBe('pending');
    expect((await requests.listAdjustments(2026, [org('DEPT-B').path])).map((a) => a.status)).toEqual(['rejected', 'pending']);
    expect(await requests.listAdjustments(2026, [org('DEPT-A').path])).toHaveLength(1);
  });

  it('sends out-of-budget requests to the level their amount falls in and refuses a lower approver', async () => {
    const small = await requests.requestException(as('liaison.a'), org('DEPT-A'), { fiscalYear: 2026, month: 11, item: 'consumables', amount: 10_000, reason: 'urgent stents' });
    const mid = await requests.requestException(as('liaison.a'), org('DEPT-A'), { fiscalYear: 2026, month: 11, item: 'consumables', amount: 10_000.01, reason: 'device repair' });
    const big = await requests.requestException(as('liaison.a'), org('DEPT-A'), { fiscalYear: 2026, month: 11, item: 'utilities', amount: 250_000, reason: 'chiller' });
    expect([small.level, mid.level, big.level]).toEqual(['department_head', 'finance', 'general_manager']);
    expect((await requests.decideException(as('head.a'), small.id, ['liaison'], 'approve', null)).status).toBe('approved');
    await expect(requests.decideException(as('head.a'), mid.id, ['liaison'], 'approve', null)).rejects.toMatchObject({ code: 'BUDGET_APPROVER_LEVEL' });
    expect((await requests.decideException(as('analyst'), mid.id, ['analyst'], 'approve', null)).status).toBe('approved');
    await expect(requests.decideException(as('analyst'), big.id, ['analyst'], 'approve', null)).rejects.toMatchObject({ code: 'BUDGET_APPROVER_LEVEL' });
    expect((await requests.decideException(as('exec'), big.id, ['executive'], 'reject', 'plan it next year')).status).toBe('rejected');
    const audit = await ta.t.db.query<{ action: string; actor_name: string }>("SELECT action, actor_name FROM audit_entry WHERE target_kind = 'budget_exception' ORDER BY seq");
    expect(audit.rows.map((r) => `${r.action}:${r.actor_name}`).slice(-3)).toEqual(['budget.exception_approved:head.a', 'budget.exception_approved:analyst', 'budget.exception_rejected:exec']);
    // The execution view shows the approved ones (10,000 + 10,000.01 of consumables in November), not the rejected or pending.
    const grid = await createExecutionService({ db: ta.t.db }).grid({ fiscalYear: 2026, org: org('DEPT-A'), item: null, grain: 'month', paths: null, now: ta.clock.now() });
    expect(grid.rows.map((r) => r.cells[10]?.outOfBudget)).toContain(20_000.01);
    expect(grid.rows.every((r) => r.cells.every((c, m) => m === 10 || c.outOfBudget === 0))).toBe(true);
  });

  it('uses configured levels and refuses a configuration without a last open level', async () => {
    await expect(requests.setLevels(as('admin'), [{ code: 'finance', nameZh: '财务', nameEn: 'Finance', maxAmount: 5000, approverRole: 'analyst' }], org('GROUP').id)).rejects.toMatchObject({ code: 'BUDGET_LEVELS_INVALID' });
    await requests.setLevels(as('admin'), [
      { code: 'finance', nameZh: '财务', nameEn: 'Finance', maxAmount: 5000, approverRole: 'analyst' },
      { code: 'president', nameZh: '院长', nameEn: 'President', maxAmount: null, approverRole: 'executive' },
    ], org('GROUP').id);
    const e = await requests.requestException(as('liaison.b'), org('DEPT-B'), { fiscalYear: 2026, month: 12, item: 'consumables', amount: 6000, reason: 'x' });
    expect(e.level).toBe('president');
  });
});
