import { api, ApiError, queryString } from '../../api/client.ts';

/** The indicator API as the console reads it (see /api/openapi.json, tag "indicators"). */
export const GRAINS = ['hour', 'day', 'week', 'month', 'quarter', 'year'] as const;
export type Grain = (typeof GRAINS)[number];
export type Direction = 'higher_better' | 'lower_better' | 'neutral';

export interface IndicatorSummary {
  readonly code: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly unit: string;
  readonly direction: Direction;
  readonly formula: string;
  readonly category: string;
  readonly description: string;
  readonly measureKind: string;
  readonly version: number;
  readonly origin: string;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

export interface IndicatorDetail {
  readonly indicator: IndicatorSummary;
  readonly definition: unknown;
  readonly versions: readonly { readonly version: number; readonly origin: string; readonly createdAt: string; readonly createdBy: string; readonly definition: unknown }[];
}

export interface OrgRef {
  readonly code: string;
  readonly name: string;
  readonly nameEn: string | null;
}

export interface SeriesPoint {
  readonly periodKey: string;
  readonly periodStart: string;
  readonly value: number | null;
  readonly previous: number | null;
  readonly yearAgo: number | null;
  readonly changeRate: number | null;
  readonly yearOverYearRate: number | null;
  readonly target: number | null;
  readonly targetInherited: boolean;
  readonly targetStatus: string;
  readonly open: boolean;
}

export interface SeriesView {
  readonly indicator: Pick<IndicatorSummary, 'code' | 'nameZh' | 'nameEn' | 'unit' | 'direction'>;
  readonly org: OrgRef;
  readonly grain: Grain;
  readonly points: readonly SeriesPoint[];
}

/** A rule's breach judged on a period older than its live horizon (history): a mark, never an alert. */
export interface FindingMark {
  readonly id: number;
  readonly ruleCode: string;
  readonly ruleNameZh: string;
  readonly ruleNameEn: string;
  readonly periodKey: string;
  readonly value: number | null;
  readonly bound: number | null;
  readonly message: string;
}

export interface AnomalyMark {
  readonly alertId: number;
  readonly ruleCode: string;
  readonly ruleNameZh: string;
  readonly ruleNameEn: string;
  readonly severity: number;
  readonly state: string;
  readonly periodKey: string;
  readonly at: string;
  readonly observed: number;
  readonly expected: { readonly low: number; readonly center: number; readonly high: number };
  readonly deviation: number | null;
  readonly score: number | null;
}

export interface BreakdownView {
  readonly org: OrgRef;
  readonly periodKey: string;
  readonly open: boolean;
  readonly total: number | null;
  readonly children: readonly { readonly org: OrgRef; readonly value: number | null }[];
}

export interface RankingView {
  readonly org: OrgRef;
  readonly periodKey: string;
  readonly open: boolean;
  readonly order: 'top' | 'bottom';
  readonly items: readonly { readonly rank: number; readonly org: OrgRef; readonly value: number | null }[];
}

export interface ResolvedTarget {
  readonly periodKey: string;
  readonly value: number | null;
  readonly fromOrg: string | null;
  readonly inherited: boolean;
}

export interface UploadResult {
  readonly accepted: number;
  readonly rejected: number;
  readonly rows: readonly { readonly row: number; readonly ok: boolean; readonly field?: string; readonly message?: string }[];
}

export interface SeriesQuery {
  readonly code: string;
  readonly org: string;
  readonly grain: Grain;
  readonly from: string;
  readonly to: string;
}

const base = (code: string) => `/api/indicators/${encodeURIComponent(code)}`;
const rangeOf = (q: SeriesQuery) => ({ org: q.org, grain: q.grain, from: q.from, to: q.to });

export const indicatorApi = {
  list: async () => (await api.get<{ items: IndicatorSummary[] }>('/api/indicators')).items,
  detail: (code: string) => api.get<IndicatorDetail>(base(code)),
  series: (q: SeriesQuery) => api.get<SeriesView>(`${base(q.code)}/series`, { query: rangeOf(q), quiet: true }),
  /** Findings of the rules watching this indicator at this org unit and grain (filtered to the periods shown by the caller). */
  findings: async (q: SeriesQuery) =>
    (await api.get<{ items: FindingMark[] }>('/api/findings', { query: { indicator: q.code, org: q.org, grain: q.grain, limit: 1000 }, quiet: true })).items,
  anomalies: async (q: SeriesQuery) => (await api.get<{ items: AnomalyMark[] }>(`${base(q.code)}/anomalies`, { query: rangeOf(q), quiet: true })).items,
  breakdown: (code: string, org: string, period: string) => api.get<BreakdownView>(`${base(code)}/breakdown`, { query: { org, period }, quiet: true }),
  ranking: (code: string, org: string, period: string, order: 'top' | 'bottom', limit: number) =>
    api.get<RankingView>(`${base(code)}/ranking`, { query: { org, period, order, limit }, quiet: true }),
  targets: async (q: SeriesQuery) => (await api.get<{ items: ResolvedTarget[] }>(`${base(q.code)}/targets`, { query: rangeOf(q) })).items,
  setTarget: (code: string, body: { org: string; period: string; value: number }) => api.put<{ ok: true; before: number | null }>(`${base(code)}/targets`, body, { quiet: true }),
  setValue: (code: string, body: { org: string; period: string; value: number }) => api.put<{ ok: true; before: number | null }>(`${base(code)}/values`, body, { quiet: true }),
};

/** Download links: the server writes the file (same access as the series and breakdown). */
export function seriesExportUrl(q: SeriesQuery, format: 'csv' | 'xlsx', lang: string): string {
  return `${base(q.code)}/series/export${queryString({ ...rangeOf(q), format, lang: lang === 'en' ? 'en' : 'zh-CN' })}`;
}

export function breakdownExportUrl(code: string, org: string, period: string, format: 'csv' | 'xlsx', lang: string): string {
  return `${base(code)}/breakdown/export${queryString({ org, period, format, lang: lang === 'en' ? 'en' : 'zh-CN' })}`;
}

/**
 * Manual values from a CSV or XLSX file. The API client sends JSON only, so the multipart upload
 * is sent here, with the session's CSRF token like every other write.
 */
export async function uploadValues(code: string, file: File, csrfToken: string | null): Promise<UploadResult> {
  const form = new FormData();
  form.append('file', file, file.name);
  const response = await fetch(`${base(code)}/values/upload`, {
    method: 'POST', body: form, credentials: 'same-origin', headers: { accept: 'application/json', ...(csrfToken === null ? {} : { 'x-csrf-token': csrfToken }) },
  });
  const payload = (await response.json().catch(() => null)) as unknown;
  if (response.ok) return payload as UploadResult;
  const error = (payload as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | null)?.error;
  throw new ApiError(response.status, error?.code ?? 'HTTP_ERROR', error?.message ?? `The server answered ${String(response.status)}.`, error?.details ?? {});
}
