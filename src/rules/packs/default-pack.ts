import type { RuleDefinition } from '../definition.ts';
import { dataQualityRules, type PackScope } from './compliance-pack.ts';

/**
 * The rule set the demo ships with: one rule of each series kind on the first indicator library,
 * the §8 budget warnings, source silence and an anomaly rule. Bounds are typical starting points for
 * a tertiary hospital, meant to be tuned.
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
      ...base(scope, 'wait_time_high', '预约后等待时间过长', 'Wait after appointment too long', 3, 'outpatient', '{{orgUnitName}} {{period}} 预约后平均等待 {{value}} 分钟，超过 {{bound}} 分钟', '{{orgUnitName}} {{period}}: average wait after appointment {{value}} min, above {{bound}} min'),
      kind: 'threshold', indicator: 'avg_wait_after_appointment', grain: 'day', op: '>', bound: 30,
      evaluateOpenPeriod: true, forMinutes: 30, hysteresis: { recoveryBound: 25 },
    },
    {
      ...base(scope, 'drug_share_mom_rise', '药占比环比上升', 'Drug revenue share up month on month', 3, 'pharmacy', '{{orgUnitName}} {{period}} 药占比环比上升 {{value}}（上月 {{baseline}}）', '{{orgUnitName}} {{period}}: drug revenue share up {{value}} on the previous month ({{baseline}})'),
      kind: 'change', indicator: 'drug_revenue_share', grain: 'month', compareTo: 'previous', measure: 'difference', direction: 'rise', bound: 0.02,
    },
    {
      ...base(scope, 'call_abandon_high', '呼叫放弃率过高', 'Call abandon rate high', 3, 'call_center', '{{orgUnitName}} {{period}} 呼叫放弃率 {{value}}，超过 {{bound}}', '{{orgUnitName}} {{period}}: call abandon rate {{value}}, above {{bound}}'),
      kind: 'threshold', indicator: 'call_abandon_rate', grain: 'hour', op: '>', bound: 0.1,
      evaluateOpenPeriod: true, forPeriods: 2, hysteresis: { recoveryBound: 0.08 },
    },
    {
      ...base(scope, 'delivery_on_time_below_target', '配送准时率低于目标', 'Delivery on-time rate below target', 3, 'online_offline', '{{orgUnitName}} {{period}} 配送准时率 {{value}} 低于目标 {{target}}', '{{orgUnitName}} {{period}}: delivery on-time rate below target {{target}} by {{value}}'),
      kind: 'target_deviation', indicator: 'delivery_on_time_rate', grain: 'day', measure: 'difference', direction: 'below', bound: 0.02,
    },
    {
      ...base(scope, 'pharmacist_review_rate_low', '药师审方率偏低', 'Pharmacist review rate low', 3, 'pharmacy', '{{orgUnitName}} {{period}} 药师审方率 {{value}} 低于 {{bound}}', '{{orgUnitName}} {{period}}: pharmacist review rate {{value}} below {{bound}}'),
      kind: 'threshold', indicator: 'pharmacist_review_rate', grain: 'day', op: '<', bound: 0.95,
    },
    {
      ...base(scope, 'budget_month_deviation', '月度预算偏差≥50%', 'Monthly budget deviation ≥ 50%', 3, 'budget', '{{orgUnitName}} {{period}} 预算偏差率 {{value}}', '{{orgUnitName}} {{period}}: budget deviation rate {{value}}'),
      kind: 'threshold', indicator: 'budget_deviation_rate', grain: 'month', op: '>=', bound: 0.5, absolute: true,
    },
    {
      ...base(scope, 'budget_3m_avg_deviation', '连续三月平均预算偏差≥20%', '3-month average budget deviation ≥ 20%', 3, 'budget', '{{orgUnitName}} 截至 {{period}} 三个月平均预算偏差率 {{value}}', '{{orgUnitName}} three months to {{period}}: average budget deviation {{value}}'),
      kind: 'window', indicator: 'budget_deviation_rate', grain: 'month', aggregate: 'avg', periods: 3, op: '>=', bound: 0.2, absolute: true,
    },
    {
      // Cumulative deviation needs the amounts, not the monthly rates: value = actual, target = budget.
      ...base(scope, 'budget_half_year_cumulative', '半年累计预算偏差≥20%', 'Half-year cumulative budget deviation ≥ 20%', 3, 'budget', '{{orgUnitName}} 截至 {{period}} 半年累计预算偏差率 {{value}}', '{{orgUnitName}} six months to {{period}}: cumulative budget deviation {{value}}'),
      kind: 'window', indicator: 'budget_actual', grain: 'month', aggregate: 'cumulative_deviation', periods: 6, op: '>=', bound: 0.2, absolute: true,
    },
    {
      ...base(scope, 'outpatient_visits_anomaly', '门诊量异动', 'Outpatient visits anomaly', 3, 'outpatient', '{{orgUnitName}} {{period}} 门诊量 {{observed}} 异动（预期 {{expected}}）', '{{orgUnitName}} {{period}}: outpatient visits {{observed}} anomalous (expected {{expected}}, score {{score}})'),
      kind: 'anomaly', indicator: 'outpatient_visits', grain: 'day', minScore: 0.8, direction: 'either',
    },
    ...(silent ? [silent] : []),
  ];
}
