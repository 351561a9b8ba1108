/**
 * The catalogue of ingest error codes. Every rejected record carries one of these, a message a data
 * administrator can act on, and a path: a JSON pointer into the record (`/attributes/items/0/amount`)
 * or a position in the input (`line 12`, `element 3`, `row 12, column 金额`). Codes are stable once
 * shipped; messages may be reworded.
 */
export const INGEST_ERROR_CODES = [
  'INGEST_MALFORMED_JSON',
  'INGEST_INVALID_UTF8',
  'INGEST_RECORD_TOO_LARGE',
  'INGEST_TOO_DEEP',
  'INGEST_BATCH_TOO_LARGE',
  'INGEST_NOT_AN_OBJECT',
  'INGEST_UNKNOWN_TYPE',
  'INGEST_TYPE_NOT_ALLOWED',
  'INGEST_MISSING_FIELD',
  'INGEST_UNKNOWN_FIELD',
  'INGEST_INVALID_TYPE',
  'INGEST_INVALID_VALUE',
  'INGEST_INVALID_ENUM',
  'INGEST_INVALID_DATE',
  'INGEST_TIME_OUT_OF_RANGE',
  'INGEST_UNDECLARED_IDENTIFIER',
  'INGEST_OUT_OF_RANGE',
  'INGEST_TOO_LONG',
  'INGEST_TOO_MANY_ITEMS',
  'INGEST_INVALID_SCHEMA',
  'INGEST_INVALID_MAPPING',
  'INGEST_MAPPING_COLUMN_MISSING',
  'INGEST_MALFORMED_CSV',
  'INGEST_MALFORMED_XLSX',
  'FHIR_UNSUPPORTED_ENCOUNTER_CLASS',
  'FHIR_MISSING_ID',
  'FHIR_INVALID_RESOURCE',
  'FHIR_INVALID_BUNDLE',
] as const;

export type IngestErrorCode = (typeof INGEST_ERROR_CODES)[number];

/** One reason a record (or a whole batch, when `fatal`) was not accepted. */
export interface IngestIssue {
  readonly code: IngestErrorCode;
  readonly message: string;
  readonly path: string;
}

export function issue(code: IngestErrorCode, message: string, path: string): IngestIssue {
  return { code, message, path };
}
