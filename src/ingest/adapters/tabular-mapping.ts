/**
 * Saved column mappings for CSV/XLSX uploads: which header feeds which event field, constants for
 * the rest, and how to read local dates. Cells are converted to the type the event schema expects
 * (numbers may carry thousands separators or ¥; booleans accept 是/否, Y/N, 1/0; dates without an
 * offset are read in the mapping's time zone, default Asia/Shanghai). Errors name the row and the
 * column (`row 12, column 金额`), the way the person who filled the sheet sees it.
 */
import { DateTime, IANAZone } from 'luxon';
import type { TSchema } from '@sinclair/typebox';
import { issue, type IngestIssue } from '../errors.ts';
import type { EventRegistry } from '../registry.ts';
import { DATE_TIME_FORMAT } from '../schema-kit.ts';
import { isOffsetDateTime } from '../date-time.ts';

export interface ColumnMapping {
  /** Header text → field path (`id`, `occurredAt`, `attributes.amount`, `attributes.items.0.drug`). */
  readonly columns: Readonly<Record<string, string>>;
  /** Field path → fixed value for every row (e.g. `type: 'charge'`). */
  readonly constants: Readonly<Record<string, string | number | boolean>>;
  /** Luxon format for date cells without offset, e.g. `yyyy/MM/dd HH:mm`; common forms are tried otherwise. */
  readonly dateFormat?: string;
  readonly timeZone: string;
}

export type CellValue = string | number | boolean | Date | undefined;
export type MappingResult = { readonly ok: true; readonly mapping: ColumnMapping } | { readonly ok: false; readonly errors: readonly IngestIssue[] };
export type RowResult = { readonly ok: true; readonly value: Readonly<Record<string, unknown>> } | ({ readonly ok: false } & IngestIssue);

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';
const FIELD_PATH = /^(?:id|type|orgUnit|occurredAt|patient|attributes(?:\.(?:[A-Za-z][A-Za-z0-9_]{0,63}|\d{1,3}))+)$/;
const REQUIRED_FIELDS = ['id', 'type', 'orgUnit', 'occurredAt'];
const MAX_COLUMNS = 200;
const TRUE = new Set(['true', '1', 'yes', 'y', '是', '有', '√', '✓']);
const FALSE = new Set(['false', '0', 'no', 'n', '否', '无', '×', '✗']);
const FALLBACK_FORMATS = ['yyyy-MM-dd HH:mm:ss', 'yyyy-MM-dd HH:mm', 'yyyy/M/d H:mm:ss', 'yyyy/M/d H:mm', 'yyyy/M/d', 'yyyy年M月d日 H:mm', 'yyyy年M月d日'];

const isRecord = (v: unknown): v is Readonly<Record<string, unknown>> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function compileColumnMapping(json: unknown): MappingResult {
  const errors: IngestIssue[] = [];
  const bad = (message: string, path: string) => errors.push(issue('INGEST_INVALID_MAPPING', message, path));
  if (!isRecord(json) || !isRecord(json['columns'])) return { ok: false, errors: [issue('INGEST_INVALID_MAPPING', 'expected { columns: { header: field } }', '/columns')] };
  const columns: Record<string, string> = {};
  const entries = Object.entries(json['columns']);
  if (entries.length === 0 || entries.length > MAX_COLUMNS) bad(`map 1..${MAX_COLUMNS} columns`, '/columns');
  for (const [header, field] of entries) {
    if (header.trim() === '' || typeof field !== 'string' || !FIELD_PATH.test(field)) bad(`column "${header}" must map to a field path such as attributes.amount`, `/columns/${header}`);
    else columns[header.trim()] = field;
  }
  const constants: Record<string, string | number | boolean> = {};
  const rawConstants = json['constants'] ?? {};
  if (!isRecord(rawConstants)) bad('constants must be an object', '/constants');
  else {
    for (const [field, value] of Object.entries(rawConstants)) {
      const scalar = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
      if (!FIELD_PATH.test(field) || !scalar) bad(`constant "${field}" must be a field path with a scalar value`, `/constants/${field}`);
      else constants[field] = value;
    }
  }
  const mapped = new Set([...Object.values(columns), ...Object.keys(constants)]);
  for (const f of REQUIRED_FIELDS) if (!mapped.has(f)) bad(`no column or constant provides "${f}"`, '/columns');
  const timeZone = json['timeZone'] ?? DEFAULT_TIME_ZONE;
  if (typeof timeZone !== 'string' || !IANAZone.isValidZone(timeZone)) bad('timeZone must be an IANA zone such as Asia/Shanghai', '/timeZone');
  const dateFormat = json['dateFormat'];
  if (dateFormat !== undefined && (typeof dateFormat !== 'string' || dateFormat.length > 64)) bad('dateFormat must be a luxon format string', '/dateFormat');
  for (const key of Object.keys(json)) if (!['columns', 'constants', 'timeZone', 'dateFormat'].includes(key)) bad(`unknown mapping key "${key}"`, `/${key}`);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, mapping: { columns, constants, timeZone: timeZone as string, ...(typeof dateFormat === 'string' ? { dateFormat } : {}) } };
}

type Kind = 'string' | 'number' | 'boolean' | 'date';

function kindAt(schema: TSchema | undefined, segments: readonly string[]): Kind {
  let node = schema;
  for (const s of segments) {
    if (node === undefined) return 'string';
    node = node['type'] === 'array' ? (node['items'] as TSchema) : (node['properties'] as Record<string, TSchema> | undefined)?.[s];
  }
  if (node === undefined) return 'string';
  if (node['format'] === DATE_TIME_FORMAT) return 'date';
  if (node['type'] === 'number' || node['type'] === 'integer') return 'number';
  return node['type'] === 'boolean' ? 'boolean' : 'string';
}

function toDate(cell: Exclude<CellValue, undefined | boolean>, m: ColumnMapping): string | undefined {
  const zone = m.timeZone;
  if (cell instanceof Date || typeof cell === 'number') {
    // Spreadsheet dates carry no zone: exceljs returns the wall clock as UTC fields; a bare number is an Excel serial.
    const d = typeof cell === 'number' ? new Date(Math.round((cell - 25569) * 86_400_000)) : cell;
    if (Number.isNaN(d.getTime())) return undefined;
    const local = DateTime.fromObject(
      { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() },
      { zone },
    );
    return local.isValid ? (local.toISO({ suppressMilliseconds: true }) ?? undefined) : undefined;
  }
  const text = cell.trim();
  if (isOffsetDateTime(text)) return text;
  const formats = m.dateFormat === undefined ? FALLBACK_FORMATS : [m.dateFormat];
  const candidates = [...formats.map((f) => DateTime.fromFormat(text, f, { zone })), DateTime.fromISO(text, { zone })];
  const hit = candidates.find((d) => d.isValid);
  return hit?.toISO({ suppressMilliseconds: true }) ?? undefined;
}

function convert(cell: Exclude<CellValue, undefined>, kind: Kind, m: ColumnMapping): { value: unknown } | { error: 'INGEST_INVALID_TYPE' | 'INGEST_INVALID_DATE'; message: string } {
  const shown = cell instanceof Date ? cell.toISOString() : String(cell);
  switch (kind) {
    case 'string':
      return { value: typeof cell === 'string' ? cell.trim() : shown };
    case 'number': {
      const n = typeof cell === 'number' ? cell : typeof cell === 'string' ? Number(cell.replace(/[\s,¥￥]/g, '')) : NaN;
      return Number.isFinite(n) ? { value: n } : { error: 'INGEST_INVALID_TYPE', message: `"${shown.slice(0, 40)}" is not a number` };
    }
    case 'boolean': {
      const t = String(cell).trim().toLowerCase();
      if (TRUE.has(t)) return { value: true };
      if (FALSE.has(t)) return { value: false };
      return { error: 'INGEST_INVALID_TYPE', message: `"${shown.slice(0, 40)}" is not yes/no (是/否, Y/N, 1/0)` };
    }
    case 'date': {
      const iso = typeof cell === 'boolean' ? undefined : toDate(cell, m);
      return iso === undefined ? { error: 'INGEST_INVALID_DATE', message: `"${shown.slice(0, 40)}" is not a date${m.dateFormat ? ` in format ${m.dateFormat}` : ''}` } : { value: iso };
    }
  }
}

function setPath(target: Record<string, unknown>, segments: readonly string[], value: unknown): void {
  let node: Record<string, unknown> = target;
  segments.forEach((s, i) => {
    if (i === segments.length - 1) {
      node[s] = value;
      return;
    }
    const next = segments[i + 1] ?? '';
    // hasOwn, not ??=: an inherited key such as `constructor` must never be walked into.
    if (!Object.hasOwn(node, s)) node[s] = /^\d+$/.test(next) ? [] : {};
    node = node[s] as Record<string, unknown>;
  });
}

/** Build one raw event from a row: `cells` maps header → cell; `row` is the 1-based sheet row. */
export function mapRow(cells: ReadonlyMap<string, CellValue>, row: number, mapping: ColumnMapping, registry: EventRegistry): RowResult {
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(mapping.constants)) setPath(out, field.split('.'), value);
  const typeHeader = Object.keys(mapping.columns).find((h) => mapping.columns[h] === 'type');
  const typeCell = typeHeader === undefined ? undefined : cells.get(typeHeader);
  const typeName = typeof typeCell === 'string' ? typeCell.trim() : String(mapping.constants['type'] ?? '');
  const schema = registry.lookup(typeName)?.attributes;
  for (const [header, field] of Object.entries(mapping.columns)) {
    const cell = cells.get(header);
    if (cell === undefined || (typeof cell === 'string' && cell.trim() === '')) continue;
    const segments = field.split('.');
    const kind: Kind = field === 'occurredAt' ? 'date' : segments[0] === 'attributes' ? kindAt(schema, segments.slice(1)) : 'string';
    const converted = convert(cell, kind, mapping);
    if ('error' in converted) return { ok: false, ...issue(converted.error, converted.message, `row ${row}, column ${header}`) };
    setPath(out, segments, converted.value);
  }
  return { ok: true, value: out };
}

/** The header that feeds a JSON pointer from validateEvent (`/attributes/amount` → `金额`). */
export function columnForPath(mapping: ColumnMapping, pointer: string): string | undefined {
  const field = pointer.split('/').filter((s) => s !== '').join('.');
  return Object.keys(mapping.columns).find((h) => mapping.columns[h] === field);
}

/** `row 12, column 金额` for a validation error, or `row 12, /attributes/x` when no column feeds it. */
export function rowPath(mapping: ColumnMapping, row: number, pointer: string): string {
  const column = columnForPath(mapping, pointer);
  return column === undefined ? `row ${row}, ${pointer}` : `row ${row}, column ${column}`;
}
