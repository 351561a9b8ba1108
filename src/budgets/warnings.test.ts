import { describe, expect, it } from 'vitest';
import { evaluateBudgetLine, type BudgetWarningKind } from './warnings.ts';

const flat = (v: number) => Array<number>(12).fill(v);
const withMonths = (base: number, changes: Readonly<Record<number, number>>) => flat(base).map((v, i) => changes[i + 1] ?? v);
const judged = (budget: number[], actual: number[], closed: number, kind: BudgetWarningKind, month: number) =>
  evaluateBudgetLine(budget, actual, closed).find((o) => o.kind === kind && o.month === month);

describe('evaluateBudgetLine (hand-computed fixtures at and just below each bound)', () => {
  it('monthly deviation: 1,500 against 1,000 (50 %) breaches, 1,499.99 (49.999 %) does not; underspending counts too', () => {
    expect(judged(flat(1000), withMonths(1000, { 3: 1500 }), 3, 'month_deviation', 3)).toMatchObject({ breach: true, value: 0.5, bound: 0.5 });
    expect(judged(flat(1000), withMonths(1000, { 3: 1499.99 }), 3, 'month_deviation', 3)).toMatchObject({ breach: false, value: 0.49999 });
    expect(judged(flat(1000), withMonths(1000, { 3: 500 }), 3, 'month_deviation', 3)).toMatchObject({ breach: true, value: -0.5 });
    expect(judged(flat(1000), withMonths(1000, { 3: 500.01 }), 3, 'month_deviation', 3)?.breach).toBe(false);
  });

  it('three-month average: rates 10 %, 20 %, 30 % average 20 % and breach; 10 %, 20 %, 29.99 % (19.9967 %) do not', () => {
    const budget = flat(1000);
    expect(judged(budget, withMonths(1000, { 1: 1100, 2: 1200, 3: 1300 }), 3, 'three_month_average', 3)).toMatchObject({ breach: true, value: 0.2, budget: 3000, actual: 3600 });
    const below = judged(budget, withMonths(1000, { 1: 1100, 2: 1200, 3: 1299.9 }), 3, 'three_month_average', 3);
    expect(below?.breach).toBe(false);
    expect(below?.value).toBeCloseTo(0.19996667, 7);
    // Needs three months of the year: nothing is judged for February.
    expect(judged(budget, withMonths(1000, { 1: 2000, 2: 2000 }), 2, 'three_month_average', 2)).toBeUndefined();
  });

  it('the average is of the monthly rates, not of the sums: budgets 1,000 / 2,000 / 1,000 with 1,600 / 2,000 / 1,000 average exactly 20 %', () => {
    const budget = withMonths(1000, { 2: 2000 });
    // Rates 60 %, 0 %, 0 % → mean 20 % (the sums would give 600 / 4,000 = 15 %).
    expect(judged(budget, withMonths(1000, { 1: 1600, 2: 2000 }), 3, 'three_month_average', 3)).toMatchObject({ breach: true, value: 0.2 });
  });

  it('half-year cumulative: 7,200 against 6,000 over six months (20 %) breaches, 7,199.99 does not; judged from June on', () => {
    const budget = flat(1000);
    expect(judged(budget, withMonths(1000, { 6: 2200 }), 6, 'half_year_cumulative', 6)).toMatchObject({ breach: true, value: 0.2, budget: 6000, actual: 7200 });
    expect(judged(budget, withMonths(1000, { 6: 2199.99 }), 6, 'half_year_cumulative', 6)?.breach).toBe(false);
    expect(judged(budget, withMonths(1000, { 5: 5000 }), 5, 'half_year_cumulative', 5)).toBeUndefined();
    // The window rolls: August looks at March to August.
    expect(judged(budget, withMonths(1000, { 2: 9000 }), 8, 'half_year_cumulative', 8)).toMatchObject({ breach: false, value: 0 });
  });

  it('judges only closed, budgeted months', () => {
    const outcomes = evaluateBudgetLine(withMonths(1000, { 2: 0 }), flat(3000), 3);
    expect(outcomes.filter((o) => o.kind === 'month_deviation').map((o) => o.month)).toEqual([1, 3]);
    expect(outcomes.some((o) => o.kind === 'three_month_average')).toBe(false);
    expect(evaluateBudgetLine(flat(1000), flat(3000), 0)).toEqual([]);
  });
});
