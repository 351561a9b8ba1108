import { describe, expect, it } from 'vitest';
import type { ConsecutiveRule } from '../definition.ts';
import { COMMON_FIELDS, monthly, NOW } from '../rule-fixtures.ts';
import { evaluateConsecutive } from './consecutive.ts';

const base: ConsecutiveRule = { ...COMMON_FIELDS, code: 'wait_run', kind: 'consecutive', indicator: 'avg_wait_after_appointment', grain: 'month', op: '>', bound: 30, periods: 3 };

describe('evaluateConsecutive', () => {
  it.each<[string, Partial<ConsecutiveRule>, readonly (number | null)[], string, number | null]>([
    ['breaches after three periods above', {}, [10, 31, 32, 33], 'breach', 3],
    ['is ok when the run is broken in the middle', {}, [31, 32, 10, 33], 'ok', 1],
    ['is ok when the last period is fine', {}, [31, 32, 33, 10], 'ok', 0],
    ['skips with fewer periods than the run', {}, [31, 32], 'skipped', null],
    ['skips a gap under skip', {}, [31, null, 33], 'skipped', null],
    ['reports a gap under alert', { missingData: 'alert' }, [31, null, 33], 'no_data', null],
    ['counts a gap as zero under zero', { missingData: 'zero', op: '<', bound: 5 }, [1, null, 2], 'breach', 3],
    ['compares magnitudes when absolute', { op: '>=', bound: 0.2, absolute: true }, [-0.3, 0.25, -0.2], 'breach', 3],
  ])('%s', (_name, patch, values, kind, held) => {
    const o = evaluateConsecutive({ ...base, ...patch }, monthly(values), NOW);
    expect([o.kind, o.value]).toEqual([kind, held]);
  });

  it('records every value of the run', () => {
    const o = evaluateConsecutive(base, monthly([10, 31, 32, 33]), NOW);
    expect(o.detail.values).toEqual({ '2026-02': 31, '2026-03': 32, '2026-04': 33 });
  });

  it('is recovered only when the last value is past the recovery bound', () => {
    const rule = { ...base, hysteresis: { recoveryBound: 25 } };
    expect(evaluateConsecutive(rule, monthly([31, 32, 28]), NOW).recovered).toBe(false);
    expect(evaluateConsecutive(rule, monthly([31, 32, 20]), NOW).recovered).toBe(true);
  });
});
