import { describe, expect, it } from 'vitest';
import type { ThresholdRule } from './definition.ts';
import { evaluateThreshold } from './evaluate/threshold.ts';
import { formatValue, renderMessage, templatePlaceholders } from './message.ts';
import { renderOutcomeMessage } from './render.ts';
import { COMMON_FIELDS, monthly, NOW } from './rule-fixtures.ts';

describe('message templates', () => {
  it.each<[string, string, Record<string, string | number | null>, string]>([
    ['fills placeholders', '{{orgUnit}} 值 {{value}} > {{bound}}', { orgUnit: '心内科', value: 42, bound: 30 }, '心内科 值 42 > 30'],
    ['tolerates spaces inside braces', '{{ value }}', { value: 1 }, '1'],
    ['renders a missing value as a dash', 'v={{value}}', { value: null }, 'v=—'],
    ['renders an unknown name as a dash', 'v={{nothing}}', {}, 'v=—'],
    ['leaves single braces alone', '{value}', { value: 1 }, '{value}'],
  ])('%s', (_name, template, values, expected) => {
    expect(renderMessage(template, values)).toBe(expected);
  });

  it.each<[number, string]>([
    [0.123456, '0.1235'],
    [42, '42'],
    [1234567, '1235000'],
    [-0.2, '-0.2'],
  ])('formats %d as %s', (v, s) => {
    expect(formatValue(v)).toBe(s);
  });

  it('lists the placeholders of a template', () => {
    expect(templatePlaceholders('{{a}} and {{ b_2 }} but not {c}')).toEqual(['a', 'b_2']);
  });

  it('renders an outcome in Chinese and English', () => {
    const rule: ThresholdRule = { ...COMMON_FIELDS, code: 'wait_high', kind: 'threshold', indicator: 'avg_wait_after_appointment', grain: 'month', op: '>', bound: 30 };
    const o = evaluateThreshold(rule, monthly([42.25]), NOW);
    expect(renderOutcomeMessage(rule, o, 'zh', { orgUnitName: '心内科' })).toBe('心内科 2026-01 值 42.25 超过 30');
    expect(renderOutcomeMessage(rule, o, 'en')).toBe('D1 2026-01: 42.25 beyond 30');
  });
});
