import type { SourceQualityRule } from '../definition.ts';
import type { RuleOutcome, SourceQualityInput } from '../outcome.ts';
import { compare, missingOutcome, outcomeOf, resolveMissing, type OutcomeKey } from './common.ts';
import { timeOf } from '../predicate.ts';

/** The series key of a source's quality alerts; inhibition recognises a silent source by it. */
export function sourceSeriesKey(sourceId: string): string {
  return `source:${sourceId}`;
}

/**
 * Data quality of one source (§6, §11): minutes since its last record at `now`, success rate
 * (accepted / received), share failing validation (invalid / received), on-time rate (onTime /
 * received). A period with nothing received has no rate: the missing-data policy decides.
 */
export function evaluateSourceQuality(rule: SourceQualityRule, input: SourceQualityInput, now: Date): RuleOutcome {
  const key: OutcomeKey = {
    orgUnit: input.orgUnit,
    seriesKey: sourceSeriesKey(input.sourceId),
    periodKey: input.periodKey,
    periodStart: input.periodStart,
    closed: input.closed,
  };
  if (!rule.enabled) return outcomeOf(rule, key, now, 'skipped', 'disabled');
  if (rule.sources && !rule.sources.includes(input.sourceId)) return outcomeOf(rule, key, now, 'skipped', 'not_applicable');
  if (!input.closed && !rule.evaluateOpenPeriod) return outcomeOf(rule, key, now, 'skipped', 'open_period');
  const values = { received: input.received, accepted: input.accepted, invalid: input.invalid, onTime: input.onTime };
  const measured = measure(rule.metric, input, now);
  const r = resolveMissing(measured, rule.missingData);
  if ('kind' in r) return missingOutcome(rule, key, now, r, { values });
  return compare(rule, key, now, { value: r.value, compared: r.value, op: rule.op, bound: rule.bound, detail: { values: { ...values, [rule.metric]: measured } } });
}

function measure(metric: SourceQualityRule['metric'], input: SourceQualityInput, now: Date): number | null {
  const ratio = (part: number) => (input.received > 0 ? part / input.received : null);
  switch (metric) {
    case 'silent_minutes': {
      // Silent since the last record, or since registration for a source that has sent nothing yet
      // (a new source is not silent from before it existed).
      const times = [timeOf(input.lastReceivedAt), timeOf(input.registeredAt ?? null)].filter((t): t is number => t !== null);
      return times.length === 0 ? null : Math.max(0, (now.getTime() - Math.max(...times)) / 60_000);
    }
    case 'success_rate':
      return ratio(input.accepted);
    case 'invalid_share':
      return ratio(input.invalid);
    case 'on_time_rate':
      return ratio(input.onTime);
  }
}
