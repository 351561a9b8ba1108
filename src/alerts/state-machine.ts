import type { AlertOutcome, AlertState, AlertStatus } from './alert.ts';

/**
 * Alert lifecycle: (none) → pending → firing → resolved, driven by rule outcomes.
 * - `for`: an open period's breach must hold for `forPeriods` evaluations and `forMinutes` before it
 *   fires. A closed period's verdict is final, so it fires (or resolves) at once.
 * - Hysteresis: a firing alert stays firing until the value is on the ok side of the recovery bound
 *   and has stayed there `keepFiringMinutes` (open periods only).
 * - Dedup: breaches while firing change no state.
 * - Late data: when a closed period that was already judged changes verdict, the alert is raised
 *   (`late_data_raised`) or retracted (`late_data_retracted`).
 * Skipped and pending outcomes leave the alert as it is.
 */
export interface AlertPolicy {
  readonly forPeriods?: number;
  readonly forMinutes?: number;
  readonly hysteresis?: { readonly recoveryBound?: number; readonly keepFiringMinutes?: number };
}

export type TransitionReason = 'breach' | 'no_data' | 'for_satisfied' | 'cleared' | 'cleared_before_firing' | 'late_data_raised' | 'late_data_retracted'
  /** An incident ended because a later period started a new one (the periods between did not breach). */
  | 'gap'
  /** An incident ended because no period after its last breaching one was judged within the live horizon. */
  | 'expired';

export interface AlertTransition {
  readonly from: AlertState | 'none';
  readonly to: AlertState;
  readonly reason: TransitionReason;
  readonly at: string;
  readonly periodKey: string;
  readonly closed: boolean;
  readonly value: number | null;
  readonly bound: number | null;
  /** The values and baseline that caused the transition. */
  readonly detail: AlertOutcome['detail'];
}

export type AlertEffect =
  | { readonly type: 'notify'; readonly event: 'firing' | 'resolved' | 'retracted' }
  | { readonly type: 'recheck'; readonly at: string };

export interface AlertStep {
  readonly alert: AlertStatus | null;
  readonly transition?: AlertTransition;
  readonly effects: readonly AlertEffect[];
}

export interface StepOptions {
  /** 'late_data' when the engine re-judges a closed period because its data changed. */
  readonly trigger?: 'evaluation' | 'late_data';
}

const MINUTE = 60_000;

export function nextAlertState(prev: AlertStatus | null, outcome: AlertOutcome, rule: AlertPolicy, now: Date, options: StepOptions = {}): AlertStep {
  const at = now.toISOString();
  if (outcome.kind === 'skipped') return { alert: prev, effects: [] };
  if (outcome.kind === 'pending') return { alert: prev, effects: outcome.pendingUntil ? [{ type: 'recheck', at: outcome.pendingUntil }] : [] };
  const bad = outcome.kind === 'breach' || outcome.kind === 'no_data';
  const late = outcome.closed && (options.trigger === 'late_data' || prev?.finalized === true);
  const touched = (p: AlertStatus): AlertStatus => ({ ...p, lastValue: outcome.value, lastEvaluatedAt: at, finalized: p.finalized || outcome.closed });
  const move = (p: AlertStatus | null, to: AlertState, reason: TransitionReason, patch: Partial<AlertStatus>, effects: readonly AlertEffect[]): AlertStep => {
    const base: AlertStatus = p ? touched(p) : fresh(outcome, at);
    const alert: AlertStatus = { ...base, ...patch, state: to, stateSince: at };
    const transition: AlertTransition = {
      from: p?.state ?? 'none',
      to,
      reason,
      at,
      periodKey: outcome.periodKey,
      closed: outcome.closed,
      value: outcome.value,
      bound: outcome.bound,
      detail: outcome.detail,
    };
    return { alert, transition, effects };
  };
  const fire = (p: AlertStatus | null, reason: TransitionReason, patch: Partial<AlertStatus>) => move(p, 'firing', reason, { ...patch, clearedSince: null }, [{ type: 'notify', event: 'firing' }]);

  if (prev === null || prev.state === 'resolved') {
    if (!bad) return { alert: prev ? touched(prev) : null, effects: [] };
    const episode = { activeSince: at, breachCount: 1 };
    if (late) return fire(prev, 'late_data_raised', episode);
    if (outcome.closed || forSatisfied(rule, 1, 0)) return fire(prev, outcome.kind === 'no_data' ? 'no_data' : 'breach', episode);
    return { ...move(prev, 'pending', outcome.kind === 'no_data' ? 'no_data' : 'breach', episode, []), effects: recheck(rule, at) };
  }

  if (prev.state === 'pending') {
    if (!bad) return move(prev, 'resolved', 'cleared_before_firing', { breachCount: 0 }, []);
    const breachCount = prev.breachCount + 1;
    const held = now.getTime() - Date.parse(prev.activeSince);
    if (outcome.closed || forSatisfied(rule, breachCount, held)) return fire(prev, 'for_satisfied', { breachCount });
    return { alert: { ...touched(prev), breachCount }, effects: recheck(rule, prev.activeSince) };
  }

  // firing
  if (bad) return { alert: { ...touched(prev), breachCount: prev.breachCount + 1, clearedSince: null }, effects: [] };
  if (late) return move(prev, 'resolved', 'late_data_retracted', { breachCount: 0, clearedSince: null }, [{ type: 'notify', event: 'retracted' }]);
  const resolve = () => move(prev, 'resolved', 'cleared', { breachCount: 0, clearedSince: null }, [{ type: 'notify', event: 'resolved' }]);
  if (outcome.closed) return resolve();
  if (!outcome.recovered) return { alert: { ...touched(prev), clearedSince: null }, effects: [] };
  const clearedSince = prev.clearedSince ?? at;
  const keepMs = (rule.hysteresis?.keepFiringMinutes ?? 0) * MINUTE;
  if (now.getTime() - Date.parse(clearedSince) >= keepMs) return resolve();
  return { alert: { ...touched(prev), clearedSince }, effects: [{ type: 'recheck', at: new Date(Date.parse(clearedSince) + keepMs).toISOString() }] };
}

function fresh(outcome: AlertOutcome, at: string): AlertStatus {
  return { state: 'pending', activeSince: at, stateSince: at, breachCount: 0, clearedSince: null, finalized: outcome.closed, lastValue: outcome.value, lastEvaluatedAt: at };
}

function forSatisfied(rule: AlertPolicy, breaches: number, heldMs: number): boolean {
  return breaches >= (rule.forPeriods ?? 1) && heldMs >= (rule.forMinutes ?? 0) * MINUTE;
}

/** While pending on a duration, ask to be evaluated again when the duration is up. */
function recheck(rule: AlertPolicy, activeSince: string): readonly AlertEffect[] {
  const minutes = rule.forMinutes ?? 0;
  return minutes > 0 ? [{ type: 'recheck', at: new Date(Date.parse(activeSince) + minutes * MINUTE).toISOString() }] : [];
}
