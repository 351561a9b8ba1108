import { alertFingerprint, alertIdentity, nextAlertState, type AlertStatus } from '../alerts/index.ts';
import type { ComplianceRule, RuleDefinition } from './definition.ts';
import { evaluateAnomaly } from './evaluate/anomaly.ts';
import { evaluateCompliance, relatedEventQueries } from './evaluate/compliance.ts';
import { evaluateIndicatorHistory } from './evaluate/series.ts';
import { evaluateSourceQuality } from './evaluate/source-quality.ts';
import type { AnomalyInput, RuleOutcome, SeriesInput, SourceQualityInput } from './outcome.ts';
import { eventField, type RuleEvent } from './predicate.ts';

/**
 * Dry run: "how many times would this rule have fired last quarter?" Past data is judged period by
 * period (events in time order) and replayed through the alert state machine, so `for`, dedup and
 * hysteresis count exactly as they would have live. Only periods starting in [from, to) are counted;
 * earlier points serve as history for 环比 and windows.
 */
export interface DryRunData {
  readonly series?: readonly SeriesInput[];
  readonly anomaly?: readonly AnomalyInput[];
  readonly sourceQuality?: readonly SourceQualityInput[];
  readonly events?: readonly RuleEvent[];
}

export interface DryRunOptions {
  readonly from?: string;
  readonly to?: string;
  readonly maxExamples?: number;
}

export interface DryRunExample {
  readonly orgUnit: string;
  readonly seriesKey: string;
  readonly periodKey: string;
  readonly value: number | null;
  readonly bound: number | null;
  readonly reason: string;
}

export interface DryRunResult {
  /** Alerts that would have reached 'firing'. */
  readonly firings: number;
  /** Runs of consecutive firing periods per series (a 5-month breach is 5 firings, 1 episode). */
  readonly episodes: number;
  readonly periodsEvaluated: number;
  readonly noData: number;
  readonly skipped: number;
  /** Compliance events whose window had not elapsed at `now`. */
  readonly pending: number;
  readonly examples: readonly DryRunExample[];
}

export function dryRun(rule: RuleDefinition, data: DryRunData, now: Date, options: DryRunOptions = {}): DryRunResult {
  // A dry run asks what the rule would do if switched on.
  const enabled = { ...rule, enabled: true };
  return replay(enabled, outcomesFor(enabled, data, now), now, options);
}

function outcomesFor(rule: RuleDefinition, data: DryRunData, now: Date): readonly RuleOutcome[] {
  switch (rule.kind) {
    case 'threshold':
    case 'target_deviation':
    case 'change':
    case 'consecutive':
    case 'window':
      return (data.series ?? []).flatMap((s) => evaluateIndicatorHistory(rule, s, now));
    case 'anomaly':
      return byTime(data.anomaly ?? []).map((i) => evaluateAnomaly(rule, i, now));
    case 'source_quality':
      return byTime(data.sourceQuality ?? []).map((i) => evaluateSourceQuality(rule, i, now));
    case 'compliance':
      return complianceOutcomes(rule, data.events ?? [], now);
  }
}

function byTime<T extends { readonly periodStart: string }>(items: readonly T[]): readonly T[] {
  return [...items].sort((a, b) => Date.parse(a.periodStart) - Date.parse(b.periodStart));
}

/** Related events are looked up through an index on (type, join field, join value), not by scanning. */
function complianceOutcomes(rule: ComplianceRule, events: readonly RuleEvent[], now: Date): readonly RuleOutcome[] {
  const sorted = [...events].sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
  const index = new Map<string, RuleEvent[]>();
  const joins = new Set<string>();
  for (const e of sorted) for (const q of relatedEventQueries(rule, e)) joins.add(q.joinField);
  for (const e of sorted) {
    for (const field of joins) {
      const key = JSON.stringify([e.type, field, eventField(e, field) ?? null]);
      const list = index.get(key);
      if (list) list.push(e);
      else index.set(key, [e]);
    }
  }
  return sorted.map((e) => {
    const related = relatedEventQueries(rule, e).flatMap((q) => q.types.flatMap((t) => index.get(JSON.stringify([t, q.joinField, q.joinValue])) ?? []));
    return evaluateCompliance(rule, e, related, now);
  });
}

function inRange(o: RuleOutcome, options: DryRunOptions): boolean {
  const t = o.periodStart === null ? NaN : Date.parse(o.periodStart);
  if (options.from !== undefined && !(t >= Date.parse(options.from))) return false;
  if (options.to !== undefined && !(t < Date.parse(options.to))) return false;
  return true;
}

function replay(rule: RuleDefinition, outcomes: readonly RuleOutcome[], now: Date, options: DryRunOptions): DryRunResult {
  const maxExamples = options.maxExamples ?? 5;
  const alerts = new Map<string, AlertStatus | null>();
  const lastFiredSeries = new Map<string, boolean>();
  const examples: DryRunExample[] = [];
  let firings = 0;
  let episodes = 0;
  let periodsEvaluated = 0;
  let noData = 0;
  let skipped = 0;
  let pending = 0;
  for (const o of outcomes) {
    if (!inRange(o, options)) continue;
    periodsEvaluated += 1;
    if (o.kind === 'no_data') noData += 1;
    if (o.kind === 'skipped') skipped += 1;
    if (o.kind === 'pending') pending += 1;
    const fp = alertFingerprint(alertIdentity(o));
    const step = nextAlertState(alerts.get(fp) ?? null, o, rule, now);
    alerts.set(fp, step.alert);
    const seriesId = JSON.stringify([o.orgUnit, o.seriesKey]);
    const fired = step.transition?.to === 'firing';
    if (fired) {
      firings += 1;
      if (lastFiredSeries.get(seriesId) !== true) episodes += 1;
      if (examples.length < maxExamples) {
        examples.push({ orgUnit: o.orgUnit, seriesKey: o.seriesKey, periodKey: o.periodKey, value: o.value, bound: o.bound, reason: step.transition?.reason ?? 'breach' });
      }
    }
    if (o.kind !== 'skipped' && o.kind !== 'pending') lastFiredSeries.set(seriesId, fired || step.alert?.state === 'firing');
  }
  return { firings, episodes, periodsEvaluated, noData, skipped, pending, examples };
}
