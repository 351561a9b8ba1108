import { api } from '../../api/client.ts';
import type { ListOf } from '../../api/types.ts';

/** What the data-source pages read from /api/sources, /api/quality and /api/sources/:id/… (see /api/openapi.json). */
export type SourceStatus = 'silent' | 'bad_data' | 'late' | 'healthy' | 'inactive';
export const SOURCE_STATUSES: readonly SourceStatus[] = ['silent', 'bad_data', 'late', 'healthy', 'inactive'];

export type Cadence =
  | { readonly kind: 'batches'; readonly everyMinutes: number; readonly from?: string; readonly to?: string; readonly weekdaysOnly?: boolean }
  | { readonly kind: 'events'; readonly perDay: number };

export interface SourceView {
  readonly id: number;
  readonly name: string;
  readonly orgUnit: string;
  readonly allowedTypes: readonly string[];
  readonly cadence: Cadence | null;
  readonly tokenId: number;
  readonly hasMapping: boolean;
  readonly active: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface QualityFigures {
  readonly received: number;
  readonly accepted: number;
  readonly duplicates: number;
  readonly conflicts: number;
  readonly rejected: number;
  readonly rejectedByCode: Readonly<Record<string, number>>;
  readonly successRate: number | null;
  readonly timeliness: { readonly p50Seconds: number | null; readonly p95Seconds: number | null };
}

export interface QualityView extends QualityFigures {
  readonly sourceId: number;
  readonly sourceName: string;
  readonly orgUnit: string;
  readonly from: string;
  readonly to: string;
  readonly captureRate: number | null;
  readonly expected: number | null;
  readonly observed: number | null;
  readonly lastSeenAt: string | null;
  readonly onTime: number;
  readonly active: boolean;
  readonly status: SourceStatus;
  readonly reasons: readonly string[];
  readonly byType: readonly (QualityFigures & { readonly eventType: string })[];
}

export interface SeriesPoint {
  readonly from: string;
  readonly to: string;
  readonly received: number;
  readonly accepted: number;
  readonly duplicates: number;
  readonly conflicts: number;
  readonly rejected: number;
  readonly successRate: number | null;
  readonly p50Seconds: number | null;
  readonly p95Seconds: number | null;
  readonly captureRate: number | null;
}

export interface QuarantineItem {
  readonly id: number;
  readonly receivedAt: string;
  readonly format: string;
  readonly outcome: string;
  readonly recordIndex: number;
  readonly code: string;
  readonly message: string;
  readonly path: string;
  readonly eventId: string | null;
  readonly eventType: string | null;
  readonly payload: unknown;
  readonly payloadBytes: number;
  readonly status: 'open' | 'reprocessed';
  readonly reprocessedAt: string | null;
}

export interface ReprocessResult {
  readonly processed: number;
  readonly settled: number;
  readonly stillOpen: number;
  readonly outcomes: readonly {
    readonly id: number; readonly recordIndex: number; readonly eventId: string | null; readonly eventType: string | null;
    readonly outcome: 'settled' | 'open'; readonly code: string; readonly message: string; readonly path: string;
  }[];
}

/** The reporting periods the pages offer, newest data last. */
export const PERIODS = { '24h': { hours: 24, grain: 'hour' }, '7d': { hours: 7 * 24, grain: 'hour' }, '30d': { hours: 30 * 24, grain: 'day' } } as const;
export type PeriodKey = keyof typeof PERIODS;

export function periodRange(key: PeriodKey, now = new Date()): { from: string; to: string } {
  return { from: new Date(now.getTime() - PERIODS[key].hours * 3_600_000).toISOString(), to: now.toISOString() };
}

export function isPeriod(value: unknown): value is PeriodKey {
  return typeof value === 'string' && Object.hasOwn(PERIODS, value);
}

export const sourcesApi = {
  quality: (range: { from: string; to: string }) => api.get<ListOf<QualityView>>('/api/quality', { query: range }),
  source: (id: number) => api.get<SourceView>(`/api/sources/${id}`),
  sourceQuality: (id: number, range: { from: string; to: string }) => api.get<QualityView>(`/api/sources/${id}/quality`, { query: range }),
  series: (id: number, range: { from: string; to: string }, grain: 'hour' | 'day') =>
    api.get<{ grain: string; timeZone: string; points: readonly SeriesPoint[] }>(`/api/sources/${id}/quality/series`, { query: { ...range, grain } }),
  quarantine: (id: number, query: { status?: 'open' | 'reprocessed'; code?: string; afterId?: number; limit?: number }) =>
    api.get<ListOf<QuarantineItem>>(`/api/sources/${id}/quarantine`, { query }),
  quarantineSummary: (id: number) => api.get<{ open: number; byCode: readonly { code: string; count: number }[] }>(`/api/sources/${id}/quarantine/summary`),
  reprocess: (id: number) => api.post<ReprocessResult>(`/api/sources/${id}/quarantine/reprocess`),
};

/** Share as a percentage with one decimal, or a dash when there is nothing to judge. */
export function percent(value: number | null): string {
  return value === null ? '—' : `${(value * 100).toFixed(1)}%`;
}

/** A duration in seconds in the largest fitting unit (s, min, h, d). */
export function duration(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)}min`;
  if (seconds < 172_800) return `${Math.round(seconds / 360) / 10}h`;
  return `${Math.round(seconds / 8640) / 10}d`;
}

/** The most frequent rejection codes, most frequent first. */
export function topCodes(byCode: Readonly<Record<string, number>>, n = 3): { code: string; count: number }[] {
  return Object.entries(byCode).map(([code, count]) => ({ code, count })).sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)).slice(0, n);
}

export const statusTag: Readonly<Record<SourceStatus, string>> = {
  silent: 'tag-danger', bad_data: 'tag-danger', late: 'tag-warn', healthy: 'tag-ok', inactive: 'tag-muted',
};
