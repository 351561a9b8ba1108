import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDetector, defaultDetectorConfig, stepDetector } from './detector.ts';
import type { DetectorState, DetectorStep, SeriesPoint } from './types.ts';

const HOUR = 3_600_000;
const START = Date.UTC(2025, 0, 6); // a Monday, 00:00 UTC

/** Deterministic pseudo-noise in [-1, 1) so tests never flake. */
function noise(i: number): number {
  const x = Math.sin(i * 12.9898) * 43758.5453;
  return 2 * (x - Math.floor(x)) - 1;
}

function run(state: DetectorState, points: readonly SeriesPoint[]): { state: DetectorState; steps: DetectorStep[] } {
  const steps: DetectorStep[] = [];
  let s = state;
  for (const p of points) {
    const step = stepDetector(s, p);
    steps.push(step);
    s = step.state;
  }
  return { state: s, steps };
}

const flat = (n: number, level = 100, from = 0): SeriesPoint[] =>
  Array.from({ length: n }, (_, k) => ({ timestamp: START + (from + k) * HOUR, value: level + noise(from + k) }));

describe('anomaly detector', () => {
  it('flags a spike with an expected range that does not contain it', () => {
    const { state } = run(createDetector({ utcOffsetMinutes: 0 }), flat(300));
    const step = stepDetector(state, { timestamp: START + 300 * HOUR, value: 130 });
    expect(step.score).toBeGreaterThan(0.9);
    expect(step.kind).toBe('spike');
    expect(step.expected.high).toBeLessThan(130);
    expect(step.expected.low).toBeLessThan(step.expected.center);
    expect(step.deviation).toBeCloseTo(130 - step.expected.center, 9);
  });

  it('names a drop below the range a dip', () => {
    const { state } = run(createDetector({ utcOffsetMinutes: 0 }), flat(300));
    const step = stepDetector(state, { timestamp: START + 300 * HOUR, value: 70 });
    expect(step.kind).toBe('dip');
    expect(step.expected.low).toBeGreaterThan(70);
  });

  it('alarms once on a level shift and then adapts to the new level', () => {
    const before = flat(300);
    const after = flat(300, 130, 300);
    const { steps } = run(createDetector({ utcOffsetMinutes: 0 }), [...before, ...after]);
    // The first 150 points are the learning period, as in NAB's scoring.
    const alarms = steps.map((s, i) => ({ i, score: s.score })).filter((a) => a.i >= 150 && a.score >= 0.9);
    expect(alarms).toHaveLength(1);
    expect(alarms[0]?.i).toBeGreaterThanOrEqual(300);
    expect(alarms[0]?.i).toBeLessThan(310);
    const last = steps[steps.length - 1];
    expect(last?.expected.center).toBeGreaterThan(128);
    expect(last?.kind).toBe('none');
  });

  it.each([
    { gapHours: 2, alarms: 1 },
    { gapHours: 6, alarms: 2 },
  ])('keeps quiet for a duration after an alarm, not a count of points (second spike $gapHours h later)', ({ gapHours, alarms }) => {
    const minutes = 10 * 60_000;
    const spikes = new Set([400, 400 + gapHours * 6]);
    const points = Array.from({ length: 500 }, (_, k) => ({ timestamp: START + k * minutes, value: spikes.has(k) ? 150 : 100 + noise(k) }));
    const { steps } = run(createDetector({ utcOffsetMinutes: 0 }), points);
    expect(steps.filter((s) => s.score >= defaultDetectorConfig.alarmScore)).toHaveLength(alarms);
  });

  it('learns an hour-of-day pattern and raises no alarm on it after learning', () => {
    const daily = (k: number): SeriesPoint => {
      const hour = k % 24;
      const busy = hour >= 8 && hour < 18 ? 400 : 50; // clinic hours: a sharp daily step
      return { timestamp: START + k * HOUR, value: busy + 5 * noise(k) };
    };
    const points = Array.from({ length: 24 * 56 }, (_, k) => daily(k));
    const { steps } = run(createDetector({ utcOffsetMinutes: 0 }), points);
    const afterLearning = steps.slice(24 * 21);
    expect(Math.max(...afterLearning.map((s) => s.score))).toBeLessThan(defaultDetectorConfig.alarmScore);
    const nine = steps[24 * 50 + 9];
    expect(nine?.expected.center).toBeGreaterThan(350);
  });

  it('judges the first weekend of a series without a weekly pattern by its all-days hour profile', () => {
    // Same clinic-hours step every day of the week: the rest-day slots are still empty on the
    // first Saturday, so the hour profile pooled over all days has to carry the expectation.
    const points = Array.from({ length: 24 * 8 }, (_, k) => {
      const hour = k % 24;
      return { timestamp: START + k * HOUR, value: (hour >= 8 && hour < 18 ? 400 : 50) + 5 * noise(k) };
    });
    const { steps } = run(createDetector({ utcOffsetMinutes: 0 }), points);
    const weekend = steps.slice(24 * 5, 24 * 7);
    expect(Math.max(...weekend.map((s) => s.score))).toBeLessThan(defaultDetectorConfig.alarmScore);
    expect(weekend[9]?.expected.center).toBeGreaterThan(350);
  });

  it.each([
    { extremeScore: defaultDetectorConfig.extremeScore, alarm: true },
    { extremeScore: 0, alarm: false },
  ])('flags a small step past every value seen so far as a new extreme (score $extremeScore)', ({ extremeScore, alarm }) => {
    const { state } = run(createDetector({ utcOffsetMinutes: 0, extremeScore }), flat(300));
    // About two robust sigmas above the median, but a quarter of the seen range past the maximum.
    const step = stepDetector(state, { timestamp: START + 300 * HOUR, value: 101.5 });
    expect(step.score >= defaultDetectorConfig.alarmScore).toBe(alarm);
  });

  it('expects a daily step inside an hour at its minute, and finds a day whose busy block is missing', () => {
    // Five-minute points: busy from 08:45 to 17:45 every day, quiet otherwise; on day 12 the busy
    // block never comes. The hour slots smear the step at 08:45; the same time on the last days does not.
    const FIVE = 5 * 60_000;
    const perDay = 288;
    const busy = (k: number): boolean => k % perDay >= 105 && k % perDay < 213 && Math.floor(k / perDay) !== 12;
    const points = Array.from({ length: perDay * 14 }, (_, k) => ({ timestamp: START + k * FIVE, value: (busy(k) ? 80 : 20) + noise(k) }));
    const { steps, state } = run(createDetector({ utcOffsetMinutes: 0 }), points);
    const alarmDays = steps.flatMap((s, k) => (k >= perDay * 4 && s.score >= defaultDetectorConfig.alarmScore ? [Math.floor(k / perDay)] : []));
    expect(alarmDays).toContain(12);
    expect(alarmDays.filter((d) => d !== 12 && d !== 13)).toEqual([]);
    // The state stays bounded: three days of points for the same-time baseline, whatever the length.
    expect(state.lagTimes.length).toBeLessThanOrEqual(3 * perDay + 2);
    expect(state.window.length).toBe(defaultDetectorConfig.windowSize);
  });

  it('compares holiday points with the rest-day profile without touching workday slots', () => {
    const workdays = Array.from({ length: 24 * 5 }, (_, k) => ({ timestamp: START + k * HOUR, value: 100 }));
    const { state } = run(createDetector({ utcOffsetMinutes: 0 }), workdays);
    // A Monday marked as a holiday, with far lower volume.
    const holiday = Array.from({ length: 24 }, (_, h) => ({ timestamp: START + (7 * 24 + h) * HOUR, value: 10, holiday: true }));
    const after = run(state, holiday).state;
    expect(after.profile.center.slice(0, 24)).toEqual(state.profile.center.slice(0, 24));
    expect(after.profile.count.slice(0, 24)).toEqual(state.profile.count.slice(0, 24));
    expect(after.profile.center.slice(24)).toEqual(new Array<number>(24).fill(10));
  });

  it('continues identically after a JSON round trip of its state', () => {
    const series = [...flat(250), ...flat(100, 140, 250), { timestamp: START + 350 * HOUR, value: 500 }];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: series.length - 1 }), (cut) => {
        const straight = run(createDetector(), series).steps;
        const first = run(createDetector(), series.slice(0, cut));
        const restored = JSON.parse(JSON.stringify(first.state)) as DetectorState;
        const resumed = [...first.steps, ...run(restored, series.slice(cut)).steps];
        expect(resumed).toEqual(straight);
      }),
      { numRuns: 8 },
    );
  });

  it('keeps scores in [0, 1] and the expected range ordered for any finite series', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 150 }), (values) => {
        const { steps } = run(createDetector({ warmup: 5 }), values.map((value, k) => ({ timestamp: START + k * 60_000, value })));
        for (const s of steps) {
          expect(s.score).toBeGreaterThanOrEqual(0);
          expect(s.score).toBeLessThanOrEqual(1);
          expect(s.expected.low).toBeLessThanOrEqual(s.expected.center);
          expect(s.expected.center).toBeLessThanOrEqual(s.expected.high);
        }
      }),
      { numRuns: 30 },
    );
  });
});
