import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../test/support/test-db.ts';
import { createAlertsService } from '../alerts/alerts-service.ts';
import type { IndicatorDefinition } from '../indicators/index.ts';
import { createOrgsService, type OrgUnit } from '../orgs/index.ts';
import { createFakeClock } from '../shared/index.ts';
import { createWorkOrderAlertConsumer } from '../workorders/alert-consumer-service.ts';
import { createRuleEngine, type RuleEngine } from './engine.ts';
import { createMemorySeriesReader, type MemorySeriesReader } from './engine-memory-series.ts';
import { countIndicator, ruleJson, systemCtx } from './engine-support.test-data.ts';
import { createTestSource, insertTestEvents, type TestEvent } from './engine-test-repo.ts';
import { createRulesService } from './rules-service.ts';

/**
 * Inhibition through the engine and the work-order consumer: an alert of a closed period stays
 * firing, and must not hold back the notification (and so the work order) of a later department
 * alert; a hospital alert of the same period still does.
 */
let t: TestDb;
const clock = createFakeClock('2026-11-10T10:00:00+08:00');
let series: MemorySeriesReader;
let engine: RuleEngine;
let alerts: ReturnType<typeof createAlertsService>;
const orgs = new Map<string, OrgUnit>();
const indicators: IndicatorDefinition[] = [countIndicator('ind_daily_load', 'ev_load')];
let sourceId = 0;

function org(code: string): OrgUnit {
  const o = orgs.get(code);
  if (!o) throw new Error(`no org ${code}`);
  return o;
}

async function commitAt(orgCodes: readonly string[]): Promise<void> {
  const events: TestEvent[] = orgCodes.map((orgCode) => ({ sourceId, type: 'ev_load', orgCode, occurredAt: clock.now() }));
  await engine.consumer.afterCommit?.(await insertTestEvents(t.db, events));
}

async function alertOf(orgCode: string, periodKey: string) {
  const list = await alerts.list({ paths: ['/'], ruleCode: 'load_high' });
  const found = list.find((a) => a.orgUnitCode === orgCode && a.periodKey === periodKey);
  if (!found) throw new Error(`no load_high alert for ${orgCode} ${periodKey}`);
  return found;
}

async function ordersLinking(alertId: number): Promise<string[]> {
  const { rows } = await t.db.query<{ orderId: string }>('SELECT order_id::text AS "orderId" FROM work_order_alert WHERE alert_id = $1', [String(alertId)]);
  return rows.map((r) => r.orderId);
}

beforeAll(async () => {
  t = await createTestDb();
  const svc = createOrgsService({ db: t.db });
  const ctx = systemCtx(clock.now());
  for (const [code, kind, parent] of [['GROUP', 'group'], ['H1', 'hospital', 'GROUP'], ['DEPT-A', 'department', 'H1'], ['DEPT-B', 'department', 'H1']] as const) {
    orgs.set(code, await svc.create(ctx, { code, name: code, kind, ...(parent ? { parentCode: parent } : {}) }));
  }
  sourceId = await createTestSource(t.db, org('H1').id, 'his');
  series = createMemorySeriesReader(clock);
  engine = createRuleEngine({
    db: t.db, clock, seriesReader: series, indicatorDefinitions: () => indicators, transitionConsumers: [createWorkOrderAlertConsumer()],
  });
  alerts = createAlertsService({ db: t.db });
  await createRulesService({ db: t.db }).create(ctx, ruleJson({
    code: 'load_high', kind: 'threshold', indicator: 'ind_daily_load', grain: 'day', op: '>', bound: 1, evaluateOpenPeriod: true, severity: 3,
  }));
});

afterAll(async () => {
  await t.drop();
});

describe('inhibition across periods, through the engine', () => {
  it('lets a department alert of today through past a hospital alert of a day two weeks ago, and opens its work order', async () => {
    series.set('ind_daily_load', org('H1').id, 'day', clock.now(), 5);
    await commitAt(['H1']);
    const old = await alertOf('H1', '2026-11-10');
    expect(old).toMatchObject({ state: 'firing', notify: true });

    clock.set('2026-11-24T10:00:00+08:00');
    series.set('ind_daily_load', org('DEPT-A').id, 'day', clock.now(), 5);
    await commitAt(['DEPT-A']);
    const dept = await alertOf('DEPT-A', '2026-11-24');
    expect(dept).toMatchObject({ state: 'firing', notify: true, suppressedBy: null, suppressedRefs: [] });
    expect(await ordersLinking(dept.id)).toHaveLength(1);
    // The old hospital alert is still firing: it is a fact about its own day, not about today.
    expect((await alertOf('H1', '2026-11-10')).state).toBe('firing');
  });

  it('still inhibits a department alert with a hospital alert of the same day (no work order for a minor one)', async () => {
    series.set('ind_daily_load', org('H1').id, 'day', clock.now(), 5);
    series.set('ind_daily_load', org('DEPT-B').id, 'day', clock.now(), 5);
    await commitAt(['H1', 'DEPT-B']);
    const hospital = await alertOf('H1', '2026-11-24');
    expect(hospital).toMatchObject({ state: 'firing', notify: true });
    const dept = await alertOf('DEPT-B', '2026-11-24');
    expect(dept).toMatchObject({ state: 'firing', notify: false, suppressedBy: 'inhibition', suppressedRefs: [hospital.fingerprint] });
    expect(await ordersLinking(dept.id)).toEqual([]);
  });
});
