import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../test/support/test-db.ts';
import { createAlertsService } from '../alerts/alerts-service.ts';
import type { AlertState } from '../alerts/index.ts';
import type { IndicatorDefinition } from '../indicators/index.ts';
import { createOrgsService, type OrgUnit } from '../orgs/index.ts';
import { createFakeClock, previousPeriod } from '../shared/index.ts';
import { createRuleEngine, type RuleEngine } from './engine.ts';
import type { SourceQualityCounts, SourceRef } from './engine-evaluate.ts';
import { createMemorySeriesReader, type MemorySeriesReader } from './engine-memory-series.ts';
import { createRuleSchedulerJob } from './engine-scheduler.ts';
import { collectingConsumer, countIndicator, ruleJson, systemCtx } from './engine-support.test-data.ts';
import { createTestSource, insertTestEvents, type TestEvent } from './engine-test-repo.ts';
import { createRulesService } from './rules-service.ts';

let t: TestDb;
const clock = createFakeClock('2026-11-23T08:05:00+08:00');
let series: MemorySeriesReader;
let engine: RuleEngine;
let job: ReturnType<typeof createRuleSchedulerJob>;
let rules: ReturnType<typeof createRulesService>;
let alerts: ReturnType<typeof createAlertsService>;
const collector = collectingConsumer();
const orgs = new Map<string, OrgUnit>();
const indicators: IndicatorDefinition[] = [];
let sourceId = 0;
const sourceQuality = new Map<number, SourceQualityCounts>();
let holiday = false;

function org(code: string): OrgUnit {
  const o = orgs.get(code);
  if (!o) throw new Error(`no org ${code}`);
  return o;
}

async function commit(events: readonly Omit<TestEvent, 'sourceId'>[]): Promise<void> {
  const stored = await insertTestEvents(t.db, events.map((e) => ({ sourceId, ...e })));
  await engine.consumer.afterCommit?.(stored);
}

async function addRule(fields: Record<string, unknown>): Promise<void> {
  await rules.create(systemCtx(clock.now()), ruleJson(fields));
}

async function alertsOf(ruleCode: string, state?: AlertState) {
  return alerts.list({ paths: ['/'], ruleCode, ...(state ? { state } : {}) });
}

async function stateAt(ruleCode: string, orgCode: string): Promise<AlertState | null> {
  const list = await alertsOf(ruleCode);
  return list.find((a) => a.orgUnitCode === orgCode)?.state ?? null;
}

beforeAll(async () => {
  t = await createTestDb();
  const svc = createOrgsService({ db: t.db });
  const ctx = systemCtx(clock.now());
  for (const [code, kind, parent, channel] of [['GROUP', 'group'], ['H1', 'hospital', 'GROUP'], ['H1-OFF', 'channel', 'H1', 'offline'], ['DEPT-A', 'department', 'H1-OFF'], ['DEPT-B', 'department', 'H1-OFF']] as const) {
    orgs.set(code, await svc.create(ctx, { code, name: code, kind, ...(parent ? { parentCode: parent } : {}), ...(channel ? { channel } : {}) }));
  }
  sourceId = await createTestSource(t.db, org('H1').id, 'his');
  series = createMemorySeriesReader(clock);
  const sources: SourceRef[] = [{ id: sourceId, code: 'his', orgUnitId: org('H1').id }];
  engine = createRuleEngine({
    db: t.db, clock, seriesReader: series, indicatorDefinitions: () => indicators,
    listSources: () => Promise.resolve(sources),
    readSourceQuality: (id) => Promise.resolve(sourceQuality.get(id) ?? { lastReceivedAt: null, received: 0, accepted: 0, invalid: 0, onTime: 0 }),
    transitionConsumers: [collector], isHoliday: () => holiday, anomalyConfig: { warmup: 10, windowSize: 40 },
  });
  job = createRuleSchedulerJob({ engine });
  rules = createRulesService({ db: t.db });
  alerts = createAlertsService({ db: t.db });
});

afterAll(async () => {
  await t.drop();
});

describe('rule engine, streaming and scheduled', () => {
  it('suppresses flapping with for and hysteresis, fires once the breach has held and resolves after the keep-firing time', async () => {
    indicators.push(countIndicator('ind_wait', 'ev_wait'));
    await addRule({ code: 'wait_high', kind: 'threshold', indicator: 'ind_wait', grain: 'hour', op: '>', bound: 10, evaluateOpenPeriod: true, forMinutes: 10, hysteresis: { recoveryBound: 8, keepFiringMinutes: 10 } });
    const a = org('DEPT-A').id;
    const ev = [{ type: 'ev_wait', orgCode: 'DEPT-A', occurredAt: clock.now() }];
    series.set('ind_wait', a, 'hour', clock.now(), 12);
    await commit(ev);
    expect(await stateAt('wait_high', 'DEPT-A')).toBe('pending');
    clock.advance(3 * 60_000);
    series.set('ind_wait', a, 'hour', clock.now(), 7);
    await commit(ev);
    expect(await stateAt('wait_high', 'DEPT-A')).toBe('resolved');
    series.set('ind_wait', a, 'hour', clock.now(), 12);
    await commit(ev);
    clock.advance(11 * 60_000);
    await job.run(clock.now());
    expect(await stateAt('wait_high', 'DEPT-A')).toBe('firing');
    series.set('ind_wait', a, 'hour', clock.now(), 9);
    await commit(ev);
    expect(await stateAt('wait_high', 'DEPT-A')).toBe('firing');
    series.set('ind_wait', a, 'hour', clock.now(), 7);
    await commit(ev);
    expect(await stateAt('wait_high', 'DEPT-A')).toBe('firing');
    clock.advance(11 * 60_000);
    await job.run(clock.now());
    expect(await stateAt('wait_high', 'DEPT-A')).toBe('resolved');
    const [alert] = (await alertsOf('wait_high')).filter((x) => x.orgUnitCode === 'DEPT-A');
    const history = await alerts.history(alert?.id ?? 0);
    expect(history.map((h) => `${h.from ?? 'none'}>${h.to}:${h.reason}`)).toEqual([
      'none>pending:breach', 'pending>resolved:cleared_before_firing', 'resolved>pending:breach', 'pending>firing:for_satisfied', 'firing>resolved:cleared',
    ]);
    expect(history[3]?.value).toBe(12);
    expect(collector.seen.filter((e) => e.ruleCode === 'wait_high' && e.to === 'firing' && e.orgUnitCode === 'DEPT-A')).toHaveLength(1);
  });

  it('gives closed periods their final judgement from the scheduler once, for target deviation, change and consecutive rules', async () => {
    indicators.push(countIndicator('ind_daily', 'ev_daily'));
    await addRule({ code: 'below_target', kind: 'target_deviation', indicator: 'ind_daily', grain: 'day', measure: 'rate', direction: 'below', bound: 0.1 });
    await addRule({ code: 'daily_rise', kind: 'change', indicator: 'ind_daily', grain: 'day', compareTo: 'previous', measure: 'rate', direction: 'rise', bound: 0.5 });
    await addRule({ code: 'three_low', kind: 'consecutive', indicator: 'ind_daily', grain: 'day', op: '<', bound: 60, periods: 3 });
    const today = clock.now();
    const d1 = previousPeriod(today, 'day');
    const d2 = previousPeriod(d1, 'day');
    const d3 = previousPeriod(d2, 'day');
    series.set('ind_daily', org('DEPT-A').id, 'day', d3, 50, 100);
    series.set('ind_daily', org('DEPT-A').id, 'day', d2, 30, 100);
    series.set('ind_daily', org('DEPT-A').id, 'day', d1, 55, 100);
    series.set('ind_daily', org('DEPT-B').id, 'day', d2, 100, 100);
    series.set('ind_daily', org('DEPT-B').id, 'day', d1, 100, 100);
    await job.run(clock.now());
    expect(await stateAt('below_target', 'DEPT-A')).toBe('firing');
    expect(await stateAt('below_target', 'DEPT-B')).toBeNull();
    expect(await stateAt('daily_rise', 'DEPT-A')).toBe('firing');
    expect(await stateAt('three_low', 'DEPT-A')).toBe('firing');
    const [firing] = await alertsOf('below_target');
    const history = await alerts.history(firing?.id ?? 0);
    expect(history[0]).toMatchObject({ to: 'firing', reason: 'breach', trigger: 'schedule', closed: true, value: -0.45, bound: 0.1 });
    expect(history[0]?.detail).toMatchObject({ baseline: { target: 100 } });
    const before = collector.seen.length;
    await job.run(clock.now());
    expect(collector.seen.length).toBe(before);
  });

  it('retracts an alert when late data clears a closed period, and raises one when late data breaches it, with the reason recorded', async () => {
    const d1 = previousPeriod(clock.now(), 'day');
    series.set('ind_daily', org('DEPT-A').id, 'day', d1, 95, 100);
    await commit([{ type: 'ev_daily', orgCode: 'DEPT-A', occurredAt: new Date(d1.getTime() + 3_600_000), receivedAt: clock.now() }]);
    expect(await stateAt('below_target', 'DEPT-A')).toBe('resolved');
    series.set('ind_daily', org('DEPT-B').id, 'day', d1, 20, 100);
    await commit([{ type: 'ev_daily', orgCode: 'DEPT-B', occurredAt: new Date(d1.getTime() + 3_600_000), receivedAt: clock.now() }]);
    expect(await stateAt('below_target', 'DEPT-B')).toBe('firing');
    const list = await alertsOf('below_target');
    const reasons = await Promise.all(list.map(async (a) => (await alerts.history(a.id)).map((h) => `${a.orgUnitCode}:${h.reason}:${h.trigger}`)));
    expect(reasons.flat()).toEqual(expect.arrayContaining(['DEPT-A:late_data_retracted:late_data', 'DEPT-B:late_data_raised:late_data']));
  });

  it('learns a baseline with the anomaly detector and fires on a spike in a closed period', async () => {
    indicators.push(countIndicator('ind_visits', 'ev_visits'));
    await addRule({ code: 'visits_anomaly', kind: 'anomaly', indicator: 'ind_visits', grain: 'hour', minScore: 0.5, direction: 'above', scope: { orgUnit: 'DEPT-A', includeDescendants: false } });
    let h = previousPeriod(clock.now(), 'hour');
    series.set('ind_visits', org('DEPT-A').id, 'hour', h, 400);
    for (let i = 0; i < 40; i++) {
      h = previousPeriod(h, 'hour');
      series.set('ind_visits', org('DEPT-A').id, 'hour', h, 100 + (i % 3));
    }
    await job.run(clock.now());
    const [alert] = await alertsOf('visits_anomaly');
    expect(alert?.state).toBe('firing');
    const history = await alerts.history(alert?.id ?? 0);
    expect(history[0]?.detail).toMatchObject({ values: { observed: 400 } });
  });

  it('judges compliance per event: at once, through related events, and after a pending window the scheduler closes', async () => {
    await addRule({ code: 'rx_controlled', kind: 'compliance', category: 'compliance', eventTypes: ['prescription'], violation: { some: { field: 'items', where: { field: 'controlled', op: '=', value: true } } } });
    await addRule({ code: 'rx_unreviewed', kind: 'compliance', category: 'compliance', eventTypes: ['prescription'], violation: { missingWithin: { field: 'reviewedAt', minutes: 30 } } });
    await addRule({
      code: 'rx_no_offline_visit', kind: 'compliance', category: 'compliance', eventTypes: ['prescription'],
      violation: { not: { relatedExists: { type: 'visit', join: 'patient', beforeMinutes: 525_600, where: { field: 'channel', op: '=', value: 'offline' } } } },
    });
    const now = clock.now();
    await commit([{ type: 'visit', orgCode: 'DEPT-A', occurredAt: new Date(now.getTime() - 86_400_000), patient: 'p1', attributes: { channel: 'offline' } }]);
    await commit([
      { type: 'prescription', orgCode: 'DEPT-A', occurredAt: now, patient: 'p1', attributes: { items: [{ drug: 'x', controlled: true }], reviewedAt: now.toISOString() } },
      { type: 'prescription', orgCode: 'DEPT-B', occurredAt: now, patient: 'p2', attributes: { items: [{ drug: 'y', controlled: false }] } },
    ]);
    expect((await alertsOf('rx_controlled')).map((a) => [a.orgUnitCode, a.state])).toEqual([['DEPT-A', 'firing']]);
    expect((await alertsOf('rx_no_offline_visit')).map((a) => [a.orgUnitCode, a.state])).toEqual([['DEPT-B', 'firing']]);
    expect(await alertsOf('rx_unreviewed')).toEqual([]);
    clock.advance(31 * 60_000);
    await job.run(clock.now());
    expect((await alertsOf('rx_unreviewed')).map((a) => [a.orgUnitCode, a.state])).toEqual([['DEPT-B', 'firing']]);
    await job.run(clock.now());
    expect(await alertsOf('rx_unreviewed')).toHaveLength(1);
  });

  it('fires on a silent source, inhibits the dependent department alerts while it fires, and resolves when data arrives', async () => {
    await addRule({ code: 'source_silent', kind: 'source_quality', category: 'data_quality', metric: 'silent_minutes', op: '>', bound: 120, evaluateOpenPeriod: true, missingData: 'alert' });
    sourceQuality.set(sourceId, { lastReceivedAt: new Date(clock.now().getTime() - 3 * 3_600_000), received: 10, accepted: 10, invalid: 0, onTime: 10 });
    await job.run(clock.now());
    expect((await alertsOf('source_silent')).map((a) => [a.orgUnitCode, a.state, a.silentSource])).toEqual([['H1', 'firing', 'his']]);
    indicators.push(countIndicator('ind_dep', 'ev_dep'));
    await addRule({ code: 'dep_high', kind: 'threshold', indicator: 'ind_dep', grain: 'hour', op: '>', bound: 1, evaluateOpenPeriod: true });
    series.set('ind_dep', org('DEPT-A').id, 'hour', clock.now(), 5);
    sourceQuality.set(sourceId, { lastReceivedAt: clock.now(), received: 11, accepted: 11, invalid: 0, onTime: 11 });
    await commit([{ type: 'ev_dep', orgCode: 'DEPT-A', occurredAt: clock.now() }]);
    const [dep] = (await alertsOf('dep_high')).filter((a) => a.orgUnitCode === 'DEPT-A');
    expect(dep).toMatchObject({ state: 'firing', notify: false, suppressedBy: 'inhibition' });
    expect(await stateAt('source_silent', 'H1')).toBe('resolved');
  });

  it('lets a firing hospital-level alert inhibit the same category in its departments', async () => {
    indicators.push(countIndicator('ind_tree', 'ev_tree'));
    await addRule({ code: 'tree_high', kind: 'threshold', indicator: 'ind_tree', grain: 'hour', op: '>', bound: 1, evaluateOpenPeriod: true });
    for (const code of ['H1', 'H1-OFF', 'DEPT-A']) series.set('ind_tree', org(code).id, 'hour', clock.now(), 5);
    await commit([{ type: 'ev_tree', orgCode: 'DEPT-A', occurredAt: clock.now() }]);
    const list = await alertsOf('tree_high');
    const by = new Map(list.map((a) => [a.orgUnitCode, a]));
    expect(by.get('H1')).toMatchObject({ state: 'firing', notify: true, suppressedBy: null });
    expect(by.get('DEPT-A')).toMatchObject({ state: 'firing', notify: false, suppressedBy: 'inhibition' });
    expect(by.get('DEPT-A')?.suppressedRefs).toEqual([by.get('H1')?.fingerprint]);
    expect(collector.seen.find((e) => e.ruleCode === 'tree_high' && e.orgUnitCode === 'DEPT-A')?.notify).toBe(false);
  });

  it('records silenced and muted alerts without notifying, naming the silence', async () => {
    indicators.push(countIndicator('ind_quiet', 'ev_quiet'));
    await addRule({ code: 'quiet_high', category: 'quiet', kind: 'threshold', indicator: 'ind_quiet', grain: 'hour', op: '>', bound: 1, evaluateOpenPeriod: true, scope: { orgUnit: 'DEPT-A', includeDescendants: true } });
    const silence = await alerts.createSilence(systemCtx(clock.now()), {
      orgUnitId: org('DEPT-A').id, orgPath: org('DEPT-A').path, matchers: [{ name: 'ruleCode', op: '=', value: 'quiet_high' }],
      endsAt: new Date(clock.now().getTime() + 3_600_000), reason: 'approved change window',
    });
    series.set('ind_quiet', org('DEPT-A').id, 'hour', clock.now(), 5);
    await commit([{ type: 'ev_quiet', orgCode: 'DEPT-A', occurredAt: clock.now() }]);
    expect((await alertsOf('quiet_high'))[0]).toMatchObject({ state: 'firing', notify: false, suppressedBy: 'silence', suppressedRefs: [String(silence.id)] });

    indicators.push(countIndicator('ind_night', 'ev_night'));
    await addRule({ code: 'night_high', category: 'quiet', kind: 'threshold', indicator: 'ind_night', grain: 'hour', op: '>', bound: 1, evaluateOpenPeriod: true, scope: { orgUnit: 'DEPT-B', includeDescendants: true } });
    await alerts.createMuteWindow(systemCtx(clock.now()), { name: 'holidays', timezone: 'Asia/Shanghai', holidays: true });
    holiday = true;
    series.set('ind_night', org('DEPT-B').id, 'hour', clock.now(), 5);
    await commit([{ type: 'ev_night', orgCode: 'DEPT-B', occurredAt: clock.now() }]);
    holiday = false;
    expect((await alertsOf('night_high'))[0]).toMatchObject({ state: 'firing', notify: false, suppressedBy: 'mute_window' });
  });

  it('isolates a rule that fails: its error is recorded and the other rules touched by the commit still fire', async () => {
    indicators.push(countIndicator('ind_broken', 'ev_iso'), countIndicator('ind_fine', 'ev_iso'));
    await addRule({ code: 'broken_rule', kind: 'threshold', indicator: 'ind_broken', grain: 'hour', op: '>', bound: 1, evaluateOpenPeriod: true });
    await addRule({ code: 'fine_rule', kind: 'threshold', indicator: 'ind_fine', grain: 'hour', op: '>', bound: 1, evaluateOpenPeriod: true });
    series.fail('ind_broken');
    series.set('ind_fine', org('DEPT-A').id, 'hour', clock.now(), 5);
    await commit([{ type: 'ev_iso', orgCode: 'DEPT-A', occurredAt: clock.now() }]);
    expect(await stateAt('fine_rule', 'DEPT-A')).toBe('firing');
    const broken = await rules.require('broken_rule');
    expect(broken.lastError).toContain('unavailable');
    expect(broken.lastErrorAt).toEqual(clock.now());
  });

  it('answers alert queries by state, severity, rule and org subtree', async () => {
    const inA = await alerts.list({ paths: [org('DEPT-A').path], state: 'firing' });
    expect(inA.length).toBeGreaterThan(0);
    expect(inA.every((a) => a.orgUnitCode === 'DEPT-A' && a.state === 'firing')).toBe(true);
    expect(await alerts.list({ paths: ['/'], severity: 1 })).toEqual([]);
    const all = await alerts.list({ paths: ['/'], orgPath: org('H1').path });
    expect(all.some((a) => a.orgUnitCode === 'H1')).toBe(true);
  });
});
