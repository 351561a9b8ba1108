import { describe, expect, it } from 'vitest';
import { anomalyMarks, markOf, type AnomalyTransitionRow } from './anomaly-marks.ts';

const row = (periodKey: string, detail: unknown, over: Partial<AnomalyTransitionRow> = {}): AnomalyTransitionRow => ({
  alertId: 1, ruleCode: 'visits_anomaly', ruleNameZh: '门诊量异动', ruleNameEn: 'Visits anomaly', severity: 3, state: 'firing',
  periodKey, at: new Date('2026-11-23T01:00:00Z'), detail, ...over,
});
const anomalyDetail = (observed: number, low: number, high: number, score = 0.9) => ({
  values: { observed, score, deviation: observed - (low + high) / 2 },
  baseline: { center: (low + high) / 2, low, high },
});

describe('markOf', () => {
  it('reads the observed value, expected range, deviation and score an anomaly transition stored', () => {
    expect(markOf(row('2026-11-20', anomalyDetail(40, 90, 110)))).toMatchObject({
      periodKey: '2026-11-20', observed: 40, expected: { low: 90, center: 100, high: 110 }, deviation: -60, score: 0.9, severity: 3, state: 'firing',
    });
  });

  it.each([
    ['a missing-data transition', { reason: 'missing_data' }],
    ['no expected range', { values: { observed: 3 } }],
    ['a range that is not numbers', { values: { observed: 3 }, baseline: { low: 'a', high: 2 } }],
    ['no detail at all', null],
    ['a detail that is an array', [1, 2]],
  ])('skips %s', (_label, detail) => {
    expect(markOf(row('2026-11-20', detail))).toBeNull();
  });

  it('takes the middle of the range when the centre is missing, and null deviation and score when absent', () => {
    expect(markOf(row('2026-11-20', { values: { observed: 5 }, baseline: { low: 1, high: 3 } }))).toMatchObject({ expected: { low: 1, center: 2, high: 3 }, deviation: null, score: null });
  });
});

describe('anomalyMarks', () => {
  it('keeps one mark per period, the strongest, in period order', () => {
    const marks = anomalyMarks([
      row('2026-11-21', anomalyDetail(200, 90, 110, 0.85), { alertId: 2 }),
      row('2026-11-20', anomalyDetail(40, 90, 110, 0.82), { alertId: 3, ruleCode: 'a' }),
      row('2026-11-20', anomalyDetail(40, 90, 110, 0.97), { alertId: 4, ruleCode: 'b' }),
      row('2026-11-19', { reason: 'missing_data' }, { alertId: 5 }),
    ]);
    expect(marks.map((m) => [m.periodKey, m.alertId])).toEqual([['2026-11-20', 4], ['2026-11-21', 2]]);
  });

  it('prefers the more severe rule when scores tie', () => {
    const marks = anomalyMarks([row('2026-11-20', anomalyDetail(1, 2, 3), { alertId: 1, severity: 3 }), row('2026-11-20', anomalyDetail(1, 2, 3), { alertId: 2, severity: 2 })]);
    expect(marks.map((m) => m.alertId)).toEqual([2]);
  });
});
