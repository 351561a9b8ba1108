import type { AlertsService, AlertView } from '../alerts/alerts-service.ts';
import type { DefinitionView } from '../indicators/definitions-service.ts';
import type { IndicatorMeta, IndicatorPoint } from '../indicators/query-service.ts';
import type { SourceQuality } from '../ingest/quality-service.ts';
import type { Source } from '../ingest/source-repo.ts';
import type { OrgUnit } from '../orgs/index.ts';
import type { Clock, Grain } from '../shared/index.ts';
import type { WorkOrderState } from '../workorders/index.ts';
import type { DepartmentStats } from '../workorders/statistics.ts';
import {
  countAlerts, emptySeverityCounts, flowOf, flowUnits, HEADLINE_INDICATORS, headlineOf, MAX_HEADLINES, sourceTroubles, worstSeverity,
  type Flow, type Headline, type SeverityCounts, type SourceTrouble,
} from './overview.ts';

/**
 * The overview of one org subtree in one call: what the overview page, an org node in the
 * drill-down and the big screen show. Each section needs its read permission on the unit and is
 * null without it (a liaison has no source.read, so no sources section). Built from the other
 * modules' services; a short memo lets the wall's connections and the pages share a computation.
 */
export type OverviewGrain = Extract<Grain, 'day' | 'week' | 'month'>;
export type OverviewPermission = 'indicator.read' | 'alert.read' | 'workorder.read' | 'source.read';

const WINDOW: Readonly<Record<OverviewGrain, { periods: number; ms: number }>> = {
  day: { periods: 30, ms: 86_400_000 },
  week: { periods: 26, ms: 7 * 86_400_000 },
  month: { periods: 13, ms: 31 * 86_400_000 },
};
const RECENT_ALERTS = 8;
const OPEN_ORDER_STATES: readonly WorkOrderState[] = ['new', 'acknowledged', 'in_progress', 'on_hold', 'resolved'];

export interface OverviewDeps {
  readonly clock: Clock;
  readonly orgs: { listSubtree(root: OrgUnit, includeInactive: boolean): Promise<OrgUnit[]>; listRoots(): Promise<OrgUnit[]> };
  readonly indicators: {
    list(): Promise<DefinitionView[]>;
    series(code: string, org: OrgUnit, grain: Grain, from: Date, to: Date): Promise<{ meta: IndicatorMeta; points: IndicatorPoint[] }>;
  };
  readonly alerts: Pick<AlertsService, 'list' | 'countByUnit'>;
  readonly workorders: {
    countByUnit(filter: { scopePaths: readonly string[]; states: readonly WorkOrderState[] }): Promise<{ orgPath: string; state: WorkOrderState; count: number }[]>;
    stats(scopePaths: readonly string[], period: { start: Date; end: Date }, now: Date, groupPath: string): Promise<DepartmentStats[]>;
  };
  readonly sources: { list(scopePaths: readonly string[]): Promise<Source[]> };
  readonly quality: { qualityOf(sources: readonly Source[], from: Date, to: Date): Promise<SourceQuality[]> };
  /** How long a computed overview is reused (ms); 0 computes every time. */
  readonly memoMs?: number;
}

export interface OverviewIndicator extends Headline {
  readonly code: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly unit: string;
  readonly direction: string;
}

export interface OverviewAlert {
  readonly id: number;
  readonly ruleCode: string;
  readonly orgUnit: string;
  readonly severity: number;
  readonly state: string;
  readonly messageZh: string;
  readonly messageEn: string;
  readonly since: string;
}

export interface OverviewChild {
  readonly code: string;
  readonly name: string;
  readonly nameEn: string | null;
  readonly kind: string;
  readonly channel: string | null;
  readonly alerts: SeverityCounts | null;
  readonly worstSeverity: number | null;
  readonly openOrders: number | null;
  readonly overdueOrders: number | null;
}

export interface Overview {
  readonly org: { readonly code: string; readonly name: string; readonly nameEn: string | null; readonly kind: string; readonly channel: string | null };
  readonly at: string;
  readonly grain: OverviewGrain;
  readonly indicators: readonly OverviewIndicator[] | null;
  readonly alerts: { readonly open: number; readonly bySeverity: SeverityCounts; readonly recent: readonly OverviewAlert[] } | null;
  readonly workorders: { readonly open: number; readonly byState: Readonly<Record<string, number>>; readonly overdue: number } | null;
  readonly sources: {
    readonly total: number;
    readonly inTrouble: readonly { readonly id: number; readonly name: string; readonly orgUnit: string; readonly reasons: readonly SourceTrouble[]; readonly lastSeenAt: string | null }[];
  } | null;
  readonly children: readonly OverviewChild[];
  readonly flow: Flow | null;
}

export interface OverviewRequest {
  readonly org: OrgUnit;
  readonly grain: OverviewGrain;
  /** Whether the viewer holds the permission on the org unit. */
  readonly may: (permission: OverviewPermission) => boolean;
}

export function createOverviewService(deps: OverviewDeps) {
  const memoMs = deps.memoMs ?? 2000;
  const memo = new Map<string, { at: number; value: Promise<Overview> }>();

  async function headlines(org: OrgUnit, grain: OverviewGrain, now: Date): Promise<OverviewIndicator[]> {
    const installed = new Set((await deps.indicators.list()).map((d) => d.definition.code));
    const from = new Date(now.getTime() - WINDOW[grain].periods * WINDOW[grain].ms);
    const out: OverviewIndicator[] = [];
    for (const code of HEADLINE_INDICATORS) {
      if (out.length >= MAX_HEADLINES) break;
      if (!installed.has(code)) continue;
      const { meta, points } = await deps.indicators.series(code, org, grain, from, now);
      const headline = headlineOf(points.slice(-(WINDOW[grain].periods + 1)));
      if (headline) out.push({ code: meta.code, nameZh: meta.nameZh, nameEn: meta.nameEn, unit: meta.unit, direction: meta.direction, ...headline });
    }
    return out;
  }

  async function flow(org: OrgUnit, subtree: readonly OrgUnit[], now: Date): Promise<Flow | null> {
    const units = flowUnits(org, subtree);
    if (units.length === 0) return null;
    if (!(await deps.indicators.list()).some((d) => d.definition.code === 'outpatient_visits')) return null;
    const from = new Date(now.getTime() - 24 * 3_600_000);
    const series = await Promise.all(units.map(async (u) => ({
      channel: u.channel === 'online' ? 'online' as const : 'offline' as const,
      points: (await deps.indicators.series('outpatient_visits', u, 'hour', from, now)).points,
    })));
    return flowOf(series);
  }

  /** The most severe open alerts, newest change first within a severity (one query per severity that has any). */
  async function mostSevere(org: OrgUnit, counts: SeverityCounts): Promise<AlertView[]> {
    const out: AlertView[] = [];
    for (const severity of [1, 2, 3, 4] as const) {
      if (out.length >= RECENT_ALERTS) break;
      if (counts[`${severity}`] === 0) continue;
      out.push(...(await deps.alerts.list({ paths: [org.path], state: 'firing', severity, limit: RECENT_ALERTS - out.length })));
    }
    return out;
  }

  async function compute(req: OverviewRequest): Promise<Overview> {
    const { org, grain, may } = req;
    const now = deps.clock.now();
    const subtree = await deps.orgs.listSubtree(org, false);
    const children = subtree.filter((u) => u.parentId === org.id);
    const childRefs = children.map((c) => ({ code: c.code, path: c.path }));

    // Counts are counted (per unit and severity), never the length of a capped list.
    const alertCounts = may('alert.read') ? countAlerts(await deps.alerts.countByUnit([org.path], 'firing'), childRefs) : null;
    const recentAlerts = alertCounts ? await mostSevere(org, alertCounts.total) : [];

    let orders: { open: { orgPath: string; state: WorkOrderState; count: number }[]; overdueByUnit: Map<string, number> } | null = null;
    if (may('workorder.read')) {
      const root = (await deps.orgs.listRoots())[0]?.path ?? '/';
      const [open, stats] = await Promise.all([
        deps.workorders.countByUnit({ scopePaths: [org.path], states: OPEN_ORDER_STATES }),
        deps.workorders.stats([org.path], { start: new Date(now.getTime() - 86_400_000), end: now }, now, root),
      ]);
      orders = { open, overdueByUnit: new Map(stats.map((s) => [s.department, s.openOverdue])) };
    }
    const pathOf = new Map(subtree.map((u) => [u.code, u.path]));
    const overdueUnder = (path: string) => orders
      ? [...orders.overdueByUnit.entries()].reduce((n, [code, count]) => n + ((pathOf.get(code) ?? '').startsWith(path) ? count : 0), 0)
      : 0;

    let sources: Overview['sources'] = null;
    if (may('source.read')) {
      const list = (await deps.sources.list([org.path])).filter((s) => s.active);
      const quality = await deps.quality.qualityOf(list, new Date(now.getTime() - 86_400_000), now);
      const inTrouble = quality.flatMap((q) => {
        const reasons = sourceTroubles(q);
        return reasons.length === 0 ? [] : [{ id: q.sourceId, name: q.sourceName, orgUnit: q.orgUnit, reasons, lastSeenAt: q.lastSeenAt?.toISOString() ?? null }];
      });
      sources = { total: list.length, inTrouble };
    }

    const byState: Record<string, number> = Object.fromEntries(OPEN_ORDER_STATES.map((s) => [s, 0]));
    for (const o of orders?.open ?? []) byState[o.state] = (byState[o.state] ?? 0) + o.count;
    const openOrdersUnder = (path: string) => (orders?.open ?? []).reduce((n, o) => n + (o.orgPath.startsWith(path) && o.state !== 'resolved' ? o.count : 0), 0);

    return {
      org: { code: org.code, name: org.name, nameEn: org.nameEn, kind: org.kind, channel: org.channel },
      at: now.toISOString(),
      grain,
      indicators: may('indicator.read') ? await headlines(org, grain, now) : null,
      alerts: alertCounts ? {
        open: Object.values(alertCounts.total).reduce((a, b) => a + b, 0),
        bySeverity: alertCounts.total,
        recent: recentAlerts.map((a) => ({
          id: a.id, ruleCode: a.ruleCode, orgUnit: a.orgUnitCode, severity: a.severity, state: a.state, messageZh: a.messageZh, messageEn: a.messageEn,
          since: a.status.activeSince,
        })),
      } : null,
      workorders: orders ? { open: openOrdersUnder(org.path), byState, overdue: overdueUnder(org.path) } : null,
      sources,
      children: children.map((c) => {
        const counts = alertCounts ? alertCounts.byChild.get(c.code) ?? emptySeverityCounts() : null;
        return {
          code: c.code, name: c.name, nameEn: c.nameEn, kind: c.kind, channel: c.channel,
          alerts: counts, worstSeverity: counts ? worstSeverity(counts) : null,
          openOrders: orders ? openOrdersUnder(c.path) : null,
          overdueOrders: orders ? overdueUnder(c.path) : null,
        };
      }),
      flow: may('indicator.read') ? await flow(org, subtree, now) : null,
    };
  }

  return {
    /** The overview of `req.org`'s subtree as the viewer may see it. */
    overview(req: OverviewRequest): Promise<Overview> {
      const perms = (['indicator.read', 'alert.read', 'workorder.read', 'source.read'] as const).map((p) => (req.may(p) ? '1' : '0')).join('');
      const key = `${String(req.org.id)}|${req.grain}|${perms}`;
      const nowMs = Date.now();
      const hit = memo.get(key);
      if (hit && nowMs - hit.at < memoMs) return hit.value;
      const value = compute(req);
      if (memo.size > 200) memo.clear();
      memo.set(key, { at: nowMs, value });
      value.catch(() => { memo.delete(key); });
      return value;
    },
  };
}

export type OverviewService = ReturnType<typeof createOverviewService>;
