/**
 * Choosing a parser from the request: the Content-Type header decides when it names a known
 * format; otherwise the first non-blank bytes are sniffed (`[` JSON array, `{` NDJSON, `PK` XLSX).
 */
export type BodyFormat = 'json' | 'ndjson' | 'csv' | 'xlsx';

const BY_MEDIA_TYPE: Readonly<Record<string, BodyFormat>> = {
  'application/json': 'json',
  'application/fhir+json': 'json',
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
  'application/x-jsonlines': 'ndjson',
  'application/fhir+ndjson': 'ndjson',
  'text/csv': 'csv',
  'application/csv': 'csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
};

export function detectBodyFormat(contentType: string | undefined, head?: Uint8Array): BodyFormat | undefined {
  const media = contentType?.split(';')[0]?.trim().toLowerCase();
  if (media !== undefined && media !== '') {
    const known = BY_MEDIA_TYPE[media];
    if (known !== undefined) return known;
  }
  if (head === undefined) return undefined;
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'xlsx';
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && [0x20, 0x09, 0x0a, 0x0d].includes(head[i] as number)) i++;
  if (head[i] === 0x5b) return 'json';
  if (head[i] === 0x7b) return 'ndjson';
  return undefined;
}
