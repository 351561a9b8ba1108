import type { SeverityDeadlines } from './deadlines.ts';
import { auditEffect, notifyEffects, type WorkOrderEffect } from './effects.ts';
import type { EscalationPolicy } from './escalation.ts';
import { checkIds, checkText, TEXT_MAX, TITLE_MAX, validationError, type WorkOrderValidationError } from './validation.ts';
import type { Severity, WorkOrder, WorkOrderActor, WorkOrderOrigin } from './work-order.ts';

export interface NewWorkOrder {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly severity: Severity;
  readonly category: string;
  readonly orgUnit: string;
  readonly relatedOrgUnits?: readonly string[];
  readonly origin: WorkOrderOrigin;
  readonly sourceAlerts?: readonly string[];
  /** Usually from `routeWorkOrder`. */
  readonly assignees: readonly string[];
  readonly watchers?: readonly string[];
  /** Set when this order is a linked recurrence of an earlier one (see `decideRecurrence`). */
  readonly recurrenceOf?: string;
}

/** The rules in force when the order is opened; frozen on it (`slaFor(policy, severity)`). */
export interface FrozenPolicies {
  readonly sla: SeverityDeadlines;
  readonly escalationPolicy: EscalationPolicy;
}

function checkInput(input: NewWorkOrder): WorkOrderValidationError | null {
  if (![1, 2, 3, 4].includes(input.severity)) return validationError('severity', 'severity must be 1, 2, 3 or 4');
  return (
    checkText('title', input.title, TITLE_MAX) ??
    (input.description.length > TEXT_MAX ? validationError('description', `description must be at most ${TEXT_MAX} characters`) : null) ??
    checkText('category', input.category, 100) ??
    checkText('orgUnit', input.orgUnit, 100) ??
    checkIds('assignees', input.assignees, 1) ??
    checkIds('watchers', input.watchers ?? [], 0) ??
    checkIds('sourceAlerts', input.sourceAlerts ?? [], input.origin.kind === 'alert' ? 1 : 0)
  );
}

/**
 * A new work order in state `new`, by hand (the actor is the originator) or from an alert group
 * (actor `SYSTEM_ACTOR`: the center verifies). The resolution clock starts now.
 */
export function openWorkOrder(
  input: NewWorkOrder,
  frozen: FrozenPolicies,
  actor: WorkOrderActor,
  now: Date,
): { readonly ok: true; readonly order: WorkOrder; readonly effects: readonly WorkOrderEffect[] } | WorkOrderValidationError {
  const bad = checkInput(input);
  if (bad) return bad;
  const order: WorkOrder = {
    id: input.id,
    title: input.title.trim(),
    description: input.description,
    severity: input.severity,
    category: input.category,
    orgUnit: input.orgUnit,
    relatedOrgUnits: (input.relatedOrgUnits ?? []).filter((u) => u !== input.orgUnit),
    origin: input.origin,
    sourceAlerts: input.sourceAlerts ?? [],
    originator: actor.userId,
    assignees: input.assignees,
    watchers: input.watchers ?? [],
    state: 'new',
    createdAt: now,
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    closedAt: null,
    closedBy: null,
    closeOutcome: null,
    closeNote: null,
    resolveClockStartedAt: now,
    hold: null,
    pauses: [],
    rootCause: null,
    actionTaken: null,
    reopenCount: 0,
    lastReopenedAt: null,
    recurrenceCount: 0,
    recurrenceOf: input.recurrenceOf ?? null,
    indicatorRecoveredAt: null,
    comments: [],
    attachments: [],
    sla: frozen.sla,
    escalationPolicy: frozen.escalationPolicy,
    escalations: [],
  };
  const audit = auditEffect(order, 'workorder.created', actor, now, 'new', 'new', {
    severity: order.severity,
    orgUnit: order.orgUnit,
    origin: order.origin.kind,
    assignees: order.assignees,
    recurrenceOf: order.recurrenceOf,
  });
  return { ok: true, order, effects: [audit, ...notifyEffects(order, 'workorder.created', actor, ['assignees', 'watchers'])] };
}
