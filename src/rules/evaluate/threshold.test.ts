import { describe, expect, it } from 'vitest';
import type { ThresholdRule } from '../definition.ts';
import { COMMON_FIELDS, monthly, NOW } from '../rule-fixtures.ts';
import { evaluateThreshold } from './threshold.ts';

const base: ThresholdRule = { ...COMMON_FIELDS, code: 'wait_high', kind: 'threshold', indicator: 'avg_wait_after_appointment', grain: 'month', op: '>', bound: 30 };

describe('evaluateThreshold', () => {
  it.each<[string, Partial<ThresholdRule>, number | null, string, number | null]>([
    ['breaches above the bound', {}, 31, 'breach', 31],
    ['is ok at the bound with >', {}, 30, 'ok', 30],
    ['breaches at the bound with >=', { op: '>=' }, 30, 'breach', 30],
    ['breaches below with <', { op: '<', bound: 0.95 }, 0.9, 'breach', 0.9],
    ['compares the magnitude when absolute', { op: '>=', bound: 0.5, absolute: true }, -0.6, 'breach', -0.6],
    ['is ok for a small negative magnitude', { op: '>=', bound: 0.5, absolute: true }, -0.4, 'ok', -0.4],
    ['breaches on == equality', { op: '==', bound: 0 }, 0, 'breach', 0],
    ['skips a missing value under skip', {}, null, 'skipped', null],
    ['reports no data under alert', { missingData: 'alert' }, null, 'no_data', null],
    ['judges a missing value as zero under zero', { missingData: 'zero', op: '<', bound: 1 }, null, 'breach', 0],
  ])('%s', (_name, patch, value, kind, outValue) => {
    const o = evaluateThreshold({ ...base, ...patch }, monthly([5, value]), NOW);
    expect([o.kind, o.value]).toEqual([kind, outValue]);
  });

  it('keys the outcome by org unit, series and the last period', () => {
    const o = evaluateThreshold(base, monthly([40, 10, 50]), NOW);
    expect(o).toMatchObject({ ruleCode: 'wait_high', orgUnit: 'D1', seriesKey: 'all', periodKey: '2026-03', closed: true, bound: 30, evaluatedAt: NOW.toISOString() });
  });

  it('skips the open period unless the rule judges it', () => {
    const open = monthly([50], [{ closed: false }]);
    expect(evaluateThreshold(base, open, NOW).detail.reason).toBe('open_period');
    expect(evaluateThreshold({ ...base, evaluateOpenPeriod: true }, open, NOW).kind).toBe('breach');
  });

  it('skips a disabled rule and an empty series', () => {
    expect(evaluateThreshold({ ...base, enabled: false }, monthly([50]), NOW).detail.reason).toBe('disabled');
    expect(evaluateThreshold(base, monthly([]), NOW).kind).toBe('skipped');
  });

  it.each<[number, boolean]>([
    [28, false],
    [25.1, false],
    [25, true],
  ])('with recovery bound 25, an ok value %d is recovered: %s', (value, recovered) => {
    const o = evaluateThreshold({ ...base, hysteresis: { recoveryBound: 25 } }, monthly([value]), NOW);
    expect([o.kind, o.recovered]).toEqual(['ok', recovered]);
  });
});
