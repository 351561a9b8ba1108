import type { WindowRule } from '../definition.ts';
import type { RuleOutcome, SeriesInput, SeriesPointInput } from '../outcome.ts';
import { compare, gate, missingOutcome, outcomeOf, pointKey, resolveMissing } from './common.ts';

/**
 * An aggregate over the last `periods` periods (rolling window ending at the last point): avg, sum,
 * min, max of the values, or the cumulative deviation (Σvalue − Σtarget) / |Σtarget| — the §8 budget
 * warning "half-year cumulative deviation ≥ 20%". Under the skip policy missing points are left out.
 */
export function evaluateWindow(rule: WindowRule, input: SeriesInput, now: Date): RuleOutcome {
  const g = gate(rule, input, now);
  if ('outcome' in g) return g.outcome;
  const key = pointKey(input, g.point);
  const members = input.points.slice(-rule.periods);
  const values = Object.fromEntries(members.map((p) => [p.periodKey, p.value]));
  if (members.length < rule.periods) return outcomeOf(rule, key, now, 'skipped', 'insufficient_history', { detail: { values } });
  const pairs = resolvePairs(rule, members);
  if ('kind' in pairs) return missingOutcome(rule, key, now, pairs, { values });
  if (pairs.length === 0) return outcomeOf(rule, key, now, 'skipped', 'missing_data', { detail: { values } });
  const agg = aggregate(rule.aggregate, pairs);
  if (agg === null) return outcomeOf(rule, key, now, 'skipped', 'zero_baseline', { detail: { values } });
  const baseline = rule.aggregate === 'cumulative_deviation' ? { targetSum: pairs.reduce((s, p) => s + p.target, 0) } : undefined;
  return compare(rule, key, now, {
    value: agg,
    compared: rule.absolute ? Math.abs(agg) : agg,
    op: rule.op,
    bound: rule.bound,
    detail: { values, ...(baseline ? { baseline } : {}) },
  });
}

interface Pair {
  readonly value: number;
  readonly target: number;
}

function resolvePairs(rule: WindowRule, members: readonly SeriesPointInput[]): readonly Pair[] | { readonly kind: 'no_data' } {
  const out: Pair[] = [];
  const needsTarget = rule.aggregate === 'cumulative_deviation';
  for (const p of members) {
    const v = resolveMissing(p.value, rule.missingData);
    const t = needsTarget ? resolveMissing(p.target, rule.missingData) : { value: 0 };
    if ('kind' in v || 'kind' in t) {
      if (rule.missingData === 'alert') return { kind: 'no_data' };
      continue;
    }
    out.push({ value: v.value, target: t.value });
  }
  return out;
}

function aggregate(kind: WindowRule['aggregate'], pairs: readonly Pair[]): number | null {
  const values = pairs.map((p) => p.value);
  const sum = values.reduce((s, v) => s + v, 0);
  switch (kind) {
    case 'avg':
      return sum / values.length;
    case 'sum':
      return sum;
    case 'min':
      return Math.min(...values);
    case 'max':
      return Math.max(...values);
    case 'cumulative_deviation': {
      const target = pairs.reduce((s, p) => s + p.target, 0);
      return target === 0 ? null : (sum - target) / Math.abs(target);
    }
  }
}
