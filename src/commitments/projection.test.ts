import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { projectCommitment, usualProfile, type ProjectionInput } from './projection.ts';

const DAYS = 30;

/** Runs a period day by day; returns the first day a warning and a breach are seen (−1 when never). */
function replay(base: Omit<ProjectionInput, 'elapsed'>, series: readonly number[]): { warnedOn: number; breachedOn: number } {
  let warnedOn = -1;
  let breachedOn = -1;
  for (let day = 1; day <= series.length; day += 1) {
    const { state } = projectCommitment({ ...base, elapsed: series.slice(0, day) });
    if (state === 'warning' && warnedOn < 0) warnedOn = day;
    if (state === 'breached' && breachedOn < 0) breachedOn = day;
  }
  return { warnedOn, breachedOn };
}

describe('usualProfile', () => {
  it('takes the median of each day over previous periods', () => {
    expect(usualProfile([[1, 5, null], [3, 7, 2], [2, 6, null]], 4)).toEqual([2, 6, 2, null]);
  });
});

describe('projectCommitment', () => {
  it('warns before a complaint ceiling is passed when complaints trend up, then reports the breach', () => {
    // Usual: one complaint a day against a ceiling of 40; from day 8 complaints rise by one a day.
    const usual = Array.from({ length: DAYS }, () => 1);
    const series = Array.from({ length: DAYS }, (_, d) => (d < 7 ? 1 : d - 5));
    const { warnedOn, breachedOn } = replay({ aggregate: 'sum', direction: 'lower_better', target: 40, usual }, series);
    expect(warnedOn).toBeGreaterThan(0);
    expect(breachedOn).toBeGreaterThan(warnedOn);
  });

  it('warns before the end of a period whose on-time rate slides below the target', () => {
    const usual = Array.from({ length: DAYS }, () => 97);
    const series = Array.from({ length: DAYS }, (_, d) => 97 - d * 0.4);
    const { warnedOn, breachedOn } = replay({ aggregate: 'mean', direction: 'higher_better', target: 95, usual }, series);
    expect(breachedOn).toBe(DAYS);
    expect(warnedOn).toBeGreaterThan(0);
    expect(warnedOn).toBeLessThan(DAYS);
  });

  it('stays quiet on a steady series that meets its target, whatever its noise', () => {
    fc.assert(fc.property(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: DAYS, maxLength: DAYS }), (noise) => {
      const usual = Array.from({ length: DAYS }, () => 97);
      const series = noise.map((n) => 97 + n);
      expect(replay({ aggregate: 'mean', direction: 'higher_better', target: 95, usual }, series)).toEqual({ warnedOn: -1, breachedOn: -1 });
      const counts = noise.map((n) => (n > 0 ? 2 : 1));
      const usualCounts = Array.from({ length: DAYS }, () => 1.5);
      expect(replay({ aggregate: 'sum', direction: 'lower_better', target: 70, usual: usualCounts }, counts)).toEqual({ warnedOn: -1, breachedOn: -1 });
    }));
  });

  it('has no data without values or a profile', () => {
    expect(projectCommitment({ aggregate: 'mean', direction: 'higher_better', target: 95, elapsed: [], usual: [null, null] }).state).toBe('no_data');
  });
});
