/**
 * Shared pieces of the streaming parsers: the per-record result type, limits, byte handling and a
 * depth scan. Parsers work on bytes, not text: JSON's structural characters are ASCII and never
 * occur inside a UTF-8 multi-byte sequence, so records can be split without decoding, and each
 * record is then decoded strictly (invalid UTF-8 is that record's error, not the batch's).
 */
import { issue, type IngestErrorCode, type IngestIssue } from '../errors.ts';

export interface ParseLimits {
  /** Largest record (NDJSON line or array element) in bytes; default 1 MiB. */
  readonly maxRecordBytes: number;
  /** Most records in one batch; the next one yields a fatal INGEST_BATCH_TOO_LARGE. Default 10,000. */
  readonly maxRecords: number;
  /** Deepest nesting of objects/arrays inside one record; default 32. */
  readonly maxDepth: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = { maxRecordBytes: 1024 * 1024, maxRecords: 10_000, maxDepth: 32 };

/** A record error; `fatal` marks a batch-level error after which the parser stops. */
export interface RecordError extends IngestIssue {
  readonly fatal?: true;
}

export type ParsedRecord =
  | { readonly index: number; readonly value: unknown }
  | { readonly index: number; readonly error: RecordError };

export type ByteSource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

const encoder = new TextEncoder();
export const toBytes = (chunk: Uint8Array | string): Uint8Array =>
  typeof chunk === 'string' ? encoder.encode(chunk) : chunk;

export function concatBytes(parts: readonly Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1 && parts[0] !== undefined) return parts[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

export function recordError(code: IngestErrorCode, message: string, path: string, fatal = false): RecordError {
  return fatal ? { ...issue(code, message, path), fatal: true } : issue(code, message, path);
}

export function batchTooLarge(limits: ParseLimits, path: string): RecordError {
  return recordError('INGEST_BATCH_TOO_LARGE', `a batch holds at most ${limits.maxRecords} records`, path, true);
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/** Maximum nesting depth of a JSON text, ignoring brackets inside strings. */
export function scanDepth(bytes: Uint8Array): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  let escaped = false;
  for (const b of bytes) {
    if (inString) {
      if (escaped) escaped = false;
      else if (b === BACKSLASH) escaped = true;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) inString = true;
    else if (b === OPEN_BRACE || b === OPEN_BRACKET) max = Math.max(max, ++depth);
    else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) depth--;
  }
  return max;
}

const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Decode, check depth and parse one record's bytes into a value or an error. */
export function parseRecord(bytes: Uint8Array, index: number, path: string, limits: ParseLimits): ParsedRecord {
  let text: string;
  try {
    text = strictDecoder.decode(bytes);
  } catch {
    return { index, error: recordError('INGEST_INVALID_UTF8', 'record is not valid UTF-8', path) };
  }
  if (scanDepth(bytes) > limits.maxDepth) {
    return { index, error: recordError('INGEST_TOO_DEEP', `record nests deeper than ${limits.maxDepth} levels`, path) };
  }
  try {
    return { index, value: JSON.parse(text) as unknown };
  } catch (e) {
    const detail = jsonSyntaxMessage(e);
    return { index, error: recordError('INGEST_MALFORMED_JSON', detail, path) };
  }
}

export function tooLarge(index: number, path: string, limits: ParseLimits): ParsedRecord {
  return {
    index,
    error: recordError('INGEST_RECORD_TOO_LARGE', `record exceeds ${limits.maxRecordBytes} bytes`, path),
  };
}

export const isJsonWhitespace = (b: number): boolean => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/**
 * A JSON syntax error as a message that never quotes the input: V8's own message echoes a stretch
 * of the text (a patient identifier, a token), so only the position it names is kept.
 */
export function jsonSyntaxMessage(error: unknown): string {
  const position = error instanceof SyntaxError ? /at position (\d+)/.exec(error.message)?.[1] : undefined;
  return position === undefined ? 'not valid JSON' : `not valid JSON (at character ${position})`;
}
