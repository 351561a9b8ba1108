import { auditEffect, notifyEffects, type WorkOrderEffect } from './effects.ts';
import { transitionWorkOrder, type TransitionResult } from './state-machine.ts';
import { SYSTEM_ACTOR, type WorkOrder } from './work-order.ts';

/**
 * Closing the loop on the indicator. (1) When every alert behind an open or resolved order has
 * resolved and stayed resolved for `stablePeriods` evaluation periods, the order is marked
 * "indicator recovered" so the verifier can close it with evidence. (2) When an alert of the
 * order's group fires again: an order that is not closed takes the alert (and loses its
 * recovered mark); a closed order reopens if the alert fires within `reopenWindowMs` of closing
 * (or a new order linked to it is opened, when configured or after `maxReopens`); otherwise a
 * fresh order is opened.
 */
export interface RecoveryConfig {
  readonly stablePeriods: number;
  readonly reopenWindowMs: number;
  readonly onRecurrence: 'reopen' | 'link';
  readonly maxReopens: number;
}

export const DEFAULT_RECOVERY_CONFIG: RecoveryConfig = {
  stablePeriods: 2,
  reopenWindowMs: 7 * 24 * 3_600_000,
  onRecurrence: 'reopen',
  maxReopens: 3,
};

/** What the alerts module reports about one source alert. */
export interface SourceAlertStatus {
  readonly id: string;
  readonly state: 'firing' | 'resolved';
  readonly resolvedAt: Date | null;
  /** The rule's evaluation period (a day for a daily indicator). */
  readonly periodMs: number;
}

export type IndicatorRecovery =
  | { readonly recovered: true; readonly at: Date }
  | { readonly recovered: false; readonly reason: 'not_applicable' | 'no_alerts' | 'still_firing' }
  | { readonly recovered: false; readonly reason: 'not_yet_stable'; readonly stableAt: Date };

export function evaluateIndicatorRecovery(
  order: Pick<WorkOrder, 'state' | 'sourceAlerts' | 'indicatorRecoveredAt'>,
  alerts: readonly SourceAlertStatus[],
  config: Pick<RecoveryConfig, 'stablePeriods'>,
  now: Date,
): IndicatorRecovery {
  if (order.state === 'closed' || order.indicatorRecoveredAt !== null) return { recovered: false, reason: 'not_applicable' };
  const mine = alerts.filter((a) => order.sourceAlerts.includes(a.id));
  if (mine.length === 0) return { recovered: false, reason: 'no_alerts' };
  let stableAt = 0;
  for (const alert of mine) {
    if (alert.state === 'firing' || alert.resolvedAt === null) return { recovered: false, reason: 'still_firing' };
    stableAt = Math.max(stableAt, alert.resolvedAt.getTime() + config.stablePeriods * alert.periodMs);
  }
  return stableAt <= now.getTime() ? { recovered: true, at: new Date(stableAt) } : { recovered: false, reason: 'not_yet_stable', stableAt: new Date(stableAt) };
}

/** Marks the order; the verifier (originator, watchers) is told. */
export function markIndicatorRecovered(order: WorkOrder, at: Date, now: Date): { readonly order: WorkOrder; readonly effects: readonly WorkOrderEffect[] } {
  const next: WorkOrder = { ...order, indicatorRecoveredAt: at };
  return {
    order: next,
    effects: [
      auditEffect(order, 'workorder.indicatorRecovered', SYSTEM_ACTOR, now, order.state, order.state, { recoveredAt: at.toISOString() }),
      ...notifyEffects(order, 'workorder.indicatorRecovered', SYSTEM_ACTOR, ['originator', 'watchers']),
    ],
  };
}

export type RecurrenceDecision =
  | { readonly action: 'create' }
  | { readonly action: 'attach'; readonly orderId: string }
  | { readonly action: 'reopen'; readonly orderId: string }
  | { readonly action: 'link'; readonly previousOrderId: string };

/** What to do with an alert of a group, given the group's latest order (or none). */
export function decideRecurrence(
  latest: Pick<WorkOrder, 'id' | 'state' | 'closedAt' | 'reopenCount'> | null,
  firedAt: Date,
  config: Pick<RecoveryConfig, 'reopenWindowMs' | 'onRecurrence' | 'maxReopens'>,
): RecurrenceDecision {
  if (latest === null) return { action: 'create' };
  if (latest.state !== 'closed') return { action: 'attach', orderId: latest.id };
  const closedAt = latest.closedAt?.getTime() ?? Number.NEGATIVE_INFINITY;
  if (firedAt.getTime() - closedAt > config.reopenWindowMs) return { action: 'create' };
  if (config.onRecurrence === 'link' || latest.reopenCount >= config.maxReopens) return { action: 'link', previousOrderId: latest.id };
  return { action: 'reopen', orderId: latest.id };
}

/** Reopens a closed order for a recurring alert (system actor), attaching the alert. */
export function reopenForRecurrence(order: WorkOrder, alertId: string, orgUnit: string | undefined, now: Date): TransitionResult {
  const reopened = transitionWorkOrder(order, { kind: 'reopen', reason: `recurrence: alert ${alertId} fired again` }, SYSTEM_ACTOR, now);
  if (!reopened.ok) return reopened;
  const counted: WorkOrder = { ...reopened.order, recurrenceCount: reopened.order.recurrenceCount + 1 };
  const attached = transitionWorkOrder(counted, { kind: 'attach_alert', alertId, ...(orgUnit === undefined ? {} : { orgUnit }) }, SYSTEM_ACTOR, now);
  if (!attached.ok) return attached;
  return { ok: true, order: attached.order, effects: [...reopened.effects, ...attached.effects] };
}
