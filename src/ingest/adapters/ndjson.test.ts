import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseNdjson } from './ndjson.ts';
import { DEFAULT_PARSE_LIMITS, type ByteSource, type ParsedRecord } from './stream-kit.ts';

const enc = new TextEncoder();

async function collect(source: ByteSource, limits = DEFAULT_PARSE_LIMITS): Promise<ParsedRecord[]> {
  const out: ParsedRecord[] = [];
  for await (const r of parseNdjson(source, limits)) out.push(r);
  return out;
}

function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let from = 0;
  for (const p of points) {
    parts.push(bytes.slice(from, p));
    from = p;
  }
  parts.push(bytes.slice(from));
  return parts;
}

describe('parseNdjson', () => {
  it('yields one value per line, skipping blank lines but counting them in error paths', async () => {
    const body = '\uFEFF{"a":1}\r\n\n{"b":"二"}\n{oops}\n';
    const records = await collect([body]);
    expect(records).toEqual([
      { index: 0, value: { a: 1 } },
      { index: 1, value: { b: '二' } },
      { index: 2, error: expect.objectContaining({ code: 'INGEST_MALFORMED_JSON', path: 'line 4' }) as unknown },
    ]);
  });

  it('gives the same records however the bytes are chunked, even inside a multi-byte character', () => {
    const bytes = enc.encode('{"名":"张三"}\n[1,2]\n"x"\n{"bad"\n');
    return fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { maxLength: 8 }), async (cuts) => {
        expect(await collect(splitAt(bytes, cuts))).toEqual(await collect([bytes]));
      }),
    );
  });

  it('rejects a line with invalid UTF-8 and carries on with the next', async () => {
    const bad = new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d, 0x0a]);
    const records = await collect([bad, enc.encode('{"ok":true}')]);
    expect(records[0]).toMatchObject({ index: 0, error: { code: 'INGEST_INVALID_UTF8', path: 'line 1' } });
    expect(records[1]).toEqual({ index: 1, value: { ok: true } });
  });

  it('rejects an oversized line without keeping it, and nesting beyond the depth limit', async () => {
    const limits = { maxRecordBytes: 64, maxRecords: 100, maxDepth: 3 };
    const records = await collect([`{"big":"${'x'.repeat(100)}"}\n`, '[[[[1]]]]\n', '[[["ok"]]]\n'], limits);
    expect(records.map((r) => ('error' in r ? r.error.code : 'value'))).toEqual(['INGEST_RECORD_TOO_LARGE', 'INGEST_TOO_DEEP', 'value']);
  });

  it('stops with a fatal batch error past the record limit', async () => {
    const records = await collect(['1\n2\n3\n4\n'], { ...DEFAULT_PARSE_LIMITS, maxRecords: 2 });
    expect(records).toHaveLength(3);
    expect(records[2]).toMatchObject({ index: 2, error: { code: 'INGEST_BATCH_TOO_LARGE', fatal: true, path: 'line 3' } });
  });
});
