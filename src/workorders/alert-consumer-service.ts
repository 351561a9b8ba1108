import type { AlertTransitionConsumer, AlertTransitionEvent } from '../alerts/alert-transition.ts';
import type { ActionContext } from '../audit/index.ts';
import { parsePeriodKey, type Grain } from '../shared/index.ts';
import type { Queryable } from '../store/index.ts';
import { readCalendar, rootIdOf } from './workorder-config-service.ts';
import { decideRecurrence, DEFAULT_RECOVERY_CONFIG, reopenForRecurrence, type RecoveryConfig } from './recovery.ts';
import { transitionWorkOrder } from './state-machine.ts';
import * as repo from './workorder-repo.ts';
import { orgRefByCode } from './routing-repo.ts';
import { openOrderIn, saveChange, throwIfFailed } from './workorders-service.ts';
import { SYSTEM_ACTOR, type WorkOrder } from './work-order.ts';
import type { WorkOrderEffect } from './effects.ts';
import type { WorkingCalendar } from '../calendar/index.ts';

/**
 * Work orders from alerts. Which transitions open or feed an order:
 * - to `firing` with `notify = true`; and to `firing` with severity 1–2 even when the pipeline
 *   suppressed the notification (silence, mute window, inhibition): a critical or major anomaly
 *   always needs a follow-up record, while a suppressed minor one does not. Other transitions to
 *   firing are ignored (the alert keeps its own record).
 * - one order per alert group (`groupKey`): a later alert of the group attaches to the order
 *   while it is not closed; after closing, `decideRecurrence` reopens it (within the window) or
 *   opens a new order linked to it;
 * - to `resolved`: the alert is recorded as resolved on its orders, and the recovery job marks
 *   "indicator recovered" once every alert of an order has stayed resolved for N periods.
 * Runs inside the rule engine's transaction, so the order commits with the alert transition; the
 * engine hands over each pass's transitions as one batch (`onTransitions`).
 */
const GRAIN_MS: Readonly<Record<Grain, number>> = {
  hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000, month: 30 * 86_400_000, quarter: 91 * 86_400_000, year: 365 * 86_400_000,
};

export function periodMsOf(periodKey: string): number {
  const parsed = parsePeriodKey(periodKey);
  return parsed ? GRAIN_MS[parsed.grain] : GRAIN_MS.day;
}

export function opensWorkOrder(event: Pick<AlertTransitionEvent, 'to' | 'notify' | 'severity'>): boolean {
  return event.to === 'firing' && (event.notify || event.severity <= 2);
}

const systemContext = (now: Date): ActionContext => ({ actor: { kind: 'system', id: null, name: 'yunjian' }, now });

/** Alert-to-order links decided in a batch, keyed by order and alert: the last write of each wins. */
type LinkRow = Parameters<typeof repo.upsertOrderLinks>[1][number];

/** A group's latest order as far as attaching to it needs (the stored deadlines are recomputed on save). */
type GroupOrder = Pick<repo.StoredWorkOrder, 'order' | 'orgUnitId' | 'orgPath' | 'ruleCode'>;

/** An order the pass attached alerts to (or reopened), saved once at the end of the pass with every step's effects. */
interface PendingSave {
  readonly target: GroupOrder;
  readonly before: WorkOrder;
  after: WorkOrder;
  readonly effects: WorkOrderEffect[];
  at: Date;
}

/** What a pass carries from one transition to the next. */
interface PassState {
  readonly latestByGroup: Map<string, GroupOrder>;
  readonly links: Map<string, LinkRow>;
  readonly pending: Map<string, PendingSave>;
}

/**
 * One firing alert against its group's latest order (as read at the start of the batch, or as
 * the batch has left it): attach, reopen, or open a new (possibly linked) order. Attaching and
 * reopening change the order in memory; `savePending` stores it once per pass.
 */
async function onFiring(tx: Queryable, recovery: RecoveryConfig, event: AlertTransitionEvent, pass: PassState): Promise<void> {
  const { latestByGroup, links, pending } = pass;
  const ctx = systemContext(event.at);
  const alertId = String(event.alertId);
  const latest = latestByGroup.get(event.groupKey) ?? null;
  const decision = decideRecurrence(latest?.order ?? null, event.at, recovery);
  const record = (orderId: string) =>
    links.set(`${orderId}:${alertId}`, { orderId, alertId, orgUnitCode: event.orgUnitCode, state: 'firing', firedAt: event.at, resolvedAt: null, periodMs: periodMsOf(event.periodKey) });
  if ((decision.action === 'attach' || decision.action === 'reopen') && latest) {
    const result = decision.action === 'attach'
      ? transitionWorkOrder(latest.order, { kind: 'attach_alert', alertId, orgUnit: event.orgUnitCode }, SYSTEM_ACTOR, event.at)
      : reopenForRecurrence(latest.order, alertId, event.orgUnitCode, event.at);
    const ok = throwIfFailed(result);
    const save = pending.get(latest.order.id);
    if (save === undefined) pending.set(latest.order.id, { target: latest, before: latest.order, after: ok.order, effects: [...ok.effects], at: event.at });
    else {
      save.after = ok.order;
      save.effects.push(...ok.effects);
      save.at = event.at;
    }
    latestByGroup.set(event.groupKey, { ...latest, order: ok.order });
    record(latest.order.id);
    return;
  }
  // A new order supersedes the group's previous one; changes the pass made to that one are stored first.
  if (latest) await savePending(tx, pass, latest.order.id);
  const org = await orgRefByCode(tx, event.orgUnitCode);
  if (!org) throw new Error(`alert ${alertId}: unknown org unit ${event.orgUnitCode}`);
  const order = await openOrderIn(tx, ctx, SYSTEM_ACTOR, {
    title: `${event.ruleNameZh} · ${org.name}`.slice(0, 200),
    description: event.messageZh.slice(0, 4000),
    severity: event.severity,
    category: event.category,
    org,
    ruleCode: event.ruleCode,
    origin: { kind: 'alert', groupKey: event.groupKey },
    sourceAlerts: [alertId],
    ...(decision.action === 'link' ? { recurrenceOf: decision.previousOrderId } : {}),
  });
  latestByGroup.set(event.groupKey, { order, orgUnitId: org.id, orgPath: org.path, ruleCode: event.ruleCode });
  record(order.id);
}

/** Stores one pending order (all orders when `orderId` is absent), each with the effects of every step, in step order. */
async function savePending(tx: Queryable, pass: PassState, orderId?: string): Promise<void> {
  const calendars = new Map<number, WorkingCalendar>();
  const ids = orderId === undefined ? [...pass.pending.keys()] : [orderId];
  for (const id of ids) {
    const save = pass.pending.get(id);
    if (save === undefined) continue;
    pass.pending.delete(id);
    const root = rootIdOf(save.target.orgPath);
    let calendar = calendars.get(root);
    if (calendar === undefined) {
      calendar = await readCalendar(tx, root);
      calendars.set(root, calendar);
    }
    await saveChange(tx, systemContext(save.at), save.target, save.before, save.after, save.effects, calendar);
  }
}

/**
 * The transitions of one engine pass, in order, with the semantics of handing them over one by
 * one: the latest order of every group in the batch is read (locked) in one query and kept
 * current in memory as alerts attach, reopen or open orders; each changed order is stored once
 * with every step's timeline entries and audit records; the alert links are written in one
 * multi-row upsert and the resolutions in one update. Resolutions of alerts stored before the
 * batch are applied before the links, so a link the batch fired and then resolved ends resolved
 * with its own firing time, and one resolved and fired again ends firing.
 */
async function onBatch(tx: Queryable, recovery: RecoveryConfig, events: readonly AlertTransitionEvent[]): Promise<void> {
  const firing = events.filter((e) => opensWorkOrder(e));
  const pass: PassState = {
    latestByGroup: await repo.latestOrdersOfGroups(tx, [...new Set(firing.map((e) => e.groupKey))]),
    links: new Map(),
    pending: new Map(),
  };
  /** Alerts resolved in the batch, with the first resolution time (later ones find nothing firing to resolve). */
  const resolved = new Map<string, Date>();
  for (const event of events) {
    if (opensWorkOrder(event)) {
      await onFiring(tx, recovery, event, pass);
    } else if (event.to === 'resolved') {
      const alertId = String(event.alertId);
      if (!resolved.has(alertId)) resolved.set(alertId, event.at);
      for (const [key, link] of pass.links) {
        if (link.alertId === alertId && link.state === 'firing') pass.links.set(key, { ...link, state: 'resolved', resolvedAt: event.at });
      }
    }
  }
  await savePending(tx, pass);
  await repo.resolveOrderAlerts(tx, [...resolved].map(([alertId, at]) => ({ alertId, at })));
  await repo.upsertOrderLinks(tx, [...pass.links.values()]);
}

export interface AlertConsumerDeps {
  readonly recovery?: RecoveryConfig;
}

export function createWorkOrderAlertConsumer(deps: AlertConsumerDeps = {}): AlertTransitionConsumer {
  const recovery = deps.recovery ?? DEFAULT_RECOVERY_CONFIG;
  return {
    name: 'workorders',
    onTransition: (tx, event) => onBatch(tx, recovery, [event]),
    onTransitions: (tx, events) => onBatch(tx, recovery, events),
  };
}
