/**
 * Ingestion as a service: a request body (JSON array, NDJSON, FHIR Bundle or bulk NDJSON, CSV or
 * XLSX) is parsed as it streams, each record validated and pseudonymised, and the batch committed
 * in one transaction with one outcome per record. Bounded: the body is counted as it arrives
 * (BODY_TOO_LARGE past `maxBodyBytes`), records and nesting are limited by the parsers, and at most
 * `maxInFlight` requests are processed at once (the rest get 503 + Retry-After). A batch-level
 * error (not an array, too many records, unreadable file) refuses the whole request: nothing of
 * it is stored.
 */
import { bundleResponse, mapBundle, transactionFailure, type StoredEntryResult } from './adapters/fhir-bundle.ts';
import type { EncodingReport, TextEncoding } from './adapters/text-encoding.ts';
import { mapResource, type FhirEntryResult } from './adapters/fhir-r4.ts';
import { parseJsonArray } from './adapters/json-array.ts';
import { parseNdjson } from './adapters/ndjson.ts';
import { parseCsv, parseXlsx } from './adapters/tabular.ts';
import { rowPath } from './adapters/tabular-mapping.ts';
import { concatBytes, jsonSyntaxMessage, scanDepth, toBytes, type ByteSource, type ParseLimits, type ParsedRecord, type RecordError } from './adapters/stream-kit.ts';
import { createBatchCommitter, type BatchResult, type Candidate, type IngestLogger, type RecordOutcome } from './commit-service.ts';
import { findIdentifier } from './identifier-detect.ts';
import { listQuarantine } from './quarantine-repo.ts';
import { idempotentPseudonymiser, pseudonymiseRawPayload } from './quarantine-service.ts';
import type { EventRegistry } from './registry.ts';
import type { Source } from './source-repo.ts';
import type { SourcesService } from './sources-service.ts';
import type { IngestCommitConsumer } from './stored-event.ts';
import { DEFAULT_EVENT_TIME_LIMITS, eventTimeWindow, type EventTimeLimits, type EventTimeWindow } from './date-time.ts';
import { validateEvent } from './validate.ts';
import { AppError } from '../shared/index.ts';
import type { Db } from '../store/index.ts';

export interface IngestLimits {
  /** Largest request body in bytes (default 32 MiB). */
  readonly maxBodyBytes: number;
  /** Most records (or Bundle entries, or rows) in one request (default 10,000). */
  readonly maxRecords: number;
  /** Largest single record in bytes (default 1 MiB). */
  readonly maxRecordBytes: number;
  /** Deepest nesting inside one record (default 32; FHIR resources get twice that). */
  readonly maxDepth: number;
  /** Ingest requests processed at once; the next one gets 503 (default 8). */
  readonly maxInFlight: number;
}

export const DEFAULT_INGEST_LIMITS: IngestLimits = { maxBodyBytes: 32 * 1024 * 1024, maxRecords: 10_000, maxRecordBytes: 1024 * 1024, maxDepth: 32, maxInFlight: 8 };

/** Outcome counts and every record that was not accepted, by index. */
export interface BatchReport {
  readonly received: number;
  readonly accepted: number;
  readonly duplicates: number;
  readonly conflicts: number;
  readonly rejected: number;
  readonly issues: readonly Exclude<RecordOutcome, { outcome: 'accepted' }>[];
}

export interface IngestServiceDeps {
  readonly db: Db;
  readonly sources: Pick<SourcesService, 'registryOf' | 'mappingOf' | 'timeZone'>;
  /** Keyed pseudonymiser (createPseudonymiser(loadPseudonymKey(config))). */
  readonly pseudonymise: (raw: string) => string;
  readonly consumers?: readonly IngestCommitConsumer[];
  readonly log: IngestLogger;
  readonly limits?: Partial<IngestLimits>;
  /** Group commits in flight at once (commit-service.ts; default 1). */
  readonly maxConcurrentCommits?: number;
  /** The plausible event times (default 1990-01-01 to a day past the time of ingest); a record with a date-time outside is rejected. */
  readonly eventTimes?: EventTimeLimits;
}

export function toReport(result: BatchResult): BatchReport {
  const { outcomes, ...counts } = result;
  return { ...counts, issues: outcomes.filter((o): o is BatchReport['issues'][number] => o.outcome !== 'accepted') };
}

/** Counts bytes as they stream; past the limit the body is refused (and `overflowed` tells parsers that swallow errors). */
function bounded(source: ByteSource, maxBytes: number): { stream: AsyncIterable<Uint8Array>; overflowed: () => boolean } {
  let total = 0;
  let over = false;
  async function* stream(): AsyncGenerator<Uint8Array> {
    for await (const chunk of source) {
      const bytes = toBytes(chunk);
      total += bytes.byteLength;
      if (total > maxBytes) {
        over = true;
        throw bodyTooLarge(maxBytes);
      }
      yield bytes;
    }
  }
  return { stream: stream(), overflowed: () => over };
}

const bodyTooLarge = (maxBytes: number) => new AppError('BODY_TOO_LARGE', `The request body is larger than ${maxBytes} bytes.`, { limitBytes: maxBytes });

function fatalError(e: RecordError): AppError {
  const code = e.code === 'INGEST_BATCH_TOO_LARGE' ? 'INGEST_BATCH_TOO_LARGE' : 'INGEST_BATCH_MALFORMED';
  return new AppError(code, e.message, { field: e.path, reason: e.code });
}

function eventTypeOf(raw: unknown, registry: EventRegistry): string {
  const t = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)['type'] : undefined;
  return typeof t === 'string' && registry.lookup(t) !== undefined ? t : '';
}

/** The id a rejected record gave itself, for the report and quarantine; pseudonymised when it looks like a patient identifier. */
function eventIdOf(raw: unknown, pseudonymise: (raw: string) => string): string | null {
  const id = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)['id'] : undefined;
  if (typeof id !== 'string') return null;
  return findIdentifier(id) === undefined ? id.slice(0, 128) : pseudonymise(id);
}

export function createIngestService(deps: IngestServiceDeps) {
  const limits: IngestLimits = { ...DEFAULT_INGEST_LIMITS, ...deps.limits };
  const parseLimits: ParseLimits = { maxRecordBytes: limits.maxRecordBytes, maxRecords: limits.maxRecords, maxDepth: limits.maxDepth };
  const commit = createBatchCommitter({ db: deps.db, consumers: deps.consumers ?? [], log: deps.log, maxConcurrentCommits: deps.maxConcurrentCommits });
  let inFlight = 0;

  /** Validate one parsed record into a candidate (events and rows alike). */
  const eventTimes = deps.eventTimes ?? DEFAULT_EVENT_TIME_LIMITS;

  function candidateOf(
    rec: ParsedRecord, index: number, registry: EventRegistry, format: 'event' | 'row', pseudonymise: (raw: string) => string, timeWindow: EventTimeWindow, path?: (pointer: string) => string,
  ): Candidate {
    if ('error' in rec) {
      return { index, format, rejected: { code: rec.error.code, message: rec.error.message, path: rec.error.path }, payload: null, payloadBytes: 0, eventId: null, eventType: '' };
    }
    const result = validateEvent(rec.value, registry, { pseudonymise, timeWindow });
    if (result.ok) return { index, format, event: result.event };
    const payload = pseudonymiseRawPayload(rec.value, pseudonymise, registry);
    return {
      index, format, rejected: { code: result.code, message: result.message, path: path ? path(result.path) : result.path }, payload,
      payloadBytes: JSON.stringify(payload).length, eventId: eventIdOf(rec.value, pseudonymise), eventType: eventTypeOf(rec.value, registry),
    };
  }

  async function readAll(body: ByteSource): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of bounded(body, limits.maxBodyBytes).stream) {
      parts.push(chunk.slice());
      size += chunk.byteLength;
    }
    return concatBytes(parts, size);
  }

  function fhirCandidates(results: readonly { entry: number; result: FhirEntryResult; resource: unknown }[]): Candidate[] {
    const candidates: Candidate[] = [];
    for (const { entry, result, resource } of results) {
      if (result.outcome === 'ignored') continue;
      if (result.outcome === 'accepted') {
        for (const event of result.events) {
          candidates.push({ index: entry, format: 'event', event });
        }
        continue;
      }
      // An entry without a resource (`{}`) is kept as null: JSON has no undefined to measure or store.
      const payload = pseudonymiseRawPayload(resource ?? null, deps.pseudonymise);
      candidates.push({
        index: entry, format: 'fhir', rejected: { code: result.code, message: result.message, path: result.path }, payload,
        payloadBytes: JSON.stringify(payload).length, eventId: null, eventType: '',
      });
    }
    return candidates;
  }

  /** Per entry: mapping outcome combined with the storage outcome of each of its events. */
  function entryResults(results: readonly { entry: number; result: FhirEntryResult }[], outcomes: readonly RecordOutcome[]): StoredEntryResult[] {
    const byEntry = new Map<number, RecordOutcome[]>();
    for (const o of outcomes) byEntry.set(o.index, [...(byEntry.get(o.index) ?? []), o]);
    return results.map(({ entry, result }): StoredEntryResult => {
      if (result.outcome !== 'accepted') return result;
      const mine = byEntry.get(entry) ?? [];
      const failed = mine.find((o) => o.outcome === 'rejected') ?? mine.find((o) => o.outcome === 'conflict');
      if (failed !== undefined) {
        const issue = { code: failed.code as 'INGEST_INVALID_VALUE', message: failed.message, path: failed.path };
        return failed.outcome === 'conflict' ? { outcome: 'conflict', ...issue } : { outcome: 'rejected', resourceType: result.resourceType, ...issue };
      }
      return mine.length > 0 && mine.every((o) => o.outcome === 'duplicate') ? { outcome: 'duplicate' } : result;
    });
  }

  return {
    limits,

    /** Takes one of the in-flight slots, or null when all are busy (answer 503 + Retry-After). */
    tryAcquire(): (() => void) | null {
      if (inFlight >= limits.maxInFlight) return null;
      inFlight++;
      let released = false;
      return () => {
        if (!released) {
          released = true;
          inFlight--;
        }
      };
    },

    /** A JSON array or NDJSON body of events. */
    async ingestEvents(source: Source, format: 'json' | 'ndjson', body: ByteSource, now: Date): Promise<BatchReport> {
      const registry = await deps.sources.registryOf(source);
      const input = bounded(body, limits.maxBodyBytes);
      const records = format === 'json' ? parseJsonArray(input.stream, parseLimits) : parseNdjson(input.stream, parseLimits);
      const timeWindow = eventTimeWindow(eventTimes, now);
      const candidates: Candidate[] = [];
      for await (const rec of records) {
        if ('error' in rec && rec.error.fatal === true) throw fatalError(rec.error);
        candidates.push(candidateOf(rec, rec.index, registry, 'event', deps.pseudonymise, timeWindow));
      }
      return toReport(await commit(source, candidates, now));
    },

    /** A FHIR Bundle (batch/transaction) or bulk NDJSON; answers with a FHIR response Bundle. */
    async ingestFhir(source: Source, kind: 'bundle' | 'ndjson', body: ByteSource, now: Date): Promise<{ bundle: Record<string, unknown>; report: BatchReport }> {
      const registry = await deps.sources.registryOf(source);
      const options = { registry, pseudonymise: deps.pseudonymise, defaultOrgUnit: source.orgCode, timeZone: await deps.sources.timeZone(), timeWindow: eventTimeWindow(eventTimes, now) };
      const mapped: { entry: number; result: FhirEntryResult; resource: unknown }[] = [];
      let type: 'batch' | 'transaction' = 'batch';
      if (kind === 'ndjson') {
        const input = bounded(body, limits.maxBodyBytes);
        for await (const rec of parseNdjson(input.stream, { ...parseLimits, maxDepth: parseLimits.maxDepth * 2 })) {
          if ('error' in rec) {
            if (rec.error.fatal === true) throw fatalError(rec.error);
            mapped.push({ entry: rec.index, result: { outcome: 'rejected', code: rec.error.code, message: rec.error.message, path: rec.error.path }, resource: null });
          } else mapped.push({ entry: rec.index, result: mapResource(rec.value, options), resource: rec.value });
        }
      } else {
        const bytes = await readAll(body);
        const bundle = parseBundleBytes(bytes, limits.maxDepth * 2);
        const result = mapBundle(bundle, options, limits.maxRecords);
        if (!result.ok) throw fatalError(result);
        type = result.type;
        const failure = type === 'transaction' ? transactionFailure(result.results) : null;
        if (failure !== null) throw new AppError('FHIR_TRANSACTION_FAILED', failure.message, { field: failure.field, entries: failure.entries });
        const entries = (bundle as { entry?: unknown[] }).entry ?? [];
        result.results.forEach((r, i) => {
          const e = entries[i];
          mapped.push({ entry: i, result: r, resource: typeof e === 'object' && e !== null ? (e as Record<string, unknown>)['resource'] : null });
        });
      }
      const batch = await commit(source, fhirCandidates(mapped), now);
      return { bundle: bundleResponse(entryResults(mapped, batch.outcomes), type), report: toReport(batch) };
    },

    /** A CSV or XLSX file through the source's saved column mapping. */
    /** A CSV's encoding is `declared` or detected; the report says which (XLSX is always Unicode). */
    async ingestTable(source: Source, format: 'csv' | 'xlsx', body: ByteSource, now: Date, declared?: TextEncoding): Promise<BatchReport & { encoding?: EncodingReport }> {
      const mapping = deps.sources.mappingOf(source);
      if (mapping === undefined) throw new AppError('INGEST_MAPPING_MISSING', 'Save a column mapping for this source first (PUT /api/sources/:id/mapping).');
      const registry = await deps.sources.registryOf(source);
      const input = bounded(body, limits.maxBodyBytes);
      let encoding: EncodingReport | undefined;
      const csvEncoding = { ...(declared === undefined ? {} : { declared }), onEncoding: (r: EncodingReport) => { encoding = r; } };
      const rows = format === 'csv' ? parseCsv(input.stream, mapping, registry, parseLimits, csvEncoding) : parseXlsx(input.stream, mapping, registry, parseLimits);
      const timeWindow = eventTimeWindow(eventTimes, now);
      const candidates: Candidate[] = [];
      for await (const rec of rows) {
        if ('error' in rec && rec.error.fatal === true) {
          if (input.overflowed()) throw bodyTooLarge(limits.maxBodyBytes);
          throw fatalError(rec.error);
        }
        candidates.push(candidateOf(rec, rec.row, registry, 'row', deps.pseudonymise, timeWindow, (pointer) => rowPath(mapping, rec.row, pointer)));
      }
      if (input.overflowed()) throw bodyTooLarge(limits.maxBodyBytes);
      const report = toReport(await commit(source, candidates, now));
      return encoding === undefined ? report : { ...report, encoding };
    },

    /**
     * Runs the source's open rejected records again (after a schema, mapping or scope fix).
     * Settled records are marked re-processed; the rest stay open with their current reason.
     * Conflicts are not re-run: stored events are immutable, so they cannot settle by themselves.
     * A re-run counts in the quality figures like any batch.
     */
    async reprocess(source: Source, now: Date, max = 5_000): Promise<{ processed: number; settled: number; stillOpen: number }> {
      const registry = await deps.sources.registryOf(source);
      const pseudonymise = idempotentPseudonymiser(deps.pseudonymise);
      const timeWindow = eventTimeWindow(eventTimes, now);
      let afterId = 0;
      let processed = 0;
      let settled = 0;
      while (processed < max) {
        const page = await listQuarantine(deps.db, source.id, { status: 'open', outcome: 'rejected', afterId, limit: Math.min(500, max - processed), withPayload: true });
        if (page.length === 0) break;
        afterId = page.at(-1)?.id ?? afterId;
        const candidates: Candidate[] = [];
        for (const q of page) {
          if (q.format === 'fhir') {
            const r = mapResource(q.payload, { registry, pseudonymise, defaultOrgUnit: source.orgCode, timeZone: await deps.sources.timeZone(), timeWindow });
            if (r.outcome === 'accepted') for (const event of r.events) candidates.push({ index: q.id, format: 'fhir', event });
            else if (r.outcome === 'rejected') candidates.push({ index: q.id, format: 'fhir', rejected: { code: r.code, message: r.message, path: r.path }, payload: null, payloadBytes: 0, eventId: null, eventType: '' });
          } else {
            candidates.push(candidateOf({ index: q.id, value: q.payload }, q.id, registry, q.format, pseudonymise, timeWindow));
          }
        }
        const batch = await commit(source, candidates, now, { reprocess: true });
        const failedIds = new Set(batch.outcomes.filter((o) => o.outcome === 'rejected' || o.outcome === 'conflict').map((o) => o.index));
        settled += new Set(batch.outcomes.map((o) => o.index).filter((id) => !failedIds.has(id))).size;
        processed += page.length;
      }
      return { processed, settled, stillOpen: processed - settled };
    },
  };
}

export type IngestService = ReturnType<typeof createIngestService>;

const strictDecoder = new TextDecoder('utf-8', { fatal: true });

function parseBundleBytes(bytes: Uint8Array, maxDepth: number): unknown {
  let text: string;
  try {
    text = strictDecoder.decode(bytes);
  } catch {
    throw new AppError('INGEST_BATCH_MALFORMED', 'The body is not valid UTF-8.', { reason: 'INGEST_INVALID_UTF8' });
  }
  if (scanDepth(bytes) > maxDepth) throw new AppError('INGEST_BATCH_MALFORMED', `The Bundle nests deeper than ${maxDepth} levels.`, { reason: 'INGEST_TOO_DEEP' });
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as unknown;
  } catch (e) {
    throw new AppError('INGEST_BATCH_MALFORMED', `The body is ${jsonSyntaxMessage(e)}.`, { reason: 'INGEST_MALFORMED_JSON' });
  }
}
