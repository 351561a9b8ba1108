import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectBodyFormat } from './content-type.ts';
import { parseJsonArray } from './json-array.ts';
import { DEFAULT_PARSE_LIMITS, type ByteSource, type ParsedRecord } from './stream-kit.ts';

const enc = new TextEncoder();

async function collect(source: ByteSource, limits = DEFAULT_PARSE_LIMITS): Promise<ParsedRecord[]> {
  const out: ParsedRecord[] = [];
  for await (const r of parseJsonArray(source, limits)) out.push(r);
  return out;
}

const codes = (records: readonly ParsedRecord[]) => records.map((r) => ('error' in r ? r.error.code : 'value'));

describe('parseJsonArray', () => {
  it('streams every element of any JSON array, whatever the chunking', () => {
    return fc.assert(
      fc.asyncProperty(fc.array(fc.jsonValue({ maxDepth: 4 }), { maxLength: 12 }), fc.integer({ min: 1, max: 17 }), async (values, size) => {
        const bytes = enc.encode(JSON.stringify(values, null, size % 3));
        const chunks = Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.slice(i * size, (i + 1) * size));
        const records = await collect(chunks);
        // JSON.stringify turns -0 into 0; compare what a round trip would give.
        expect(records).toEqual((JSON.parse(JSON.stringify(values)) as unknown[]).map((value, index) => ({ index, value })));
      }),
      { numRuns: 60 },
    );
  });

  it('keeps brackets and commas inside strings, including escaped quotes', async () => {
    const records = await collect(['[{"a":"],[\\"x"}', ', "b\\\\", {"c":[1,{"d":"}"}]}]']);
    expect(records).toEqual([
      { index: 0, value: { a: '],["x' } },
      { index: 1, value: 'b\\' },
      { index: 2, value: { c: [1, { d: '}' }] } },
    ]);
  });

  it('reports a malformed element and continues with the next', async () => {
    const records = await collect(['[{"a":1}, {"a":}, {"a":3}]']);
    expect(codes(records)).toEqual(['value', 'INGEST_MALFORMED_JSON', 'value']);
    expect(records[1]).toMatchObject({ error: { path: 'element 1' } });
  });

  it.each([
    ['a body that is not an array', '{"a":1}', ['INGEST_MALFORMED_JSON']],
    ['a truncated body', '[{"a":1}, {"a"', ['value', 'INGEST_MALFORMED_JSON', 'INGEST_MALFORMED_JSON']],
    ['text after the closing bracket', '[1] 2', ['value', 'INGEST_MALFORMED_JSON']],
    ['an empty element', '[1,,2]', ['value', 'INGEST_MALFORMED_JSON']],
    ['an empty body', '   ', ['INGEST_MALFORMED_JSON']],
  ])('fails the batch for %s', async (_name, body, expected) => {
    const records = await collect([body]);
    expect(codes(records)).toEqual(expected);
    const last = records.at(-1);
    expect(last && 'error' in last ? last.error.fatal : undefined).toBe(true);
  });

  it('accepts an empty array', async () => {
    expect(await collect(['\uFEFF [ ] '])).toEqual([]);
  });

  it('applies size, depth and count limits', async () => {
    const limits = { maxRecordBytes: 32, maxRecords: 3, maxDepth: 2 };
    const body = `[{"x":"${'y'.repeat(40)}"}, [[[1]]], {"ok":1}, 4, 5]`;
    const records = await collect([body], limits);
    expect(codes(records)).toEqual(['INGEST_RECORD_TOO_LARGE', 'INGEST_TOO_DEEP', 'value', 'INGEST_BATCH_TOO_LARGE']);
  });

  it('rejects an element with invalid UTF-8 only', async () => {
    const records = await collect([enc.encode('["a", "'), new Uint8Array([0xc3, 0x28]), enc.encode('", "b"]')]);
    expect(codes(records)).toEqual(['value', 'INGEST_INVALID_UTF8', 'value']);
  });
});

describe('detectBodyFormat', () => {
  it.each([
    ['application/json; charset=utf-8', undefined, 'json'],
    ['application/x-ndjson', undefined, 'ndjson'],
    ['application/fhir+ndjson', undefined, 'ndjson'],
    ['text/csv', undefined, 'csv'],
    [undefined, '  [{"a":1}]', 'json'],
    ['application/octet-stream', '{"a":1}\n{"a":2}', 'ndjson'],
    [undefined, 'PK\u0003\u0004', 'xlsx'],
    [undefined, 'hello', undefined],
  ])('%s with head %j is %s', (contentType, head, expected) => {
    expect(detectBodyFormat(contentType, head === undefined ? undefined : enc.encode(head))).toBe(expected);
  });
});
