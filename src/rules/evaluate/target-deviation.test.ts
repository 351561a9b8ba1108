import { describe, expect, it } from 'vitest';
import type { TargetDeviationRule } from '../definition.ts';
import { COMMON_FIELDS, monthly, NOW } from '../rule-fixtures.ts';
import { evaluateTargetDeviation } from './target-deviation.ts';

const base: TargetDeviationRule = { ...COMMON_FIELDS, code: 'on_time', kind: 'target_deviation', indicator: 'delivery_on_time_rate', grain: 'day', measure: 'rate', direction: 'below', bound: 0.1 };

describe('evaluateTargetDeviation', () => {
  it.each<[string, Partial<TargetDeviationRule>, number | null, number | null | undefined, string, number | null]>([
    ['breaches 20% below target', {}, 80, 100, 'breach', -0.2],
    ['breaches exactly at the bound', {}, 90, 100, 'breach', -0.1],
    ['is ok 5% below target', {}, 95, 100, 'ok', -0.05],
    ['is ok above target when watching below', {}, 150, 100, 'ok', 0.5],
    ['breaches above target when watching above', { direction: 'above' }, 150, 100, 'breach', 0.5],
    ['breaches either way', { direction: 'either' }, 50, 100, 'breach', -0.5],
    ['measures a plain difference', { measure: 'difference', bound: 0.02 }, 0.9, 0.95, 'breach', 0.9 - 0.95],
    ['uses |target| for a negative target', { direction: 'above' }, -50, -100, 'breach', 0.5],
    ['skips a zero target for a rate', {}, 5, 0, 'skipped', null],
    ['skips a missing target under skip', {}, 80, null, 'skipped', null],
    ['reports a missing target under alert', { missingData: 'alert' }, 80, undefined, 'no_data', null],
    ['reports a missing value under alert', { missingData: 'alert' }, null, 100, 'no_data', null],
  ])('%s', (_name, patch, value, target, kind, deviation) => {
    const o = evaluateTargetDeviation({ ...base, ...patch }, monthly([value], [{ target }]), NOW);
    expect(o.kind).toBe(kind);
    if (deviation === null) expect(o.value).toBeNull();
    else expect(o.value).toBeCloseTo(deviation, 10);
  });

  it('records the target as the baseline', () => {
    const o = evaluateTargetDeviation(base, monthly([80], [{ target: 100 }]), NOW);
    expect(o.detail).toEqual({ values: { value: 80 }, baseline: { target: 100 } });
  });
});
