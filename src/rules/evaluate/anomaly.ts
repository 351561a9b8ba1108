import type { AnomalyRule } from '../definition.ts';
import type { AnomalyInput, RuleOutcome } from '../outcome.ts';
import { compare, outcomeOf, type OutcomeKey } from './common.ts';

/**
 * Anomaly (异动) against the learned baseline: breaches when the detector's score reaches `minScore`
 * and the observation lies outside the expected range on the watched side. The value is the score;
 * a recovery bound is a score the alert must fall below to resolve.
 */
export function evaluateAnomaly(rule: AnomalyRule, input: AnomalyInput, now: Date): RuleOutcome {
  const key: OutcomeKey = { orgUnit: input.orgUnit, seriesKey: input.seriesKey, periodKey: input.periodKey, periodStart: input.periodStart, closed: input.closed };
  if (!rule.enabled) return outcomeOf(rule, key, now, 'skipped', 'disabled');
  if (!input.closed && !rule.evaluateOpenPeriod) return outcomeOf(rule, key, now, 'skipped', 'open_period');
  const v = input.verdict;
  if (v === null) return outcomeOf(rule, key, now, rule.missingData === 'alert' ? 'no_data' : 'skipped', 'missing_data');
  const above = v.observed > v.expected.high;
  const below = v.observed < v.expected.low;
  const onSide = rule.direction === 'above' ? above : rule.direction === 'below' ? below : above || below;
  return compare(rule, key, now, {
    value: v.score,
    compared: onSide ? v.score : 0,
    op: '>=',
    bound: rule.minScore,
    detail: {
      values: { observed: v.observed, score: v.score, deviation: v.deviation, ...(v.z === undefined ? {} : { z: v.z }) },
      baseline: { center: v.expected.center, low: v.expected.low, high: v.expected.high },
      anomalyKind: v.kind,
    },
  });
}
