/**
 * Work orders (协同工单), the pure core of the closed loop: the order value and its state machine
 * (new → acknowledged → in_progress ⇄ on_hold → resolved → closed, reopen back to in_progress),
 * with every change returning audit/notify/escalation effects as values; deadlines per severity
 * on a working calendar or on the clock, with holds excluded; escalation schedules of missed
 * deadlines; routing to department liaisons with a duty roster and fallback to the center;
 * indicator-recovery and recurrence decisions; statistics and the weekly consultation list.
 * No I/O here: services, repositories and the scheduler build on these functions.
 */
export {
  HOLD_REASONS,
  isOpen,
  OPEN_STATES,
  SYSTEM_ACTOR,
  WORK_ORDER_STATES,
  type AttachmentMeta,
  type CloseOutcome,
  type HoldPeriod,
  type HoldReason,
  type PausePeriod,
  type SentEscalation,
  type Severity,
  type WorkOrder,
  type WorkOrderActor,
  type WorkOrderAttachment,
  type WorkOrderComment,
  type WorkOrderOrigin,
  type WorkOrderState,
} from './work-order.ts';
export { isOverdue, orderCountdowns, type DeadlineCountdown, type OrderCountdowns } from './countdown.ts';
export { openWorkOrder, type FrozenPolicies, type NewWorkOrder } from './open-work-order.ts';
export {
  ALLOWED_FROM,
  allowedCommands,
  commandsForActor,
  transitionWorkOrder,
  type TransitionOptions,
  type TransitionResult,
  type WorkOrderCommand,
  type WorkOrderCommandKind,
} from './state-machine.ts';
export type { WorkOrderValidationError } from './validation.ts';
export type { AuditDetail, EscalationTrack, WorkOrderAuditAction, WorkOrderEffect } from './effects.ts';
export { DEFAULT_ATTACHMENT_LIMITS, validateAttachment, type AttachmentCheck, type AttachmentLimits } from './attachments.ts';
export {
  addSpan,
  computeDeadlines,
  DEFAULT_DEADLINE_POLICY,
  DeadlinePolicySchema,
  parseDeadlinePolicy,
  resolveDueWithPauses,
  slaFor,
  timeOnBasis,
  type DeadlinePolicy,
  type DeadlineSpan,
  type PolicyFieldError,
  type SeverityDeadlines,
  type WorkOrderDeadlines,
} from './deadlines.ts';
export {
  DEFAULT_ESCALATION_POLICY,
  EscalationPolicySchema,
  escalationsDue,
  nextEscalation,
  parseEscalationPolicy,
  pendingEscalations,
  recordEscalations,
  type EscalationLevel,
  type EscalationPolicy,
  type EscalationStep,
  type EscalationTarget,
} from './escalation.ts';
export {
  DEFAULT_CENTER_ORG_UNIT,
  routeWorkOrder,
  type RosterEntry,
  type RoutingInput,
  type RoutingResult,
  type WorkOrderRoute,
} from './routing.ts';
export {
  decideRecurrence,
  DEFAULT_RECOVERY_CONFIG,
  evaluateIndicatorRecovery,
  markIndicatorRecovered,
  reopenForRecurrence,
  type IndicatorRecovery,
  type RecoveryConfig,
  type RecurrenceDecision,
  type SourceAlertStatus,
} from './recovery.ts';
export {
  computeWorkOrderStats,
  weeklyConsultationList,
  type ConsultationItem,
  type ConsultationReason,
  type DepartmentOf,
  type DepartmentStats,
  type StatsPeriod,
} from './statistics.ts';
