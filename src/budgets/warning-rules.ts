import type { RuleDefinition } from '../rules/index.ts';
import type { BudgetWarningKind } from './warnings.ts';

/**
 * The rules that give budget warnings their identity in the alert list (code, names, severity,
 * messages, bound): stored in the rule table like any rule, so alerts, silences, routing and work
 * orders treat them alike, but judged by the budget module on budget lines (warnings.ts), not by
 * the rule engine — they are stored disabled for the engine and labelled so. Editing a rule's
 * bound through the rules API changes the bound the budget module applies.
 */
export const WARNING_RULE_CODES: Readonly<Record<BudgetWarningKind, string>> = {
  month_deviation: 'budget_month_deviation',
  three_month_average: 'budget_3m_avg_deviation',
  half_year_cumulative: 'budget_half_year_cumulative',
};

const ASK_ZH = '请预算责任人提交预算调整建议或书面说明。';
const ASK_EN = 'Budget owner: propose an adjustment or explain the deviation.';

function base(rootCode: string, code: string, nameZh: string, nameEn: string, messageZh: string, messageEn: string) {
  return {
    code, version: 1, nameZh, nameEn, enabled: false, scope: { orgUnit: rootCode, includeDescendants: true }, severity: 3 as const, category: 'budget',
    labels: { evaluatedBy: 'budgets', note: 'judged on budget lines by the budget module (预算模块); stays disabled for the rule engine' },
    messageZh: `${messageZh} ${ASK_ZH}`, messageEn: `${messageEn} ${ASK_EN}`, missingData: 'skip' as const, evaluateOpenPeriod: false,
  };
}

/** The three §8 warnings as rule definitions at the root org unit (the names carry the budget line: unit · item). */
export function budgetWarningRules(rootCode: string): Readonly<Record<BudgetWarningKind, RuleDefinition>> {
  return {
    month_deviation: {
      ...base(rootCode, WARNING_RULE_CODES.month_deviation, '月度预算偏差≥50%', 'Monthly budget deviation ≥ 50%', '{{orgUnitName}} {{period}} 预算偏差率 {{value}}。', '{{orgUnitName}} {{period}}: budget deviation rate {{value}}.'),
      kind: 'target_deviation', indicator: 'budget_actual', grain: 'month', measure: 'rate', direction: 'either', bound: 0.5,
    },
    three_month_average: {
      ...base(rootCode, WARNING_RULE_CODES.three_month_average, '连续三月平均预算偏差≥20%', '3-month average budget deviation ≥ 20%', '{{orgUnitName}} 截至 {{period}} 连续三个月平均预算偏差率 {{value}}。', '{{orgUnitName}} three months to {{period}}: average budget deviation {{value}}.'),
      kind: 'window', indicator: 'budget_actual', grain: 'month', aggregate: 'avg', periods: 3, op: '>=', bound: 0.2, absolute: true,
    },
    half_year_cumulative: {
      ...base(rootCode, WARNING_RULE_CODES.half_year_cumulative, '半年累计预算偏差≥20%', 'Half-year cumulative budget deviation ≥ 20%', '{{orgUnitName}} 截至 {{period}} 半年累计预算偏差率 {{value}}。', '{{orgUnitName}} six months to {{period}}: cumulative budget deviation {{value}}.'),
      kind: 'window', indicator: 'budget_actual', grain: 'month', aggregate: 'cumulative_deviation', periods: 6, op: '>=', bound: 0.2, absolute: true,
    },
  };
}
