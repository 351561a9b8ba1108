import { describe, expect, it } from 'vitest';
import { buildBoards, rankUnits, type PeriodStanding } from './boards.ts';

const period = (periodKey: string, scores: readonly (readonly [number, number | null, string | null])[]): PeriodStanding => ({
  periodKey, units: scores.map(([unitId, score, grade]) => ({ unitId, score, grade })),
});

describe('rankUnits', () => {
  it('ranks best first with shared ranks for ties, units without a value last, and movement against the previous period', () => {
    const ranked = rankUnits(
      [{ unitId: 1, value: 80 }, { unitId: 2, value: 95 }, { unitId: 3, value: 80 }, { unitId: 4, value: null }, { unitId: 5, value: 70 }],
      [{ unitId: 1, value: 99 }, { unitId: 2, value: 60 }, { unitId: 3, value: 80 }, { unitId: 5, value: 70 }],
    );
    expect(ranked.map((r) => [r.unitId, r.rank, r.movement])).toEqual([[2, 1, 3], [1, 2, -1], [3, 2, 0], [5, 4, -1], [4, null, null]]);
  });

  it('ranks lower-is-better indicators ascending', () => {
    expect(rankUnits([{ unitId: 1, value: 5 }, { unitId: 2, value: 2 }], [], 'lower_better').map((r) => r.unitId)).toEqual([2, 1]);
  });
});

describe('buildBoards', () => {
  const history = [
    period('2026-01', [[1, 91, 'excellent'], [2, 85, 'good'], [3, 75, 'pass'], [4, 70, 'pass'], [5, 50, 'fail']]),
    period('2026-02', [[1, 92, 'excellent'], [2, 95, 'excellent'], [3, 72, 'pass'], [4, 65, 'basic'], [5, 58, 'fail']]),
    period('2026-03', [[1, 93, 'excellent'], [2, 88, 'good'], [3, 71, 'pass'], [4, 62, 'basic'], [5, 61, 'basic']]),
  ];

  it('puts the top N, a grade held K periods in a row and the red flag on the honour board', () => {
    const boards = buildBoards(history, { honour: [{ kind: 'top', n: 2 }, { kind: 'grade_streak', grade: 'excellent', periods: 3 }, { kind: 'red_flag' }], watch: [] });
    expect(boards?.honour.map((e) => [e.kind, e.unitId])).toEqual([['top', 1], ['top', 2], ['grade_streak', 1], ['red_flag', 1]]);
    expect(boards?.redFlag).toEqual({ holders: [1], previousHolders: [2] });
  });

  it('puts a grade, the bottom N and K periods of decline on the watch list', () => {
    const boards = buildBoards(history, { honour: [], watch: [{ kind: 'grade', grade: 'basic' }, { kind: 'bottom', n: 1 }, { kind: 'worsening', periods: 2 }] });
    expect(boards?.watch.map((e) => [e.kind, e.unitId])).toEqual([['grade', 4], ['grade', 5], ['bottom', 5], ['worsening', 3], ['worsening', 4]]);
  });

  it('needs the whole streak in the history and says nothing without periods', () => {
    expect(buildBoards(history.slice(-2), { honour: [{ kind: 'grade_streak', grade: 'excellent', periods: 3 }], watch: [{ kind: 'worsening', periods: 2 }] }))
      .toMatchObject({ honour: [], watch: [] });
    expect(buildBoards([], { honour: [], watch: [] })).toBeNull();
  });
});
