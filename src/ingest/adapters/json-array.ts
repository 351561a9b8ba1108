/**
 * Streaming parser for a JSON array body (`[ {...}, {...} ]`): a small byte-level tokenizer tracks
 * strings, escapes and nesting depth to find where each top-level element ends, then each element
 * alone is decoded and JSON.parse'd. Memory is bounded by the largest accepted element; the whole
 * body is never held. Errors in the array's own structure (not an array, text after the closing
 * bracket, truncated body) are fatal INGEST_MALFORMED_JSON; errors inside one element are that
 * element's alone.
 */
import {
  batchTooLarge,
  concatBytes,
  DEFAULT_PARSE_LIMITS,
  isJsonWhitespace,
  parseRecord,
  recordError,
  toBytes,
  tooLarge,
  type ByteSource,
  type ParseLimits,
  type ParsedRecord,
} from './stream-kit.ts';

type State = 'start' | 'before-element' | 'element' | 'end';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN = new Set([0x7b, 0x5b]);
const CLOSE = new Set([0x7d, 0x5d]);
const CLOSE_BRACKET = 0x5d;

function fatal(index: number, message: string, path: string): ParsedRecord {
  return { index, error: recordError('INGEST_MALFORMED_JSON', message, path, true) };
}

export async function* parseJsonArray(
  source: ByteSource,
  limits: ParseLimits = DEFAULT_PARSE_LIMITS,
): AsyncGenerator<ParsedRecord, void, undefined> {
  let state = 'start' as State;
  let index = 0;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let parts: Uint8Array[] = [];
  let size = 0;
  let oversized = false;
  let offset = 0;
  let bomChecked = false;

  const keep = (piece: Uint8Array): void => {
    if (oversized || piece.byteLength === 0) return;
    if (size + piece.byteLength > limits.maxRecordBytes) {
      oversized = true;
      parts = [];
      size = 0;
      return;
    }
    parts.push(piece.slice());
    size += piece.byteLength;
  };

  const finish = (): ParsedRecord => {
    const path = `element ${index}`;
    const result = oversized
      ? tooLarge(index, path, limits)
      : parseRecord(concatBytes(parts, size), index, path, limits);
    parts = [];
    size = 0;
    oversized = false;
    index++;
    return result;
  };

  for await (const chunk of source) {
    let bytes = toBytes(chunk);
    if (!bomChecked && bytes.byteLength > 0) {
      bomChecked = true;
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    }
    let elementStart = 0;
    for (let i = 0; i < bytes.byteLength; i++) {
      const b = bytes[i] as number;
      if (state !== 'element') {
        if (isJsonWhitespace(b)) continue;
        const at = `byte ${offset + i}`;
        if (state === 'end') {
          yield fatal(index, 'unexpected data after the closing "]"', at);
          return;
        }
        if (state === 'start') {
          if (b !== 0x5b) {
            yield fatal(index, 'expected a JSON array', at);
            return;
          }
          state = 'before-element';
          continue;
        }
        if (b === CLOSE_BRACKET && index === 0) {
          state = 'end';
          continue;
        }
        if (b === COMMA || b === CLOSE_BRACKET) {
          yield fatal(index, 'empty array element', at);
          return;
        }
        if (index >= limits.maxRecords) {
          yield { index, error: batchTooLarge(limits, `element ${index}`) };
          return;
        }
        state = 'element';
        elementStart = i;
        depth = 0;
        inString = false;
        escaped = false;
      }
      // Inside an element: find the comma or bracket at depth 0 that ends it.
      let ends = false;
      if (inString) {
        if (escaped) escaped = false;
        else if (b === BACKSLASH) escaped = true;
        else if (b === QUOTE) inString = false;
      } else if (b === QUOTE) inString = true;
      else if (OPEN.has(b)) depth++;
      else if (CLOSE.has(b)) {
        if (depth === 0) ends = true;
        else depth--;
      } else if (b === COMMA && depth === 0) ends = true;
      if (ends) {
        keep(bytes.subarray(elementStart, i));
        yield finish();
        state = b === COMMA ? 'before-element' : 'end';
      }
    }
    if (state === 'element') keep(bytes.subarray(elementStart));
    offset += bytes.byteLength;
  }
  if (state !== 'end') {
    const at = `byte ${offset}`;
    if (state === 'element') yield finish();
    yield fatal(index, state === 'start' ? 'empty body: expected a JSON array' : 'unexpected end of input', at);
  }
}
