import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../test/support/test-db.ts';
import { chinaWorkingCalendar } from '../calendar/index.ts';
import type { IndicatorDefinition } from '../indicators/index.ts';
import { createOrgsService, type OrgUnit } from '../orgs/index.ts';
import { bucketStart, createFakeClock, DEFAULT_TIME_ZONE, nextPeriod, periodKey, previousPeriod } from '../shared/index.ts';
import type { DetectorState } from './anomaly/index.ts';
import type { RuleDefinition } from './definition.ts';
import { createDryRunService } from './dry-run-service.ts';
import { createMemorySeriesReader, type MemorySeriesReader } from './engine-memory-series.ts';
import { createRuleSchedulerJob } from './engine-scheduler.ts';
import { collectingConsumer, countIndicator, ruleJson, systemCtx } from './engine-support.test-data.ts';
import { createRuleEngine, type LoadedRule, type RuleEngine } from './engine.ts';
import { readDetectorState } from './rules-repo.ts';
import { createRulesService } from './rules-service.ts';

/**
 * Anomaly rules over stored history, through the engine and the database: a rule created over a
 * year of data judges with that year's baseline (warm start), its live firings are exactly the dry
 * run's over the same days, a backfill makes the detector relearn, and the days before the first
 * data are missing, not zeros.
 */
const tz = DEFAULT_TIME_ZONE;
let t: TestDb;
const clock = createFakeClock('2026-11-23T08:05:00+08:00');
let series: MemorySeriesReader;
/** The engine under test, its scheduler job and the rules service, built once the database exists. */
let env: { engine: RuleEngine; job: ReturnType<typeof createRuleSchedulerJob>; rules: ReturnType<typeof createRulesService> };
const collector = collectingConsumer();
const orgs = new Map<string, OrgUnit>();
const indicators: IndicatorDefinition[] = [countIndicator('ed_arrivals', 'ed_arrival')];
const workingCalendar = () => Promise.resolve(chinaWorkingCalendar());

function org(code: string): OrgUnit {
  const o = orgs.get(code);
  if (!o) throw new Error(`no org ${code}`);
  return o;
}

function noise(i: number): number {
  const x = Math.sin(i * 12.9898) * 43758.5453;
  return 2 * (x - Math.floor(x)) - 1;
}

/** Daily arrivals: about 200, fewer on weekends, with noise. */
function arrivals(day: Date, i: number): number {
  const weekday = new Date(day.getTime() + 8 * 3_600_000).getUTCDay();
  return Math.round((weekday === 0 || weekday === 6 ? 160 : 200) + 6 * noise(i));
}

/** Sets `count` days of data ending the day before `end`; the `zeros` days before them read 0 (no events yet). */
function fill(orgCode: string, end: Date, count: number, zeros = 0): void {
  let day = previousPeriod(bucketStart(end, 'day', tz), 'day', tz);
  for (let i = 0; i < count + zeros; i++) {
    series.set('ed_arrivals', org(orgCode).id, 'day', day, i < count ? arrivals(day, i) : 0);
    day = previousPeriod(day, 'day', tz);
  }
}

const definition = (code: string, orgCode: string): Record<string, unknown> => ruleJson({
  code, kind: 'anomaly', indicator: 'ed_arrivals', grain: 'day', minScore: 0.9, direction: 'either', scope: { orgUnit: orgCode, includeDescendants: false },
  messageZh: '{{observed}}（预期 {{expectedRange}}；{{why}}）', messageEn: '{{observed}} (expected {{expectedRange}}; {{why}})',
});

async function loaded(code: string): Promise<LoadedRule> {
  const rule = (await env.engine.activeRules()).find((r) => r.def.code === code);
  if (!rule) throw new Error(`no rule ${code}`);
  return rule;
}

async function detectorOf(code: string, orgCode: string): Promise<{ state: DetectorState; lastPeriodStart: Date } | null> {
  const row = await readDetectorState(t.db, (await loaded(code)).id, org(orgCode).id, 'all');
  return row ? { state: row.state as DetectorState, lastPeriodStart: row.lastPeriodStart } : null;
}

beforeAll(async () => {
  t = await createTestDb();
  const svc = createOrgsService({ db: t.db });
  const ctx = systemCtx(clock.now());
  for (const [code, kind, parent, channel] of [['GROUP', 'group'], ['H1', 'hospital', 'GROUP'], ['H1-ED', 'channel', 'H1', 'offline'], ['ED-A', 'department', 'H1-ED'], ['ED-B', 'department', 'H1-ED'], ['ED-C', 'department', 'H1-ED']] as const) {
    orgs.set(code, await svc.create(ctx, { code, name: code, kind, ...(parent ? { parentCode: parent } : {}), ...(channel ? { channel } : {}) }));
  }
  series = createMemorySeriesReader(clock);
  const engine = createRuleEngine({ db: t.db, clock, seriesReader: series, indicatorDefinitions: () => indicators, transitionConsumers: [collector], workingCalendar });
  env = { engine, job: createRuleSchedulerJob({ engine }), rules: createRulesService({ db: t.db }) };
});

afterAll(async () => {
  await t.drop();
});

describe('anomaly rules over stored history', () => {
  it('warm-starts on a year of history and fires live exactly where a dry run over the same days does', async () => {
    fill('ED-A', clock.now(), 365);
    await env.rules.create(systemCtx(clock.now()), definition('arrivals_anomaly', 'ED-A'));
    const firstLive = previousPeriod(bucketStart(clock.now(), 'day', tz), 'day', tz);
    await env.job.run(clock.now());
    const warm = await detectorOf('arrivals_anomaly', 'ED-A');
    // The first judgement learned the whole stored year, not a short window of it.
    expect(warm?.state.count).toBe(365);
    expect(warm?.lastPeriodStart.getTime()).toBe(firstLive.getTime());
    // Forty more days, judged live one by one: two spikes and a dip among ordinary days.
    const unusual = new Map([[8, 320], [21, 310], [30, 90]]);
    for (let d = 0; d < 40; d++) {
      const day = bucketStart(clock.now(), 'day', tz);
      series.set('ed_arrivals', org('ED-A').id, 'day', day, unusual.get(d) ?? arrivals(day, 1000 + d));
      clock.advance(86_400_000);
      await env.job.run(clock.now());
    }
    const live = collector.seen.filter((e) => e.ruleCode === 'arrivals_anomaly' && e.to === 'firing').map((e) => e.periodKey);
    const dayKey = (d: number) => periodKey(new Date(nextPeriod(firstLive, 'day', tz).getTime() + d * 86_400_000), 'day', tz);
    expect(live).toEqual([...unusual.keys()].map(dayKey));
    const rule: RuleDefinition = (await loaded('arrivals_anomaly')).def;
    const dry = await createDryRunService({ db: t.db, seriesReader: series, workingCalendar }).run(rule, org('ED-A').path, { from: firstLive, to: bucketStart(clock.now(), 'day', tz) }, clock.now());
    expect(dry.examples.map((e) => e.periodKey)).toEqual(live);
    expect(dry.firings).toBe(live.length);
  });

  it('relearns the stored history after a backfill of older days', async () => {
    fill('ED-B', clock.now(), 40);
    await env.rules.create(systemCtx(clock.now()), definition('arrivals_b', 'ED-B'));
    await env.job.run(clock.now());
    const before = await detectorOf('arrivals_b', 'ED-B');
    expect(before?.state.count).toBe(40);
    // A year of older history arrives (a backfill); its settled days are judged by the scheduler.
    fill('ED-B', clock.now(), 400);
    const oldDay = new Date(clock.now().getTime() - 200 * 86_400_000);
    const rule = await loaded('arrivals_b');
    await env.engine.runIsolated(rule, clock.now(), (x, at) => env.engine.judgeSeries(x, [{ orgUnitId: org('ED-B').id, periodStart: bucketStart(oldDay, 'day', tz) }], 'schedule', at));
    const after = await detectorOf('arrivals_b', 'ED-B');
    expect(after?.state.count).toBe(400);
    expect(after?.lastPeriodStart.getTime()).toBe(before?.lastPeriodStart.getTime());
    // History is learned, not news: the old day raised nothing.
    expect(collector.seen.filter((e) => e.ruleCode === 'arrivals_b')).toEqual([]);
  });

  it('treats the days before the first data as missing, not zeros, and judges nothing until the minimum history exists', async () => {
    // Ten days of data after 300 days of zeros (a count before its first event): nothing to judge yet.
    fill('ED-C', clock.now(), 10, 300);
    await env.rules.create(systemCtx(clock.now()), definition('arrivals_c', 'ED-C'));
    await env.job.run(clock.now());
    expect((await detectorOf('arrivals_c', 'ED-C'))?.state.count).toBe(10);
    for (let d = 0; d < 25; d++) {
      const day = bucketStart(clock.now(), 'day', tz);
      series.set('ed_arrivals', org('ED-C').id, 'day', day, arrivals(day, 2000 + d));
      clock.advance(86_400_000);
      await env.job.run(clock.now());
    }
    expect((await detectorOf('arrivals_c', 'ED-C'))?.state.count).toBe(35);
    expect(collector.seen.filter((e) => e.ruleCode === 'arrivals_c')).toEqual([]);
  });
});
