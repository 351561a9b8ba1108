/**
 * Streaming NDJSON (one JSON value per line): memory is bounded by the longest accepted line.
 * Blank lines are skipped but counted, so error paths (`line 12`) match what an editor shows.
 * A line longer than the limit is discarded as it streams and reported as INGEST_RECORD_TOO_LARGE.
 */
import {
  batchTooLarge,
  concatBytes,
  DEFAULT_PARSE_LIMITS,
  parseRecord,
  toBytes,
  tooLarge,
  type ByteSource,
  type ParseLimits,
  type ParsedRecord,
} from './stream-kit.ts';

const NEWLINE = 0x0a;

function isBlank(bytes: Uint8Array): boolean {
  return bytes.every((b) => b === 0x20 || b === 0x09 || b === 0x0d);
}

export async function* parseNdjson(
  source: ByteSource,
  limits: ParseLimits = DEFAULT_PARSE_LIMITS,
): AsyncGenerator<ParsedRecord, void, undefined> {
  let parts: Uint8Array[] = [];
  let size = 0;
  let oversized = false;
  let line = 0;
  let index = 0;
  let first = true;

  // Returns false once the batch limit is hit and the caller must stop.
  function* finishLine(): Generator<ParsedRecord, boolean, undefined> {
    line++;
    const path = `line ${line}`;
    let bytes = concatBytes(parts, size);
    const wasOversized = oversized;
    parts = [];
    size = 0;
    oversized = false;
    if (first) {
      first = false;
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    }
    if (!wasOversized && isBlank(bytes)) return true;
    if (index >= limits.maxRecords) {
      yield { index, error: batchTooLarge(limits, path) };
      return false;
    }
    yield wasOversized ? tooLarge(index, path, limits) : parseRecord(bytes, index, path, limits);
    index++;
    return true;
  }

  for await (const chunk of source) {
    const bytes = toBytes(chunk);
    let start = 0;
    while (start <= bytes.byteLength) {
      const nl = bytes.indexOf(NEWLINE, start);
      const end = nl === -1 ? bytes.byteLength : nl;
      if (!oversized) {
        const piece = bytes.subarray(start, end);
        if (size + piece.byteLength > limits.maxRecordBytes) {
          oversized = true;
          parts = [];
          size = 0;
        } else if (piece.byteLength > 0) {
          // Copy: callers may reuse their chunk buffers.
          parts.push(piece.slice());
          size += piece.byteLength;
        }
      }
      if (nl === -1) break;
      if (!(yield* finishLine())) return;
      start = nl + 1;
    }
  }
  if (size > 0 || oversized) yield* finishLine();
}
