import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { appendAudit, type ActionContext } from '../audit/index.ts';
import type { OrgUnit } from '../orgs/index.ts';
import { AppError, parsePeriodKey, type ParsedPeriod } from '../shared/index.ts';
import type { Db, Queryable } from '../store/index.ts';
import { reportingTimeZone, type IndicatorCatalog } from './catalog-service.ts';
import type { IndicatorDefinition } from './definition.ts';
import { indicatorNotFound } from './definitions-service.ts';
import { lockRollupsShared, upsertManualValue } from './indicator-repo.ts';
import { RollupBatch, addManualEntry, writeRollupBatch } from './rollup-service.ts';

/**
 * Values people enter for manual indicators (budget lines, staff counts, open beds), one per org
 * unit and period, typed in or uploaded as CSV/XLSX (columns org, period, value). A replaced value
 * takes its old contribution back from the roll-ups and adds the new one, in the same transaction
 * as the value and its audit entry.
 */
export interface ManualValueInput {
  readonly org: OrgUnit;
  readonly periodKey: string;
  readonly value: number;
}

export interface UploadRowResult {
  /** Spreadsheet row number (the header is row 1). */
  readonly row: number;
  readonly ok: boolean;
  readonly field?: string;
  readonly message?: string;
}

export interface UploadResult {
  readonly accepted: number;
  readonly rejected: number;
  readonly rows: readonly UploadRowResult[];
}

interface CellRow {
  readonly row: number;
  readonly org: string;
  readonly period: string;
  readonly value: string;
}

const MAX_UPLOAD_ROWS = 10_000;

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return String(value).trim();
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && 'result' in value) return cellText(value.result);
  if (typeof value === 'object' && 'text' in value) return cellText(value.text);
  return '';
}

function fromTable(table: readonly (readonly unknown[])[]): CellRow[] {
  const [header, ...rest] = table;
  const names = (header ?? []).map((h) => cellText(h).toLowerCase());
  const at = (name: string) => names.indexOf(name);
  const missing = ['org', 'period', 'value'].filter((n) => at(n) === -1);
  if (missing.length > 0) {
    throw new AppError('INDICATOR_UPLOAD_COLUMNS', `The header row lacks the column(s) ${missing.join(', ')}.`, { field: '/body/file', missing });
  }
  if (rest.length > MAX_UPLOAD_ROWS) throw new AppError('INDICATOR_UPLOAD_TOO_LARGE', `At most ${String(MAX_UPLOAD_ROWS)} rows per upload.`, { field: '/body/file' });
  return rest
    .map((cells, i) => ({ row: i + 2, org: cellText(cells[at('org')]), period: cellText(cells[at('period')]), value: cellText(cells[at('value')]) }))
    .filter((r) => r.org !== '' || r.period !== '' || r.value !== '');
}

/** The rows of an uploaded CSV or XLSX file (first worksheet), header first. */
export async function readUploadRows(file: Buffer, filename: string): Promise<CellRow[]> {
  if (/\.xlsx$/i.test(filename)) {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    const table: unknown[][] = [];
    sheet?.eachRow({ includeEmpty: true }, (row, n) => {
      table[n - 1] = Array.isArray(row.values) ? (row.values as unknown[]).slice(1) : [];
    });
    return fromTable(Array.from(table, (r) => r ?? []));
  }
  if (!/\.(csv|txt)$/i.test(filename)) {
    throw new AppError('INDICATOR_UPLOAD_FORMAT', 'Upload a .csv or .xlsx file.', { field: '/body/file' });
  }
  const text = file.toString('utf8').replace(/^\uFEFF/, '');
  try {
    const table: string[][] = parse(text, { relaxColumnCount: true, skipEmptyLines: false });
    return fromTable(table);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('INDICATOR_UPLOAD_UNREADABLE', 'The CSV file cannot be parsed.', { field: '/body/file' });
  }
}

export function createManualValuesService(deps: { db: Db; catalog: IndicatorCatalog; orgs: { findByCode(code: string): Promise<OrgUnit | null> } }) {
  const { db, catalog } = deps;

  async function manualDefinition(q: Queryable, code: string): Promise<IndicatorDefinition> {
    const definition = await catalog.get(q, code);
    if (!definition) throw indicatorNotFound(code);
    if (definition.measure.kind !== 'manual') {
      throw new AppError('INDICATOR_NOT_MANUAL', `Indicator "${code}" is computed from events; values cannot be entered.`, { field: '/params/code' });
    }
    return definition;
  }

  function periodOf(key: string, timeZone: string, field: string): ParsedPeriod {
    const parsed = parsePeriodKey(key, timeZone);
    if (!parsed) throw new AppError('INDICATOR_PERIOD_INVALID', `"${key}" is not a period key (2026-11-23, 2026-W48, 2026-11, 2026-Q4, 2026).`, { field });
    return parsed;
  }

  /** Stores the values and moves the roll-ups by (new − old) contributions, in `tx`. */
  async function apply(tx: Queryable, code: string, ctx: ActionContext, values: readonly { org: OrgUnit; period: ParsedPeriod; value: number }[], timeZone: string) {
    await lockRollupsShared(tx);
    const definitions = await catalog.all(tx);
    const batch = new RollupBatch();
    const changes: { org: string; period: string; before: number | null; after: number }[] = [];
    for (const v of values) {
      const entry = { indicator: code, grain: v.period.grain, periodStart: v.period.start, value: v.value };
      const before = await upsertManualValue(tx, { ...entry, orgUnitId: v.org.id, enteredBy: ctx.actor.name, enteredAt: ctx.now });
      if (before !== null) addManualEntry(batch, definitions, v.org.id, { ...entry, value: before }, timeZone, -1);
      addManualEntry(batch, definitions, v.org.id, entry, timeZone);
      changes.push({ org: v.org.code, period: `${v.period.grain}@${v.period.start.toISOString()}`, before, after: v.value });
    }
    await writeRollupBatch(tx, batch, definitions);
    return changes;
  }

  return {
    async setValue(ctx: ActionContext, code: string, input: ManualValueInput): Promise<{ before: number | null }> {
      await manualDefinition(db, code);
      const timeZone = await reportingTimeZone(db);
      const period = periodOf(input.periodKey, timeZone, '/body/period');
      return db.transaction(async (tx) => {
        const [change] = await apply(tx, code, ctx, [{ org: input.org, period, value: input.value }], timeZone);
        await appendAudit(tx, ctx.actor, {
          action: 'indicator.valueEntered', targetKind: 'indicator', targetId: code, orgUnitId: input.org.id,
          summary: { period: input.periodKey, before: change?.before ?? null, after: input.value },
        }, ctx.now);
        return { before: change?.before ?? null };
      });
    },

    /**
     * Stores every valid row and reports each row's outcome; a row naming an org unit the
     * uploader may not manage is refused like an unknown one (its existence is not disclosed).
     */
    async upload(ctx: ActionContext, code: string, rows: readonly CellRow[], mayManage: (org: OrgUnit) => boolean): Promise<UploadResult> {
      await manualDefinition(db, code);
      const timeZone = await reportingTimeZone(db);
      const results: UploadRowResult[] = [];
      const valid: { org: OrgUnit; period: ParsedPeriod; value: number }[] = [];
      const seen = new Set<string>();
      for (const r of rows) {
        const org = await deps.orgs.findByCode(r.org);
        const period = parsePeriodKey(r.period, timeZone);
        const value = r.value === '' ? Number.NaN : Number(r.value);
        const problem = !org || !mayManage(org) ? { field: 'org', message: `unknown org unit "${r.org}"` }
          : !period ? { field: 'period', message: `"${r.period}" is not a period key` }
          : !Number.isFinite(value) ? { field: 'value', message: `"${r.value}" is not a number` }
          : seen.has(`${org.id}|${r.period}`) ? { field: 'period', message: 'the same org unit and period appear on an earlier row' }
          : null;
        if (problem || !org || !period) {
          results.push({ row: r.row, ok: false, ...(problem ?? {}) });
          continue;
        }
        seen.add(`${org.id}|${r.period}`);
        valid.push({ org, period, value });
        results.push({ row: r.row, ok: true });
      }
      if (valid.length > 0) {
        await db.transaction(async (tx) => {
          await apply(tx, code, ctx, valid, timeZone);
          await appendAudit(tx, ctx.actor, {
            action: 'indicator.valuesUploaded', targetKind: 'indicator', targetId: code,
            summary: { accepted: valid.length, rejected: results.length - valid.length, orgUnits: [...new Set(valid.map((v) => v.org.code))] },
          }, ctx.now);
        });
      }
      return { accepted: valid.length, rejected: results.length - valid.length, rows: results };
    },
  };
}

export type ManualValuesService = ReturnType<typeof createManualValuesService>;
