import { describe, expect, it } from 'vitest';
import type { WindowRule } from '../definition.ts';
import { COMMON_FIELDS, monthly, NOW, type PointExtra } from '../rule-fixtures.ts';
import { evaluateWindow } from './window.ts';

const base: WindowRule = { ...COMMON_FIELDS, code: 'budget_3m', kind: 'window', indicator: 'budget_deviation_rate', grain: 'month', aggregate: 'avg', periods: 3, op: '>=', bound: 0.2, absolute: true };

describe('evaluateWindow (DOMAIN §8 budget warnings)', () => {
  it.each<[string, Partial<WindowRule>, readonly (number | null)[], string, number | null]>([
    ['3-month average deviation of 20% breaches', {}, [0.9, 0.1, 0.2, 0.3], 'breach', 0.2],
    ['3-month average of 10% is ok', {}, [0.9, 0.1, 0.1, 0.1], 'ok', 0.1],
    ['a negative average breaches on magnitude', {}, [-0.3, -0.2, -0.25], 'breach', -0.25],
    ['signs cancel in the average', {}, [0.3, -0.3, 0.0], 'ok', 0],
    ['skips with fewer periods than the window', {}, [0.5, 0.5], 'skipped', null],
    ['leaves a missing month out under skip', {}, [0.3, null, 0.1], 'breach', 0.2],
    ['skips when every month is missing', {}, [null, null, null], 'skipped', null],
    ['reports a missing month under alert', { missingData: 'alert' }, [0.3, null, 0.1], 'no_data', null],
    ['counts a missing month as zero under zero', { missingData: 'zero' }, [0.3, null, 0.33], 'breach', 0.21],
    ['sums', { aggregate: 'sum', absolute: false, op: '>', bound: 10 }, [5, 5, 5], 'breach', 15],
    ['takes the minimum', { aggregate: 'min', absolute: false, op: '<', bound: 1 }, [5, 0.5, 5], 'breach', 0.5],
    ['takes the maximum', { aggregate: 'max', absolute: false, op: '>', bound: 9 }, [5, 10, 5], 'breach', 10],
  ])('%s', (_name, patch, values, kind, aggregate) => {
    const o = evaluateWindow({ ...base, ...patch }, monthly(values), NOW);
    expect(o.kind).toBe(kind);
    if (aggregate === null) expect(o.value).toBeNull();
    else expect(o.value).toBeCloseTo(aggregate, 10);
  });

  const half: WindowRule = { ...base, code: 'budget_half', indicator: 'budget_actual', aggregate: 'cumulative_deviation', periods: 6 };
  const budgets = (actuals: readonly number[], budget: number) => monthly(actuals, actuals.map((): PointExtra => ({ target: budget })));

  it.each<[string, readonly number[], string, number]>([
    ['half-year cumulative overspend of 20% breaches', [120, 120, 120, 120, 120, 120], 'breach', 0.2],
    ['one bad month in six stays below 20%', [100, 100, 100, 100, 100, 190], 'ok', 0.15],
    ['cumulative underspend of 25% breaches on magnitude', [75, 75, 75, 75, 75, 75], 'breach', -0.25],
  ])('%s', (_name, actuals, kind, deviation) => {
    const o = evaluateWindow(half, budgets(actuals, 100), NOW);
    expect(o.kind).toBe(kind);
    expect(o.value).toBeCloseTo(deviation, 10);
    expect(o.detail.baseline).toEqual({ targetSum: 600 });
  });

  it('skips a cumulative deviation over a zero budget', () => {
    expect(evaluateWindow(half, budgets([1, 1, 1, 1, 1, 1], 0), NOW).detail.reason).toBe('zero_baseline');
  });

  it('uses only the last K periods', () => {
    const o = evaluateWindow(base, monthly([5, 5, 5, 0.1, 0.1, 0.1]), NOW);
    expect(o.kind).toBe('ok');
    expect(Object.keys(o.detail.values ?? {})).toEqual(['2026-04', '2026-05', '2026-06']);
  });
});
