import type { RuleDefinition } from './definition.ts';
import { formatValue, renderMessage, type MessageValue } from './message.ts';
import type { RuleOutcome } from './outcome.ts';

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

/** The alert text in the requested language. */
export function renderOutcomeMessage(rule: RuleDefinition, outcome: RuleOutcome, locale: Locale, names: MessageNames = {}): string {
  return renderMessage(locale === 'zh' ? rule.messageZh : rule.messageEn, messageValues(rule, outcome, locale, names));
}

/** The parameters an alert text is rendered from, stored with it: the template's values, the rule's names in both languages. */
export type MessageParams = Readonly<Record<string, string | number | null>>;

/** An alert text as stored (template and parameters) and as rendered now in both languages (notifications, work-order titles). */
export function outcomeMessage(rule: RuleDefinition, outcome: RuleOutcome, names: MessageNames = {}): {
  zh: string; en: string; template: { zh: string; en: string }; params: MessageParams;
} {
  const params: Record<string, string | number | null> = {};
  for (const [k, v] of Object.entries(messageValues(rule, outcome, 'zh', names))) if (v !== undefined && k !== 'rule') params[k] = v;
  params.ruleZh = rule.nameZh;
  params.ruleEn = rule.nameEn;
  const template = { zh: rule.messageZh, en: rule.messageEn };
  return { zh: renderStored(template, params, 'zh'), en: renderStored(template, params, 'en'), template, params };
}

/** Renders a stored alert text in `locale`. */
export function renderStored(template: { readonly zh: string; readonly en: string }, params: MessageParams, locale: Locale): string {
  return renderMessage(locale === 'zh' ? template.zh : template.en, { ...params, rule: locale === 'zh' ? params.ruleZh : params.ruleEn });
}
