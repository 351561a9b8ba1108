import { describe, expect, it } from 'vitest';
import { compareToTarget, resolveTarget, type Target } from './targets.ts';

const november = new Date('2026-10-31T16:00:00Z');
const december = new Date('2026-11-30T16:00:00Z');
const t = (orgUnit: string, value: number, periodStart = november, indicator = 'appointment_rate'): Target => ({
  indicator,
  orgUnit,
  grain: 'month',
  periodStart,
  value,
});
// group → hospital → department
const ancestry = ['cardiology', 'hospital_1', 'group'];

describe('resolveTarget', () => {
  it.each<[string, readonly Target[], { value: number; fromOrgUnit: string; inherited: boolean } | null]>([
    ['the unit’s own target wins over its ancestors’', [t('group', 60), t('cardiology', 80)], { value: 80, fromOrgUnit: 'cardiology', inherited: false }],
    ['the nearest ancestor’s target is inherited', [t('group', 60), t('hospital_1', 70)], { value: 70, fromOrgUnit: 'hospital_1', inherited: true }],
    ['the root’s target reaches the leaves', [t('group', 60)], { value: 60, fromOrgUnit: 'group', inherited: true }],
    ['a sibling’s target does not apply', [t('neurology', 90)], null],
    ['another period’s target does not apply', [t('group', 60, december)], null],
    ['another indicator’s target does not apply', [t('group', 60, november, 'discharges')], null],
  ])('%s', (_label, targets, expected) => {
    expect(resolveTarget(targets, 'appointment_rate', ancestry, 'month', november)).toEqual(expected);
  });

  it('does not apply a target set for another grain', () => {
    expect(resolveTarget([{ ...t('group', 60), grain: 'quarter' }], 'appointment_rate', ancestry, 'month', november)).toBeNull();
  });
});

describe('compareToTarget', () => {
  it.each([
    [85, 80, 'higher_better', 'met', 5],
    [80, 80, 'higher_better', 'met', 0],
    [75, 80, 'higher_better', 'missed', -5],
    [9, 10, 'lower_better', 'met', -1],
    [11, 10, 'lower_better', 'missed', 1],
    [11, 10, 'neutral', 'not_applicable', 1],
  ] as const)('value %d against %d (%s) is %s with gap %d', (value, target, direction, status, gap) => {
    expect(compareToTarget(value, target, direction)).toMatchObject({ status, gap });
  });

  it('reports the relative gap, and none against a zero target', () => {
    expect(compareToTarget(90, 120, 'higher_better').gapRatio).toBeCloseTo(-0.25);
    expect(compareToTarget(3, 0, 'lower_better')).toEqual({ status: 'missed', gap: 3, gapRatio: null });
  });

  it('says when the value or the target is missing', () => {
    expect(compareToTarget(null, 10, 'higher_better').status).toBe('no_value');
    expect(compareToTarget(5, null, 'higher_better').status).toBe('no_target');
  });
});
