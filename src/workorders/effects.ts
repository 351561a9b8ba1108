import type { EscalationTarget } from './escalation.ts';
import type { WorkOrder, WorkOrderActor, WorkOrderState } from './work-order.ts';

/**
 * What a work-order change asks the shell to do, as values: the service writes the audit entries
 * in the same transaction as the order, hands notifications to the notification pipeline, and
 * tells the scheduler which escalation tracks stop or restart.
 */
export type WorkOrderAuditAction =
  | 'workorder.created'
  | 'workorder.acknowledged'
  | 'workorder.started'
  | 'workorder.held'
  | 'workorder.resumed'
  | 'workorder.resolved'
  | 'workorder.verified'
  | 'workorder.closed'
  | 'workorder.reopened'
  | 'workorder.assigned'
  | 'workorder.watchersChanged'
  | 'workorder.commented'
  | 'workorder.attachmentAdded'
  | 'workorder.alertAttached'
  | 'workorder.escalated'
  | 'workorder.indicatorRecovered'
  | 'workorder.indicatorRecoveryCleared';

export type AuditDetail = string | number | boolean | null | readonly string[];

export type EscalationTrack = 'acknowledge' | 'resolve';

export type WorkOrderEffect =
  | {
      readonly kind: 'audit';
      readonly action: WorkOrderAuditAction;
      readonly orderId: string;
      readonly actor: string;
      readonly at: Date;
      readonly from: WorkOrderState;
      readonly to: WorkOrderState;
      readonly details: Readonly<Record<string, AuditDetail>>;
    }
  | { readonly kind: 'notify'; readonly orderId: string; readonly event: WorkOrderAuditAction; readonly recipients: readonly string[] }
  | { readonly kind: 'stop_escalation'; readonly orderId: string; readonly track: EscalationTrack }
  | { readonly kind: 'restart_escalation'; readonly orderId: string; readonly track: EscalationTrack }
  | {
      /** Notify whoever holds `target` for the order's org unit (the service resolves the people). */
      readonly kind: 'escalate';
      readonly orderId: string;
      readonly orgUnit: string;
      readonly track: EscalationTrack;
      readonly target: EscalationTarget;
      readonly level: number;
      readonly repeat: number;
    };

export function auditEffect(
  order: Pick<WorkOrder, 'id'>,
  action: WorkOrderAuditAction,
  actor: WorkOrderActor,
  at: Date,
  from: WorkOrderState,
  to: WorkOrderState,
  details: Readonly<Record<string, AuditDetail>> = {},
): WorkOrderEffect {
  return { kind: 'audit', action, orderId: order.id, actor: actor.userId, at, from, to, details };
}

/** A notification to the order's people, never to the actor themself nor to `system`. */
export function notifyEffects(
  order: Pick<WorkOrder, 'id' | 'assignees' | 'watchers' | 'originator'>,
  event: WorkOrderAuditAction,
  actor: WorkOrderActor,
  who: readonly ('assignees' | 'watchers' | 'originator')[],
): WorkOrderEffect[] {
  const recipients = new Set<string>();
  for (const group of who) {
    const ids = group === 'originator' ? [order.originator] : order[group];
    for (const id of ids) recipients.add(id);
  }
  recipients.delete(actor.userId);
  recipients.delete('system');
  return recipients.size === 0 ? [] : [{ kind: 'notify', orderId: order.id, event, recipients: [...recipients].sort() }];
}
