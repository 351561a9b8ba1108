import { api } from '../../api/client.ts';

/**
 * The overview of an org subtree as GET /api/overview and the `snapshot` events of GET /api/live
 * send it (src/live/overview-service.ts). A section is null when the viewer may not read it.
 */
export type Grain = 'day' | 'week' | 'month';
export type SeverityCounts = Readonly<Record<'1' | '2' | '3' | '4', number>>;

export interface OverviewIndicator {
  readonly code: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly unit: string;
  readonly direction: string;
  readonly periodKey: string;
  readonly value: number | null;
  readonly previous: number | null;
  readonly changeRate: number | null;
  readonly yearAgo: number | null;
  readonly yearOverYearRate: number | null;
  readonly target: number | null;
  readonly targetStatus: string;
  readonly current: { readonly periodKey: string; readonly value: number | null } | null;
  readonly spark: readonly { readonly at: string; readonly value: number | null }[];
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
  readonly grain: Grain;
  readonly indicators: readonly OverviewIndicator[] | null;
  readonly alerts: { readonly open: number; readonly bySeverity: SeverityCounts; readonly recent: readonly OverviewAlert[] } | null;
  readonly workorders: { readonly open: number; readonly byState: Readonly<Record<string, number>>; readonly overdue: number } | null;
  readonly sources: {
    readonly total: number;
    readonly inTrouble: readonly { readonly id: number; readonly name: string; readonly orgUnit: string; readonly reasons: readonly string[]; readonly lastSeenAt: string | null }[];
  } | null;
  readonly children: readonly OverviewChild[];
  readonly flow: { readonly at: readonly string[]; readonly online: readonly number[]; readonly offline: readonly number[]; readonly totals: { readonly online: number; readonly offline: number } } | null;
}

/** An alert transition or work-order change pushed by the live feed. */
export interface LiveAlertEvent {
  readonly kind: 'alert';
  readonly id: number;
  readonly alertId: number;
  readonly ruleCode: string;
  readonly orgUnit: string;
  readonly severity: number;
  readonly from: string | null;
  readonly to: string;
  readonly at: string;
  readonly value: number | null;
  readonly messageZh: string;
  readonly messageEn: string;
}

export interface LiveWorkOrderEvent {
  readonly kind: 'workorder';
  readonly id: number;
  readonly orderId: number;
  readonly title: string;
  readonly severity: number;
  readonly orgUnit: string;
  readonly action: string;
  readonly from: string;
  readonly to: string;
  readonly at: string;
}

export type LiveEvent = LiveAlertEvent | LiveWorkOrderEvent;

export const SEVERITIES = [1, 2, 3, 4] as const;

export function fetchOverview(org: string, grain: Grain = 'day'): Promise<Overview> {
  return api.get<Overview>('/api/overview', { query: { org, grain } });
}

export interface LiveHandlers {
  snapshot(overview: Overview): void;
  change(event: LiveEvent): void;
  /** The connection is up (true) or lost and being retried (false). */
  status(live: boolean): void;
}

/**
 * Follows GET /api/live for a scope. The browser's EventSource reconnects by itself when the
 * server ends the stream (it does after a maximum age, so access is checked again); each
 * reconnection starts with a fresh snapshot. Returns the function that stops following.
 */
export function followLive(org: string, handlers: LiveHandlers, grain: Grain = 'day'): () => void {
  const source = new EventSource(`/api/live?${new URLSearchParams({ org, grain }).toString()}`, { withCredentials: true });
  const parse = (e: Event): unknown => JSON.parse(String((e as MessageEvent<unknown>).data)) as unknown;
  source.addEventListener('open', () => { handlers.status(true); });
  source.addEventListener('error', () => { handlers.status(false); });
  source.addEventListener('snapshot', (e) => { handlers.snapshot(parse(e) as Overview); });
  source.addEventListener('alert', (e) => { handlers.change(parse(e) as LiveAlertEvent); });
  source.addEventListener('workorder', (e) => { handlers.change(parse(e) as LiveWorkOrderEvent); });
  return () => { source.close(); };
}
