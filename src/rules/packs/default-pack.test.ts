import { describe, expect, it } from 'vitest';
import { parseRuleDefinition, type SourceQualityRule } from '../definition.ts';
import { evaluateIndicatorRule, type IndicatorRule } from '../evaluate/series.ts';
import { evaluateSourceQuality } from '../evaluate/source-quality.ts';
import { monthly, NOW } from '../rule-fixtures.ts';
import { defaultRulePack } from './default-pack.ts';

const pack = defaultRulePack({ orgUnit: 'G', includeDescendants: true });
const byCode = (code: string) => pack.find((r) => r.code === code);

describe('default rule pack', () => {
  it('contains only valid rules with unique codes', () => {
    for (const r of pack) expect(parseRuleDefinition(r), r.code).toEqual({ ok: true, rule: r });
    expect(new Set(pack.map((r) => r.code)).size).toBe(pack.length);
  });

  it('uses the agreed indicator codes', () => {
    const indicators = new Set(pack.flatMap((r) => ('indicator' in r ? [r.indicator] : [])));
    for (const code of ['outpatient_visits', 'avg_wait_after_appointment', 'drug_revenue_share', 'call_abandon_rate', 'delivery_on_time_rate', 'pharmacist_review_rate']) {
      expect(indicators.has(code), code).toBe(true);
    }
  });

  it.each<[string, ReturnType<typeof monthly>, string]>([
    ['drug_share_mom_rise', monthly([30, 33]), 'breach'],
    ['drug_share_mom_rise', monthly([30, 31]), 'ok'],
    ['delivery_on_time_below_target', monthly([90], [{ target: 95 }]), 'breach'],
    ['delivery_on_time_below_target', monthly([94], [{ target: 95 }]), 'ok'],
    ['pharmacist_review_rate_low', monthly([88.5]), 'breach'],
    ['pharmacist_review_rate_low', monthly([99.2]), 'ok'],
    ['call_abandon_high', monthly([37.6]), 'breach'],
    ['call_abandon_high', monthly([5.5]), 'ok'],
  ])('%s judges its example as %s', (code, series, kind) => {
    const rule = byCode(code) as IndicatorRule;
    expect(evaluateIndicatorRule(rule, series, NOW).kind).toBe(kind);
  });

  it('ships every rule enabled and leaves the budget warnings to the budget module', () => {
    expect(pack.filter((r) => !r.enabled)).toEqual([]);
    expect(pack.some((r) => r.category === 'budget')).toBe(false);
  });

  it('watches source silence on the open period', () => {
    const rule = byCode('dq_source_silent') as SourceQualityRule;
    const input = { orgUnit: 'H1', sourceId: 'his', periodKey: '2026-03-01T10', periodStart: '2026-03-01T10:00:00Z', closed: false, lastReceivedAt: '2026-03-01T07:00:00Z', received: 0, accepted: 0, invalid: 0, onTime: 0 };
    expect(evaluateSourceQuality(rule, input, new Date('2026-03-01T10:30:00Z')).kind).toBe('breach');
  });
});
