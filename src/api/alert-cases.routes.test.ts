import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../test/support/test-app.ts';
import { createAlertsService } from '../alerts/alerts-service.ts';
import { createComplianceCasesService } from '../rules/compliance-cases-service.ts';
import { createRuleEngine, type RuleEngine } from '../rules/engine.ts';
import { createMemorySeriesReader } from '../rules/engine-memory-series.ts';
import { ruleJson, systemCtx } from '../rules/engine-support.test-data.ts';
import { createTestSource, insertTestEvents, type TestEvent } from '../rules/engine-test-repo.ts';
import { createRulesService } from '../rules/rules-service.ts';
import { createAlertsModule } from './alerts.routes.ts';

/**
 * Compliance checks record cases, grouped: every violating event is a case with its evidence, and
 * the rule's alert is one per org unit and window (a day unless the rule says otherwise), firing on
 * a count or share threshold; the cases are listed, filtered and exported from the alert.
 */
let t: TestApp;
let engine: RuleEngine;
let source = 0;
let analyst: Client;
let liaisonA: Client;
let liaisonB: Client;
const HOUR = 3_600_000;

type AlertItem = { id: number; orgUnit: string; periodKey: string; state: string; value: number; bound: number; messageZh: string; messageEn: string };

async function commit(events: readonly Omit<TestEvent, 'sourceId'>[]): Promise<void> {
  const stored = await insertTestEvents(t.t.db, events.map((e) => ({ sourceId: source, ...e })));
  await engine.consumer.afterCommit?.(stored);
}

async function alertsOf(rule: string): Promise<AlertItem[]> {
  const res = await analyst.request({ method: 'GET', url: `/api/alerts?rule=${rule}` });
  return res.json<{ items: AlertItem[] }>().items.sort((a, b) => a.orgUnit.localeCompare(b.orgUnit) || a.periodKey.localeCompare(b.periodKey));
}

const controlled = (orgCode: string, at: Date, doctor: string, isControlled = true): Omit<TestEvent, 'sourceId'> => ({
  type: 'prescription', orgCode, occurredAt: at, attributes: { doctor, items: [{ drug: isControlled ? 'morphine' : 'aspirin', controlled: isControlled }] },
});

beforeAll(async () => {
  t = await createTestApp({
    modules: ({ db, clock }) => {
      engine = createRuleEngine({ db, clock, seriesReader: createMemorySeriesReader(clock), indicatorDefinitions: () => [] });
      return [createAlertsModule({ alerts: createAlertsService({ db }), rules: createRulesService({ db }), cases: createComplianceCasesService({ db }), clock })];
    },
  });
  const rules = createRulesService({ db: t.t.db });
  const ctx = systemCtx(t.clock.now());
  const violation = { some: { field: 'items', where: { field: 'controlled', op: '=', value: true } } };
  await rules.create(ctx, ruleJson({ code: 'rx_controlled', kind: 'compliance', category: 'compliance', eventTypes: ['prescription'], violation, messageZh: '处方 {{event}}', messageEn: 'Prescription {{event}}' }));
  await rules.create(ctx, ruleJson({ code: 'rx_controlled_3', kind: 'compliance', category: 'compliance', eventTypes: ['prescription'], violation, grouping: { minCases: 3 } }));
  await rules.create(ctx, ruleJson({ code: 'rx_controlled_share', kind: 'compliance', category: 'compliance', eventTypes: ['prescription'], violation, grouping: { minShare: 0.5 } }));
  source = await createTestSource(t.t.db, (await t.services.orgs.require('GROUP')).id, 'his');
  analyst = await t.signIn('analyst');
  liaisonA = await t.signIn('liaison.a');
  liaisonB = await t.signIn('liaison.b');
});

afterAll(async () => {
  await t.close();
});

describe('compliance cases', () => {
  it('groups the violating events of a unit and day into one alert whose value is the number of cases', async () => {
    const now = t.clock.now();
    await commit([controlled('DEPT-A', now, 'D1'), controlled('DEPT-A', new Date(now.getTime() + HOUR), 'D2'), controlled('DEPT-B', now, 'D3', false)]);
    await commit([controlled('DEPT-A', new Date(now.getTime() + 2 * HOUR), 'D1'), controlled('DEPT-A', new Date(now.getTime() - 86_400_000), 'D1')]);
    const alerts = await alertsOf('rx_controlled');
    // Today's window opened the incident first; yesterday's case, sent later, is kept as a case (a finding of its own window), not an earlier alert.
    expect(alerts.map((a) => [a.orgUnit, a.periodKey, a.state, a.value])).toEqual([['DEPT-A', '2026-11-23', 'firing', 3]]);
    expect(alerts[0]?.messageZh).toBe('心内科 2026-11-23 测试规则：违规案例 3 例');
    expect(alerts[0]?.messageEn).toBe('心内科 2026-11-23: 3 case(s) of Test rule');
  });

  it('fires on a count threshold only once the window holds that many cases', async () => {
    expect((await alertsOf('rx_controlled_3')).map((a) => [a.orgUnit, a.periodKey, a.state, a.value])).toEqual([['DEPT-A', '2026-11-23', 'firing', 3]]);
  });

  it('fires on a share threshold against the unit’s events of the rule’s types in the window', async () => {
    // DEPT-A on 11-23: 3 of 3 prescriptions violate; DEPT-B: none of 1. Then DEPT-B gets 1 of 3 (a third), then 2 of 4 (a half).
    const now = t.clock.now();
    await commit([controlled('DEPT-B', now, 'D4'), controlled('DEPT-B', now, 'D5', false)]);
    expect((await alertsOf('rx_controlled_share')).filter((a) => a.orgUnit === 'DEPT-B')).toEqual([]);
    await commit([controlled('DEPT-B', now, 'D6')]);
    const b = (await alertsOf('rx_controlled_share')).filter((a) => a.orgUnit === 'DEPT-B');
    expect(b.map((a) => [a.periodKey, a.state, a.value])).toEqual([['2026-11-23', 'firing', 2]]);
  });

  it('lists the cases of an alert with their evidence, filters them by a field or type, pages them and exports them as CSV', async () => {
    const alert = (await alertsOf('rx_controlled')).find((a) => a.orgUnit === 'DEPT-A' && a.periodKey === '2026-11-23');
    const url = `/api/alerts/${String(alert?.id)}/cases`;
    const all = (await analyst.request({ method: 'GET', url })).json<{ total: number; items: { id: number; eventType: string; orgUnit: string; evidence: { items: unknown } }[] }>();
    expect(all.total).toBe(3);
    expect(all.items.map((c) => [c.eventType, c.orgUnit])).toEqual([['prescription', 'DEPT-A'], ['prescription', 'DEPT-A'], ['prescription', 'DEPT-A']]);
    expect(all.items[0]?.evidence.items).toEqual([{ drug: 'morphine', controlled: true }]);
    const page = (await analyst.request({ method: 'GET', url: `${url}?limit=2&after=${String(all.items[0]?.id)}` })).json<{ total: number; items: { id: number }[] }>();
    expect(page.items.map((c) => c.id)).toEqual(all.items.slice(1).map((c) => c.id));
    const none = (await analyst.request({ method: 'GET', url: `${url}?eventType=visit` })).json<{ total: number }>();
    expect(none.total).toBe(0);
    const bad = await analyst.request({ method: 'GET', url: `${url}?field=doctor` });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'ALERT_CASES_FILTER_INVALID', details: { field: '/querystring/value' } } });
    const csv = await analyst.request({ method: 'GET', url: `${url}/export` });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toContain('cases-rx_controlled-DEPT-A-2026-11-23.csv');
    const rows: string[][] = parse(csv.rawPayload, { bom: true });
    expect(rows[0]).toEqual(['case', 'rule', 'orgUnit', 'eventType', 'eventId', 'occurredAt', 'items']);
    expect(rows.slice(1).map((r) => r[2])).toEqual(['DEPT-A', 'DEPT-A', 'DEPT-A']);
  });

  it('shows the cases only to those who may open the alert', async () => {
    const alert = (await alertsOf('rx_controlled')).find((a) => a.orgUnit === 'DEPT-A');
    expect((await liaisonA.request({ method: 'GET', url: `/api/alerts/${String(alert?.id)}/cases` })).statusCode).toBe(200);
    expect((await liaisonB.request({ method: 'GET', url: `/api/alerts/${String(alert?.id)}/cases` })).statusCode).toBe(404);
    expect((await liaisonB.request({ method: 'GET', url: `/api/alerts/${String(alert?.id)}/cases/export` })).statusCode).toBe(404);
  });
});
