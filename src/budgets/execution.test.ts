import { describe, expect, it } from 'vitest';
import { executionCell, executionGrid, periodSpans, type LineFigures } from './execution.ts';

const flat = (v: number) => Array<number>(12).fill(v);
const line = (orgUnitId: number, itemId: number, budget: number, actual: number, original?: number): LineFigures => ({
  orgUnitId, itemId, budget: flat(budget), effective: flat(budget), actual: flat(actual), ...(original !== undefined ? { original: flat(original) } : {}),
});
// Orgs: 1 hospital → 2, 3 departments. Items: 10 cost → 11 consumables, 12 utilities.
const orgs = [{ id: 1, parentId: null }, { id: 2, parentId: 1 }, { id: 3, parentId: 1 }];
const items = [{ id: 10, parentId: null }, { id: 11, parentId: 10 }, { id: 12, parentId: 10 }];

describe('execution view', () => {
  it('computes execution and deviation rates, null without a budget', () => {
    expect(executionCell('M01', 1000, 1000, 1250)).toMatchObject({ executionRate: 1.25, deviationRate: 0.25 });
    expect(executionCell('M01', 0, 0, 50)).toMatchObject({ executionRate: null, deviationRate: null });
  });

  it('sums subtrees of both trees per quarter, half-year and year', () => {
    const lines = [line(2, 11, 100, 120), line(3, 11, 200, 180), line(3, 12, 50, 50), line(1, 12, 10, 0)];
    const grid = executionGrid({ lines, orgs, items, orgRows: [1, 2, 3], itemRows: [null, 11, 12], grain: 'quarter' });
    const cell = (o: number, i: number | null) => grid.find((r) => r.orgUnitId === o && r.itemId === i)?.cells[0];
    expect(cell(1, null)).toMatchObject({ period: 'Q1', budget: 1080, actual: 1050 });
    expect(cell(1, 11)).toMatchObject({ budget: 900, actual: 900, executionRate: 1, deviationRate: 0 });
    expect(cell(2, 11)).toMatchObject({ budget: 300, actual: 360, deviationRate: 0.2 });
    expect(cell(2, 12)).toMatchObject({ budget: 0, actual: 0, executionRate: null });
    const year = executionGrid({ lines, orgs, items, orgRows: [3], itemRows: [10], grain: 'year' });
    expect(year[0]?.cells).toEqual([expect.objectContaining({ period: 'Y', budget: 3000, actual: 2760 })]);
    expect(periodSpans('half').map((s) => s.months.length)).toEqual([6, 6]);
  });

  it('shows the original budget beside the adjusted one when a line was adjusted', () => {
    const grid = executionGrid({ lines: [line(2, 11, 150, 120, 100), line(3, 11, 200, 180)], orgs, items, orgRows: [1], itemRows: [null], grain: 'month' });
    expect(grid[0]?.cells[0]).toMatchObject({ budget: 350, originalBudget: 300 });
  });

  it('shows approved out-of-budget spending beside the figures without adding it to the budget', () => {
    const withException: LineFigures = { ...line(2, 11, 100, 130), outOfBudget: [0, 0, 40, ...Array<number>(9).fill(0)] };
    const grid = executionGrid({ lines: [withException, line(3, 11, 200, 180)], orgs, items, orgRows: [1, 2], itemRows: [null], grain: 'quarter' });
    const q1 = (o: number) => grid.find((r) => r.orgUnitId === o)?.cells[0];
    expect(q1(2)).toMatchObject({ budget: 300, actual: 390, outOfBudget: 40, deviationRate: 0.3 });
    expect(q1(1)).toMatchObject({ budget: 900, outOfBudget: 40 });
    expect(grid.find((r) => r.orgUnitId === 2)?.cells[1]).toMatchObject({ outOfBudget: 0 });
  });
});
