import type { RuleDefinition } from '../definition.ts';
import { dataQualityRules, type PackScope } from './compliance-pack.ts';

/**
 * The rule set the demo ships with: one rule of each series kind on the first indicator library,
 * the §8 budget warnings, source silence and an anomaly rule. Bounds are typical starting points for
 * a tertiary hospital, meant to be tuned, in the indicator's own unit: rates of the library are
 * percentages (factor 100), so 10 means 10 % and a difference of 2 means two percentage points.
 * The budget rules (§8) judge one indicator, `budget_actual` (the spending of a unit in a month),
 * against its target, the budget line: deviation rate = (actual − budget) / budget. They ship
 * disabled: the indicator and the budget lines come with the budget module (a later capability) or
 * are entered by hand (the demo defines the indicator and enters its budgets as targets).
 */
function labelsOf(enabled: boolean): Readonly<Record<string, string>> {
  return enabled ? { pack: 'default' } : { pack: 'default', needs: 'budget module (预算模块): indicator budget_actual with the budget lines as its targets; enable once budgets are loaded' };
}

function base(scope: PackScope, code: string, nameZh: string, nameEn: string, severity: 1 | 2 | 3 | 4, category: string, messageZh: string, messageEn: string, enabled = true) {
  return {
    code,
    version: 1,
    nameZh,
    nameEn,
    enabled,
    scope,
    severity,
    category,
    // A rule definition has no description field: a disabled rule says in a label what it waits for.
    labels: labelsOf(enabled),
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
      ...base(scope, 'delivery_on_time_below_target', '配送准时率低于目标', 'Delivery on-time rate below target', 3, 'online_offline', '{{orgUnitName}} {{period}} 配送准时率 {{value}} 低于目标 {{target}}', '{{orgUnitName}} {{period}}: delivery on-time rate below target {{target}} by {{value}}'),
      kind: 'target_deviation', indicator: 'delivery_on_time_rate', grain: 'day', measure: 'difference', direction: 'below', bound: 2,
    },
    {
      ...base(scope, 'pharmacist_review_rate_low', '药师审方率偏低', 'Pharmacist review rate low', 3, 'pharmacy', '{{orgUnitName}} {{period}} 药师审方率 {{value}} 低于 {{bound}}', '{{orgUnitName}} {{period}}: pharmacist review rate {{value}} below {{bound}}'),
      kind: 'threshold', indicator: 'pharmacist_review_rate', grain: 'day', op: '<', bound: 95,
    },
    {
      ...base(scope, 'budget_month_deviation', '月度预算偏差≥50%', 'Monthly budget deviation ≥ 50%', 3, 'budget', '{{orgUnitName}} {{period}} 预算偏差率 {{value}}', '{{orgUnitName}} {{period}}: budget deviation rate {{value}}', false),
      kind: 'target_deviation', indicator: 'budget_actual', grain: 'month', measure: 'rate', direction: 'either', bound: 0.5,
    },
    {
      // The three months' deviation taken over their sums (equal to the mean of the monthly rates when the monthly budgets are equal).
      ...base(scope, 'budget_3m_avg_deviation', '连续三月平均预算偏差≥20%', '3-month average budget deviation ≥ 20%', 3, 'budget', '{{orgUnitName}} 截至 {{period}} 三个月平均预算偏差率 {{value}}', '{{orgUnitName}} three months to {{period}}: average budget deviation {{value}}', false),
      kind: 'window', indicator: 'budget_actual', grain: 'month', aggregate: 'cumulative_deviation', periods: 3, op: '>=', bound: 0.2, absolute: true,
    },
    {
      // Cumulative deviation needs the amounts, not the monthly rates: value = actual, target = budget.
      ...base(scope, 'budget_half_year_cumulative', '半年累计预算偏差≥20%', 'Half-year cumulative budget deviation ≥ 20%', 3, 'budget', '{{orgUnitName}} 截至 {{period}} 半年累计预算偏差率 {{value}}', '{{orgUnitName}} six months to {{period}}: cumulative budget deviation {{value}}', false),
      kind: 'window', indicator: 'budget_actual', grain: 'month', aggregate: 'cumulative_deviation', periods: 6, op: '>=', bound: 0.2, absolute: true,
    },
    {
      ...base(scope, 'outpatient_visits_anomaly', '门诊量异动', 'Outpatient visits anomaly', 3, 'outpatient', '{{orgUnitName}} {{period}} 门诊量 {{observed}} 异动（预期 {{expectedRange}}；{{why}}）', '{{orgUnitName}} {{period}}: outpatient visits {{observed}} anomalous (expected {{expectedRange}}; {{why}}; score {{score}})'),
      kind: 'anomaly', indicator: 'outpatient_visits', grain: 'day', minScore: 0.8, direction: 'either',
    },
    ...(silent ? [silent] : []),
  ];
}
