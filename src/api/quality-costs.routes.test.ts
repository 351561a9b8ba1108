import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../test/support/test-app.ts';
import { testBackend } from '../../test/support/test-db.ts';
import { insertFixtureEvents, insertFixtureSource } from '../indicators/event-fixture-repo.ts';

let ta: TestApp;
let analyst: Client;
let liaisonA: Client;

beforeAll(async () => {
  ta = await createTestApp({ fullRuntime: true });
  analyst = await ta.signIn('analyst');
  liaisonA = await ta.signIn('liaison.a');
  const ids = new Map((await ta.t.db.query<{ id: number; code: string }>('SELECT id, code FROM org_unit')).rows.map((r) => [r.code, r.id]));
  const id = (code: string) => ids.get(code) ?? 0;
  const source = await insertFixtureSource(ta.t.db, id('GROUP'), 'quality', ['quality_event', 'charge']);
  const at = (day: string) => new Date(`${day}T02:00:00Z`);
  await insertFixtureEvents(ta.t.db, source, [
    { eventId: 'q1', type: 'quality_event', orgUnitId: id('DEPT-A'), occurredAt: at('2026-03-05'), patient: null, attributes: { category: 'fall', cost: 3000, costType: 'external_failure' } },
    { eventId: 'q2', type: 'quality_event', orgUnitId: id('DEPT-B'), occurredAt: at('2026-03-06'), patient: null, attributes: { category: 'rework', cost: 500, costType: 'internal_failure' } },
    { eventId: 'q3', type: 'quality_event', orgUnitId: id('DEPT-B'), occurredAt: at('2026-03-07'), patient: null, attributes: { category: 'no cost' } },
    { eventId: 'q0', type: 'quality_event', orgUnitId: id('DEPT-A'), occurredAt: at('2025-06-01'), patient: null, attributes: { category: 'fall', cost: 10_000, costType: 'external_failure' } },
    { eventId: 'c1', type: 'charge', orgUnitId: id('DEPT-A'), occurredAt: at('2026-03-05'), patient: null, attributes: { category: 'drug', amount: 100_000 } },
    { eventId: 'c2', type: 'charge', orgUnitId: id('DEPT-B'), occurredAt: at('2026-03-05'), patient: null, attributes: { category: 'drug', amount: 50_000 } },
  ]);
});

afterAll(async () => {
  await ta.close();
});

describe(`quality-cost routes on ${testBackend}`, () => {
  it('takes entries for a unit in scope only, with the field on bad input', async () => {
    const ok = await liaisonA.request({ method: 'POST', url: '/api/quality-costs/entries', payload: { orgUnit: 'DEPT-A', month: '2026-03', category: 'prevention', amount: 1500, description: 'fall-prevention training' } });
    expect(ok.statusCode).toBe(201);
    expect((await liaisonA.request({ method: 'POST', url: '/api/quality-costs/entries', payload: { orgUnit: 'DEPT-B', month: '2026-03', category: 'prevention', amount: 1, description: 'x' } })).statusCode).toBe(404);
    const bad = await liaisonA.request({ method: 'POST', url: '/api/quality-costs/entries', payload: { orgUnit: 'DEPT-A', month: '2026-13', category: 'prevention', amount: 1, description: 'x' } });
    expect(bad.json<{ error: { details: { field: string } } }>().error.details.field).toBe('/body/month');
    await analyst.request({ method: 'POST', url: '/api/quality-costs/entries', payload: { orgUnit: 'DEPT-B', month: '2026-02', category: 'appraisal', amount: 1000, description: 'audit of records' } });
    const seen = (await liaisonA.request({ method: 'GET', url: '/api/quality-costs/entries?year=2026' })).json<{ items: { orgUnit: string }[] }>();
    expect(seen.items.map((i) => i.orgUnit)).toEqual(['DEPT-A']);
  });

  it('reports PAF shares, cost against revenue, the trend, units ranked and the failure-cost target', async () => {
    const res = await analyst.request({ method: 'GET', url: '/api/quality-costs/report?year=2026&org=H1-OFF' });
    expect(res.statusCode).toBe(200);
    const r = res.json<{ total: number; byCategory: Record<string, number>; costToRevenue: number; failureToPrevention: number; trend: { month: number; total: number }[]; units: { orgUnit: string; rank: number; costToRevenue: number }[]; target: { failureLastYear: number; met: boolean } }>();
    // Costs: prevention 1,500 (entry), appraisal 1,000 (entry), internal 500 and external 3,000 (events) = 6,000 against 150,000 revenue.
    expect(r.byCategory).toEqual({ prevention: 1500, appraisal: 1000, internal_failure: 500, external_failure: 3000 });
    expect(r.total).toBe(6000);
    expect(r.costToRevenue).toBe(0.04);
    expect(r.failureToPrevention).toBeCloseTo(2.333333, 5);
    expect(r.trend.map((t) => t.total).slice(0, 3)).toEqual([0, 1000, 5000]);
    // DEPT-B: 1,500 / 50,000 = 3 %; DEPT-A: 4,500 / 100,000 = 4.5 %.
    expect(r.units.map((u) => `${String(u.rank)}:${u.orgUnit}:${String(u.costToRevenue)}`)).toEqual(['1:DEPT-B:0.03', '2:DEPT-A:0.045']);
    expect(r.target).toMatchObject({ failureLastYear: 10_000, goal: -0.1 });
    expect((await liaisonA.request({ method: 'GET', url: '/api/quality-costs/report?year=2026&org=H1-OFF' })).statusCode).toBe(404);
  });

  it('keeps a failure-cost target per unit and year that the subtree follows, audited, and only an approver sets it', async () => {
    const before = (await analyst.request({ method: 'GET', url: '/api/quality-costs/target?year=2026&org=DEPT-A' })).json<{ failureChange: number; setOn: string | null }>();
    expect(before).toEqual({ year: 2026, orgUnit: 'DEPT-A', failureChange: -0.1, setOn: null });
    expect((await liaisonA.request({ method: 'PUT', url: '/api/quality-costs/target', payload: { orgUnit: 'DEPT-A', year: 2026, failureChange: -0.5 } })).statusCode).toBe(403);
    const bad = await analyst.request({ method: 'PUT', url: '/api/quality-costs/target', payload: { orgUnit: 'H1-OFF', year: 2026, failureChange: -1.5 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { details: { field: string } } }>().error.details.field).toBe('/body/failureChange');
    expect((await analyst.request({ method: 'PUT', url: '/api/quality-costs/target', payload: { orgUnit: 'H1-OFF', year: 2026, failureChange: -0.8 } })).statusCode).toBe(204);
    // DEPT-A follows H1-OFF's target; the report judges against it: failure 3,500 in March at a yearly pace vs 10,000 last year.
    expect((await analyst.request({ method: 'GET', url: '/api/quality-costs/target?year=2026&org=DEPT-A' })).json()).toMatchObject({ failureChange: -0.8, setOn: 'H1-OFF' });
    const r = (await analyst.request({ method: 'GET', url: '/api/quality-costs/report?year=2026&org=H1-OFF' })).json<{ target: { goal: number } }>();
    expect(r.target.goal).toBe(-0.8);
    expect((await analyst.request({ method: 'GET', url: '/api/quality-costs/report?year=2026&org=H1-OFF&failureGoal=-0.05' })).json<{ target: { goal: number } }>().target.goal).toBe(-0.05);
    const audit = await ta.t.db.query<{ action: string; actor_name: string }>("SELECT action, actor_name FROM audit_entry WHERE target_kind = 'quality_cost_target'");
    expect(audit.rows).toEqual([{ action: 'quality_cost.target_set', actor_name: 'analyst' }]);
  });

  it('exports the PAF report as CSV and XLSX in the reader\'s language, within scope', async () => {
    const csv = await analyst.request({ method: 'GET', url: '/api/quality-costs/report/export?year=2026&org=H1-OFF&format=csv&lang=zh-CN' });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toContain('quality-costs-2026-H1-OFF.csv');
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    expect(lines[0]).toContain('预防成本');
    // The year, twelve months, two units and the target line.
    expect(lines).toHaveLength(1 + 1 + 12 + 2 + 1);
    expect(lines[1]).toContain('1500');
    expect(lines[1]).toContain('6000');
    const en = await analyst.request({ method: 'GET', url: '/api/quality-costs/report/export?year=2026&org=H1-OFF&format=xlsx&lang=en' });
    expect(en.statusCode).toBe(200);
    expect(en.rawPayload.subarray(0, 2).toString()).toBe('PK');
    expect((await liaisonA.request({ method: 'GET', url: '/api/quality-costs/report/export?year=2026&org=H1-OFF&format=csv' })).statusCode).toBe(404);
  });
});
