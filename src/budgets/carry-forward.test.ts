import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { carryForward, carryRules } from './carry-forward.ts';

const months = (...v: number[]) => [...v, ...Array<number>(12 - v.length).fill(0)];

describe('carryForward', () => {
  it('moves the unspent part of a closed month to the next month of its quarter and lets it lapse at the quarter end', () => {
    const budget = months(100, 100, 100, 100);
    const actual = months(60, 90, 100, 50);
    const r = carryForward(budget, actual, 'within_quarter', 4);
    // Jan: 40 unspent → Feb has 140, spends 90 → 50 → Mar 150 (quarter end: stays); Apr starts afresh, its 50 go to May.
    expect(r.effective.slice(0, 5)).toEqual([60, 90, 150, 50, 50]);
    expect(r.carriedIn.slice(0, 5)).toEqual([0, 40, 50, 0, 50]);
  });

  it('moves through the quarters with within_year and keeps nothing past December', () => {
    const budget = Array<number>(12).fill(100);
    const actual = Array<number>(12).fill(0);
    const r = carryForward(budget, actual, 'within_year', 12);
    expect(r.effective).toEqual([...Array<number>(11).fill(0), 1200]);
    expect(r.carriedIn[11]).toBe(1100);
  });

  it('moves nothing with none, out of open months, or out of an overspent month', () => {
    expect(carryForward(months(100, 100), months(0, 0), 'none', 12).effective.slice(0, 2)).toEqual([100, 100]);
    expect(carryForward(months(100, 100), months(0, 0), 'within_year', 0).effective.slice(0, 2)).toEqual([100, 100]);
    expect(carryForward(months(100, 100), months(150, 0), 'within_year', 1).effective.slice(0, 2)).toEqual([100, 100]);
  });

  it('preserves each year\'s total and never moves an amount across a fiscal year (property)', () => {
    const amount = fc.integer({ min: 0, max: 10_000_000 }).map((c) => c / 100);
    const year = fc.tuple(fc.array(amount, { minLength: 12, maxLength: 12 }), fc.array(amount, { minLength: 12, maxLength: 12 }));
    fc.assert(fc.property(fc.array(year, { minLength: 1, maxLength: 4 }), fc.constantFrom(...carryRules), fc.integer({ min: 0, max: 12 }), (years, rule, closed) => {
      for (const [budget, actual] of years) {
        const r = carryForward(budget, actual, rule, closed);
        const sum = (v: readonly number[]) => v.reduce((s, x) => s + Math.round(x * 100), 0);
        // Totals preserved inside the year; January receives nothing (nothing comes from the year before).
        expect(sum(r.effective)).toBe(sum(budget));
        expect(r.carriedIn[0]).toBe(0);
        for (const e of r.effective) expect(e).toBeGreaterThanOrEqual(0);
        if (rule === 'within_quarter') for (const m of [0, 3, 6, 9]) expect(r.carriedIn[m]).toBe(0);
        if (rule === 'none') expect(r.effective).toEqual(budget);
      }
    }));
  });
});
