import type { ChangeRule, ConsecutiveRule, TargetDeviationRule, ThresholdRule, WindowRule } from '../definition.ts';
import type { RuleOutcome, SeriesInput } from '../outcome.ts';
import { evaluateChange } from './change.ts';
import { evaluateConsecutive } from './consecutive.ts';
import { evaluateTargetDeviation } from './target-deviation.ts';
import { evaluateThreshold } from './threshold.ts';
import { evaluateWindow } from './window.ts';

/** Rules judged on an indicator series alone. */
export type IndicatorRule = ThresholdRule | TargetDeviationRule | ChangeRule | ConsecutiveRule | WindowRule;

/** Judges the last point of `input` (earlier points are history for 环比, runs and windows). */
export function evaluateIndicatorRule(rule: IndicatorRule, input: SeriesInput, now: Date): RuleOutcome {
  switch (rule.kind) {
    case 'threshold':
      return evaluateThreshold(rule, input, now);
    case 'target_deviation':
      return evaluateTargetDeviation(rule, input, now);
    case 'change':
      return evaluateChange(rule, input, now);
    case 'consecutive':
      return evaluateConsecutive(rule, input, now);
    case 'window':
      return evaluateWindow(rule, input, now);
  }
}

/**
 * One outcome per point, each judged with the points before it as history: for dry runs and for
 * re-judging closed periods after late data. Points are sorted by period start first.
 */
export function evaluateIndicatorHistory(rule: IndicatorRule, input: SeriesInput, now: Date): readonly RuleOutcome[] {
  const points = [...input.points].sort((a, b) => Date.parse(a.periodStart) - Date.parse(b.periodStart));
  return points.map((_p, i) => evaluateIndicatorRule(rule, { ...input, points: points.slice(0, i + 1) }, now));
}
