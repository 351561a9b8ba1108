import { describe, expect, it } from 'vitest';
import { chinaWorkingCalendar } from '../calendar/index.ts';
import { DEFAULT_TIME_ZONE, nextPeriod, periodKey, type Grain } from '../shared/index.ts';
import { createDetector, defaultDetectorConfig } from './anomaly/index.ts';
import type { AnomalyRule } from './definition.ts';
import { evaluateAnomaly } from './evaluate/anomaly.ts';
import { holidaysOf, replayDetector, type HolidayOf, type ReplayedPoint } from './engine-evaluate.ts';
import type { SeriesPointInput } from './outcome.ts';
import { renderOutcomeMessage } from './render.ts';
import { COMMON_FIELDS, NOW } from './rule-fixtures.ts';

const tz = DEFAULT_TIME_ZONE;
const ALARM = defaultDetectorConfig.alarmScore;

/** Deterministic pseudo-noise in [-1, 1). */
function noise(i: number): number {
  const x = Math.sin(i * 12.9898) * 43758.5453;
  return 2 * (x - Math.floor(x)) - 1;
}

/** Closed periods of `grain` from `first`, the value of each given by `value(start, index)`. */
function series(grain: Grain, first: string, n: number, value: (start: Date, i: number) => number | null): SeriesPointInput[] {
  const out: SeriesPointInput[] = [];
  let t = new Date(first);
  for (let i = 0; i < n; i++) {
    out.push({ periodStart: t.toISOString(), periodKey: periodKey(t, grain, tz), value: value(t, i), closed: true });
    t = nextPeriod(t, grain, tz);
  }
  return out;
}

function replay(grain: Grain, points: readonly SeriesPointInput[], holidayOf?: HolidayOf): ReplayedPoint[] {
  return replayDetector(createDetector(), points, grain, holidayOf).replayed;
}

const alarmsOf = (replayed: readonly ReplayedPoint[]) => replayed.filter((r) => (r.verdict?.score ?? 0) >= ALARM).map((r) => r.point.periodKey);

/** Local weekday of a period start in the reporting zone (0 = Sunday). */
const weekday = (start: Date) => new Date(start.getTime() + 8 * 3_600_000).getUTCDay();

/** Daily visits of a clinic: about 100 on workdays, 60 on rest days (as the calendar says, else by weekday). */
function visits(holidayOf: HolidayOf | undefined, drop: (start: Date) => boolean = () => false) {
  return (start: Date, i: number) => {
    const h = holidayOf?.(start);
    const rest = h ?? (weekday(start) === 0 || weekday(start) === 6);
    return (drop(start) || rest ? 60 : 100) + 3 * noise(i);
  };
}

describe('anomaly replay: the detector as the engine and the dry run feed it', () => {
  it('treats the periods before the first data as missing, not zero, and judges nothing before the minimum history', () => {
    // A count reads 0 before its first event: 200 such days, then 60 days of data.
    const points = series('day', '2025-03-01T00:00:00+08:00', 260, (_s, i) => (i < 200 ? 0 : 100 + 3 * noise(i)));
    const replayed = replay('day', points);
    expect(replayed.slice(0, 200).every((r) => r.verdict === null)).toBe(true);
    const firstJudged = replayed.findIndex((r) => r.verdict !== null);
    // Four weeks of data make the minimum history of a daily series.
    expect(firstJudged).toBe(200 + 28);
    expect(alarmsOf(replayed)).toEqual([]);
    // A zero after the first data is a real zero day, and it is judged.
    const withZero = replay('day', [...points, { ...points[0], periodStart: '2025-11-17T16:00:00.000Z', periodKey: '2025-11-18', value: 0 } as SeriesPointInput]);
    expect(withZero.at(-1)?.verdict?.kind).toBe('dip');
  });

  it('skips missing values without learning them as zeros', () => {
    const points = series('day', '2025-03-01T00:00:00+08:00', 120, (_s, i) => (i % 10 === 5 ? null : 100 + 3 * noise(i)));
    const replayed = replay('day', points);
    expect(replayed.filter((r) => r.point.value === null).every((r) => r.verdict === null)).toBe(true);
    expect(alarmsOf(replayed)).toEqual([]);
  });

  it('expects a 春节-week drop from the working calendar while the same drop in an ordinary week is an anomaly', () => {
    const holidayOf = holidaysOf(chinaWorkingCalendar());
    const springFestival = (s: Date) => s.getTime() >= Date.parse('2026-02-15T00:00:00+08:00') && s.getTime() < Date.parse('2026-02-24T00:00:00+08:00');
    const ordinaryWeek = (s: Date) => s.getTime() >= Date.parse('2026-03-16T00:00:00+08:00') && s.getTime() < Date.parse('2026-03-21T00:00:00+08:00');
    // From May 2025 (after Labour Day) to April 2026: National Day 2025 and 春节 2026 are in the history.
    const points = series('day', '2025-05-12T00:00:00+08:00', 340, visits(holidayOf, (s) => springFestival(s) || ordinaryWeek(s)));
    const withCalendar = alarmsOf(replay('day', points, holidayOf));
    expect(withCalendar.filter((k) => k >= '2026-02-14' && k <= '2026-02-28')).toEqual([]);
    expect(withCalendar.filter((k) => k >= '2025-10-01' && k <= '2025-10-11')).toEqual([]);
    expect(withCalendar).toContain('2026-03-16');
    // Without the calendar, the holiday drop on workdays is an anomaly too: the calendar is what explains it.
    const withoutCalendar = alarmsOf(replay('day', points));
    expect(withoutCalendar.some((k) => k >= '2026-02-15' && k <= '2026-02-23')).toBe(true);
  });

  it('judges a make-up working day (调休上班) by the workday profile', () => {
    const holidayOf = holidaysOf(chinaWorkingCalendar());
    const points = series('day', '2025-05-12T00:00:00+08:00', 300, visits(holidayOf));
    const replayed = replay('day', points, holidayOf);
    // 2026-02-14 and 2026-02-28 are Saturdays worked at workday volume.
    const makeUp = replayed.filter((r) => r.point.periodKey === '2026-02-14' || r.point.periodKey === '2026-02-28');
    expect(makeUp.map((r) => r.verdict?.expected.center ?? 0).every((c) => c > 90)).toBe(true);
    expect(alarmsOf(replayed)).toEqual([]);
  });

  it.each([
    { grain: 'week' as const, first: '2024-01-01T00:00:00+08:00', n: 80, spikeAt: 60 },
    { grain: 'month' as const, first: '2021-01-01T00:00:00+08:00', n: 40, spikeAt: 30 },
  ])('judges $grain series after a minimum history that fits the grain, and finds a spike', ({ grain, first, n, spikeAt }) => {
    const points = series(grain, first, n, (_s, i) => (i === spikeAt ? 200 : 100 + 3 * noise(i)));
    const replayed = replay(grain, points);
    expect(replayed.findIndex((r) => r.verdict !== null)).toBe(defaultDetectorConfig.minWarmup);
    expect(alarmsOf(replayed)).toEqual([points[spikeAt]?.periodKey]);
  });

  it('keeps quiet after an alarm for a duration, so a second spike days later on a daily series is found', () => {
    const points = series('day', '2025-03-03T00:00:00+08:00', 120, (_s, i) => (i === 80 || i === 83 ? 200 : 100 + 3 * noise(i)));
    expect(alarmsOf(replay('day', points))).toEqual([points[80]?.periodKey, points[83]?.periodKey]);
  });

  it('states the observed value, the expected range and why, in both languages', () => {
    const points = series('day', '2025-03-03T00:00:00+08:00', 81, (_s, i) => (i === 80 ? 200 : 100 + 3 * noise(i)));
    const last = replay('day', points).at(-1);
    const rule: AnomalyRule = {
      ...COMMON_FIELDS, code: 'visits_anomaly', kind: 'anomaly', indicator: 'outpatient_visits', grain: 'day', minScore: 0.8, direction: 'either',
      messageZh: '{{observed}} 异动（预期 {{expectedRange}}；{{why}}）', messageEn: '{{observed}} anomalous (expected {{expectedRange}}; {{why}})',
    };
    const outcome = evaluateAnomaly(rule, { orgUnit: 'D1', seriesKey: 'all', periodKey: last?.point.periodKey ?? '', periodStart: last?.point.periodStart ?? '', closed: true, verdict: last?.verdict ?? null }, NOW);
    expect(outcome.kind).toBe('breach');
    expect(outcome.detail).toMatchObject({ values: { observed: 200 }, anomalyKind: 'spike' });
    expect(renderOutcomeMessage(rule, outcome, 'zh')).toMatch(/^200 异动（预期 \d+(\.\d+)?–\d+(\.\d+)?；突增，高于基线 [\d.]+ 个稳健标准差）$/);
    expect(renderOutcomeMessage(rule, outcome, 'en')).toMatch(/^200 anomalous \(expected \d+(\.\d+)?–\d+(\.\d+)?; spike, [\d.]+ robust SD above the baseline\)$/);
  });
});
