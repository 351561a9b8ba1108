/**
 * Carry-forward of unspent budget inside a fiscal year (pure). The unspent part of a closed month
 * (its budget plus what it received, less its actual) moves to the next month when the rule allows:
 * - `none`: nothing moves;
 * - `within_quarter`: it moves to the next month of the same quarter; at a quarter's end it lapses
 *   (stays, unspent, in that month);
 * - `within_year`: it moves month by month through the year; December's lapses.
 * Nothing ever moves out of December, so no amount crosses a fiscal year, and an amount is moved,
 * never created: the year's effective budgets sum to its budgets. Overspending does not move
 * (a month's deficit is not taken from the next). Computed in cents, so sums are exact.
 */
export const carryRules = ['none', 'within_quarter', 'within_year'] as const;
export type CarryRule = (typeof carryRules)[number];

export interface CarryResult {
  /** The budget each month is judged against: its own, plus what came in, less what went on. */
  readonly effective: readonly number[];
  /** What each month received from the month before. */
  readonly carriedIn: readonly number[];
}

function movesOn(rule: CarryRule, monthIndex: number): boolean {
  if (monthIndex >= 11) return false;
  switch (rule) {
    case 'none':
      return false;
    case 'within_quarter':
      return (monthIndex + 1) % 3 !== 0;
    case 'within_year':
      return true;
  }
}

const cents = (v: number): number => Math.round(v * 100);

/**
 * `budget` and `actual` hold the twelve months of one line; `closedMonths` (0–12) says how many
 * months are over — only a closed month's unspent part is known, so only those carry.
 */
export function carryForward(budget: readonly number[], actual: readonly number[], rule: CarryRule, closedMonths: number): CarryResult {
  const effective: number[] = [];
  const carriedIn: number[] = [];
  let incoming = 0;
  for (let m = 0; m < 12; m++) {
    const available = cents(budget[m] ?? 0) + incoming;
    carriedIn.push(incoming / 100);
    let out = 0;
    if (m < closedMonths && movesOn(rule, m)) out = Math.max(0, available - cents(actual[m] ?? 0));
    effective.push((available - out) / 100);
    incoming = out;
  }
  return { effective, carriedIn };
}
