import type { TargetDeviationRule } from '../definition.ts';
import type { RuleOutcome, SeriesInput } from '../outcome.ts';
import { compare, gate, missingOutcome, outcomeOf, pointKey, resolveMissing } from './common.ts';

/**
 * Deviation of the value from its target or budget: rate = (value − target) / |target|, or the plain
 * difference. `direction` says which side breaches; `bound` is a magnitude (0.5 = 50%).
 */
export function evaluateTargetDeviation(rule: TargetDeviationRule, input: SeriesInput, now: Date): RuleOutcome {
  const g = gate(rule, input, now);
  if ('outcome' in g) return g.outcome;
  const key = pointKey(input, g.point);
  const detail = { values: { value: g.point.value }, baseline: { target: g.point.target ?? null } };
  const value = resolveMissing(g.point.value, rule.missingData);
  if ('kind' in value) return missingOutcome(rule, key, now, value, detail);
  const target = resolveMissing(g.point.target, rule.missingData);
  if ('kind' in target) return missingOutcome(rule, key, now, target, detail);
  const diff = value.value - target.value;
  if (rule.measure === 'rate' && target.value === 0) return outcomeOf(rule, key, now, 'skipped', 'zero_baseline', { detail });
  const deviation = rule.measure === 'rate' ? diff / Math.abs(target.value) : diff;
  return compare(rule, key, now, { value: deviation, compared: directed(deviation, rule.direction), op: '>=', bound: rule.bound, detail });
}

/** The deviation seen from the side that breaches: positive means "further in the bad direction". */
export function directed(deviation: number, direction: 'above' | 'below' | 'either' | 'rise' | 'fall'): number {
  switch (direction) {
    case 'above':
    case 'rise':
      return deviation;
    case 'below':
    case 'fall':
      return -deviation;
    case 'either':
      return Math.abs(deviation);
  }
}
