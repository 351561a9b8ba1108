import type { OrgUnit } from '../orgs/index.ts';
import { nextPeriod, periodKey, previousPeriod, type Grain } from '../shared/index.ts';
import type { BulletinData, DepartmentOrders, HeadlineFigure, IncidentItem, SourceQualityItem } from './bulletin-data.ts';
import { grainOf, type BulletinKind } from './schedule.ts';

/**
 * Gathers what a bulletin states from the modules that own the figures — indicator series, alerts
 * (incidents), work orders and source quality — through the narrow reads below, wired in main.ts.
 * Nothing here computes a figure of its own: every number equals what the module's API answers.
 */
interface SeriesPointLike {
  readonly periodKey: string;
  readonly value: number | null;
  readonly previous: number | null;
  readonly yearAgo: number | null;
  readonly target: number | null;
}

interface AlertLike {
  readonly id: number;
  readonly ruleCode: string;
  readonly orgUnitCode: string;
  readonly severity: 1 | 2 | 3 | 4;
  readonly messageZh: string;
  readonly messageEn: string;
  readonly createdAt: Date;
  readonly periodStart: Date | null;
  /** Incident fields (present once alerts are incidents). */
  readonly periodCount?: number;
  readonly endedAt?: Date | null;
  readonly state: string;
  readonly updatedAt: Date;
}

interface OrderLike {
  readonly id: string;
  readonly orgUnit: string;
  readonly state: string;
  readonly sourceAlerts: readonly string[];
  readonly createdAt: Date;
  readonly resolvedAt: Date | null;
  readonly closeNote: string | null;
  /** Resolved by its deadline (true/false), or null while open and not yet overdue. */
  readonly onTime: boolean | null;
}

interface DepartmentStatsLike {
  readonly department: string;
  readonly orders: number;
  readonly resolvedOnTime: number;
  readonly overdue: number;
}

interface SourceQualityLike {
  readonly sourceName: string;
  readonly received: number;
  readonly accepted: number;
  readonly onTime: number;
  readonly successRate: number | null;
  readonly captureRate: number | null;
}

export interface GatherDeps {
  readonly timeZone: () => Promise<string>;
  readonly subtree: (root: OrgUnit) => Promise<readonly OrgUnit[]>;
  readonly series: (code: string, org: OrgUnit, grain: Grain, from: Date, to: Date) => Promise<{
    meta: { code: string; nameZh: string; nameEn: string; unit: string; direction: 'higher_better' | 'lower_better' | 'neutral' };
    points: readonly SeriesPointLike[];
  }>;
  readonly alerts: (scopePath: string, from: Date, to: Date) => Promise<readonly AlertLike[]>;
  readonly orders: (scopePath: string, createdTo: Date) => Promise<readonly OrderLike[]>;
  readonly orderStats: (scopePath: string, period: { start: Date; end: Date }) => Promise<readonly DepartmentStatsLike[]>;
  readonly sourceQuality: (scopePath: string, from: Date, to: Date) => Promise<readonly SourceQualityLike[]>;
}

/** The headline indicators of a bulletin when its template names none. */
export const DEFAULT_HEADLINE = [
  'outpatient_visits', 'online_visit_share', 'appointment_rate', 'avg_wait_after_appointment', 'discharges', 'avg_length_of_stay',
  'medical_revenue', 'outpatient_cost_per_visit', 'drug_revenue_share', 'pharmacist_review_rate', 'call_abandon_rate',
  'delivery_on_time_rate', 'outpatient_satisfaction', 'complaints_per_10k_visits',
] as const;

const SPARK_PERIODS = 8;

function localDate(instant: Date, zone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

export function createGatherService(deps: GatherDeps) {
  async function headline(org: OrgUnit, grain: Grain, start: Date, end: Date, codes: readonly string[], zone: string): Promise<HeadlineFigure[]> {
    let sparkFrom = start;
    for (let i = 1; i < SPARK_PERIODS; i += 1) sparkFrom = previousPeriod(sparkFrom, grain, zone);
    const out: HeadlineFigure[] = [];
    for (const code of codes) {
      const read = await deps.series(code, org, grain, sparkFrom, end).catch(() => null);
      if (!read) continue; // an indicator not installed here
      const key = periodKey(start, grain, zone);
      const point = read.points.find((p) => p.periodKey === key);
      // An indicator with no data in the period nor the one before says nothing about this scope.
      if (!point || (point.value === null && point.previous === null)) continue;
      out.push({
        code, name: { zh: read.meta.nameZh, en: read.meta.nameEn }, unit: read.meta.unit, direction: read.meta.direction,
        value: point.value, previous: point.previous, yearAgo: point.yearAgo, target: point.target,
        spark: read.points.map((p) => p.value),
      });
    }
    return out;
  }

  return {
    async gather(input: { kind: BulletinKind; scope: OrgUnit; periodStart: Date; headline: readonly string[]; now: Date }): Promise<BulletinData> {
      const zone = await deps.timeZone();
      const grain = grainOf(input.kind);
      const start = input.periodStart;
      const end = nextPeriod(start, grain, zone);
      const units = await deps.subtree(input.scope);
      const byCode = new Map(units.map((u) => [u.code, u]));
      const nameOf = (code: string) => {
        const u = byCode.get(code);
        return { zh: u?.name ?? code, en: u?.nameEn ?? u?.name ?? code };
      };
      const [figures, alerts, orders, stats, quality] = await Promise.all([
        headline(input.scope, grain, start, end, input.headline.length > 0 ? input.headline : DEFAULT_HEADLINE, zone),
        deps.alerts(input.scope.path, start, end),
        deps.orders(input.scope.path, end),
        deps.orderStats(input.scope.path, { start, end }),
        deps.sourceQuality(input.scope.path, start, end),
      ]);
      const orderOfAlert = new Map<string, OrderLike>();
      for (const o of orders) for (const a of o.sourceAlerts) orderOfAlert.set(a, o);
      const incidents: IncidentItem[] = alerts.map((a) => {
        const order = orderOfAlert.get(String(a.id)) ?? null;
        const endedAt = a.endedAt !== undefined ? a.endedAt : a.state === 'resolved' ? a.updatedAt : null;
        return {
          alertId: a.id, title: { zh: a.messageZh, en: a.messageEn }, ruleCode: a.ruleCode, orgName: nameOf(a.orgUnitCode), severity: a.severity,
          startedAt: (a.periodStart ?? a.createdAt).toISOString(), endedAt: endedAt && endedAt < end ? endedAt.toISOString() : null,
          periods: a.periodCount ?? 1, grain,
          workOrder: order === null ? null : {
            id: Number(order.id), state: order.state,
            onTime: order.onTime,
            resolution: order.closeNote,
          },
        };
      });
      const opened = orders.filter((o) => o.createdAt >= start && o.createdAt < end);
      const resolvedIn = (o: OrderLike) => o.resolvedAt !== null && o.resolvedAt >= start && o.resolvedAt < end;
      const byDepartment: DepartmentOrders[] = stats.map((s) => ({
        name: nameOf(s.department), opened: s.orders,
        resolved: orders.filter((o) => o.orgUnit === s.department && resolvedIn(o)).length,
        resolvedOnTime: s.resolvedOnTime, overdue: s.overdue,
      }));
      const sources: SourceQualityItem[] = quality.map((q) => ({
        name: q.sourceName, received: q.received,
        captureRate: q.captureRate === null ? null : q.captureRate * 100,
        validRate: q.successRate === null ? null : q.successRate * 100,
        timelyRate: q.accepted === 0 ? null : (q.onTime / q.accepted) * 100,
      }));
      return {
        kind: input.kind, periodKey: periodKey(start, grain, zone), periodFrom: localDate(start, zone), periodTo: localDate(new Date(end.getTime() - 1), zone),
        scope: { code: input.scope.code, name: nameOf(input.scope.code) },
        headline: figures, incidents,
        workOrders: orders.length === 0 && stats.length === 0 ? null : {
          opened: opened.length, resolved: orders.filter(resolvedIn).length,
          resolvedOnTime: stats.reduce((n, s) => n + s.resolvedOnTime, 0), overdue: stats.reduce((n, s) => n + s.overdue, 0), byDepartment,
        },
        sources,
      };
    },
  };
}

export type GatherService = ReturnType<typeof createGatherService>;
