import type { EscalationPolicy } from './escalation.ts';
import type { SeverityDeadlines } from './deadlines.ts';

/**
 * A work order (协同工单) and its lifecycle states:
 *
 *   new → acknowledged → in_progress ⇄ on_hold → resolved → closed
 *
 * - `on_hold` is entered from acknowledged or in_progress with a typed reason; the time spent on
 *   hold is recorded in `pauses` and excluded from the resolution clock. `resume` returns to the
 *   state the order was held from.
 * - `resolved` requires a root cause and the action taken; the originator or the monitoring
 *   center then verifies (→ closed, outcome `verified`) or reopens.
 * - There is no separate `reopened` state: reopening (from resolved or closed) returns the order
 *   to `in_progress`, increments `reopenCount`, and restarts the resolution clock at
 *   `resolveClockStartedAt` (the acknowledgement stays done). The audit trail records
 *   `workorder.reopened`; statistics read `reopenCount`.
 * - `close` ends an order without verification (a duplicate, a false alarm) with a required
 *   note, outcome `cancelled`.
 */
export type WorkOrderState = 'new' | 'acknowledged' | 'in_progress' | 'on_hold' | 'resolved' | 'closed';
export const WORK_ORDER_STATES: readonly WorkOrderState[] = ['new', 'acknowledged', 'in_progress', 'on_hold', 'resolved', 'closed'];
export const OPEN_STATES: readonly WorkOrderState[] = ['new', 'acknowledged', 'in_progress', 'on_hold'];

/** 1 特别重大 critical, 2 重大 major, 3 较大 significant, 4 一般 minor. */
export type Severity = 1 | 2 | 3 | 4;

export type HoldReason = 'awaiting_info' | 'awaiting_vendor' | 'awaiting_approval' | 'other';
export const HOLD_REASONS: readonly HoldReason[] = ['awaiting_info', 'awaiting_vendor', 'awaiting_approval', 'other'];

export type CloseOutcome = 'verified' | 'cancelled';

/** Who acts: a user id, and whether the user acts for the monitoring center (运监中心). */
export interface WorkOrderActor {
  readonly userId: string;
  readonly center: boolean;
}

/** The actor the scheduler and the alert pipeline use for automatic changes. */
export const SYSTEM_ACTOR: WorkOrderActor = { userId: 'system', center: true };

export interface HoldPeriod {
  readonly reason: HoldReason;
  readonly note: string;
  readonly since: Date;
  readonly resumeTo: 'acknowledged' | 'in_progress';
}

/** A finished hold: excluded from the resolution clock. */
export interface PausePeriod {
  readonly start: Date;
  readonly end: Date;
  readonly reason: HoldReason;
}

export interface WorkOrderComment {
  readonly author: string;
  readonly at: Date;
  readonly text: string;
}

export interface AttachmentMeta {
  readonly id: string;
  readonly fileName: string;
  readonly contentType: string;
  readonly sizeBytes: number;
}

export interface WorkOrderAttachment extends AttachmentMeta {
  readonly uploadedBy: string;
  readonly at: Date;
}

export type WorkOrderOrigin =
  | { readonly kind: 'alert'; readonly groupKey: string }
  | { readonly kind: 'manual' };

/** A sent escalation step; `round` is the order's `reopenCount` when the step was sent. */
export interface SentEscalation {
  readonly track: 'acknowledge' | 'resolve';
  readonly index: number;
  readonly round: number;
  readonly at: Date;
}

export interface WorkOrder {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly severity: Severity;
  /** Routing category of the rule that raised it (or chosen by hand). */
  readonly category: string;
  /** Code of the org unit the order belongs to (usually a department). */
  readonly orgUnit: string;
  /** Other org units involved (alerts of the group elsewhere, collaborating departments). */
  readonly relatedOrgUnits: readonly string[];
  readonly origin: WorkOrderOrigin;
  readonly sourceAlerts: readonly string[];
  /** User who opened it, or `system` for orders opened from alerts (verified by the center). */
  readonly originator: string;
  readonly assignees: readonly string[];
  readonly watchers: readonly string[];
  readonly state: WorkOrderState;
  readonly createdAt: Date;
  readonly acknowledgedAt: Date | null;
  readonly acknowledgedBy: string | null;
  readonly resolvedAt: Date | null;
  readonly closedAt: Date | null;
  readonly closedBy: string | null;
  readonly closeOutcome: CloseOutcome | null;
  readonly closeNote: string | null;
  /** Start of the current resolution clock: `createdAt`, or the last reopening. */
  readonly resolveClockStartedAt: Date;
  readonly hold: HoldPeriod | null;
  readonly pauses: readonly PausePeriod[];
  readonly rootCause: string | null;
  readonly actionTaken: string | null;
  readonly reopenCount: number;
  readonly lastReopenedAt: Date | null;
  /** Times an alert of the group fired again after closing and reopened this order. */
  readonly recurrenceCount: number;
  /** The earlier order this one recurs, when a recurrence was linked rather than reopened. */
  readonly recurrenceOf: string | null;
  /** Set when the causing indicator has recovered and stayed recovered (for the verifier). */
  readonly indicatorRecoveredAt: Date | null;
  readonly comments: readonly WorkOrderComment[];
  readonly attachments: readonly WorkOrderAttachment[];
  /** Deadline rule and escalation policy in force when the order was created, frozen. */
  readonly sla: SeverityDeadlines;
  readonly escalationPolicy: EscalationPolicy;
  readonly escalations: readonly SentEscalation[];
}

export function isOpen(order: Pick<WorkOrder, 'state'>): boolean {
  return OPEN_STATES.includes(order.state);
}
