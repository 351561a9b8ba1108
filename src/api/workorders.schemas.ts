import { Type } from '@sinclair/typebox';
import type { DeadlineCountdown } from '../workorders/index.ts';
import type { StoredWorkOrder } from '../workorders/workorder-repo.ts';
import type { OrderClock } from '../workorders/workorders-service.ts';
import { allowedCommands, HOLD_REASONS } from '../workorders/index.ts';
import { Body, Nullable } from './schemas.ts';

/** Views and command bodies of the work-order API. */
const Iso = Type.String({ format: 'date-time' });
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const UserId = Type.String({ pattern: '^[0-9]{1,18}$', description: 'User id' });

const Countdown = Type.Object({
  due: Iso, basis: Type.Union([Type.Literal('clock'), Type.Literal('working'), Type.Literal('working_days')]),
  leftMs: Type.Number({ description: 'Time left on the basis (working time for working bases); negative once overdue' }),
  overdue: Type.Boolean(), paused: Type.Boolean(),
});

export const WorkOrderView = Type.Object({
  id: Type.String(), title: Type.String(), description: Type.String(), severity: Type.Integer(), category: Type.String(), orgUnit: Type.String(),
  relatedOrgUnits: Type.Array(Type.String()), origin: Type.String(), groupKey: Nullable(Type.String()), ruleCode: Nullable(Type.String()),
  sourceAlerts: Type.Array(Type.String()), originator: Type.String(), assignees: Type.Array(Type.String()), watchers: Type.Array(Type.String()),
  state: Type.String(), createdAt: Iso, acknowledgedAt: Nullable(Iso), resolvedAt: Nullable(Iso), closedAt: Nullable(Iso), closeOutcome: Nullable(Type.String()),
  closeNote: Nullable(Type.String()), hold: Nullable(Type.Object({ reason: Type.String(), note: Type.String(), since: Iso })),
  rootCause: Nullable(Type.String()), actionTaken: Nullable(Type.String()), reopenCount: Type.Integer(), recurrenceCount: Type.Integer(),
  recurrenceOf: Nullable(Type.String()), indicatorRecoveredAt: Nullable(Iso), acknowledgeBy: Iso, resolveBy: Iso, resolvePaused: Type.Boolean(),
  allowedCommands: Type.Array(Type.String()),
  escalations: Type.Array(Type.Object({ track: Type.String(), index: Type.Integer(), round: Type.Integer(), at: Iso })),
  countdown: Type.Object({ acknowledge: Nullable(Countdown), resolve: Nullable(Countdown), overdue: Type.Boolean() }, {
    description: 'Running deadlines as of the response, on the group’s working calendar (acknowledge while new, resolve while open)',
  }),
});

/** Display names of the users an order or a list mentions, by user id. */
export const People = Type.Record(Type.String(), Type.String());

export const WorkOrderDetail = Type.Object({
  order: WorkOrderView,
  comments: Type.Array(Type.Object({ author: Type.String(), at: Iso, text: Type.String() })),
  attachments: Type.Array(Type.Object({ id: Type.String(), fileName: Type.String(), contentType: Type.String(), sizeBytes: Type.Integer(), uploadedBy: Type.String(), at: Iso })),
  timeline: Type.Array(Type.Object({ at: Iso, actor: Type.String(), action: Type.String(), from: Type.String(), to: Type.String(), details: Type.Record(Type.String(), Type.Unknown()) })),
  suggestions: Type.Array(Type.Object({ id: Type.Integer(), problemId: Type.Integer(), title: Type.String(), body: Type.String() })),
  yourCommands: Type.Array(Type.String(), {
    description: 'The commands the caller may give now (state, scope, and originator-or-center for verify/close/reopen); "attach" = upload',
  }),
  people: People,
});

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

const viewCountdown = (c: DeadlineCountdown | null) => (c === null ? null : { due: c.due.toISOString(), basis: c.basis, leftMs: c.leftMs, overdue: c.overdue, paused: c.paused });

export function viewOrder(s: StoredWorkOrder, clock: OrderClock) {
  const o = s.order;
  const deadlines = clock.deadlines;
  return {
    id: o.id, title: o.title, description: o.description, severity: o.severity, category: o.category, orgUnit: o.orgUnit,
    relatedOrgUnits: [...o.relatedOrgUnits], origin: o.origin.kind, groupKey: o.origin.kind === 'alert' ? o.origin.groupKey : null, ruleCode: s.ruleCode,
    sourceAlerts: [...o.sourceAlerts], originator: o.originator, assignees: [...o.assignees], watchers: [...o.watchers], state: o.state,
    createdAt: o.createdAt.toISOString(), acknowledgedAt: iso(o.acknowledgedAt), resolvedAt: iso(o.resolvedAt), closedAt: iso(o.closedAt),
    closeOutcome: o.closeOutcome, closeNote: o.closeNote, hold: o.hold ? { reason: o.hold.reason, note: o.hold.note, since: o.hold.since.toISOString() } : null,
    rootCause: o.rootCause, actionTaken: o.actionTaken, reopenCount: o.reopenCount, recurrenceCount: o.recurrenceCount, recurrenceOf: o.recurrenceOf,
    indicatorRecoveredAt: iso(o.indicatorRecoveredAt),
    acknowledgeBy: deadlines.acknowledgeBy.toISOString(), resolveBy: deadlines.resolveBy.toISOString(),
    resolvePaused: deadlines.resolvePaused, allowedCommands: allowedCommands(o.state),
    escalations: o.escalations.map((e) => ({ track: e.track, index: e.index, round: e.round, at: e.at.toISOString() })),
    countdown: { acknowledge: viewCountdown(clock.countdowns.acknowledge), resolve: viewCountdown(clock.countdowns.resolve), overdue: clock.overdue },
  };
}

export const CreateOrderBody = Body({
  title: Text(200), description: Type.Optional(Type.String({ maxLength: 4000 })), severity: Type.Integer({ minimum: 1, maximum: 4 }),
  category: Text(100), orgUnit: Type.String({ minLength: 1, maxLength: 64 }), assignees: Type.Optional(Type.Array(UserId, { maxItems: 20 })),
  watchers: Type.Optional(Type.Array(UserId, { maxItems: 50 })), ruleCode: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
});

const cmd = <T extends Parameters<typeof Type.Object>[0]>(kind: string, props: T) => Type.Object({ kind: Type.Literal(kind), ...props }, { additionalProperties: false });

export const CommandBody = Type.Union([
  cmd('acknowledge', {}),
  cmd('start', {}),
  cmd('hold', { reason: Type.Union(HOLD_REASONS.map((r) => Type.Literal(r))), note: Type.Optional(Type.String({ maxLength: 4000 })) }),
  cmd('resume', {}),
  cmd('resolve', { rootCause: Text(4000), actionTaken: Text(4000) }),
  cmd('verify', { note: Type.Optional(Type.String({ maxLength: 4000 })) }),
  cmd('close', { note: Text(4000) }),
  cmd('reopen', { reason: Text(4000) }),
  cmd('assign', { assignees: Type.Array(UserId, { minItems: 1, maxItems: 20 }) }),
  cmd('watch', { userId: Type.Optional(UserId), watching: Type.Boolean() }),
  cmd('comment', { text: Text(4000) }),
], { description: 'A command for the work-order state machine' });

export const PolicyBody = Body({
  deadlines: Type.Optional(Type.Unknown({ description: 'Deadline policy: { bySeverity: { "1": { acknowledge, resolve }, … } }' })),
  escalation: Type.Optional(Type.Unknown({ description: 'Escalation policy: { levels: [{ target, afterMs }], repeat: { count, intervalMs } }' })),
  centerOrgUnit: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
});

export const StatsView = Type.Object({
  department: Type.String(), orders: Type.Integer(), acknowledgedOnTime: Type.Integer(), onTimeAcknowledgeRate: Nullable(Type.Number()),
  resolvedOnTime: Type.Integer(), onTimeResolveRate: Nullable(Type.Number()), meanTimeToAcknowledgeMs: Nullable(Type.Number()),
  meanTimeToResolveMs: Nullable(Type.Number()), overdue: Type.Integer(), openOverdue: Type.Integer(), reopened: Type.Integer(), recurrences: Type.Integer(),
});

export const ConsultationView = Type.Object({
  orderId: Type.String(), title: Type.String(), severity: Type.Integer(), state: Type.String(), departments: Type.Array(Type.String()),
  reasons: Type.Array(Type.String()), acknowledgeBy: Iso, resolveBy: Iso, overdueMs: Type.Number(),
});
