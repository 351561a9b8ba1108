import type { CompareOp, MissingDataPolicy, RuleDefinition, SeriesRule } from '../definition.ts';
import type { OutcomeDetail, OutcomeKind, OutcomeReason, RuleOutcome, SeriesInput, SeriesPointInput } from '../outcome.ts';

/** Shared pieces of the evaluators: comparison, missing-data policy, the open-period gate. */
export function holds(value: number, op: CompareOp, bound: number): boolean {
  switch (op) {
    case '>':
      return value > bound;
    case '>=':
      return value >= bound;
    case '<':
      return value < bound;
    case '<=':
      return value <= bound;
    case '==':
      return value === bound;
    case '!=':
      return value !== bound;
  }
}

export interface OutcomeKey {
  readonly orgUnit: string;
  readonly seriesKey: string;
  readonly periodKey: string;
  readonly periodStart: string | null;
  readonly closed: boolean;
}

export function pointKey(input: SeriesInput, point: SeriesPointInput): OutcomeKey {
  return { orgUnit: input.orgUnit, seriesKey: input.seriesKey, periodKey: point.periodKey, periodStart: point.periodStart, closed: point.closed };
}

/** An outcome that is not a comparison: skipped, no data, pending. */
export function outcomeOf(
  rule: RuleDefinition,
  key: OutcomeKey,
  now: Date,
  kind: OutcomeKind,
  reason: OutcomeReason | undefined,
  extra: Partial<Pick<RuleOutcome, 'value' | 'bound' | 'pendingUntil' | 'detail'>> = {},
): RuleOutcome {
  const detail: OutcomeDetail = { ...(reason ? { reason } : {}), ...extra.detail };
  return {
    ruleCode: rule.code,
    ruleVersion: rule.version,
    ...key,
    kind,
    value: extra.value ?? null,
    bound: extra.bound ?? null,
    recovered: kind !== 'breach' && kind !== 'no_data',
    evaluatedAt: now.toISOString(),
    ...(extra.pendingUntil ? { pendingUntil: extra.pendingUntil } : {}),
    detail,
  };
}

export interface Comparison {
  /** What the message shows and history records (signed). */
  readonly value: number;
  /** What is compared with the bound (e.g. |value| for 'either'). */
  readonly compared: number;
  readonly op: CompareOp;
  readonly bound: number;
  readonly detail: OutcomeDetail;
}

/** Breach when compared op bound; `recovered` tells the state machine whether hysteresis lets it resolve. */
export function compare(rule: RuleDefinition, key: OutcomeKey, now: Date, c: Comparison): RuleOutcome {
  const breach = holds(c.compared, c.op, c.bound);
  const recovery = rule.hysteresis?.recoveryBound;
  const recovered = !breach && (recovery === undefined || !holds(c.compared, c.op, recovery));
  return {
    ruleCode: rule.code,
    ruleVersion: rule.version,
    ...key,
    kind: breach ? 'breach' : 'ok',
    value: c.value,
    bound: c.bound,
    recovered,
    evaluatedAt: now.toISOString(),
    detail: c.detail,
  };
}

export type Resolved = { readonly value: number } | { readonly kind: 'skipped' | 'no_data' };

/** Applies the missing-data policy to one value. */
export function resolveMissing(value: number | null | undefined, policy: MissingDataPolicy): Resolved {
  if (value !== null && value !== undefined && Number.isFinite(value)) return { value };
  switch (policy) {
    case 'zero':
      return { value: 0 };
    case 'skip':
      return { kind: 'skipped' };
    case 'alert':
      return { kind: 'no_data' };
  }
}

/**
 * The point a series rule judges (the last one), or the outcome that ends evaluation early: no
 * points, a disabled rule, or an open period the rule does not judge.
 */
export function gate(rule: SeriesRule, input: SeriesInput, now: Date): { readonly point: SeriesPointInput } | { readonly outcome: RuleOutcome } {
  const point = input.points.at(-1);
  if (!point) {
    const key: OutcomeKey = { orgUnit: input.orgUnit, seriesKey: input.seriesKey, periodKey: '', periodStart: null, closed: false };
    return { outcome: outcomeOf(rule, key, now, 'skipped', 'insufficient_history') };
  }
  if (!rule.enabled) return { outcome: outcomeOf(rule, pointKey(input, point), now, 'skipped', 'disabled') };
  if (!point.closed && !rule.evaluateOpenPeriod) return { outcome: outcomeOf(rule, pointKey(input, point), now, 'skipped', 'open_period') };
  return { point };
}

/** The outcome for a value the missing-data policy did not turn into a number. */
export function missingOutcome(rule: RuleDefinition, key: OutcomeKey, now: Date, r: { readonly kind: 'skipped' | 'no_data' }, detail?: OutcomeDetail): RuleOutcome {
  return outcomeOf(rule, key, now, r.kind, 'missing_data', detail ? { detail } : {});
}
