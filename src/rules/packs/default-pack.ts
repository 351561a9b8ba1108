import type { RuleDefinition } from '../definition.ts';
import { dataQualityRules, type PackScope } from './compliance-pack.ts';

/**
 * The rule set the demo ships with: one rule of each series kind on the first indicator library,
 * source silence and an anomaly rule. Bounds are typical starting points for a tertiary hospital,
 * meant to be tuned, in the indicator's own unit: rates of the library are percentages (factor
 * 100), so 10 means 10 % and a difference of 2 means two percentage points. The §8 budget warnings
 * are not here: the budget module judges them on budget lines (src/budgets/warning-rules.ts).
 */

function base(scope: PackScope, code: string, nameZh: string, nameEn: string, severity: 1 | 2 | 3 | 4, category: string, messageZh: string, messageEn: string) {
  return {
    code,
    version: 1,
    nameZh,
    nameEn,
    enabled: true,
    scope,
    severity,
    category,
    labels: { pack: 'default' },
    messageZh,
    messageEn,
    missingData: 'skip',
    evaluateOpenPeriod: false,
  } as const;
}

export function defaultRulePack(scope: PackScope): readonly RuleDefinition[] {
  const silent = dataQualityRules(scope).find((r) => r.metric === 'silent_minutes');
  return [
    {
      ...base(scope, 'wait_time_high', '预约后等待时间过长', 'Wait after appointment too long', 3, 'outpatient', '{{orgUnitName}} {{period}} 预约后平均等待 {{value}}，超过 {{bound}}', '{{orgUnitName}} {{period}}: average wait after appointment {{value}}, above {{bound}}'),
      kind: 'threshold', indicator: 'avg_wait_after_appointment', grain: 'day', op: '>', bound: 30,
      evaluateOpenPeriod: true, forMinutes: 30, hysteresis: { recoveryBound: 25 },
    },
    {
      // Category money, as its indicator's: 药占比 is a revenue-structure measure, watched with the other money indicators.
      ...base(scope, 'drug_share_mom_rise', '药占比环比上升', 'Drug revenue share up month on month', 3, 'money', '{{orgUnitName}} {{period}} 药占比环比上升 {{value}}（上月 {{baseline}}）', '{{orgUnitName}} {{period}}: drug revenue share up {{value}} on the previous month ({{baseline}})'),
      kind: 'change', indicator: 'drug_revenue_share', grain: 'month', compareTo: 'previous', measure: 'difference', direction: 'rise', bound: 2,
    },
    {
      ...base(scope, 'call_abandon_high', '呼叫放弃率过高', 'Call abandon rate high', 3, 'call_center', '{{orgUnitName}} {{period}} 呼叫放弃率 {{value}}，超过 {{bound}}', '{{orgUnitName}} {{period}}: call abandon rate {{value}}, above {{bound}}'),
      // A day: an hour of a few dozen calls swings past 10 % by chance; the open day must hold the breach for an hour.
      kind: 'threshold', indicator: 'call_abandon_rate', grain: 'day', op: '>', bound: 10,
      evaluateOpenPeriod: true, forMinutes: 60, hysteresis: { recoveryBound: 8 },
    },
    {
      ...base(scope, 'delivery_on_time_below_target', '配送准时率低于目标', 'Delivery on-time rate below target', 3, 'online_offline', '{{orgUnitName}} {{period}} 配送准时率 {{observed}} 低于目标 {{target}}', '{{orgUnitName}} {{period}}: delivery on-time rate {{observed}} below target {{target}}'),
      kind: 'target_deviation', indicator: 'delivery_on_time_rate', grain: 'day', measure: 'difference', direction: 'below', bound: 2,
    },
    {
      ...base(scope, 'pharmacist_review_rate_low', '药师审方率偏低', 'Pharmacist review rate low', 3, 'pharmacy', '{{orgUnitName}} {{period}} 药师审方率 {{value}} 低于 {{bound}}', '{{orgUnitName}} {{period}}: pharmacist review rate {{value}} below {{bound}}'),
      kind: 'threshold', indicator: 'pharmacist_review_rate', grain: 'day', op: '<', bound: 95,
    },
    {
      ...base(scope, 'outpatient_visits_anomaly', '门诊量异动', 'Outpatient visits anomaly', 3, 'outpatient', '{{orgUnitName}} {{period}} 门诊量 {{observed}} 异动（预期 {{expectedRange}}；{{why}}）', '{{orgUnitName}} {{period}}: outpatient visits {{observed}} anomalous (expected {{expectedRange}}; {{why}}; score {{score}})'),
      kind: 'anomaly', indicator: 'outpatient_visits', grain: 'day', minScore: 0.8, direction: 'either',
    },
    ...(silent ? [silent] : []),
  ];
}
