import { describe, expect, it } from 'vitest';
import type { SourceQualityRule, TargetDeviationRule } from './definition.ts';
import { evaluateSourceQuality } from './evaluate/source-quality.ts';
import { evaluateTargetDeviation } from './evaluate/target-deviation.ts';
import { dataQualityRules } from './packs/compliance-pack.ts';
import { defaultRulePack } from './packs/default-pack.ts';
import { formatDuration, formatQuantity, outcomeMessage, renderStored } from './render.ts';
import { monthly, NOW } from './rule-fixtures.ts';

const scope = { orgUnit: 'H1', includeDescendants: true };

function packRule(code: string): TargetDeviationRule {
  const rule = defaultRulePack(scope).find((r) => r.code === code);
  if (rule?.kind !== 'target_deviation') throw new Error(`no ${code}`);
  return rule;
}

describe('alert texts stored as template and parameters', () => {
  it('shows the observed rate and its target with the indicator’s unit, not the deviation as the rate, in both languages', () => {
    const rule = { ...packRule('delivery_on_time_below_target'), grain: 'month' as const };
    const o = evaluateTargetDeviation(rule, monthly([61.9], [{ target: 95 }]), NOW);
    const m = outcomeMessage(rule, o, { orgUnitName: '配送中心', unit: '%' });
    expect(o.value).toBeCloseTo(-33.1);
    expect(m.zh).toBe('配送中心 2026-01 配送准时率 61.9% 低于目标 95%');
    expect(m.en).toBe('配送中心 2026-01: delivery on-time rate 61.9% below target 95%');
    expect(m.template).toEqual({ zh: rule.messageZh, en: rule.messageEn });
    expect(renderStored(m.template, m.params, 'en', NOW)).toBe(m.en);
  });

  it('shows a budget deviation rate as a percentage beside the amounts', () => {
    const rule: TargetDeviationRule = {
      ...packRule('delivery_on_time_below_target'), code: 'budget_month_deviation', indicator: 'budget_actual', grain: 'month', measure: 'rate', direction: 'either', bound: 0.5,
      messageZh: '{{orgUnitName}} {{period}} 预算执行 {{observed}}，预算 {{target}}，偏差率 {{value}}', messageEn: '{{orgUnitName}} {{period}}: budget spent {{observed}} of {{target}}, deviation {{value}}',
    };
    const o = evaluateTargetDeviation(rule, monthly([2327], [{ target: 1000 }]), NOW);
    const m = outcomeMessage(rule, o, { orgUnitName: '心内科', unit: 'CNY' });
    expect(m.zh).toBe('心内科 2026-01 预算执行 2327，预算 1000，偏差率 132.7%');
    expect(m.en).toBe('心内科 2026-01: budget spent 2327 CNY of 1000 CNY, deviation 132.7%');
  });

  it('computes a source’s silence when the text is read, not when the alert was raised', () => {
    const rule = dataQualityRules(scope).find((r) => r.metric === 'silent_minutes') as SourceQualityRule;
    const at = new Date('2026-11-23T08:00:00Z');
    const o = evaluateSourceQuality(rule, {
      orgUnit: 'H1', sourceId: 'his', periodKey: 'live', periodStart: at.toISOString(), closed: false,
      lastReceivedAt: new Date(at.getTime() - 135 * 60_000).toISOString(), received: 0, accepted: 0, invalid: 0, onTime: 0,
    }, at);
    const m = outcomeMessage(rule, o, { orgUnitName: 'H1' }, at);
    expect(m.zh).toBe('接口 his 已 2 小时 15 分钟 无数据');
    expect(m.en).toBe('Source his silent for 2 h 15 min');
    const later = new Date(at.getTime() + 3 * 3_600_000);
    expect(renderStored(m.template, m.params, 'en', later)).toBe('Source his silent for 5 h 15 min');
  });

  it.each<[number | null, string, 'zh' | 'en', string]>([
    [61.9, '%', 'en', '61.9%'],
    [1.327, 'ratio', 'zh', '132.7%'],
    [12, 'minutes', 'zh', '12 分钟'],
    [12, 'minutes', 'en', '12 min'],
    [3, 'visits', 'en', '3 visits'],
    [3, 'visits', 'zh', '3'],
    [0.93, '', 'en', '0.93'],
    [null, '%', 'en', '—'],
  ])('formats %s in %s (%s) as %s', (v, unit, locale, expected) => {
    expect(formatQuantity(v, unit, locale)).toBe(expected);
  });

  it.each<[number, 'zh' | 'en', string]>([
    [20_000, 'en', '< 1 min'],
    [0.007 * 60_000, 'zh', '不到 1 分钟'],
    [135 * 60_000, 'en', '2 h 15 min'],
    [(2 * 1440 + 5 * 60 + 7) * 60_000, 'zh', '2 天 5 小时'],
  ])('says %d ms in %s as %s', (ms, locale, expected) => {
    expect(formatDuration(ms, locale)).toBe(expected);
  });
});
