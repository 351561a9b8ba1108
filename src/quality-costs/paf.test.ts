import { describe, expect, it } from 'vitest';
import { pafReport, summarise, type CostAmount } from './paf.ts';

const cost = (orgUnitId: number, month: number, category: CostAmount['category'], amount: number): CostAmount => ({ orgUnitId, month, category, amount });

describe('PAF report', () => {
  it('gives the shares, the total against revenue and failure against prevention', () => {
    const s = summarise([cost(1, 1, 'prevention', 200), cost(1, 1, 'appraisal', 300), cost(1, 1, 'internal_failure', 100), cost(1, 1, 'external_failure', 400)], 50_000);
    expect(s).toMatchObject({ total: 1000, costToRevenue: 0.02, failureToPrevention: 2.5 });
    expect(s.shares).toEqual({ prevention: 0.2, appraisal: 0.3, internal_failure: 0.1, external_failure: 0.4 });
    expect(summarise([], 0)).toMatchObject({ total: 0, costToRevenue: null, failureToPrevention: null, shares: { prevention: null } });
  });

  it('ranks units by quality cost per revenue, gives the monthly trend and judges the failure-cost target', () => {
    const costs = [
      cost(11, 1, 'internal_failure', 900), cost(12, 1, 'internal_failure', 300), cost(12, 2, 'prevention', 100),
      // Last year: 16,000 of failure; this year at the pace of two closed months: (900 + 300) × 6 = 7,200, a change of −55 %.
      cost(11, 0, 'external_failure', 16_000),
    ];
    const report = pafReport({
      costs, revenue: [{ orgUnitId: 11, month: 1, amount: 10_000 }, { orgUnitId: 12, month: 1, amount: 10_000 }], units: [1, 2],
      unitOf: (id) => (id === 11 ? 1 : id === 12 ? 2 : null), failureGoal: -0.1, closedMonths: 2,
    });
    expect(report.units.map((u) => [u.orgUnitId, u.rank, u.costToRevenue])).toEqual([[2, 1, 0.04], [1, 2, 0.09]]);
    expect(report.trend[0]).toMatchObject({ month: 1, total: 1200, revenue: 20_000 });
    expect(report.trend[1]).toMatchObject({ month: 2, total: 100 });
    expect(report.target).toEqual({ failureLastYear: 16_000, failureThisYear: 7200, change: -0.55, goal: -0.1, met: true });
    const missed = pafReport({ costs: [cost(11, 1, 'internal_failure', 1000), cost(11, 0, 'internal_failure', 12_000)], revenue: [], units: [1], unitOf: () => 1, failureGoal: -0.1, closedMonths: 1 });
    // 1,000 × 12 = 12,000 against 12,000: no change — the −10 % goal is missed (at −10 % exactly it would be met).
    expect(missed.target).toMatchObject({ change: 0, met: false });
    const atGoal = pafReport({ costs: [cost(11, 1, 'internal_failure', 900), cost(11, 0, 'internal_failure', 12_000)], revenue: [], units: [1], unitOf: () => 1, failureGoal: -0.1, closedMonths: 1 });
    expect(atGoal.target).toMatchObject({ change: -0.1, met: true });
  });
});
