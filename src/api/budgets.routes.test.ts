import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../test/support/test-app.ts';
import { testBackend } from '../../test/support/test-db.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const months = (amount: number, item = 'consumables') => Array.from({ length: 12 }, (_, i) => ({ item, month: i + 1, amount }));
let ta: TestApp;
let admin: Client;
let analyst: Client;
let liaisonA: Client;

beforeAll(async () => {
  ta = await createTestApp({ fullRuntime: true });
  admin = await ta.signIn('admin');
  analyst = await ta.signIn('analyst');
  liaisonA = await ta.signIn('liaison.a');
  const items = [
    { code: 'cost', nameZh: '支出', nameEn: 'Cost', kind: 'cost' },
    { code: 'consumables', nameZh: '医用耗材', nameEn: 'Medical consumables', kind: 'cost', parent: 'cost' },
    { code: 'utilities', nameZh: '水电费', nameEn: 'Utilities', kind: 'cost', parent: 'cost' },
  ];
  for (const payload of items) expect((await analyst.request({ method: 'POST', url: '/api/budgets/items', payload })).statusCode).toBe(201);
  const mapped = await analyst.request({ method: 'PUT', url: '/api/budgets/mappings', payload: { mappings: [{ eventType: 'expense', match: 'medical_consumables', item: 'consumables' }] } });
  expect(mapped.statusCode).toBe(200);
});

afterAll(async () => {
  await ta.close();
});

describe(`budget routes on ${testBackend}`, () => {
  it('answers 401 without a session, 404 for a unit out of scope and 403 without the permission', async () => {
    expect((await ta.app.inject({ method: 'GET', url: '/api/budgets/2026/DEPT-A' })).statusCode).toBe(401);
    expect((await liaisonA.request({ method: 'GET', url: '/api/budgets/2026/DEPT-B' })).statusCode).toBe(404);
    expect((await liaisonA.request({ method: 'GET', url: '/api/budgets/execution?year=2026&org=H1' })).statusCode).toBe(404);
    // Keeping the item tree needs budget.manage, which a department liaison holds nowhere.
    expect((await liaisonA.request({ method: 'POST', url: '/api/budgets/items', payload: { code: 'x', nameZh: 'x', nameEn: 'x', kind: 'cost' } })).statusCode).toBe(403);
    await liaisonA.request({ method: 'PUT', url: '/api/budgets/2026/DEPT-A/lines', payload: { lines: months(100) } });
    await liaisonA.request({ method: 'POST', url: '/api/budgets/2026/DEPT-A/submit', payload: {} });
    const approve = await liaisonA.request({ method: 'POST', url: '/api/budgets/2026/DEPT-A/approve', payload: {} });
    expect(approve.statusCode).toBe(403);
    expect(approve.json<{ error: { code: string } }>().error.code).toBe('AUTH_FORBIDDEN');
  });

  it('refuses bad input with a code and the field', async () => {
    const neg = await liaisonA.request({ method: 'PUT', url: '/api/budgets/2026/DEPT-A/lines', payload: { lines: [{ item: 'consumables', month: 13, amount: 1 }] } });
    expect(neg.statusCode).toBe(400);
    expect(neg.json<{ error: { code: string; details: { field: string } } }>().error).toMatchObject({ code: 'VALIDATION_FAILED', details: { field: '/body/lines/0/month' } });
    const unknown = await analyst.request({ method: 'GET', url: '/api/budgets/execution?year=2026&org=GROUP&item=nope' });
    expect(unknown.json<{ error: { code: string; details: { field: string } } }>().error).toMatchObject({ code: 'BUDGET_ITEM_NOT_FOUND', details: { field: '/query/item' } });
    expect((await analyst.request({ method: 'POST', url: '/api/budgets/import?year=2026', payload: 'a', headers: { 'content-type': 'text/plain' } })).statusCode).toBe(415);
  });

  it('lets a liaison keep only their unit\'s budget: edit, submit; the analyst approves; a second approval is a conflict', async () => {
    const returned = await analyst.request({ method: 'POST', url: '/api/budgets/2026/DEPT-A/return', payload: { note: 'split by quarter' } });
    expect(returned.json<{ status: string }>().status).toBe('draft');
    const saved = await liaisonA.request({ method: 'PUT', url: '/api/budgets/2026/DEPT-A/lines', payload: { lines: months(1000), carryRule: 'within_year' } });
    expect(saved.statusCode).toBe(200);
    expect((await liaisonA.request({ method: 'POST', url: '/api/budgets/2026/DEPT-A/submit', payload: {} })).statusCode).toBe(200);
    const approved = await analyst.request({ method: 'POST', url: '/api/budgets/2026/DEPT-A/approve', payload: {} });
    expect(approved.json()).toMatchObject({ status: 'approved', carryRule: 'within_year', approvedBy: 'analyst' });
    expect((await analyst.request({ method: 'POST', url: '/api/budgets/2026/DEPT-A/approve', payload: {} })).statusCode).toBe(409);
  });

  it('offers the template and imports it back all or nothing, with every bad cell by row and column', async () => {
    const template = await analyst.request({ method: 'GET', url: '/api/budgets/template?year=2026&format=xlsx' });
    expect(template.headers['content-type']).toBe(XLSX);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(template.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    if (!ws) throw new Error('no worksheet');
    const rows: string[] = [];
    ws.eachRow((row) => { rows.push([1, 2, 3].map((c) => row.getCell(c).text).join(':')); });
    expect(rows[0]).toMatch(/^org_unit/);
    expect(rows).toContain('DEPT-A:consumables:1000');
    // Fill DEPT-B utilities, break two cells of another row.
    ws.eachRow((row) => {
      if (row.getCell(1).value === 'DEPT-B' && row.getCell(2).value === 'utilities') row.getCell(3).value = 300;
      if (row.getCell(1).value === 'H1' && row.getCell(2).value === 'consumables') { row.getCell(4).value = 'abc'; row.getCell(14).value = -2; }
    });
    const bad = Buffer.from(await wb.xlsx.writeBuffer());
    const refused = await analyst.request({ method: 'POST', url: '/api/budgets/import?year=2026', payload: bad, headers: { 'content-type': XLSX } });
    expect(refused.statusCode).toBe(400);
    const err = refused.json<{ error: { code: string; details: { errors: { row: number; column: string }[] } } }>().error;
    expect(err.code).toBe('BUDGET_IMPORT_INVALID');
    expect(err.details.errors.map((e) => e.column)).toEqual(['D', 'N']);
    expect((await analyst.request({ method: 'GET', url: '/api/budgets/2026/DEPT-B' })).json()).toMatchObject({ status: 'none' });
    ws.eachRow((row) => { if (row.getCell(1).value === 'H1' && row.getCell(2).value === 'consumables') { row.getCell(4).value = 0; row.getCell(14).value = 0; } });
    // DEPT-A's budget is approved: only the rows of the other units may come in.
    ws.eachRow((row) => { if (row.getCell(1).value === 'DEPT-A') row.getCell(1).value = ''; });
    const cleaned = new ExcelJS.Workbook();
    const target = cleaned.addWorksheet('budget');
    ws.eachRow((row) => { if (row.getCell(1).value !== '') target.addRow((row.values as unknown[]).slice(1)); });
    const good = await analyst.request({ method: 'POST', url: '/api/budgets/import?year=2026&fileName=b.xlsx', payload: Buffer.from(await cleaned.xlsx.writeBuffer()), headers: { 'content-type': XLSX } });
    expect(good.statusCode).toBe(200);
    expect(good.json<{ orgUnits: number }>().orgUnits).toBe(4);
    expect((await analyst.request({ method: 'GET', url: '/api/budgets/2026/DEPT-B' })).json<{ lines: { item: string; amount: number }[] }>().lines.find((l) => l.item === 'utilities')?.amount).toBe(300);
  });

  it('shows the execution view in scope, exports it, and lists an actual\'s sources', async () => {
    expect((await liaisonA.request({ method: 'POST', url: '/api/budgets/2026/DEPT-A/actuals', payload: { month: 1, item: 'consumables', amount: 1500.5, note: 'invoice 7' } })).statusCode).toBe(201);
    const view = await liaisonA.request({ method: 'GET', url: '/api/budgets/execution?year=2026&org=DEPT-A&grain=quarter' });
    expect(view.statusCode).toBe(200);
    const body = view.json<{ orgs: { code: string }[]; items: { code: string }[]; rows: { orgUnit: string; item: string; cells: { period: string; actual: number; budget: number; effectiveBudget: number }[] }[] }>();
    expect(body.orgs.map((o) => o.code)).toEqual(['DEPT-A']);
    expect(body.items.map((i) => i.code)).toEqual(['cost']);
    expect(body.rows[0]?.cells[0]).toMatchObject({ period: 'Q1', budget: 3000, actual: 1500.5 });
    const drill = await analyst.request({ method: 'GET', url: '/api/budgets/execution?year=2026&org=H1-OFF&item=cost&grain=year' });
    const d = drill.json<{ orgs: { code: string }[]; items: { code: string }[] }>();
    expect(d.orgs.map((o) => o.code)).toEqual(['H1-OFF', 'DEPT-A', 'DEPT-B']);
    expect(d.items.map((i) => i.code)).toEqual(['cost', 'consumables', 'utilities']);
    const csv = await liaisonA.request({ method: 'GET', url: '/api/budgets/execution/export?year=2026&org=DEPT-A&format=csv&lang=en' });
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.body).toContain('Execution rate');
    expect(csv.body).not.toContain('DEPT-B');
    const sources = await liaisonA.request({ method: 'GET', url: '/api/budgets/execution/sources?year=2026&org=DEPT-A&item=consumables&month=1' });
    expect(sources.json<{ items: unknown[] }>().items).toEqual([expect.objectContaining({ kind: 'manual', amount: 1500.5, note: 'invoice 7' })]);
  });

  it('takes the adjustment and out-of-budget requests through their approvals, each unit seeing only its own', async () => {
    const liaisonB = await ta.signIn('liaison.b');
    const exec = await ta.signIn('exec');
    const adj = await liaisonA.request({ method: 'POST', url: '/api/budgets/2026/DEPT-A/adjustment', payload: { reason: 'new cath lab', lines: [{ item: 'consumables', month: 12, amount: 1500 }] } });
    expect(adj.statusCode).toBe(201);
    const id = adj.json<{ id: number }>().id;
    expect(adj.json()).toMatchObject({ orgUnit: 'DEPT-A', status: 'pending', lines: [{ item: 'consumables', month: 12, original: 1000, adjusted: 1500 }] });
    expect((await liaisonA.request({ method: 'POST', url: '/api/budgets/2026/DEPT-A/adjustment', payload: { reason: 'again', lines: [{ item: 'consumables', month: 11, amount: 1 }] } })).statusCode).toBe(409);
    // Deciding needs budget.approve, which no liaison holds anywhere: 403 before the adjustment is looked up.
    expect((await liaisonB.request({ method: 'POST', url: `/api/budgets/adjustments/${String(id)}/decision`, payload: { decision: 'approve' } })).statusCode).toBe(403);
    expect((await liaisonA.request({ method: 'POST', url: `/api/budgets/adjustments/${String(id)}/decision`, payload: { decision: 'approve' } })).statusCode).toBe(403);
    expect((await analyst.request({ method: 'POST', url: `/api/budgets/adjustments/${String(id)}/decision`, payload: { decision: 'approve', note: 'ok' } })).json()).toMatchObject({ status: 'approved', decidedBy: 'analyst' });
    const big = await liaisonA.request({ method: 'POST', url: '/api/budgets/2026/DEPT-A/exceptions', payload: { month: 12, item: 'utilities', amount: 50_000, reason: 'chiller repair' } });
    expect(big.json()).toMatchObject({ level: 'finance', status: 'pending', item: 'utilities' });
    const small = await liaisonA.request({ method: 'POST', url: '/api/budgets/2026/DEPT-A/exceptions', payload: { month: 12, item: 'utilities', amount: 800, reason: 'fuse' } });
    const bigId = big.json<{ id: number }>().id;
    const smallId = small.json<{ id: number }>().id;
    expect((await liaisonB.request({ method: 'POST', url: `/api/budgets/exceptions/${String(bigId)}/decision`, payload: { decision: 'approve' } })).statusCode).toBe(404);
    const own = await liaisonA.request({ method: 'POST', url: `/api/budgets/exceptions/${String(smallId)}/decision`, payload: { decision: 'approve' } });
    expect(own.json<{ error: { code: string } }>().error.code).toBe('BUDGET_APPROVER_IS_SUBMITTER');
    const low = await liaisonA.request({ method: 'POST', url: `/api/budgets/exceptions/${String(bigId)}/decision`, payload: { decision: 'approve' } });
    expect(low.statusCode).toBe(403);
    expect(low.json<{ error: { code: string } }>().error.code).toBe('BUDGET_APPROVER_LEVEL');
    expect((await exec.request({ method: 'POST', url: `/api/budgets/exceptions/${String(bigId)}/decision`, payload: { decision: 'approve' } })).json()).toMatchObject({ status: 'approved', decidedBy: 'exec' });
    const seenByB = (await liaisonB.request({ method: 'GET', url: '/api/budgets/requests?year=2026' })).json<{ adjustments: unknown[]; exceptions: unknown[] }>();
    expect(seenByB).toEqual({ adjustments: [], exceptions: [] });
    const seenByA = (await liaisonA.request({ method: 'GET', url: '/api/budgets/requests?year=2026' })).json<{ adjustments: unknown[]; exceptions: unknown[] }>();
    expect([seenByA.adjustments.length, seenByA.exceptions.length]).toEqual([1, 2]);
  });

  it('runs a warnings pass on demand (budget.manage on the root) and documents the routes', async () => {
    // Neither holds budget.manage anywhere: refused before the installation is even looked at.
    expect((await liaisonA.request({ method: 'POST', url: '/api/budgets/warnings/evaluate' })).statusCode).toBe(403);
    expect((await ta.signIn('exec').then((c) => c.request({ method: 'POST', url: '/api/budgets/warnings/evaluate' }))).statusCode).toBe(403);
    const pass = await admin.request({ method: 'POST', url: '/api/budgets/warnings/evaluate' });
    expect(pass.statusCode).toBe(200);
    expect(pass.json<{ lines: number; breaches: number }>().breaches).toBeGreaterThan(0);
    const doc = (await ta.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/budgets/execution', '/api/budgets/import', '/api/budgets/{year}/{org}/lines']));
  });
});
