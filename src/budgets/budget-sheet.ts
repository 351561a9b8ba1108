/**
 * The budget sheet (pure): one row per org unit × item, one column per month — the template
 * yunjian offers for download and reads back from CSV or XLSX. Reading is all or nothing: every
 * bad cell is reported by row and column (as the spreadsheet shows them), and lines come back only
 * when there is none. Header cells are matched by their first word, so a header may carry a label
 * ("m01 一月").
 */
import type { CellValue, RawRow } from '../ingest/index.ts';

export const MONTH_COLUMNS = Array.from({ length: 12 }, (_, i) => `m${String(i + 1).padStart(2, '0')}`);
export const SHEET_COLUMNS = ['org_unit', 'item', ...MONTH_COLUMNS] as const;

/** Header labels of the template (the first word is what is read back). */
export const SHEET_LABELS: Readonly<Record<string, string>> = {
  org_unit: 'org_unit 科室/单位编码', item: 'item 科目编码',
  ...Object.fromEntries(MONTH_COLUMNS.map((c, i) => [c, `${c} ${String(i + 1)}月`])),
};

/** Largest amount of one month (CNY); numeric(16, 2) holds 14 digits before the point. */
export const MAX_AMOUNT = 1e13;

export interface SheetLine {
  /** The sheet row it came from. */
  readonly row: number;
  readonly orgUnit: string;
  readonly item: string;
  readonly month: number;
  readonly amount: number;
}

export type SheetErrorCode = 'BUDGET_SHEET_HEADER' | 'BUDGET_SHEET_ORG_UNIT' | 'BUDGET_SHEET_ITEM' | 'BUDGET_SHEET_AMOUNT' | 'BUDGET_SHEET_DUPLICATE' | 'BUDGET_SHEET_EMPTY' | 'BUDGET_SHEET_LOCKED';

export interface SheetError {
  readonly row: number;
  /** The column letter (A, B, …); the header row's errors name the missing column's header instead. */
  readonly column: string;
  readonly header: string;
  readonly code: SheetErrorCode;
  readonly message: string;
}

export interface SheetResult {
  readonly lines: readonly SheetLine[];
  readonly errors: readonly SheetError[];
  /** Data rows read. */
  readonly rows: number;
}

export function columnLetter(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

const text = (c: CellValue): string => (c === undefined ? '' : c instanceof Date ? c.toISOString() : String(c)).trim();
const headerKey = (c: CellValue): string => text(c).split(/[\s(（]/u)[0]?.toLowerCase() ?? '';

/** A month's amount: a number or numeric text (thousands separators allowed), ≥ 0, at most 2 decimals; empty is 0. */
export function parseAmount(c: CellValue): number | string {
  if (c === undefined || (typeof c === 'string' && c.trim() === '')) return 0;
  const n = typeof c === 'number' ? c : typeof c === 'string' && /^-?[\d,]*\.?\d+$/u.test(c.trim()) ? Number(c.trim().replaceAll(',', '')) : Number.NaN;
  if (!Number.isFinite(n)) return `"${text(c)}" is not a number`;
  if (n < 0) return 'an amount cannot be negative';
  if (n >= MAX_AMOUNT) return 'the amount is too large';
  if (Math.abs(Math.round(n * 100) - n * 100) > 1e-6) return 'an amount has at most two decimals (fen)';
  return Math.round(n * 100) / 100;
}

export interface SheetVocabulary {
  /** Org units the uploader may budget for, by code. */
  readonly orgUnits: ReadonlySet<string>;
  /** Leaf items (lines are entered on leaves only), by code. */
  readonly items: ReadonlySet<string>;
}

export function readBudgetSheet(rows: Iterable<RawRow>, vocabulary: SheetVocabulary): SheetResult {
  const errors: SheetError[] = [];
  const lines: SheetLine[] = [];
  let columns: Map<string, number> | null = null;
  let headerRow = 0;
  const seen = new Map<string, number>();
  let count = 0;
  for (const { row, cells } of rows) {
    if (cells.every((c) => text(c) === '')) continue;
    if (columns === null) {
      headerRow = row;
      columns = new Map();
      cells.forEach((c, i) => {
        const k = headerKey(c);
        if (k !== '' && !columns?.has(k)) columns?.set(k, i);
      });
      for (const name of SHEET_COLUMNS) {
        if (!columns.has(name)) errors.push({ row, column: '', header: name, code: 'BUDGET_SHEET_HEADER', message: `column ${name} is missing from the header row` });
      }
      if (errors.length > 0) return { lines: [], errors, rows: 0 };
      continue;
    }
    count++;
    const at = (name: string) => columns?.get(name) ?? 0;
    const fail = (name: string, code: SheetErrorCode, message: string) => errors.push({ row, column: columnLetter(at(name)), header: name, code, message });
    const org = text(cells[at('org_unit')]);
    const item = text(cells[at('item')]);
    if (!vocabulary.orgUnits.has(org)) fail('org_unit', 'BUDGET_SHEET_ORG_UNIT', org === '' ? 'the org unit is empty' : `no org unit ${org} you may budget for`);
    if (!vocabulary.items.has(item)) fail('item', 'BUDGET_SHEET_ITEM', item === '' ? 'the item is empty' : `no leaf item ${item}`);
    const key = `${org}\u0000${item}`;
    const first = seen.get(key);
    if (first !== undefined) fail('org_unit', 'BUDGET_SHEET_DUPLICATE', `${org} × ${item} is already on row ${String(first)}`);
    else seen.set(key, row);
    MONTH_COLUMNS.forEach((name, i) => {
      const amount = parseAmount(cells[at(name)]);
      if (typeof amount === 'string') fail(name, 'BUDGET_SHEET_AMOUNT', amount);
      else if (errors.length === 0) lines.push({ row, orgUnit: org, item, month: i + 1, amount });
    });
  }
  if (columns === null) errors.push({ row: headerRow || 1, column: '', header: '', code: 'BUDGET_SHEET_EMPTY', message: 'the sheet has no header row' });
  return { lines: errors.length > 0 ? [] : lines, errors, rows: count };
}
