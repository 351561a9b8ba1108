import type { RuleDefinition } from './definition.ts';
import { renderMessage, type MessageValue } from './message.ts';
import type { RuleOutcome } from './outcome.ts';

export type Locale = 'zh' | 'en';

export interface MessageNames {
  readonly orgUnitName?: string;
  readonly indicatorName?: string;
}

/** The values a template may use, taken from the rule and the outcome that raised the alert. */
export function messageValues(rule: RuleDefinition, outcome: RuleOutcome, locale: Locale, names: MessageNames = {}): Readonly<Record<string, MessageValue>> {
  const baseline = outcome.detail.baseline ?? {};
  const values = outcome.detail.values ?? {};
  const firstBaseline = Object.values(baseline)[0];
  return {
    value: outcome.value,
    bound: outcome.bound,
    orgUnit: outcome.orgUnit,
    orgUnitName: names.orgUnitName ?? outcome.orgUnit,
    period: outcome.periodKey,
    indicator: names.indicatorName ?? ('indicator' in rule ? rule.indicator : undefined),
    rule: locale === 'zh' ? rule.nameZh : rule.nameEn,
    target: baseline.target,
    baseline: firstBaseline,
    expected: baseline.center,
    score: values.score,
    observed: values.observed,
    event: outcome.seriesKey.startsWith('event:') ? outcome.seriesKey.slice('event:'.length) : undefined,
    severity: rule.severity,
    source: outcome.seriesKey.startsWith('source:') ? outcome.seriesKey.slice('source:'.length) : undefined,
  };
}

/** The alert text in the requested language. */
export function renderOutcomeMessage(rule: RuleDefinition, outcome: RuleOutcome, locale: Locale, names: MessageNames = {}): string {
  return renderMessage(locale === 'zh' ? rule.messageZh : rule.messageEn, messageValues(rule, outcome, locale, names));
}
