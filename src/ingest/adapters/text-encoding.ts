import { TextDecoder } from 'node:util';
import type { ByteSource } from './stream-kit.ts';

/**
 * Character encodings of CSV uploads. Chinese HIS and finance systems commonly export GB18030
 * (or its subsets GBK and GB2312); others UTF-8, with or without a byte-order mark. A declared
 * encoding is used as given; otherwise the first bytes decide: a UTF-8 BOM, or bytes that are
 * valid UTF-8, mean UTF-8, anything else GB18030. Decoding uses the platform's WHATWG
 * TextDecoder (full ICU in Node.js), streamed, a multi-byte character split across chunks
 * included. A file detected as UTF-8 that turns invalid later is refused with its byte offset.
 */
export const TEXT_ENCODINGS = ['utf-8', 'gb18030'] as const;
export type TextEncoding = (typeof TEXT_ENCODINGS)[number];

const LABELS: Readonly<Record<string, TextEncoding>> = {
  'utf-8': 'utf-8', utf8: 'utf-8', 'unicode-1-1-utf-8': 'utf-8',
  gb18030: 'gb18030', gbk: 'gb18030', gb2312: 'gb18030', 'x-gbk': 'gb18030', cp936: 'gb18030',
};

/** The encoding a label names (case-insensitive), or null when it is not one yunjian reads. */
export function encodingOf(label: string): TextEncoding | null {
  return LABELS[label.trim().toLowerCase()] ?? null;
}

export interface EncodingReport {
  readonly encoding: TextEncoding;
  /** False when the caller declared it. */
  readonly detected: boolean;
}

/** How many leading bytes detection looks at (a whole header row and some data). */
const SNIFF_BYTES = 64 * 1024;

function looksUtf8(prefix: Uint8Array): boolean {
  if (prefix[0] === 0xef && prefix[1] === 0xbb && prefix[2] === 0xbf) return true;
  try {
    // stream: true tolerates a character cut at the end of the prefix.
    new TextDecoder('utf-8', { fatal: true }).decode(prefix, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/** Decodes a byte stream to text, reporting the encoding used before the first text. */
export async function* decodeText(source: ByteSource, declared: TextEncoding | undefined, onEncoding: (r: EncodingReport) => void): AsyncGenerator<string, void, undefined> {
  const pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let decoder: TextDecoder | null = null;
  let offset = 0;
  const start = (encoding: TextEncoding, detected: boolean): TextDecoder => {
    onEncoding({ encoding, detected });
    return new TextDecoder(encoding, { fatal: encoding === 'utf-8' });
  };
  const decode = (d: TextDecoder, bytes: Uint8Array, stream: boolean): string => {
    try {
      const text = d.decode(bytes, { stream });
      offset += bytes.length;
      return text;
    } catch {
      throw new Error(`the file is not valid UTF-8 (after byte ${String(offset)}); if it is GB18030/GBK, upload it again with encoding=gb18030`);
    }
  };
  if (declared !== undefined) decoder = start(declared, false);
  for await (const chunk of source) {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
    if (decoder !== null) {
      const text = decode(decoder, bytes, true);
      if (text !== '') yield text;
      continue;
    }
    pending.push(bytes);
    pendingBytes += bytes.length;
    if (pendingBytes < SNIFF_BYTES) continue;
    const prefix = Buffer.concat(pending);
    decoder = start(looksUtf8(prefix) ? 'utf-8' : 'gb18030', true);
    yield decode(decoder, prefix, true);
  }
  if (decoder === null) {
    const prefix = Buffer.concat(pending);
    decoder = start(looksUtf8(prefix) ? 'utf-8' : 'gb18030', true);
    yield decode(decoder, prefix, false);
    return;
  }
  const rest = decode(decoder, new Uint8Array(0), false);
  if (rest !== '') yield rest;
}
