import type { ThresholdRule } from '../definition.ts';
import type { RuleOutcome, SeriesInput } from '../outcome.ts';
import { compare, gate, missingOutcome, pointKey, resolveMissing } from './common.ts';

/** value op bound on the last point (|value| when `absolute`). */
export function evaluateThreshold(rule: ThresholdRule, input: SeriesInput, now: Date): RuleOutcome {
  const g = gate(rule, input, now);
  if ('outcome' in g) return g.outcome;
  const key = pointKey(input, g.point);
  const r = resolveMissing(g.point.value, rule.missingData);
  if ('kind' in r) return missingOutcome(rule, key, now, r);
  const compared = rule.absolute ? Math.abs(r.value) : r.value;
  return compare(rule, key, now, { value: r.value, compared, op: rule.op, bound: rule.bound, detail: { values: { value: g.point.value } } });
}
