/**
 * Bundles and bulk NDJSON on top of mapResource. A batch or transaction Bundle is mapped entry by
 * entry; `urn:uuid:` references resolve to other entries of the same bundle. A batch is applied
 * per entry. A transaction is all-or-nothing (FHIR R4 §3.1.0.11.2): when any entry is refused,
 * `transactionFailure` names them and nothing is stored. bundleResponse turns per-entry outcomes
 * into the FHIR response Bundle with an OperationOutcome on every entry that was not stored.
 */
import { issue, type IngestIssue } from '../errors.ts';
import { mapResource, type FhirEntryResult, type FhirMappingOptions } from './fhir-r4.ts';
import { arr, isObject, obj, str, type FhirResource, type ReferenceResolver } from './fhir-references.ts';
import { DEFAULT_PARSE_LIMITS, type ParsedRecord } from './stream-kit.ts';

export type BundleMapResult =
  | { readonly ok: true; readonly type: 'batch' | 'transaction'; readonly results: readonly FhirEntryResult[] }
  | ({ readonly ok: false } & IngestIssue);

/** Resolve `urn:uuid:…` fullUrls and `Type/id` within one bundle, plus an outer resolver if given. */
export function bundleResolver(entries: readonly unknown[], outer?: ReferenceResolver): ReferenceResolver {
  const byRef = new Map<string, FhirResource>();
  for (const e of entries) {
    const resource = obj(obj(e)?.['resource']);
    const type = str(resource?.['resourceType']);
    if (resource === undefined || type === undefined) continue;
    const r = resource as FhirResource;
    const fullUrl = str(obj(e)?.['fullUrl']);
    if (fullUrl !== undefined) byRef.set(fullUrl, r);
    const id = str(r['id']);
    if (id !== undefined) byRef.set(`${type}/${id}`, r);
  }
  return (reference) => byRef.get(reference) ?? outer?.(reference);
}

export function mapBundle(bundle: unknown, options: FhirMappingOptions, maxEntries = DEFAULT_PARSE_LIMITS.maxRecords): BundleMapResult {
  if (!isObject(bundle) || bundle['resourceType'] !== 'Bundle') {
    return { ok: false, ...issue('FHIR_INVALID_BUNDLE', 'expected a Bundle resource', '/resourceType') };
  }
  const type = bundle['type'];
  if (type !== 'batch' && type !== 'transaction') {
    return { ok: false, ...issue('FHIR_INVALID_BUNDLE', 'Bundle.type must be batch or transaction', '/type') };
  }
  const entries = arr(bundle['entry']);
  if (entries.length > maxEntries) {
    return { ok: false, ...issue('INGEST_BATCH_TOO_LARGE', `a Bundle holds at most ${maxEntries} entries`, '/entry') };
  }
  const resolve = bundleResolver(entries, options.resolve);
  const inner = { ...options, resolve };
  const results = entries.map((e, i): FhirEntryResult => {
    const method = str(obj(obj(e)?.['request'])?.['method']) ?? 'POST';
    if (!['POST', 'PUT'].includes(method)) {
      return { outcome: 'rejected', ...issue('FHIR_INVALID_RESOURCE', `${method} is not supported: events are immutable`, `/entry/${i}/request/method`) };
    }
    return mapResource(obj(e)?.['resource'], inner, str(obj(e)?.['fullUrl']));
  });
  return { ok: true, type, results };
}

export interface TransactionFailure {
  readonly message: string;
  /** JSON pointer of the first refused entry's field, from the Bundle. */
  readonly field: string;
  readonly entries: readonly { readonly entry: number; readonly code: string; readonly message: string; readonly field: string }[];
}

/** Why a transaction Bundle must be refused whole, or null when every entry mapped (or is ignored). */
export function transactionFailure(results: readonly FhirEntryResult[]): TransactionFailure | null {
  const entries = results.flatMap((r, i) => {
    if (r.outcome !== 'rejected') return [];
    const field = r.path.startsWith('/entry/') ? r.path : `/entry/${String(i)}/resource${r.path}`;
    return [{ entry: i, code: r.code, message: r.message, field }];
  });
  const [first] = entries;
  if (first === undefined) return null;
  return {
    message: `A transaction is all-or-nothing and ${String(entries.length)} of its ${String(results.length)} entries were refused (first: entry ${String(first.entry)}, ${first.message}); nothing was stored. Fix them, or send a batch Bundle to store the others.`,
    field: first.field,
    entries,
  };
}

/** Bulk-export NDJSON: map each parsed line; parse errors pass through as rejected entries. */
export async function* mapFhirRecords(
  records: AsyncIterable<ParsedRecord>,
  options: FhirMappingOptions,
): AsyncGenerator<{ readonly index: number; readonly result: FhirEntryResult; readonly fatal?: true }, void, undefined> {
  for await (const rec of records) {
    if ('error' in rec) {
      const { fatal, ...rest } = rec.error;
      yield { index: rec.index, result: { outcome: 'rejected', ...rest }, ...(fatal ? { fatal } : {}) };
    } else {
      yield { index: rec.index, result: mapResource(rec.value, options) };
    }
  }
}

/** What became of an entry after storage: new events, a duplicate re-send, or an id conflict. */
export type StoredEntryResult =
  | FhirEntryResult
  | { readonly outcome: 'duplicate' }
  | ({ readonly outcome: 'conflict' } & IngestIssue);

export const INGEST_ERROR_SYSTEM = 'https://yunjian.dev/fhir/CodeSystem/ingest-error';

function operationOutcome(severity: 'error' | 'information', code: string, detail: string, message: string, path?: string): Record<string, unknown> {
  return {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity,
        code,
        details: { coding: [{ system: INGEST_ERROR_SYSTEM, code: detail }], text: message },
        diagnostics: message,
        ...(path ? { expression: [path] } : {}),
      },
    ],
  };
}

function responseEntry(r: StoredEntryResult): Record<string, unknown> {
  switch (r.outcome) {
    case 'accepted': {
      const first = r.events[0];
      return { response: { status: '201 Created', ...(first ? { location: first.id } : {}) } };
    }
    case 'duplicate':
      return { response: { status: '200 OK' } };
    case 'ignored':
      return { response: { status: '200 OK', outcome: operationOutcome('information', 'informational', 'INGEST_IGNORED', `not stored: ${r.reason}`) } };
    case 'conflict':
      return { response: { status: '409 Conflict', outcome: operationOutcome('error', 'conflict', r.code, r.message, r.path) } };
    case 'rejected': {
      const malformed = r.code === 'FHIR_INVALID_RESOURCE' || r.code === 'INGEST_MALFORMED_JSON';
      const status = malformed ? '400 Bad Request' : '422 Unprocessable Entity';
      const fhirCode = r.code === 'FHIR_UNSUPPORTED_ENCOUNTER_CLASS' ? 'not-supported' : 'invalid';
      return { response: { status, outcome: operationOutcome('error', fhirCode, r.code, r.message, r.path) } };
    }
  }
}

export function bundleResponse(results: readonly StoredEntryResult[], type: 'batch' | 'transaction'): Record<string, unknown> {
  return {
    resourceType: 'Bundle',
    type: type === 'batch' ? 'batch-response' : 'transaction-response',
    entry: results.map(responseEntry),
  };
}
