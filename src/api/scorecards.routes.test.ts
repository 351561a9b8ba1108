import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../test/support/test-app.ts';
import { testBackend } from '../../test/support/test-db.ts';

const manual = (code: string, direction: string) => ({
  code, version: 1, nameZh: code, nameEn: code, unit: 'x', direction, category: 'other', description: code, formula: 'manual', measure: { kind: 'manual', rollup: 'sum' },
});

const definition = {
  code: 'dept', nameZh: '科室考评', nameEn: 'Department scorecard', grain: 'month',
  categories: [{ key: 'quality', nameZh: '服务质量', nameEn: 'Quality', weight: 100 }],
  items: [
    { key: 'quality', nameZh: '质量', nameEn: 'Quality', indicator: 'rt_quality', role: 'scored', category: 'quality', weight: 80, method: { kind: 'linear', direction: 'higher_better', floor: 50, target: 90 } },
    { key: 'complaints', nameZh: '有效投诉', nameEn: 'Complaints', indicator: 'rt_complaints', role: 'scored', category: 'quality', weight: 20, method: { kind: 'deduction', perOccurrence: 2 } },
  ],
};

describe(`scorecard routes on ${testBackend}`, () => {
  let ta: TestApp;
  let admin: Client;
  let liaisonA: Client;

  beforeAll(async () => {
    ta = await createTestApp({ fullRuntime: true });
    admin = await ta.signIn('admin');
    liaisonA = await ta.signIn('liaison.a');
    for (const d of [manual('rt_quality', 'higher_better'), manual('rt_complaints', 'lower_better')]) {
      expect((await admin.request({ method: 'POST', url: '/api/indicators', payload: d })).statusCode).toBe(201);
    }
    const values: [string, string, string, number][] = [['rt_quality', 'DEPT-A', '2026-10', 70], ['rt_quality', 'DEPT-B', '2026-10', 90], ['rt_complaints', 'DEPT-A', '2026-10', 1]];
    for (const [code, org, period, value] of values) {
      expect((await admin.request({ method: 'PUT', url: `/api/indicators/${code}/values`, payload: { org, period, value } })).statusCode).toBe(200);
    }
  }, 180_000);
  afterAll(async () => ta.close());

  it('refuses an invalid scheme with a stable code and the field, and reports every error on validate', async () => {
    const bad = { ...definition, categories: [{ ...definition.categories[0], weight: 90 }] };
    const res = await admin.request({ method: 'POST', url: '/api/scorecards/schemes', payload: { definition: bad, units: ['DEPT-A'] } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'SCORECARD_SCHEME_INVALID', details: { field: '/body/definition/categories' } } });
    const shape = await admin.request({ method: 'POST', url: '/api/scorecards/schemes', payload: { definition: { ...definition, grain: 'week' }, units: [] } });
    expect(shape.statusCode).toBe(400);
    expect(shape.json<{ error: { details: { field: string } } }>().error.details.field).toContain('/body/definition/grain');
    const validate = await admin.request({ method: 'POST', url: '/api/scorecards/validate', payload: { definition: bad } });
    expect(validate.json()).toMatchObject({ ok: false, errors: expect.arrayContaining([expect.objectContaining({ field: '/definition/categories' })]) });
    const unknownUnit = await admin.request({ method: 'POST', url: '/api/scorecards/schemes', payload: { definition, units: ['NOPE'] } });
    expect(unknownUnit.json()).toMatchObject({ error: { code: 'SCORECARD_UNIT_NOT_FOUND', details: { field: '/body/units/0' } } });
  });

  it('previews an unsaved scheme on a period’s data', async () => {
    const res = await admin.request({ method: 'POST', url: '/api/scorecards/preview', payload: { definition, units: ['DEPT-A', 'DEPT-B'], period: '2026-10' } });
    expect(res.statusCode).toBe(200);
    const items = res.json<{ items: { unit: { code: string }; result: { score: number; items: { nameZh: string }[] } }[] }>().items;
    expect(items.map((i) => [i.unit.code, i.result.score])).toEqual([['DEPT-A', 58], ['DEPT-B', 100]]);
    expect(items[0]?.result.items[0]?.nameZh).toBe('质量');
  });

  it('creates a scheme; the liaison sees only their unit, may appeal but not adjust or publish', async () => {
    const created = await admin.request({ method: 'POST', url: '/api/scorecards/schemes', payload: { definition, units: ['DEPT-A', 'DEPT-B'] } });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ scheme: { code: 'dept', version: 1, mayManage: true } });

    const all = await admin.request({ method: 'GET', url: '/api/scorecards/schemes/dept/results?period=2026-10' });
    expect(all.json<{ items: { unit: { code: string }; score: number; grade: string; rank: number }[] }>().items.map((r) => [r.unit.code, r.score, r.grade, r.rank]))
      .toEqual([['DEPT-B', 100, 'excellent', 1], ['DEPT-A', 58, 'fail', 2]]);
    const own = await liaisonA.request({ method: 'GET', url: '/api/scorecards/schemes/dept/results?period=2026-10' });
    expect(own.json<{ items: { unit: { code: string }; rank: number }[] }>().items.map((r) => [r.unit.code, r.rank])).toEqual([['DEPT-A', 2]]);
    expect(own.body).not.toContain('DEPT-B');
    expect((await liaisonA.request({ method: 'GET', url: '/api/scorecards/schemes/dept/results/DEPT-B?period=2026-10' })).statusCode).toBe(404);

    const detail = await liaisonA.request({ method: 'GET', url: '/api/scorecards/schemes/dept/results/DEPT-A?period=2026-10' });
    expect(detail.statusCode).toBe(200);
    expect(detail.json()).toMatchObject({ shown: { score: 58, items: [{ key: 'quality', value: 70, points: 50, weight: 80, contribution: 40 }, { key: 'complaints', value: 1, deducted: 2, contribution: 18 }] } });

    const appeal = await liaisonA.request({ method: 'POST', url: '/api/scorecards/schemes/dept/results/DEPT-A/appeals', payload: { period: '2026-10', reason: '投诉为误报', itemKey: 'complaints' } });
    expect(appeal.statusCode).toBe(201);
    expect((await liaisonA.request({ method: 'POST', url: '/api/scorecards/schemes/dept/results/DEPT-B/appeals', payload: { period: '2026-10', reason: 'x' } })).statusCode).toBe(404);
    expect((await liaisonA.request({ method: 'POST', url: '/api/scorecards/schemes/dept/results/DEPT-A/adjustments', payload: { period: '2026-10', points: 5, reason: 'x' } })).statusCode).toBe(403);
    expect((await liaisonA.request({ method: 'POST', url: '/api/scorecards/schemes/dept/publish', payload: { period: '2026-10' } })).statusCode).toBe(403);
    const appealId = appeal.json<{ id: number }>().id;
    expect((await liaisonA.request({ method: 'POST', url: `/api/scorecards/appeals/${String(appealId)}/decision`, payload: { decision: 'upheld', note: 'x' } })).statusCode).toBe(403);

    const decided = await admin.request({ method: 'POST', url: `/api/scorecards/appeals/${String(appealId)}/decision`, payload: { decision: 'upheld', note: '核实为误报', points: 2 } });
    expect(decided.json()).toMatchObject({ state: 'upheld', decision: '核实为误报' });
    const again = await admin.request({ method: 'POST', url: `/api/scorecards/appeals/${String(appealId)}/decision`, payload: { decision: 'rejected', note: 'x' } });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: { code: 'SCORECARD_APPEAL_CONFLICT' } });
    const after = await liaisonA.request({ method: 'GET', url: '/api/scorecards/schemes/dept/results/DEPT-A?period=2026-10' });
    expect(after.json()).toMatchObject({ shown: { score: 60, adjustment: 2, grade: 'basic' }, appeals: [{ state: 'upheld' }] });
  });

  it('publishes a closed period only, and shows late data as a pending revision', async () => {
    const open = await admin.request({ method: 'POST', url: '/api/scorecards/schemes/dept/publish', payload: { period: '2026-11' } });
    expect(open.statusCode).toBe(409);
    expect(open.json()).toMatchObject({ error: { code: 'SCORECARD_PERIOD_OPEN', details: { field: '/params/period' } } });
    expect((await admin.request({ method: 'POST', url: '/api/scorecards/schemes/dept/publish', payload: { period: '2026-10' } })).json()).toEqual({ published: 2 });
    await admin.request({ method: 'PUT', url: '/api/indicators/rt_quality/values', payload: { org: 'DEPT-A', period: '2026-10', value: 90 } });
    const put = await admin.request({ method: 'PUT', url: '/api/scorecards/schemes/dept', payload: { definition, units: ['DEPT-A', 'DEPT-B'] } });
    expect(put.json()).toMatchObject({ scheme: { version: 2 } });
    const rows = (await admin.request({ method: 'GET', url: '/api/scorecards/schemes/dept/results?period=2026-10' })).json<{ items: { unit: { code: string }; score: number; state: string; pendingRevision: boolean; revision: { score: number } | null }[] }>().items;
    expect(rows.find((r) => r.unit.code === 'DEPT-A')).toMatchObject({ score: 60, state: 'published', pendingRevision: true, revision: { score: 100 } });
  });

  it('serves boards, indicator rankings and exports; bad periods are 400 with the field', async () => {
    const boards = await admin.request({ method: 'GET', url: '/api/scorecards/schemes/dept/boards?period=2026-10' });
    expect(boards.json()).toMatchObject({ honour: expect.arrayContaining([expect.objectContaining({ kind: 'red_flag', unit: expect.objectContaining({ code: 'DEPT-B' }) })]) });
    const ranking = await admin.request({ method: 'GET', url: '/api/scorecards/rankings/rt_quality?org=H1-OFF&grain=month&period=2026-10' });
    expect(ranking.json()).toMatchObject({ direction: 'higher_better', items: [{ unit: { code: 'DEPT-A' }, rank: 1 }, { unit: { code: 'DEPT-B' }, rank: 1 }] });
    const csv = await admin.request({ method: 'GET', url: '/api/scorecards/schemes/dept/results/export?period=2026-10&format=csv&lang=en' });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toContain('DEPT-A');
    const xlsx = await admin.request({ method: 'GET', url: '/api/scorecards/schemes/dept/boards/export?period=2026-10&format=xlsx' });
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
    const bad = await admin.request({ method: 'GET', url: '/api/scorecards/schemes/dept/results?period=2026-Q4' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'SCORECARD_PERIOD_INVALID', details: { field: '/query/period' } } });
    expect((await admin.request({ method: 'GET', url: '/api/openapi.json' })).body).toContain('/api/scorecards/schemes/{code}/results/{unit}');
  });
});
