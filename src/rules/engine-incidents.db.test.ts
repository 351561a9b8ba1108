import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, testBackend, type TestDb } from '../../test/support/test-db.ts';
import { createAlertsService } from '../alerts/alerts-service.ts';
import type { IndicatorDefinition } from '../indicators/index.ts';
import { createOrgsService, type OrgUnit } from '../orgs/index.ts';
import { createFakeClock } from '../shared/index.ts';
import { createWorkOrderAlertConsumer } from '../workorders/alert-consumer-service.ts';
import { createRuleEngine, type RuleEngine } from './engine.ts';
import { createMemorySeriesReader, type MemorySeriesReader } from './engine-memory-series.ts';
import { createRuleSchedulerJob } from './engine-scheduler.ts';
import { collectingConsumer, countIndicator, ruleJson, systemCtx } from './engine-support.test-data.ts';
import { createTestSource, insertTestEvents, type TestEvent } from './engine-test-repo.ts';
import { createRulesService } from './rules-service.ts';

/**
 * Incidents through the engine, the scheduler and the work-order consumer: consecutive breaching
 * days are one alert that ends by itself on the first clean closed day; history older than the
 * live horizon is judged as findings and opens nothing.
 */
const DAY = 86_400_000;
let t: TestDb;
const clock = createFakeClock('2026-11-10T00:05:00+08:00');
let series: MemorySeriesReader;
let engine: RuleEngine;
let job: ReturnType<typeof createRuleSchedulerJob>;
let alerts: ReturnType<typeof createAlertsService>;
const collector = collectingConsumer();
const indicators: IndicatorDefinition[] = [countIndicator('ind_wait', 'ev_wait')];
let dept: OrgUnit;
let sourceId = 0;

const waitAlerts = () => alerts.list({ paths: ['/'], ruleCode: 'wait_high' });
const orderCount = async () => (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM work_order')).rows[0]?.n;
const transitionsOf = (ruleCode: string) => collector.seen.filter((e) => e.ruleCode === ruleCode).map((e) => `${e.from ?? 'none'}>${e.to}:${e.reason}`);

/** Ends the day: the scheduler gives the day that just closed its final verdict (value `value`). */
async function closeDay(value: number): Promise<void> {
  series.set('ind_wait', dept.id, 'day', new Date(clock.now().getTime() + 3_600_000), value);
  clock.advance(DAY);
  await job.run(clock.now());
}

beforeAll(async () => {
  t = await createTestDb();
  const svc = createOrgsService({ db: t.db });
  const ctx = systemCtx(clock.now());
  const group = await svc.create(ctx, { code: 'GROUP', name: 'GROUP', kind: 'group' });
  dept = await svc.create(ctx, { code: 'DEPT-A', name: '心内科', kind: 'department', parentCode: 'GROUP' });
  sourceId = await createTestSource(t.db, group.id, 'his');
  series = createMemorySeriesReader(clock);
  engine = createRuleEngine({
    db: t.db, clock, seriesReader: series, indicatorDefinitions: () => indicators, transitionConsumers: [createWorkOrderAlertConsumer(), collector], settleMs: 1000,
  });
  job = createRuleSchedulerJob({ engine });
  alerts = createAlertsService({ db: t.db });
  await createRulesService({ db: t.db }).create(ctx, ruleJson({
    code: 'wait_high', kind: 'threshold', indicator: 'ind_wait', grain: 'day', op: '>', bound: 30, severity: 2,
    scope: { orgUnit: 'DEPT-A', includeDescendants: false },
  }));
});

afterAll(async () => {
  await t.drop();
});

describe(`incidents through the engine on ${testBackend}`, () => {
  it('merges consecutive breaching days into one alert with one work order, and resolves it by itself when a closed day no longer breaches', async () => {
    await job.run(clock.now());
    await closeDay(45);
    await closeDay(50);
    await closeDay(40);
    const [open] = await waitAlerts();
    expect(await waitAlerts()).toHaveLength(1);
    expect(open).toMatchObject({ state: 'firing', periodKey: '2026-11-10', lastPeriodKey: '2026-11-12', periodCount: 3, endedAt: null, endReason: null, value: 40 });
    expect(await orderCount()).toBe(1);
    expect(transitionsOf('wait_high')).toEqual(['none>firing:breach']);

    await closeDay(20);
    const [ended] = await waitAlerts();
    expect(ended).toMatchObject({ id: open?.id, state: 'resolved', lastPeriodKey: '2026-11-12', periodCount: 3, endReason: 'cleared' });
    expect(ended?.endedAt).toBeInstanceOf(Date);
    expect(transitionsOf('wait_high')).toEqual(['none>firing:breach', 'firing>resolved:cleared']);
    expect((await alerts.periods(open?.id ?? 0)).map((p) => [p.periodKey, p.value])).toEqual([['2026-11-10', 45], ['2026-11-11', 50], ['2026-11-12', 40]]);
    // The detail explains the whole life: opened, two periods added, ended by the clean day.
    expect((await alerts.history(open?.id ?? 0)).map((h) => [h.to, h.reason, h.periodKey])).toEqual([
      ['firing', 'breach', '2026-11-10'], ['firing', 'period_added', '2026-11-11'], ['firing', 'period_added', '2026-11-12'], ['resolved', 'cleared', '2026-11-13'],
    ]);

    // A later breach is a new incident.
    await closeDay(60);
    const list = await waitAlerts();
    expect(list.map((a) => [a.periodKey, a.state])).toEqual([['2026-11-14', 'firing'], ['2026-11-10', 'resolved']]);
  });

  it('judges five years of history loaded late as findings: no alert, transition or work order, and the open-alert count is unchanged', async () => {
    const openBefore = (await waitAlerts()).filter((a) => a.state !== 'resolved').length;
    const ordersBefore = await orderCount();
    const seenBefore = collector.seen.length;
    const firstDay = clock.now().getTime() - 5 * 365 * DAY;
    const events: TestEvent[] = [];
    for (let d = 0; d < 5 * 365 - 30; d += 1) {
      const at = new Date(firstDay + d * DAY);
      series.set('ind_wait', dept.id, 'day', at, d % 7 === 0 ? 90 : 10);
      events.push({ sourceId, type: 'ev_wait', orgCode: 'DEPT-A', occurredAt: at });
    }
    for (let i = 0; i < events.length; i += 200) await engine.consumer.afterCommit?.(await insertTestEvents(t.db, events.slice(i, i + 200)));
    clock.advance(2000);
    await job.run(clock.now());

    expect((await waitAlerts()).filter((a) => a.state !== 'resolved')).toHaveLength(openBefore);
    expect(await orderCount()).toBe(ordersBefore);
    expect(collector.seen.length).toBe(seenBefore);
    const findings = await alerts.findings({ paths: ['/'], ruleCode: 'wait_high', limit: 1000 });
    expect(findings.length).toBe(Math.ceil((5 * 365 - 30) / 7));
    expect(findings.every((f) => f.kind === 'breach' && f.value === 90 && f.bound === 30)).toBe(true);
  }, 120_000);

  it('ends an open incident that no live period continued (days without data), so nothing stays firing on a period long past', async () => {
    const [open] = (await waitAlerts()).filter((a) => a.state === 'firing');
    expect(open?.lastPeriodKey).toBe('2026-11-14');
    clock.advance(5 * DAY);
    await job.run(clock.now());
    const ended = (await waitAlerts()).find((a) => a.id === open?.id);
    expect(ended).toMatchObject({ state: 'resolved', endReason: 'expired', lastPeriodKey: '2026-11-14' });
    expect(transitionsOf('wait_high').at(-1)).toBe('firing>resolved:expired');
    expect((await waitAlerts()).filter((a) => a.state !== 'resolved')).toEqual([]);
  });
});
