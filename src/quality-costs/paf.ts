/**
 * The quality-cost report in the prevention–appraisal–failure (PAF) model, pure: from cost
 * amounts per org unit, month and category (manual entries and `quality_event` costs) and revenue
 * (charges), the shares of each category, the total against revenue, the monthly trend, failure
 * cost against prevention spend, a ranking of units (by quality cost per revenue, then total) and
 * the year's failure-cost target (e.g. −10 % against the year before).
 */
export const costCategories = ['prevention', 'appraisal', 'internal_failure', 'external_failure'] as const;
export type CostCategory = (typeof costCategories)[number];

export interface CostAmount {
  readonly orgUnitId: number;
  /** 1–12 of the report's year; 0 = the year before (for the target). */
  readonly month: number;
  readonly category: CostCategory;
  readonly amount: number;
}

export interface RevenueAmount {
  readonly orgUnitId: number;
  readonly month: number;
  readonly amount: number;
}

export type ByCategory = Readonly<Record<CostCategory, number>>;

export interface PafSummary {
  readonly byCategory: ByCategory;
  readonly total: number;
  /** Each category's part of the total (null without cost). */
  readonly shares: Readonly<Record<CostCategory, number | null>>;
  readonly revenue: number;
  /** Total quality cost / revenue (null without revenue). */
  readonly costToRevenue: number | null;
  /** (Internal + external failure) / prevention (null without prevention spend). */
  readonly failureToPrevention: number | null;
}

export interface PafReport extends PafSummary {
  readonly trend: readonly (PafSummary & { readonly month: number })[];
  readonly units: readonly (PafSummary & { readonly orgUnitId: number; readonly rank: number })[];
  readonly target: { readonly failureLastYear: number; readonly failureThisYear: number; readonly change: number | null; readonly goal: number; readonly met: boolean | null };
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
const zero = (): Record<CostCategory, number> => ({ prevention: 0, appraisal: 0, internal_failure: 0, external_failure: 0 });

export function summarise(costs: readonly CostAmount[], revenue: number): PafSummary {
  const by = zero();
  for (const c of costs) by[c.category] += c.amount;
  const total = costCategories.reduce((s, k) => s + by[k], 0);
  const failure = by.internal_failure + by.external_failure;
  const shares = Object.fromEntries(costCategories.map((k) => [k, total > 0 ? round(by[k] / total, 6) : null])) as Record<CostCategory, number | null>;
  return {
    byCategory: Object.fromEntries(costCategories.map((k) => [k, round(by[k], 2)])) as Record<CostCategory, number>,
    total: round(total, 2), shares, revenue: round(revenue, 2),
    costToRevenue: revenue > 0 ? round(total / revenue, 6) : null,
    failureToPrevention: by.prevention > 0 ? round(failure / by.prevention, 6) : null,
  };
}

/**
 * `costs` of the year (months 1–12) and of the year before (month 0); `units` the org units to
 * rank (each with its subtree's amounts already attributed to it by `unitOf`); `failureGoal` the
 * change of failure cost against the year before that counts as met (−0.1 = down 10 %).
 */
export function pafReport(input: {
  readonly costs: readonly CostAmount[];
  readonly revenue: readonly RevenueAmount[];
  readonly units: readonly number[];
  readonly unitOf: (orgUnitId: number) => number | null;
  readonly failureGoal: number;
  readonly closedMonths: number;
}): PafReport {
  const thisYear = input.costs.filter((c) => c.month >= 1);
  const revenueOf = (rows: readonly RevenueAmount[]) => rows.reduce((s, r) => s + r.amount, 0);
  const yearRevenue = input.revenue.filter((r) => r.month >= 1);
  const trend = Array.from({ length: 12 }, (_, i) => ({ month: i + 1, ...summarise(thisYear.filter((c) => c.month === i + 1), revenueOf(yearRevenue.filter((r) => r.month === i + 1))) }));
  const unitRows = input.units.map((u) => ({
    orgUnitId: u,
    ...summarise(thisYear.filter((c) => input.unitOf(c.orgUnitId) === u), revenueOf(yearRevenue.filter((r) => input.unitOf(r.orgUnitId) === u))),
  }));
  const ranked = [...unitRows].sort((a, b) => (a.costToRevenue ?? Infinity) - (b.costToRevenue ?? Infinity) || a.total - b.total || a.orgUnitId - b.orgUnitId);
  // The year so far against the same months of the year before would need monthly history; the target compares whole years, so a year still open is compared pro rata.
  const failure = (rows: readonly CostAmount[]) => rows.filter((c) => c.category === 'internal_failure' || c.category === 'external_failure').reduce((s, c) => s + c.amount, 0);
  const lastYear = failure(input.costs.filter((c) => c.month === 0));
  const months = Math.max(1, Math.min(12, input.closedMonths));
  const thisYearPace = (failure(thisYear.filter((c) => c.month <= months)) * 12) / months;
  const change = lastYear > 0 ? round((thisYearPace - lastYear) / lastYear, 6) : null;
  return {
    ...summarise(thisYear, revenueOf(yearRevenue)),
    trend,
    units: ranked.map((u, i) => ({ ...u, rank: i + 1 })),
    target: { failureLastYear: round(lastYear, 2), failureThisYear: round(thisYearPace, 2), change, goal: input.failureGoal, met: change === null ? null : change <= input.failureGoal },
  };
}
