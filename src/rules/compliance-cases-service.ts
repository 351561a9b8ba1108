import { exportFileName, toCsv, type ExportTable } from '../indicators/export.ts';
import { DEFAULT_TIME_ZONE, parsePeriodKey, periodEnd } from '../shared/index.ts';
import type { Db } from '../store/index.ts';
import * as repo from './compliance-cases-repo.ts';
import { CASES_SERIES_KEY } from './evaluate/compliance.ts';

/**
 * The cases (违规案例) behind a compliance rule's alert, listed, filtered and exported: the cases
 * of the alert's rule at its org unit (and sub-units) within its period.
 */
export interface CaseAlert {
  readonly ruleId: number;
  readonly ruleCode: string;
  readonly orgUnitCode: string;
  readonly orgPath: string;
  readonly seriesKey: string;
  readonly periodKey: string;
  readonly periodStart: Date | null;
}

export interface CaseFilter {
  readonly field?: { readonly name: string; readonly value: string };
  readonly eventType?: string;
  readonly afterId?: number;
  readonly limit?: number;
}

/** Whether an alert is about compliance cases (a window of them) rather than one value. */
export function hasCases(alert: Pick<CaseAlert, 'seriesKey' | 'periodStart'>): boolean {
  return alert.seriesKey === CASES_SERIES_KEY && alert.periodStart !== null;
}

/** The time the alert's cases lie in: its period (window) from start to end. */
export function caseRange(alert: CaseAlert, timeZone: string = DEFAULT_TIME_ZONE): { from: Date; to: Date } | null {
  if (!hasCases(alert) || alert.periodStart === null) return null;
  const parsed = parsePeriodKey(alert.periodKey, timeZone);
  if (parsed === null) return null;
  return { from: alert.periodStart, to: periodEnd(alert.periodStart, parsed.grain, timeZone) };
}

const CSV_MAX = 100_000;

export function createComplianceCasesService(deps: { db: Db; timeZone?: string }) {
  const { db } = deps;
  const tz = deps.timeZone ?? DEFAULT_TIME_ZONE;

  async function list(alert: CaseAlert, filter: CaseFilter = {}): Promise<{ total: number; items: repo.CaseRow[] }> {
    const range = caseRange(alert, tz);
    if (range === null) return { total: 0, items: [] };
    const q = { ruleId: alert.ruleId, orgPath: alert.orgPath, ...range, ...(filter.field ? { field: filter.field } : {}), ...(filter.eventType ? { eventType: filter.eventType } : {}) };
    const [total, items] = await Promise.all([
      repo.countCasesMatching(db, q),
      repo.listCases(db, { ...q, ...(filter.afterId !== undefined ? { afterId: filter.afterId } : {}), limit: Math.min(filter.limit ?? 200, 1000) }),
    ]);
    return { total, items };
  }

  /** Every case matching the filter (up to 100,000) as CSV: one row per case, one column per evidence field. */
  async function csv(alert: CaseAlert, filter: Omit<CaseFilter, 'afterId' | 'limit'> = {}): Promise<{ fileName: string; body: string }> {
    const range = caseRange(alert, tz);
    const rows: repo.CaseRow[] = [];
    if (range !== null) {
      const q = { ruleId: alert.ruleId, orgPath: alert.orgPath, ...range, ...(filter.field ? { field: filter.field } : {}), ...(filter.eventType ? { eventType: filter.eventType } : {}) };
      for (let after = 0; rows.length < CSV_MAX;) {
        const page = await repo.listCases(db, { ...q, afterId: after, limit: 5000 });
        rows.push(...page);
        if (page.length < 5000) break;
        after = page[page.length - 1]?.id ?? after;
      }
    }
    const fields = [...new Set(rows.flatMap((r) => Object.keys(r.evidence)))].sort();
    const table: ExportTable = {
      name: 'cases',
      columns: [
        { header: 'case', kind: 'number', width: 10 }, { header: 'rule', kind: 'text', width: 30 }, { header: 'orgUnit', kind: 'text', width: 16 },
        { header: 'eventType', kind: 'text', width: 14 }, { header: 'eventId', kind: 'text', width: 24 }, { header: 'occurredAt', kind: 'text', width: 26 },
        ...fields.map((f) => ({ header: f, kind: 'text' as const, width: 16 })),
      ],
      rows: rows.map((r) => [
        r.id, alert.ruleCode, r.orgUnitCode, r.eventType, r.sourceEventId, new Date(r.occurredAt).toISOString(),
        ...fields.map((f) => { const v = r.evidence[f]; return v === undefined || v === null ? null : typeof v === 'string' ? v : JSON.stringify(v); }),
      ]),
    };
    return { fileName: exportFileName(['cases', alert.ruleCode, alert.orgUnitCode, alert.periodKey], 'csv'), body: toCsv(table) };
  }

  return { list, csv };
}

export type ComplianceCasesService = ReturnType<typeof createComplianceCasesService>;
