import { appendAudits, type ActionContext } from '../audit/index.ts';
import type { WorkingCalendar } from '../calendar/index.ts';
import { enqueueNotification, severityLabel } from '../notify/index.ts';
import { pathIds } from '../orgs/index.ts';
import { AppError } from '../shared/index.ts';
import type { Db, Queryable } from '../store/index.ts';
import { isOverdue, orderCountdowns, type OrderCountdowns } from './countdown.ts';
import { computeDeadlines, slaFor, type WorkOrderDeadlines } from './deadlines.ts';
import type { WorkOrderAuditAction, WorkOrderEffect } from './effects.ts';
import { openWorkOrder, type NewWorkOrder } from './open-work-order.ts';
import { namesForReaders, requirePeopleInScope } from './people-service.ts';
import * as routingRepo from './routing-repo.ts';
import { routeWorkOrder } from './routing.ts';
import { transitionWorkOrder, type TransitionResult, type WorkOrderCommand } from './state-machine.ts';
import { computeWorkOrderStats, weeklyConsultationList } from './statistics.ts';
import { readCalendar, readCenterOrgUnit, readDeadlinePolicy, readEscalationPolicy, rootIdOf } from './workorder-config-service.ts';
import * as repo from './workorder-repo.ts';
import type { WorkOrder, WorkOrderActor, WorkOrderState } from './work-order.ts';

/**
 * Work orders as a service: opening (by hand or from an alert group, routed to the liaisons),
 * commands through the pure state machine, and one writer (`saveChange`) that stores the new
 * order, its timeline, the outbox rows for its notifications and escalations, and its audit
 * entries — all in the transaction of the change, audit last.
 */
const EVENT_LABEL: Readonly<Record<WorkOrderAuditAction, string>> = {
  'workorder.created': '新工单',
  'workorder.acknowledged': '已签收',
  'workorder.started': '处理中',
  'workorder.held': '已挂起',
  'workorder.resumed': '已恢复处理',
  'workorder.resolved': '已办结待核实',
  'workorder.verified': '已核实关闭',
  'workorder.closed': '已关闭',
  'workorder.reopened': '已重新打开',
  'workorder.assigned': '已指派',
  'workorder.watchersChanged': '关注人变更',
  'workorder.commented': '新评论',
  'workorder.attachmentAdded': '新附件',
  'workorder.alertAttached': '新告警并入',
  'workorder.escalated': '超时升级',
  'workorder.indicatorRecovered': '指标已恢复',
  'workorder.indicatorRecoveryCleared': '指标再次异常',
};

/** Events group robots and webhooks receive (the rest stay with the people on the order). */
const GROUP_EVENTS: ReadonlySet<string> = new Set(['workorder.created', 'workorder.escalated', 'workorder.reopened']);

export interface SaveTarget {
  readonly orgUnitId: number;
  readonly orgPath: string;
  readonly ruleCode: string | null;
}

function failure(result: Exclude<TransitionResult, { ok: true }>): AppError {
  switch (result.code) {
    case 'WORKORDER_INVALID_TRANSITION':
      return new AppError(result.code, `Cannot ${result.command} a work order that is ${result.state}.`, { state: result.state, command: result.command, allowed: result.allowed });
    case 'WORKORDER_FORBIDDEN':
      return new AppError(result.code, result.message);
    case 'WORKORDER_VALIDATION':
      return new AppError(result.code, result.message, { field: `/body/${result.field.replace(/\./g, '/')}` });
  }
}

export function throwIfFailed(result: TransitionResult): Extract<TransitionResult, { ok: true }> {
  if (!result.ok) throw failure(result);
  return result;
}

/**
 * Stores a change: the order (inserted when `before` is null), its new comments, a timeline
 * entry per audit effect, outbox rows for notify and escalate effects, then the audit entries.
 */
export async function saveChange(
  tx: Queryable,
  ctx: ActionContext,
  target: SaveTarget,
  before: WorkOrder | null,
  after: WorkOrder,
  effects: readonly WorkOrderEffect[],
  calendar: WorkingCalendar,
): Promise<void> {
  const deadlines = computeDeadlines(after, calendar, ctx.now);
  if (before === null) await repo.insertOrder(tx, after, { orgUnitId: target.orgUnitId, ruleCode: target.ruleCode, deadlines }, ctx.now);
  else await repo.updateOrder(tx, after, deadlines, ctx.now);
  await repo.insertComments(tx, after.id, after.comments.slice(before?.comments.length ?? 0));
  // Timeline entries in one statement; a notification is keyed by the entry recorded just before it.
  const recorded = effects.filter((e): e is Extract<WorkOrderEffect, { kind: 'audit' }> => e.kind === 'audit');
  const ids = await repo.insertTimelineEntries(tx, after.id, recorded.map((e) => ({ at: e.at, actor: e.actor, action: e.action, from: e.from, to: e.to, details: { ...e.details } })));
  let eventId = 0;
  let nextAudit = 0;
  const path = pathIds(target.orgPath);
  for (const effect of effects) {
    switch (effect.kind) {
      case 'audit':
        eventId = ids[nextAudit] ?? 0;
        nextAudit++;
        break;
      case 'notify':
        await notify(tx, `wo:${after.id}:${String(eventId)}:${effect.event}`, effect.event, effect.recipients, after, target, ctx.now, deadlines.resolveBy);
        break;
      case 'escalate': {
        const people = effect.target === 'liaison' ? after.assignees : await routingRepo.nearestContacts(tx, path, effect.target);
        await notify(tx, `wo:${after.id}:${String(eventId)}:escalated`, 'workorder.escalated', people, after, target, ctx.now, deadlines.resolveBy, effect);
        break;
      }
      case 'stop_escalation':
      case 'restart_escalation':
        // Escalation is recomputed from the stored order by the scheduler: nothing to store.
        break;
    }
  }
  await appendAudits(tx, recorded.map((a) => ({
    actor: ctx.actor,
    record: { action: a.action, targetKind: 'workorder', targetId: after.id, orgUnitId: target.orgUnitId, summary: { from: a.from, to: a.to, ...a.details } },
    // Each step's own time: a pass may store several steps of one order at once.
    at: a.at,
  })));
}

async function notify(
  tx: Queryable, eventKey: string, event: WorkOrderAuditAction, recipients: readonly string[], order: WorkOrder, target: SaveTarget, now: Date,
  resolveBy: Date, escalation?: Extract<WorkOrderEffect, { kind: 'escalate' }>,
): Promise<void> {
  const step = escalation ? `\n升级: ${escalation.track === 'acknowledge' ? '签收' : '办结'}超时 → ${escalation.target}${escalation.repeat > 0 ? ` (第${String(escalation.repeat)}次提醒)` : ''}` : '';
  await enqueueNotification(tx, {
    eventKey, orderId: order.id, orgPath: target.orgPath, userIds: recipients, toGroupChannels: GROUP_EVENTS.has(event),
    payload: {
      event, orderId: order.id, severity: order.severity,
      title: `工单 #${order.id} ${EVENT_LABEL[event]}: ${order.title}`,
      text: `级别: ${severityLabel(order.severity)} · 组织: ${order.orgUnit} · 状态: ${order.state}\n办结期限: ${resolveBy.toISOString()}${step}`,
    },
  }, now);
}

export interface CreateOrderInput {
  readonly title: string;
  readonly description: string;
  readonly severity: 1 | 2 | 3 | 4;
  readonly category: string;
  readonly org: routingRepo.OrgRef;
  readonly assignees?: readonly string[];
  readonly watchers?: readonly string[];
  readonly ruleCode?: string | null;
  readonly origin?: NewWorkOrder['origin'];
  readonly sourceAlerts?: readonly string[];
  readonly recurrenceOf?: string;
}

export interface WorkOrdersDeps {
  readonly db: Db;
}

/**
 * Opens an order inside a transaction (used by the service and the alert consumer). Every read
 * goes through `tx`: an embedded database has one connection, held by the transaction.
 */
export async function openOrderIn(tx: Queryable, ctx: ActionContext, actor: WorkOrderActor, input: CreateOrderInput): Promise<WorkOrder> {
  await requirePeopleInScope(tx, input.org.path, input.assignees ?? [], 'workorder.act', '/body/assignees');
  await requirePeopleInScope(tx, input.org.path, input.watchers ?? [], 'workorder.read', '/body/watchers');
  const path = await routingRepo.orgRefsOnPath(tx, input.org.path);
  let assignees = input.assignees ?? [];
  if (assignees.length === 0) {
    const routes = await routingRepo.routesOn(tx, path.map((o) => o.id));
    const center = await readCenterOrgUnit(tx);
    const centerOrg = await routingRepo.orgRefByCode(tx, center);
    const centerRoutes = centerOrg && !path.some((o) => o.id === centerOrg.id) ? await routingRepo.routesOn(tx, [centerOrg.id]) : [];
    const roster = routingRepo.toRosterEntries(await routingRepo.listRoster(tx, null, ctx.now));
    const routed = routeWorkOrder({ orgPath: path.map((o) => o.code), category: input.category }, [...routes, ...centerRoutes], roster, ctx.now, center);
    assignees = routed.assignees;
  }
  // An alert must never be lost for want of a route: the order waits, unassigned, in the center's list.
  if (assignees.length === 0 && input.origin?.kind === 'alert') assignees = ['unassigned'];
  if (assignees.length === 0) {
    throw new AppError('WORKORDER_NO_ROUTE', `No liaison is routed for ${input.org.code} (${input.category}); name the assignees or configure a route.`, { field: '/body/assignees' });
  }
  const policy = await readDeadlinePolicy(tx);
  const escalationPolicy = await readEscalationPolicy(tx);
  const id = await repo.nextOrderId(tx);
  const opened = openWorkOrder({
    id, title: input.title, description: input.description, severity: input.severity, category: input.category, orgUnit: input.org.code,
    origin: input.origin ?? { kind: 'manual' }, sourceAlerts: input.sourceAlerts ?? [], assignees, watchers: input.watchers ?? [],
    ...(input.recurrenceOf === undefined ? {} : { recurrenceOf: input.recurrenceOf }),
  }, { sla: slaFor(policy, input.severity), escalationPolicy }, actor, ctx.now);
  if (!opened.ok) throw failure(opened);
  const calendar = await readCalendar(tx, rootIdOf(input.org.path));
  await saveChange(tx, ctx, { orgUnitId: input.org.id, orgPath: input.org.path, ruleCode: input.ruleCode ?? null }, null, opened.order, opened.effects, calendar);
  return opened.order;
}

/** An order's deadlines and countdowns as of one instant, on its group's calendar. */
export interface OrderClock {
  readonly deadlines: WorkOrderDeadlines;
  readonly countdowns: OrderCountdowns;
  readonly overdue: boolean;
}

export function createWorkOrdersService(deps: WorkOrdersDeps) {
  const { db } = deps;

  async function requireOrder(id: string): Promise<repo.StoredWorkOrder> {
    const found = await repo.findOrder(db, id);
    if (!found) throw new AppError('WORKORDER_NOT_FOUND', `No work order ${id}.`);
    return found;
  }

  /** Loads the order locked, applies `change`, stores the result; returns the stored order. */
  async function change(ctx: ActionContext, id: string, apply: (tx: Queryable, order: WorkOrder, orgPath: string) => Promise<TransitionResult>): Promise<repo.StoredWorkOrder> {
    await db.transaction(async (tx) => {
      const stored = await repo.findOrder(tx, id, true);
      if (!stored) throw new AppError('WORKORDER_NOT_FOUND', `No work order ${id}.`);
      const result = throwIfFailed(await apply(tx, stored.order, stored.orgPath));
      const calendar = await readCalendar(tx, rootIdOf(stored.orgPath));
      await saveChange(tx, ctx, stored, stored.order, result.order, result.effects, calendar);
    });
    return requireOrder(id);
  }

  return {
    find: (id: string) => repo.findOrder(db, id),
    requireOrder,
    list: (filter: repo.OrderFilter) => repo.listOrders(db, filter),
    /** Exact counts of orders per org unit and state (a list is capped; a count is not). */
    countByUnit: (filter: { scopePaths: readonly string[]; states: readonly WorkOrderState[] }) => repo.countOrdersByUnit(db, filter),
    timeline: (id: string) => repo.listTimeline(db, id),
    attachment: (orderId: string, attachmentId: string) => repo.readAttachment(db, orderId, attachmentId),

    async create(ctx: ActionContext, actor: WorkOrderActor, input: CreateOrderInput): Promise<repo.StoredWorkOrder> {
      const order = await db.transaction((tx) => openOrderIn(tx, ctx, actor, input));
      return requireOrder(order.id);
    },

    act: (ctx: ActionContext, actor: WorkOrderActor, id: string, command: WorkOrderCommand) =>
      change(ctx, id, async (tx, order, orgPath) => {
        // People named by a command must be entitled to the order; watching oneself or stopping needs no check.
        if (command.kind === 'assign') await requirePeopleInScope(tx, orgPath, command.assignees, 'workorder.act', '/body/assignees');
        if (command.kind === 'watch' && command.watching && command.userId !== actor.userId) await requirePeopleInScope(tx, orgPath, [command.userId], 'workorder.read', '/body/userId');
        return transitionWorkOrder(order, command, actor, ctx.now);
      }),

    /** Stores the file (bytea) and attaches it in one transaction; a refused attachment stores nothing. */
    attach: (ctx: ActionContext, actor: WorkOrderActor, id: string, file: { fileName: string; contentType: string; content: Uint8Array }) =>
      change(ctx, id, async (tx, order) => {
        const probe = transitionWorkOrder(order, { kind: 'attach', attachment: { id: '0', fileName: file.fileName, contentType: file.contentType, sizeBytes: file.content.byteLength } }, actor, ctx.now, { attachmentLimits: ATTACHMENT_LIMITS });
        if (!probe.ok) return probe;
        const attachmentId = await repo.insertAttachment(tx, { orderId: id, fileName: file.fileName.trim(), contentType: file.contentType, content: file.content, uploadedBy: actor.userId, at: ctx.now });
        return transitionWorkOrder(order, { kind: 'attach', attachment: { id: attachmentId, fileName: file.fileName.trim(), contentType: file.contentType, sizeBytes: file.content.byteLength } }, actor, ctx.now, { attachmentLimits: ATTACHMENT_LIMITS });
      }),

    /** Deadlines as of now, from the order's frozen rule on its group's calendar. */
    async deadlines(stored: repo.StoredWorkOrder, now: Date) {
      return computeDeadlines(stored.order, await readCalendar(db, rootIdOf(stored.orgPath)), now);
    },

    /** Deadlines and countdowns of many orders, each group's calendar read once. */
    async clocks(orders: readonly repo.StoredWorkOrder[], now: Date): Promise<OrderClock[]> {
      const calendars = new Map<number, WorkingCalendar>();
      const out: OrderClock[] = [];
      for (const stored of orders) {
        const root = rootIdOf(stored.orgPath);
        const calendar = calendars.get(root) ?? (await readCalendar(db, root));
        calendars.set(root, calendar);
        const countdowns = orderCountdowns(stored.order, calendar, now);
        out.push({ deadlines: computeDeadlines(stored.order, calendar, now), countdowns, overdue: isOverdue(countdowns) });
      }
      return out;
    },

    /** Display names of the people orders mention, only of users who may read the order that mentions them (other ids, and ids that are not users, are left out). */
    people: (orders: readonly { readonly orgPath: string; readonly ids: readonly string[] }[]) => namesForReaders(db, orders),

    /** Who may act on orders of the org unit at `orgPath`: candidates for assignment and routing. */
    actingUsers: (orgPath: string, roles: readonly string[]) => routingRepo.usersWithRoleOn(db, orgPath, roles),

    async stats(scopePaths: readonly string[], period: { start: Date; end: Date }, now: Date, groupPath: string) {
      const orders = await repo.listOrders(db, { scopePaths, createdTo: period.end });
      const calendar = await readCalendar(db, rootIdOf(groupPath));
      return computeWorkOrderStats(orders.map((o) => o.order), calendar, period, now);
    },

    async consultation(scopePaths: readonly string[], now: Date, groupPath: string) {
      const orders = await repo.listOrders(db, { scopePaths, states: ['new', 'acknowledged', 'in_progress', 'on_hold'] });
      const calendar = await readCalendar(db, rootIdOf(groupPath));
      return weeklyConsultationList(orders.map((o) => o.order), calendar, now);
    },
  };
}

export type WorkOrdersService = ReturnType<typeof createWorkOrdersService>;

/** 10 MB and the document types the issue allows (pdf, png, jpeg, xlsx, docx, csv, txt). */
export const ATTACHMENT_LIMITS = {
  maxSizeBytes: 10 * 1024 * 1024,
  allowedContentTypes: [
    'application/pdf', 'image/png', 'image/jpeg', 'text/plain', 'text/csv',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  ],
  maxPerOrder: 20,
} as const;

