import type { RuleDefinition } from './definition.ts';
import { formatValue, renderMessage, type MessageValue } from './message.ts';
import type { RuleOutcome } from './outcome.ts';
import { CASES_SERIES_KEY } from './evaluate/compliance.ts';

export type Locale = 'zh' | 'en';

export interface MessageNames {
  readonly orgUnitName?: string;
  readonly indicatorName?: string;
}

const KIND_LABELS: Readonly<Record<string, { zh: string; en: string }>> = {
  spike: { zh: '突增', en: 'spike' },
  dip: { zh: '骤降', en: 'dip' },
  level_shift: { zh: '水平突变', en: 'level shift' },
  trend_change: { zh: '趋势改变', en: 'trend change' },
};

/** Why an anomaly was raised: the kind of deviation and its size in robust standard deviations. */
function anomalyWhy(outcome: RuleOutcome, locale: Locale): string | undefined {
  const kind = outcome.detail.anomalyKind;
  if (kind === undefined) return undefined;
  const label = KIND_LABELS[kind]?.[locale] ?? kind;
  const z = outcome.detail.values?.['z'];
  if (typeof z !== 'number') return label;
  const side = z >= 0 ? (locale === 'zh' ? '高于' : 'above') : (locale === 'zh' ? '低于' : 'below');
  return locale === 'zh' ? `${label}，${side}基线 ${formatValue(Math.abs(z))} 个稳健标准差` : `${label}, ${formatValue(Math.abs(z))} robust SD ${side} the baseline`;
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
    expectedRange: baseline.low !== undefined && baseline.high !== undefined ? `${formatValue(baseline.low)}–${formatValue(baseline.high)}` : undefined,
    why: anomalyWhy(outcome, locale),
    score: values.score,
    observed: values.observed,
    event: outcome.seriesKey.startsWith('event:') ? outcome.seriesKey.slice('event:'.length) : undefined,
    severity: rule.severity,
    source: outcome.seriesKey.startsWith('source:') ? outcome.seriesKey.slice('source:'.length) : undefined,
  };
}

/**
 * The text of a compliance rule's window alert: the rule's own template speaks of one event, the
 * alert of the cases of a unit in a window.
 */
const CASES_MESSAGE: Readonly<Record<Locale, string>> = {
  zh: '{{orgUnitName}} {{period}} {{rule}}：违规案例 {{value}} 例',
  en: '{{orgUnitName}} {{period}}: {{value}} case(s) of {{rule}}',
};

/** The alert text in the requested language. */
export function renderOutcomeMessage(rule: RuleDefinition, outcome: RuleOutcome, locale: Locale, names: MessageNames = {}): string {
  if (rule.kind === 'compliance' && outcome.seriesKey === CASES_SERIES_KEY) return renderMessage(CASES_MESSAGE[locale], messageValues(rule, outcome, locale, names));
  return renderMessage(locale === 'zh' ? rule.messageZh : rule.messageEn, messageValues(rule, outcome, locale, names));
}
