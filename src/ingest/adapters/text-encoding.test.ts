import { describe, expect, it } from 'vitest';
import { decodeText, encodingOf, type EncodingReport } from './text-encoding.ts';

/** GB18030 bytes of "科室,金额\n心内科,12.5\n" (hand-encoded: 科 BFC6 室 CAD2 金 BDF0 额 B6EE 心 D0C4 内 C4DA). */
const GB = Buffer.from([0xbf, 0xc6, 0xca, 0xd2, 0x2c, 0xbd, 0xf0, 0xb6, 0xee, 0x0a, 0xd0, 0xc4, 0xc4, 0xda, 0xbf, 0xc6, 0x2c, 0x31, 0x32, 0x2e, 0x35, 0x0a]);
const TEXT = '科室,金额\n心内科,12.5\n';

async function decode(chunks: readonly Uint8Array[], declared?: 'utf-8' | 'gb18030'): Promise<{ text: string; report: EncodingReport | null }> {
  let report: EncodingReport | null = null;
  let text = '';
  for await (const part of decodeText(chunks, declared, (r) => { report = r; })) text += part;
  return { text, report };
}

/** Splits bytes into chunks of `size`, cutting multi-byte characters. */
const chunked = (bytes: Uint8Array, size: number) => Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));

describe('CSV text encodings', () => {
  it('detects GB18030, UTF-8 and UTF-8 with a BOM, whatever the chunking', async () => {
    for (const size of [1, 3, 1000]) {
      expect(await decode(chunked(GB, size))).toEqual({ text: TEXT, report: { encoding: 'gb18030', detected: true } });
      expect(await decode(chunked(Buffer.from(TEXT, 'utf8'), size))).toEqual({ text: TEXT, report: { encoding: 'utf-8', detected: true } });
      expect(await decode(chunked(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT, 'utf8')]), size))).toEqual({ text: TEXT, report: { encoding: 'utf-8', detected: true } });
    }
  });

  it('uses a declared encoding, and names GB18030 when UTF-8 turns invalid past the sniffed bytes', async () => {
    expect(await decode([GB], 'gb18030')).toEqual({ text: TEXT, report: { encoding: 'gb18030', detected: false } });
    await expect(decode([GB], 'utf-8')).rejects.toThrow(/not valid UTF-8 \(after byte 0\).*encoding=gb18030/);
    const longAscii = Buffer.alloc(70 * 1024, 0x41);
    await expect(decode([longAscii, GB])).rejects.toThrow(/not valid UTF-8 \(after byte 71680\)/);
  });

  it('reads the labels people declare', () => {
    expect(['GBK', 'gb2312', 'GB18030', 'cp936', 'UTF-8', 'utf8'].map(encodingOf)).toEqual(['gb18030', 'gb18030', 'gb18030', 'gb18030', 'utf-8', 'utf-8']);
    expect(encodingOf('big5')).toBeNull();
  });
});
