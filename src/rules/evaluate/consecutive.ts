import type { ConsecutiveRule } from '../definition.ts';
import type { RuleOutcome, SeriesInput } from '../outcome.ts';
import { compare, gate, holds, missingOutcome, outcomeOf, pointKey, resolveMissing } from './common.ts';

/**
 * The condition held for `periods` consecutive periods ending at the last point. The outcome's value
 * is the number of trailing periods that hold; it breaches when that count reaches `periods`. A
 * missing value in the run follows the policy: zero counts as 0, skip skips the judgement, alert
 * reports no data.
 */
export function evaluateConsecutive(rule: ConsecutiveRule, input: SeriesInput, now: Date): RuleOutcome {
  const g = gate(rule, input, now);
  if ('outcome' in g) return g.outcome;
  const key = pointKey(input, g.point);
  const run = input.points.slice(-rule.periods);
  const values = Object.fromEntries(run.map((p) => [p.periodKey, p.value]));
  if (run.length < rule.periods) return outcomeOf(rule, key, now, 'skipped', 'insufficient_history', { detail: { values } });
  let held = 0;
  for (const p of [...run].reverse()) {
    const r = resolveMissing(p.value, rule.missingData);
    if ('kind' in r) return missingOutcome(rule, key, now, r, { values });
    if (!holds(rule.absolute ? Math.abs(r.value) : r.value, rule.op, rule.bound)) break;
    held += 1;
  }
  // Hysteresis on a run is expressed in periods: recovered when the last point no longer holds.
  const outcome = compare({ ...rule, hysteresis: undefined }, key, now, {
    value: held,
    compared: held,
    op: '>=',
    bound: rule.periods,
    detail: { values, baseline: { bound: rule.bound } },
  });
  return outcome.kind === 'ok' ? { ...outcome, recovered: lastRecovered(rule, g.point.value) } : outcome;
}

function lastRecovered(rule: ConsecutiveRule, value: number | null): boolean {
  const recovery = rule.hysteresis?.recoveryBound;
  if (recovery === undefined || value === null) return true;
  return !holds(rule.absolute ? Math.abs(value) : value, rule.op, recovery);
}
