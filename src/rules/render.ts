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

/** The parameters an alert text is rendered from, stored with it. */
export type MessageParams = Readonly<Record<string, string | number | null>>;

/**
 * The unit of the judged value and its bound: the indicator's own for rules that compare the
 * indicator itself; 'ratio' (shown as a percentage) for relative deviations and changes, shares
 * and rates of sources; minutes for a source's silence; none for anomaly scores and events.
 */
export function valueUnitOf(rule: RuleDefinition, indicatorUnit: string): string {
  switch (rule.kind) {
    case 'threshold':
    case 'consecutive':
      return indicatorUnit;
    case 'window':
      return rule.aggregate === 'cumulative_deviation' ? 'ratio' : indicatorUnit;
    case 'target_deviation':
    case 'change':
      return rule.measure === 'rate' ? 'ratio' : indicatorUnit;
    case 'source_quality':
      return rule.metric === 'silent_minutes' ? 'minutes' : 'ratio';
    case 'anomaly':
    case 'compliance':
      return '';
  }
}

/**
 * An alert text as stored (template and parameters) and as rendered now in both languages
 * (notifications, work-order titles). The parameters keep the quantities raw, with their units,
 * and the rule's names in both languages; a source's silence is kept as the instant it began, so
 * its duration is computed when the text is read.
 */
export function outcomeMessage(rule: RuleDefinition, outcome: RuleOutcome, names: MessageNames & { readonly unit?: string } = {}, now?: Date): {
  zh: string; en: string; template: { zh: string; en: string }; params: MessageParams;
} {
  const params: Record<string, string | number | null> = {};
  for (const [k, v] of Object.entries(messageValues(rule, outcome, 'zh', names))) if (v !== undefined && k !== 'rule') params[k] = v;
  const values = outcome.detail.values ?? {};
  if (params.observed === undefined && rule.kind !== 'anomaly' && typeof values.value === 'number') params.observed = values.value;
  params.ruleZh = rule.nameZh;
  params.ruleEn = rule.nameEn;
  params.unit = names.unit ?? '';
  params.valueUnit = valueUnitOf(rule, names.unit ?? '');
  if (rule.kind === 'source_quality' && rule.metric === 'silent_minutes' && outcome.value !== null) {
    params.silentSince = new Date(Date.parse(outcome.evaluatedAt) - outcome.value * 60_000).toISOString();
  }
  const template = rule.kind === 'compliance' && outcome.seriesKey === CASES_SERIES_KEY ? { ...CASES_MESSAGE } : { zh: rule.messageZh, en: rule.messageEn };
  const at = now ?? new Date(outcome.evaluatedAt);
  return { zh: renderStored(template, params, 'zh', at), en: renderStored(template, params, 'en', at), template, params };
}

const QUANTITY_IN_VALUE_UNIT = ['value', 'bound'];
const QUANTITY_IN_INDICATOR_UNIT = ['observed', 'target', 'baseline', 'expected'];

/** A quantity with its unit in `locale`: 61.9%, 132.7% for a ratio of 1.327, 12 分钟 / 12 min, 3 visits (3 in Chinese). */
export function formatQuantity(v: string | number | null | undefined, unit: string, locale: Locale): string {
  if (typeof v !== 'number') return formatValue(v);
  switch (unit) {
    case '':
    case 'score':
      return formatValue(v);
    case '%':
      return `${formatValue(v)}%`;
    case 'ratio':
      return `${formatValue(v * 100)}%`;
    case 'minutes':
      return locale === 'zh' ? `${formatValue(v)} 分钟` : `${formatValue(v)} min`;
    case 'seconds':
      return locale === 'zh' ? `${formatValue(v)} 秒` : `${formatValue(v)} s`;
    case 'days':
      return locale === 'zh' ? `${formatValue(v)} 天` : `${formatValue(v)} d`;
    default:
      // Indicator units are English words (visits, orders, CNY): Chinese texts name the quantity in their own words.
      return locale === 'zh' ? formatValue(v) : `${formatValue(v)} ${unit}`;
  }
}

/** A duration in words: "2 h 15 min" / "2 小时 15 分钟"; under a minute "< 1 min" / "不到 1 分钟". */
export function formatDuration(ms: number, locale: Locale): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return locale === 'zh' ? '不到 1 分钟' : '< 1 min';
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const parts = locale === 'zh'
    ? [d > 0 ? `${String(d)} 天` : '', h > 0 ? `${String(h)} 小时` : '', m > 0 && d === 0 ? `${String(m)} 分钟` : '']
    : [d > 0 ? `${String(d)} d` : '', h > 0 ? `${String(h)} h` : '', m > 0 && d === 0 ? `${String(m)} min` : ''];
  return parts.filter((x) => x !== '').join(' ');
}

/**
 * Renders a stored alert text in `locale` at `now` (the moment it is read, or the moment the alert
 * ended): quantities with their units, the rule's name in that language, durations computed now.
 */
export function renderStored(template: { readonly zh: string; readonly en: string }, params: MessageParams, locale: Locale, now: Date): string {
  const unit = typeof params.unit === 'string' ? params.unit : '';
  const valueUnit = typeof params.valueUnit === 'string' ? params.valueUnit : unit;
  const values: Record<string, MessageValue> = { ...params, rule: locale === 'zh' ? params.ruleZh : params.ruleEn };
  for (const k of QUANTITY_IN_VALUE_UNIT) values[k] = formatQuantity(params[k], valueUnit, locale);
  for (const k of QUANTITY_IN_INDICATOR_UNIT) values[k] = formatQuantity(params[k], unit, locale);
  if (typeof params.silentSince === 'string') {
    const duration = formatDuration(now.getTime() - Date.parse(params.silentSince), locale);
    values.silentFor = duration;
  }
  return renderMessage(locale === 'zh' ? template.zh : template.en, values);
}
