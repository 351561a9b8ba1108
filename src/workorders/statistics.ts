import type { WorkingCalendar } from '../calendar/index.ts';
import { computeDeadlines } from './deadlines.ts';
import { isOpen, type Severity, type WorkOrder, type WorkOrderState } from './work-order.ts';

/**
 * Work-order statistics per department for a period, and the weekly consultation list (会商),
 * from arrays of orders as they are now. Definitions:
 * - the cohort is the orders created in [start, end); all figures are as of min(now, end);
 * - cancelled orders (closed without verification) count in `orders` only;
 * - on-time rates divide orders that met the deadline by orders whose deadline was met or has
 *   passed (null when none); mean times are wall-clock from creation;
 * - `overdue`: cohort orders that missed either deadline; `openOverdue`: orders of any age still
 *   open and past a deadline at the as-of instant (the department's backlog);
 * - `reopened`: cohort orders reopened at least once; `recurrences`: cohort orders that recurred
 *   (reopened for a recurring alert, or opened as a linked recurrence).
 */
export interface StatsPeriod {
  readonly start: Date;
  readonly end: Date;
}

export interface DepartmentStats {
  readonly department: string;
  readonly orders: number;
  readonly acknowledgedOnTime: number;
  readonly onTimeAcknowledgeRate: number | null;
  readonly resolvedOnTime: number;
  readonly onTimeResolveRate: number | null;
  readonly meanTimeToAcknowledgeMs: number | null;
  readonly meanTimeToResolveMs: number | null;
  readonly overdue: number;
  readonly openOverdue: number;
  readonly reopened: number;
  readonly recurrences: number;
}

/** Maps an order's org unit to the department it is counted against (identity by default). */
export type DepartmentOf = (orgUnit: string) => string;

interface Facts {
  readonly order: WorkOrder;
  readonly ackBy: number;
  readonly resolveBy: number;
  readonly ackAt: number | null;
  readonly resolvedAt: number | null;
  readonly openAtAsOf: boolean;
}

function factsOf(order: WorkOrder, calendar: WorkingCalendar, asOf: Date): Facts {
  const t = asOf.getTime();
  const deadlines = computeDeadlines(order, calendar, asOf);
  const upTo = (d: Date | null): number | null => (d !== null && d.getTime() <= t ? d.getTime() : null);
  const closedAt = upTo(order.closedAt);
  const resolvedAt = upTo(order.resolvedAt);
  return {
    order,
    ackBy: deadlines.acknowledgeBy.getTime(),
    resolveBy: deadlines.resolveBy.getTime(),
    ackAt: upTo(order.acknowledgedAt),
    resolvedAt,
    openAtAsOf: order.createdAt.getTime() <= t && closedAt === null && resolvedAt === null,
  };
}

function pastDue(f: Facts, t: number): { ack: boolean; resolve: boolean } {
  return { ack: f.ackAt === null && f.ackBy < t, resolve: f.resolvedAt === null && f.resolveBy < t };
}

const mean = (xs: readonly number[]): number | null => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);
const rate = (hit: number, of: number): number | null => (of === 0 ? null : hit / of);

function departmentStats(department: string, cohort: readonly Facts[], backlog: readonly Facts[], t: number): DepartmentStats {
  const counted = cohort.filter((f) => f.order.closeOutcome !== 'cancelled');
  const ackDecided = counted.filter((f) => f.ackAt !== null || f.ackBy < t);
  const ackOnTime = ackDecided.filter((f) => f.ackAt !== null && f.ackAt <= f.ackBy).length;
  const resDecided = counted.filter((f) => f.resolvedAt !== null || f.resolveBy < t);
  const resOnTime = resDecided.filter((f) => f.resolvedAt !== null && f.resolvedAt <= f.resolveBy).length;
  return {
    department,
    orders: cohort.length,
    acknowledgedOnTime: ackOnTime,
    onTimeAcknowledgeRate: rate(ackOnTime, ackDecided.length),
    resolvedOnTime: resOnTime,
    onTimeResolveRate: rate(resOnTime, resDecided.length),
    meanTimeToAcknowledgeMs: mean(counted.flatMap((f) => (f.ackAt === null ? [] : [f.ackAt - f.order.createdAt.getTime()]))),
    meanTimeToResolveMs: mean(counted.flatMap((f) => (f.resolvedAt === null ? [] : [f.resolvedAt - f.order.createdAt.getTime()]))),
    overdue: counted.filter((f) => (f.ackAt ?? t) > f.ackBy || (f.resolvedAt ?? t) > f.resolveBy).length,
    openOverdue: backlog.filter((f) => {
      const due = pastDue(f, t);
      return f.openAtAsOf && (due.ack || due.resolve);
    }).length,
    reopened: cohort.filter((f) => f.order.reopenCount > 0).length,
    recurrences: cohort.filter((f) => f.order.recurrenceCount > 0 || f.order.recurrenceOf !== null).length,
  };
}

export function computeWorkOrderStats(
  orders: readonly WorkOrder[],
  calendar: WorkingCalendar,
  period: StatsPeriod,
  now: Date,
  departmentOf: DepartmentOf = (u) => u,
): DepartmentStats[] {
  const asOf = new Date(Math.min(now.getTime(), period.end.getTime()));
  const t = asOf.getTime();
  const byDept = new Map<string, { cohort: Facts[]; backlog: Facts[] }>();
  for (const order of orders) {
    if (order.createdAt.getTime() > t) continue;
    const f = factsOf(order, calendar, asOf);
    const dept = departmentOf(order.orgUnit);
    const bucket = byDept.get(dept) ?? { cohort: [], backlog: [] };
    byDept.set(dept, bucket);
    bucket.backlog.push(f);
    if (order.createdAt.getTime() >= period.start.getTime() && order.createdAt.getTime() < period.end.getTime()) bucket.cohort.push(f);
  }
  return [...byDept.entries()]
    .map(([dept, b]) => departmentStats(dept, b.cohort, b.backlog, t))
    .filter((s) => s.orders > 0 || s.openOverdue > 0)
    .sort((a, b) => a.department.localeCompare(b.department));
}

export type ConsultationReason = 'cross_department' | 'overdue_acknowledge' | 'overdue_resolve';

export interface ConsultationItem {
  readonly orderId: string;
  readonly title: string;
  readonly severity: Severity;
  readonly state: WorkOrderState;
  readonly departments: readonly string[];
  readonly reasons: readonly ConsultationReason[];
  readonly acknowledgeBy: Date;
  readonly resolveBy: Date;
  /** Elapsed time since the earliest missed deadline; 0 when nothing is overdue. */
  readonly overdueMs: number;
}

/** Open orders involving several departments or past a deadline; most severe, then longest overdue first. */
export function weeklyConsultationList(
  orders: readonly WorkOrder[],
  calendar: WorkingCalendar,
  now: Date,
  departmentOf: DepartmentOf = (u) => u,
): ConsultationItem[] {
  const t = now.getTime();
  const items: ConsultationItem[] = [];
  for (const order of orders.filter(isOpen)) {
    const f = factsOf(order, calendar, now);
    const departments = [...new Set([order.orgUnit, ...order.relatedOrgUnits].map(departmentOf))];
    const due = pastDue(f, t);
    const reasons: ConsultationReason[] = [];
    if (departments.length > 1) reasons.push('cross_department');
    if (due.ack) reasons.push('overdue_acknowledge');
    if (due.resolve) reasons.push('overdue_resolve');
    if (reasons.length === 0) continue;
    const missed = [due.ack ? f.ackBy : Infinity, due.resolve ? f.resolveBy : Infinity];
    const earliest = Math.min(...missed);
    items.push({
      orderId: order.id,
      title: order.title,
      severity: order.severity,
      state: order.state,
      departments,
      reasons,
      acknowledgeBy: new Date(f.ackBy),
      resolveBy: new Date(f.resolveBy),
      overdueMs: Number.isFinite(earliest) ? t - earliest : 0,
    });
  }
  return items.sort((a, b) => a.severity - b.severity || b.overdueMs - a.overdueMs || a.orderId.localeCompare(b.orderId));
}
