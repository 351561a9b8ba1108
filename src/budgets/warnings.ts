/**
 * The budget warnings of DOMAIN §8 on one budget line (org unit × item), pure: for every closed
 * month with a budget,
 * - `month_deviation`: |actual − budget| / budget of the month ≥ 50 %;
 * - `three_month_average`: |mean of the monthly deviation rates| of the month and the two before
 *   it ≥ 20 % (all three inside the fiscal year and budgeted);
 * - `half_year_cumulative`: |Σ actual − Σ budget| / Σ budget over the six months to the month
 *   (inside the fiscal year) ≥ 20 %.
 * Overspending and underspending both count (either may call for an adjustment). Each judged
 * month gives an outcome, breaching or not, so a line back within bounds resolves its alert.
 */
export const budgetWarningKinds = ['month_deviation', 'three_month_average', 'half_year_cumulative'] as const;
export type BudgetWarningKind = (typeof budgetWarningKinds)[number];

export type WarningBounds = Readonly<Record<BudgetWarningKind, number>>;

export const DEFAULT_WARNING_BOUNDS: WarningBounds = { month_deviation: 0.5, three_month_average: 0.2, half_year_cumulative: 0.2 };

export interface BudgetWarningOutcome {
  readonly kind: BudgetWarningKind;
  /** The month judged, 1–12. */
  readonly month: number;
  readonly breach: boolean;
  /** The signed deviation rate judged. */
  readonly value: number;
  readonly bound: number;
  /** Budget and actual over the months judged. */
  readonly budget: number;
  readonly actual: number;
}

/** Rates are compared at 1e-9, so 0.1 + 0.2-style float noise does not move a value across a bound. */
const settle = (v: number): number => Math.round(v * 1e9) / 1e9;

const sumOf = (v: readonly number[], from: number, to: number): number => {
  let s = 0;
  for (let i = from; i <= to; i++) s += v[i] ?? 0;
  return s;
};

function outcome(kind: BudgetWarningKind, month: number, value: number, bounds: WarningBounds, budget: number, actual: number): BudgetWarningOutcome {
  const settled = settle(value);
  return { kind, month, breach: Math.abs(settled) >= bounds[kind], value: settled, bound: bounds[kind], budget, actual };
}

/** `budget` and `actual`: the line's twelve months; `closedMonths`: how many months of the year are over (0–12). */
export function evaluateBudgetLine(budget: readonly number[], actual: readonly number[], closedMonths: number, bounds: WarningBounds = DEFAULT_WARNING_BOUNDS): BudgetWarningOutcome[] {
  const out: BudgetWarningOutcome[] = [];
  const rate = (m: number): number | null => {
    const b = budget[m] ?? 0;
    return b > 0 ? ((actual[m] ?? 0) - b) / b : null;
  };
  for (let m = 0; m < Math.min(12, closedMonths); m++) {
    const r = rate(m);
    if (r !== null) out.push(outcome('month_deviation', m + 1, r, bounds, budget[m] ?? 0, actual[m] ?? 0));
    if (m >= 2) {
      const rates = [rate(m - 2), rate(m - 1), r];
      if (rates.every((x) => x !== null)) {
        const mean = rates.reduce<number>((s, x) => s + (x ?? 0), 0) / 3;
        out.push(outcome('three_month_average', m + 1, mean, bounds, sumOf(budget, m - 2, m), sumOf(actual, m - 2, m)));
      }
    }
    if (m >= 5) {
      const b = sumOf(budget, m - 5, m);
      const a = sumOf(actual, m - 5, m);
      if (b > 0) out.push(outcome('half_year_cumulative', m + 1, (a - b) / b, bounds, b, a));
    }
  }
  return out;
}
