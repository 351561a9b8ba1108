import { describe, expect, it } from 'vitest';
import type { AnomalyRule } from '../definition.ts';
import type { AnomalyInput, AnomalyVerdict } from '../outcome.ts';
import { COMMON_FIELDS, NOW } from '../rule-fixtures.ts';
import { evaluateAnomaly } from './anomaly.ts';

const base: AnomalyRule = { ...COMMON_FIELDS, code: 'visits_anomaly', kind: 'anomaly', indicator: 'outpatient_visits', grain: 'day', minScore: 0.8, direction: 'either' };
const verdict = (score: number, observed: number): AnomalyVerdict => ({ score, expected: { center: 1000, low: 900, high: 1100 }, observed, deviation: observed - 1000, kind: observed > 1000 ? 'spike' : 'dip' });
const input = (v: AnomalyVerdict | null, closed = true): AnomalyInput => ({ orgUnit: 'H1', seriesKey: 'all', periodKey: '2026-03-02', periodStart: '2026-03-02T00:00:00+08:00', closed, verdict: v });

describe('evaluateAnomaly', () => {
  it.each<[string, Partial<AnomalyRule>, AnomalyVerdict | null, string]>([
    ['breaches on a high-scoring spike', {}, verdict(0.9, 1500), 'breach'],
    ['breaches on a high-scoring dip', {}, verdict(0.9, 500), 'breach'],
    ['is ok below the minimum score', {}, verdict(0.5, 1500), 'ok'],
    ['is ok at a high score inside the expected range', {}, verdict(0.95, 1050), 'ok'],
    ['ignores a dip when watching above', { direction: 'above' }, verdict(0.9, 500), 'ok'],
    ['ignores a spike when watching below', { direction: 'below' }, verdict(0.9, 1500), 'ok'],
    ['breaches at exactly the minimum score', {}, verdict(0.8, 1500), 'breach'],
    ['skips a missing verdict under skip', {}, null, 'skipped'],
    ['reports a missing verdict under alert', { missingData: 'alert' }, null, 'no_data'],
  ])('%s', (_name, patch, v, kind) => {
    expect(evaluateAnomaly({ ...base, ...patch }, input(v), NOW).kind).toBe(kind);
  });

  it('records the observation and the expected range', () => {
    const o = evaluateAnomaly(base, input(verdict(0.9, 1500)), NOW);
    expect(o.value).toBe(0.9);
    expect(o.detail).toEqual({ values: { observed: 1500, score: 0.9, deviation: 500 }, baseline: { center: 1000, low: 900, high: 1100 }, anomalyKind: 'spike' });
  });

  it('skips an open period unless the rule judges it', () => {
    expect(evaluateAnomaly(base, input(verdict(0.9, 1500), false), NOW).detail.reason).toBe('open_period');
    expect(evaluateAnomaly({ ...base, evaluateOpenPeriod: true }, input(verdict(0.9, 1500), false), NOW).kind).toBe('breach');
  });

  it('stays unrecovered until the score falls below the recovery score', () => {
    const rule = { ...base, hysteresis: { recoveryBound: 0.5 } };
    expect(evaluateAnomaly(rule, input(verdict(0.6, 1500)), NOW)).toMatchObject({ kind: 'ok', recovered: false });
    expect(evaluateAnomaly(rule, input(verdict(0.4, 1500)), NOW)).toMatchObject({ kind: 'ok', recovered: true });
  });
});
