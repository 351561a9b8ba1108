import type { ChangeRule } from '../definition.ts';
import type { RuleOutcome, SeriesInput } from '../outcome.ts';
import { compare, gate, missingOutcome, outcomeOf, pointKey, resolveMissing } from './common.ts';
import { directed } from './target-deviation.ts';

/**
 * Change versus the previous period (环比) or the same period a year ago (同比). The base is the
 * point's `previous`/`yearAgo` when given, else (环比 only) the value of the point before it.
 */
export function evaluateChange(rule: ChangeRule, input: SeriesInput, now: Date): RuleOutcome {
  const g = gate(rule, input, now);
  if ('outcome' in g) return g.outcome;
  const key = pointKey(input, g.point);
  const baseRaw = rule.compareTo === 'previous' ? (g.point.previous ?? input.points.at(-2)?.value ?? null) : (g.point.yearAgo ?? null);
  const baseName = rule.compareTo === 'previous' ? 'previous' : 'yearAgo';
  const detail = { values: { value: g.point.value }, baseline: { [baseName]: baseRaw } };
  const value = resolveMissing(g.point.value, rule.missingData);
  if ('kind' in value) return missingOutcome(rule, key, now, value, detail);
  const base = resolveMissing(baseRaw, rule.missingData);
  if ('kind' in base) return missingOutcome(rule, key, now, base, detail);
  if (rule.measure === 'rate' && base.value === 0) return outcomeOf(rule, key, now, 'skipped', 'zero_baseline', { detail });
  const diff = value.value - base.value;
  const change = rule.measure === 'rate' ? diff / Math.abs(base.value) : diff;
  return compare(rule, key, now, { value: change, compared: directed(change, rule.direction), op: '>=', bound: rule.bound, detail });
}
