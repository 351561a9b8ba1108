import { DEFAULT_ATTACHMENT_LIMITS, validateAttachment, type AttachmentLimits } from './attachments.ts';
import { auditEffect, notifyEffects, type WorkOrderAuditAction, type WorkOrderEffect } from './effects.ts';
import { checkIds, checkText, TEXT_MAX, validationError, type WorkOrderValidationError } from './validation.ts';
import {
  HOLD_REASONS,
  OPEN_STATES,
  WORK_ORDER_STATES,
  type AttachmentMeta,
  type HoldReason,
  type WorkOrder,
  type WorkOrderActor,
  type WorkOrderState,
} from './work-order.ts';

/** What a person (or the system) asks of a work order. */
export type WorkOrderCommand =
  | { readonly kind: 'acknowledge' }
  | { readonly kind: 'start' }
  | { readonly kind: 'hold'; readonly reason: HoldReason; readonly note: string }
  | { readonly kind: 'resume' }
  | { readonly kind: 'resolve'; readonly rootCause: string; readonly actionTaken: string }
  | { readonly kind: 'verify'; readonly note?: string }
  | { readonly kind: 'close'; readonly note: string }
  | { readonly kind: 'reopen'; readonly reason: string }
  | { readonly kind: 'assign'; readonly assignees: readonly string[] }
  | { readonly kind: 'watch'; readonly userId: string; readonly watching: boolean }
  | { readonly kind: 'comment'; readonly text: string }
  | { readonly kind: 'attach'; readonly attachment: AttachmentMeta }
  | { readonly kind: 'attach_alert'; readonly alertId: string; readonly orgUnit?: string };

export type WorkOrderCommandKind = WorkOrderCommand['kind'];

const ALL = WORK_ORDER_STATES;
const NOT_CLOSED: readonly WorkOrderState[] = [...OPEN_STATES, 'resolved'];

/** The states each command is legal in; anything else is WORKORDER_INVALID_TRANSITION. */
export const ALLOWED_FROM: Readonly<Record<WorkOrderCommandKind, readonly WorkOrderState[]>> = {
  acknowledge: ['new'],
  start: ['acknowledged'],
  hold: ['acknowledged', 'in_progress'],
  resume: ['on_hold'],
  resolve: ['acknowledged', 'in_progress', 'on_hold'],
  verify: ['resolved'],
  close: NOT_CLOSED,
  reopen: ['resolved', 'closed'],
  assign: NOT_CLOSED,
  watch: ALL,
  comment: ALL,
  attach: NOT_CLOSED,
  attach_alert: NOT_CLOSED,
};

/** Commands only the originator or the monitoring center may give. */
const ORIGINATOR_OR_CENTER: ReadonlySet<WorkOrderCommandKind> = new Set(['verify', 'close', 'reopen']);

export function allowedCommands(state: WorkOrderState): WorkOrderCommandKind[] {
  return (Object.keys(ALLOWED_FROM) as WorkOrderCommandKind[]).filter((kind) => ALLOWED_FROM[kind].includes(state));
}

/**
 * The commands this actor may give on this order now: legal in its state, and (for verify, close
 * and reopen) given by the originator or the center. `attach_alert` is the alert pipeline's own.
 * The caller has already established that the actor may act on the order's org unit at all.
 */
export function commandsForActor(order: Pick<WorkOrder, 'state' | 'originator'>, actor: WorkOrderActor): WorkOrderCommandKind[] {
  return allowedCommands(order.state).filter(
    (kind) => kind !== 'attach_alert' && (!ORIGINATOR_OR_CENTER.has(kind) || actor.center || actor.userId === order.originator),
  );
}

export type TransitionResult =
  | { readonly ok: true; readonly order: WorkOrder; readonly effects: readonly WorkOrderEffect[] }
  | {
      readonly ok: false;
      readonly code: 'WORKORDER_INVALID_TRANSITION';
      readonly state: WorkOrderState;
      readonly command: WorkOrderCommandKind;
      readonly allowed: readonly WorkOrderCommandKind[];
    }
  | { readonly ok: false; readonly code: 'WORKORDER_FORBIDDEN'; readonly message: string }
  | WorkOrderValidationError;

export interface TransitionOptions {
  readonly attachmentLimits?: AttachmentLimits;
}

interface Ctx {
  readonly order: WorkOrder;
  readonly actor: WorkOrderActor;
  readonly now: Date;
}

function done(ctx: Ctx, next: WorkOrder, action: WorkOrderAuditAction, details: Record<string, string | number | boolean | null | readonly string[]>, extra: readonly WorkOrderEffect[]): TransitionResult {
  const audit = auditEffect(ctx.order, action, ctx.actor, ctx.now, ctx.order.state, next.state, details);
  return { ok: true, order: next, effects: [audit, ...extra] };
}

/** The order with its current hold (if any) turned into a finished pause. */
function endHold(order: WorkOrder, now: Date): WorkOrder {
  if (!order.hold) return order;
  return { ...order, hold: null, pauses: [...order.pauses, { start: order.hold.since, end: now, reason: order.hold.reason }] };
}

/**
 * Applies a command: checks the state (409 with the allowed commands), the actor (verify, close
 * and reopen need the originator or the center), then the input; returns the new order and the
 * effects to apply in the same transaction. Never throws for expected outcomes.
 */
export function transitionWorkOrder(
  order: WorkOrder,
  command: WorkOrderCommand,
  actor: WorkOrderActor,
  now: Date,
  options: TransitionOptions = {},
): TransitionResult {
  if (!ALLOWED_FROM[command.kind].includes(order.state)) {
    return { ok: false, code: 'WORKORDER_INVALID_TRANSITION', state: order.state, command: command.kind, allowed: allowedCommands(order.state) };
  }
  if (ORIGINATOR_OR_CENTER.has(command.kind) && !actor.center && actor.userId !== order.originator) {
    return { ok: false, code: 'WORKORDER_FORBIDDEN', message: `only the originator or the monitoring center may ${command.kind} a work order` };
  }
  const ctx: Ctx = { order, actor, now };
  switch (command.kind) {
    case 'acknowledge':
      return done(ctx, { ...order, state: 'acknowledged', acknowledgedAt: now, acknowledgedBy: actor.userId }, 'workorder.acknowledged', {}, [
        { kind: 'stop_escalation', orderId: order.id, track: 'acknowledge' },
        ...notifyEffects(order, 'workorder.acknowledged', actor, ['originator', 'watchers']),
      ]);
    case 'start':
      return done(ctx, { ...order, state: 'in_progress' }, 'workorder.started', {}, []);
    case 'hold':
      return hold(ctx, command.reason, command.note);
    case 'resume':
      return resume(ctx);
    case 'resolve':
      return resolve(ctx, command.rootCause, command.actionTaken);
    case 'verify':
      return finish(ctx, 'verified', command.note ?? null);
    case 'close':
      return checkText('note', command.note, TEXT_MAX) ?? finish(ctx, 'cancelled', command.note);
    case 'reopen':
      return reopen(ctx, command.reason);
    case 'assign':
      return assign(ctx, command.assignees);
    case 'watch':
      return watch(ctx, command.userId, command.watching);
    case 'comment':
      return comment(ctx, command.text);
    case 'attach':
      return attach(ctx, command.attachment, options.attachmentLimits ?? DEFAULT_ATTACHMENT_LIMITS);
    case 'attach_alert':
      return attachAlert(ctx, command.alertId, command.orgUnit);
  }
}

function hold(ctx: Ctx, reason: HoldReason, note: string): TransitionResult {
  if (!HOLD_REASONS.includes(reason)) return validationError('reason', `reason must be one of ${HOLD_REASONS.join(', ')}`);
  if (reason === 'other') {
    const bad = checkText('note', note, TEXT_MAX);
    if (bad) return bad;
  } else if (note.length > TEXT_MAX) return validationError('note', `note must be at most ${TEXT_MAX} characters`);
  const resumeTo = ctx.order.state === 'acknowledged' ? 'acknowledged' : 'in_progress';
  const next: WorkOrder = { ...ctx.order, state: 'on_hold', hold: { reason, note, since: ctx.now, resumeTo } };
  return done(ctx, next, 'workorder.held', { reason, note }, [
    { kind: 'stop_escalation', orderId: ctx.order.id, track: 'resolve' },
    ...notifyEffects(ctx.order, 'workorder.held', ctx.actor, ['originator', 'watchers']),
  ]);
}

function resume(ctx: Ctx): TransitionResult {
  const resumeTo = ctx.order.hold?.resumeTo ?? 'in_progress';
  const next: WorkOrder = { ...endHold(ctx.order, ctx.now), state: resumeTo };
  return done(ctx, next, 'workorder.resumed', { heldSince: ctx.order.hold?.since.toISOString() ?? null }, [
    { kind: 'restart_escalation', orderId: ctx.order.id, track: 'resolve' },
  ]);
}

function resolve(ctx: Ctx, rootCause: string, actionTaken: string): TransitionResult {
  const bad = checkText('rootCause', rootCause, TEXT_MAX) ?? checkText('actionTaken', actionTaken, TEXT_MAX);
  if (bad) return bad;
  const next: WorkOrder = { ...endHold(ctx.order, ctx.now), state: 'resolved', resolvedAt: ctx.now, rootCause, actionTaken };
  return done(ctx, next, 'workorder.resolved', { rootCause, actionTaken }, [
    { kind: 'stop_escalation', orderId: ctx.order.id, track: 'resolve' },
    ...notifyEffects(ctx.order, 'workorder.resolved', ctx.actor, ['originator', 'watchers']),
  ]);
}

function finish(ctx: Ctx, outcome: 'verified' | 'cancelled', note: string | null): TransitionResult {
  if (note !== null && note.length > TEXT_MAX) return validationError('note', `note must be at most ${TEXT_MAX} characters`);
  const { order, now, actor } = ctx;
  const next: WorkOrder = { ...endHold(order, now), state: 'closed', closedAt: now, closedBy: actor.userId, closeOutcome: outcome, closeNote: note };
  const action = outcome === 'verified' ? 'workorder.verified' : 'workorder.closed';
  const stops: WorkOrderEffect[] = [];
  if (order.state === 'new') stops.push({ kind: 'stop_escalation', orderId: order.id, track: 'acknowledge' });
  if (order.state !== 'resolved') stops.push({ kind: 'stop_escalation', orderId: order.id, track: 'resolve' });
  return done(ctx, next, action, { outcome, note }, [...stops, ...notifyEffects(order, action, actor, ['assignees', 'watchers', 'originator'])]);
}

function reopen(ctx: Ctx, reason: string): TransitionResult {
  const bad = checkText('reason', reason, TEXT_MAX);
  if (bad) return bad;
  const { order, now } = ctx;
  const next: WorkOrder = {
    ...order,
    // Never acknowledged (closed straight from new): back to new, the acknowledgement is still owed.
    state: order.acknowledgedAt === null ? 'new' : 'in_progress',
    reopenCount: order.reopenCount + 1,
    lastReopenedAt: now,
    resolveClockStartedAt: now,
    resolvedAt: null,
    closedAt: null,
    closedBy: null,
    closeOutcome: null,
    closeNote: null,
    indicatorRecoveredAt: null,
  };
  return done(ctx, next, 'workorder.reopened', { reason, reopenCount: next.reopenCount }, [
    { kind: 'restart_escalation', orderId: order.id, track: 'resolve' },
    ...notifyEffects(order, 'workorder.reopened', ctx.actor, ['assignees', 'watchers', 'originator']),
  ]);
}

function assign(ctx: Ctx, assignees: readonly string[]): TransitionResult {
  const bad = checkIds('assignees', assignees, 1);
  if (bad) return bad;
  const added = assignees.filter((a) => !ctx.order.assignees.includes(a));
  const next: WorkOrder = { ...ctx.order, assignees: [...assignees] };
  return done(ctx, next, 'workorder.assigned', { assignees: [...assignees], previous: [...ctx.order.assignees] }, [
    ...notifyEffects({ ...next, assignees: added, watchers: [] }, 'workorder.assigned', ctx.actor, ['assignees']),
  ]);
}

function watch(ctx: Ctx, userId: string, watching: boolean): TransitionResult {
  const bad = checkIds('userId', [userId], 1);
  if (bad) return bad;
  const others = ctx.order.watchers.filter((w) => w !== userId);
  const next: WorkOrder = { ...ctx.order, watchers: watching ? [...others, userId] : others };
  return done(ctx, next, 'workorder.watchersChanged', { userId, watching }, []);
}

function comment(ctx: Ctx, text: string): TransitionResult {
  const bad = checkText('text', text, TEXT_MAX);
  if (bad) return bad;
  const next: WorkOrder = { ...ctx.order, comments: [...ctx.order.comments, { author: ctx.actor.userId, at: ctx.now, text }] };
  return done(ctx, next, 'workorder.commented', { text }, notifyEffects(ctx.order, 'workorder.commented', ctx.actor, ['assignees', 'watchers', 'originator']));
}

function attach(ctx: Ctx, meta: AttachmentMeta, limits: AttachmentLimits): TransitionResult {
  const check = validateAttachment(meta, ctx.order.attachments.length, limits);
  if (!check.ok) return validationError(`attachment.${check.field}`, check.message);
  const next: WorkOrder = { ...ctx.order, attachments: [...ctx.order.attachments, { ...meta, uploadedBy: ctx.actor.userId, at: ctx.now }] };
  return done(ctx, next, 'workorder.attachmentAdded', { attachmentId: meta.id, fileName: meta.fileName, sizeBytes: meta.sizeBytes }, []);
}

/** A later alert of the order's group: linked once; a recovered indicator is no longer recovered. */
function attachAlert(ctx: Ctx, alertId: string, orgUnit: string | undefined): TransitionResult {
  const bad = checkIds('alertId', [alertId], 1);
  if (bad) return bad;
  const { order } = ctx;
  if (order.sourceAlerts.includes(alertId)) return { ok: true, order, effects: [] };
  const related =
    orgUnit === undefined || orgUnit === order.orgUnit || order.relatedOrgUnits.includes(orgUnit) ? order.relatedOrgUnits : [...order.relatedOrgUnits, orgUnit];
  const next: WorkOrder = { ...order, sourceAlerts: [...order.sourceAlerts, alertId], relatedOrgUnits: related, indicatorRecoveredAt: null };
  const cleared = order.indicatorRecoveredAt === null ? [] : [auditEffect(order, 'workorder.indicatorRecoveryCleared', ctx.actor, ctx.now, order.state, order.state, { alertId })];
  return done(ctx, next, 'workorder.alertAttached', { alertId, orgUnit: orgUnit ?? null }, cleared);
}
