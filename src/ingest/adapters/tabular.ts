/**
 * Streaming CSV (csv-parse) and XLSX (exceljs streaming reader, first worksheet only) uploads →
 * raw event records through a saved ColumnMapping. The first non-empty row is the header; rows are
 * numbered as the spreadsheet shows them (header = row 1 when it is the first line). A mapped
 * header missing from the file, an unreadable file or too many rows are fatal errors; a cell that
 * cannot be converted fails only its row. Output records still go through validateEvent; translate
 * its JSON pointers back to columns with `rowPath`. This file is I/O shell (node:stream).
 */
import { Readable, pipeline } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import type { EventRegistry } from '../registry.ts';
import { mapRow, type CellValue, type ColumnMapping } from './tabular-mapping.ts';
import { batchTooLarge, DEFAULT_PARSE_LIMITS, recordError, type ByteSource, type ParseLimits, type ParsedRecord } from './stream-kit.ts';
import { decodeText, type EncodingReport, type TextEncoding } from './text-encoding.ts';

/** A parsed row: `row` is the sheet row number used in error paths. */
export type TabularRecord = ParsedRecord & { readonly row: number };

/** A sheet row as read: its number as the spreadsheet shows it and its cells. */
export interface RawRow {
  readonly row: number;
  readonly cells: readonly CellValue[];
}

function isEmptyRow(cells: readonly CellValue[]): boolean {
  return cells.every((c) => c === undefined || (typeof c === 'string' && c.trim() === ''));
}

async function* mapRows(
  rows: AsyncIterable<RawRow>,
  mapping: ColumnMapping,
  registry: EventRegistry,
  limits: ParseLimits,
): AsyncGenerator<TabularRecord, void, undefined> {
  let headers: string[] | undefined;
  let index = 0;
  for await (const { row, cells } of rows) {
    if (isEmptyRow(cells)) continue;
    if (headers === undefined) {
      headers = cells.map((c) => (c === undefined ? '' : String(c).trim()));
      const missing = Object.keys(mapping.columns).filter((h) => !headers?.includes(h));
      if (missing.length > 0) {
        const message = `mapped columns not found in the header row: ${missing.join(', ')}`;
        yield { index, row, error: recordError('INGEST_MAPPING_COLUMN_MISSING', message, `row ${row}`, true) };
        return;
      }
      continue;
    }
    if (index >= limits.maxRecords) {
      yield { index, row, error: batchTooLarge(limits, `row ${row}`) };
      return;
    }
    const byHeader = new Map<string, CellValue>();
    headers.forEach((h, i) => {
      if (h !== '' && !byHeader.has(h)) byHeader.set(h, cells[i]);
    });
    const result = mapRow(byHeader, row, mapping, registry);
    yield result.ok
      ? { index, row, value: result.value }
      : { index, row, error: { code: result.code, message: result.message, path: result.path } };
    index++;
  }
}

/** A CSV's encoding: declared by the uploader, else detected (text-encoding.ts); told to `onEncoding`. */
export interface CsvEncodingOptions {
  readonly declared?: TextEncoding;
  readonly onEncoding?: (report: EncodingReport) => void;
}

/** Raw CSV rows (event uploads, and uploads that are not events, e.g. budget sheets). */
export async function* csvRows(source: ByteSource, limits: ParseLimits = DEFAULT_PARSE_LIMITS, encoding: CsvEncodingOptions = {}): AsyncGenerator<RawRow, void, undefined> {
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true, max_record_size: limits.maxRecordBytes });
  const text = decodeText(source, encoding.declared, (r) => encoding.onEncoding?.(r));
  pipeline(Readable.from(text), parser, () => undefined);
  for await (const rec of parser as AsyncIterable<{ readonly record: string[]; readonly info: { readonly lines: number } }>) {
    yield { row: rec.info.lines, cells: rec.record };
  }
}

export async function* parseCsv(
  source: ByteSource,
  mapping: ColumnMapping,
  registry: EventRegistry,
  limits: ParseLimits = DEFAULT_PARSE_LIMITS,
  encoding: CsvEncodingOptions = {},
): AsyncGenerator<TabularRecord, void, undefined> {
  let last = 0;
  try {
    for await (const rec of mapRows(csvRows(source, limits, encoding), mapping, registry, limits)) {
      last = rec.row;
      yield rec;
    }
  } catch (e) {
    const detail = e instanceof Error ? e.message : 'unreadable CSV';
    yield { index: -1, row: last + 1, error: recordError('INGEST_MALFORMED_CSV', detail, `row ${last + 1}`, true) };
  }
}

/** exceljs cell values → plain cells: rich text and hyperlinks to text, formulas to their result. */
function cellOf(v: unknown): CellValue {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return v;
  if (typeof v === 'object') {
    const o = v as { richText?: readonly { text: string }[]; text?: unknown; result?: unknown; error?: unknown };
    if (o.richText !== undefined) return o.richText.map((r) => r.text).join('');
    if ('result' in o) return cellOf(o.result);
    if (typeof o.text === 'string') return o.text;
  }
  return undefined;
}

/** Raw rows of the first worksheet of an XLSX file. */
export async function* xlsxRows(source: ByteSource): AsyncGenerator<RawRow, void, undefined> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(source), {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  for await (const sheet of reader) {
    for await (const row of sheet) {
      const values = Array.isArray(row.values) ? (row.values as unknown[]) : [];
      // exceljs row.values is 1-based (index 0 unused).
      yield { row: row.number, cells: Array.from({ length: Math.max(0, values.length - 1) }, (_, i) => cellOf(values[i + 1])) };
    }
    return;
  }
}

export async function* parseXlsx(
  source: ByteSource,
  mapping: ColumnMapping,
  registry: EventRegistry,
  limits: ParseLimits = DEFAULT_PARSE_LIMITS,
): AsyncGenerator<TabularRecord, void, undefined> {
  let last = 0;
  try {
    for await (const rec of mapRows(xlsxRows(source), mapping, registry, limits)) {
      last = rec.row;
      yield rec;
    }
  } catch (e) {
    const detail = e instanceof Error ? e.message : 'unreadable XLSX';
    yield { index: -1, row: last + 1, error: recordError('INGEST_MALFORMED_XLSX', detail, `row ${last + 1}`, true) };
  }
}
