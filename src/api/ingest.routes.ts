import type { Readable } from 'node:stream';
import multipart from '@fastify/multipart';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { appVersion, INGEST_MODULE, type AppModule } from '../app.ts';
import { capabilityStatement } from '../ingest/adapters/fhir-capability.ts';
import { encodingOf } from '../ingest/adapters/text-encoding.ts';
import type { IngestService } from '../ingest/ingest-service.ts';
import type { Source } from '../ingest/source-repo.ts';
import type { SourcesService } from '../ingest/sources-service.ts';
import { AppError, type Clock } from '../shared/index.ts';
import { principalOf } from './access.ts';
import { errorResponses, Nullable } from './schemas.ts';
import { sourceResolvers } from './sources.routes.ts';

/**
 * The ingest endpoints. Bodies are not buffered: within this plugin the JSON and NDJSON content
 * types hand the raw request stream to the ingest core's streaming parsers. A source token writes
 * for its own source; a signed-in user with ingest.write names the source with `?sourceId=`.
 * 200 means the batch is committed; 503 + Retry-After means nothing was stored, send it again.
 */
const STREAMED_TYPES = [
  'application/json', 'application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines',
  'application/fhir+json', 'application/fhir+ndjson',
];
const NDJSON_TYPES = new Set(['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines', 'application/fhir+ndjson']);
const RETRY_AFTER_SECONDS = '2';
/** When the statement last changed (FHIR wants a date; the statement changes with the mapping, not per request). */
const CAPABILITY_DATE = '2026-12-07';

const Report = Type.Object({
  received: Type.Integer(), accepted: Type.Integer(), duplicates: Type.Integer(), conflicts: Type.Integer(), rejected: Type.Integer(),
  issues: Type.Array(Type.Object({
    index: Type.Integer({ description: 'Position in the batch (array element, NDJSON record, or sheet row for files)' }),
    outcome: Type.Union([Type.Literal('duplicate'), Type.Literal('conflict'), Type.Literal('rejected')]),
    eventId: Nullable(Type.String()), code: Type.Optional(Type.String()), message: Type.Optional(Type.String()), path: Type.Optional(Type.String()),
  })),
}, { description: 'Counts, and every record that was not accepted (duplicates are idempotent re-sends, not errors)' });

const FhirBundle = Type.Object({ resourceType: Type.Literal('Bundle'), type: Type.String(), entry: Type.Array(Type.Unknown()) }, { description: 'batch-response or transaction-response Bundle' });

const SourceQuery = Type.Object({ sourceId: Type.Optional(Type.Integer({ minimum: 1, description: 'The source, when a signed-in user uploads (source tokens write for their own source)' })) }, { additionalProperties: false });

const FileQuery = Type.Object({
  sourceId: SourceQuery.properties.sourceId,
  encoding: Type.Optional(Type.String({ maxLength: 32, description: 'CSV encoding: utf-8, gb18030 (gbk, gb2312); detected when absent' })),
}, { additionalProperties: false });

const FileReport = Type.Composite([Report, Type.Object({
  encoding: Type.Optional(Type.Object({ encoding: Type.String(), detected: Type.Boolean() }, { description: 'The CSV encoding used, and whether it was detected rather than declared' })),
})]);

const ingestErrors = { ...errorResponses, 413: errorResponses[400], 415: errorResponses[400], 503: errorResponses[400] };

export interface IngestModuleDeps {
  readonly sources: Pick<SourcesService, 'find' | 'findByToken'>;
  readonly ingest: IngestService;
  readonly clock: Clock;
}

function mediaType(request: FastifyRequest): string {
  return (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** The request body as a byte stream (an empty body is an empty stream). */
function bodyStream(request: FastifyRequest): AsyncIterable<Uint8Array> | Iterable<Uint8Array> {
  const body = request.body as Readable | undefined | null;
  return body ?? [];
}

/** HTTP surface of ingestion: POST /api/ingest/events, /api/ingest/fhir, /api/ingest/file. */
export function createIngestModule(deps: IngestModuleDeps): AppModule {
  return {
    name: INGEST_MODULE,
    resolvers: sourceResolvers(deps.sources),
    async register(app) {
      await app.register(async (scope) => { await registerIngestRoutes(scope, deps); });
    },
  };
}

async function registerIngestRoutes(scope: FastifyInstance, deps: IngestModuleDeps): Promise<void> {
  const { ingest, clock } = deps;
  const limits = ingest.limits;

  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser(STREAMED_TYPES, (_request, payload, done) => { done(null, payload); });
  await scope.register(multipart, { limits: { fileSize: limits.maxBodyBytes + 1, files: 1, fields: 10, parts: 11 } });

  scope.addHook('onSend', (_request, reply, payload, done) => {
    if (reply.statusCode === 503) void reply.header('retry-after', RETRY_AFTER_SECONDS);
    if (reply.statusCode === 413) void reply.header('connection', 'close');
    done(null, payload);
  });

  // Refuse a declared oversize body before reading any of it.
  scope.addHook('onRequest', (request, _reply, done) => {
    const length = Number(request.headers['content-length'] ?? '0');
    if (Number.isFinite(length) && length > limits.maxBodyBytes) {
      done(new AppError('BODY_TOO_LARGE', `The request body is larger than ${limits.maxBodyBytes} bytes.`, { limitBytes: limits.maxBodyBytes }));
      return;
    }
    done();
  });

  async function sourceOf(request: FastifyRequest): Promise<Source> {
    const principal = principalOf(request);
    const named = request.resources.get('source') as Source | undefined;
    let source: Source | null | undefined = named;
    if (principal.kind === 'token') {
      const own = await deps.sources.findByToken(principal.id);
      if (!own) throw new AppError('AUTH_FORBIDDEN', 'This API token does not belong to a source.');
      if (named !== undefined && named.id !== own.id) throw new AppError('SOURCE_NOT_FOUND', 'A source token writes for its own source only.', { field: '/querystring/sourceId' });
      source = own;
    }
    if (source === undefined || source === null) throw new AppError('VALIDATION_FAILED', 'Name the source with ?sourceId=.', { field: '/querystring/sourceId' });
    if (!source.active) throw new AppError('AUTH_FORBIDDEN', 'This source is deactivated.');
    return source;
  }

  /** Runs `work` in one of the in-flight slots; all busy → 503 with Retry-After. */
  async function limited<T>(work: () => Promise<T>): Promise<T> {
    const release = ingest.tryAcquire();
    if (release === null) throw new AppError('OVERLOADED', 'Too many ingest requests in flight; nothing was stored. Retry later.', { retryAfterSeconds: Number(RETRY_AFTER_SECONDS) });
    try {
      return await work();
    } finally {
      release();
    }
  }

  const access = { permission: 'ingest.write', resources: [{ kind: 'source', from: 'query', field: 'sourceId', optional: true }] } as const;

  scope.post('/api/ingest/events', {
    config: { access },
    schema: {
      tags: ['ingest'],
      summary: 'Send events: a JSON array (application/json) or NDJSON (application/x-ndjson)',
      description: `Streamed, never buffered whole. Limits: body ${limits.maxBodyBytes} bytes (413), ${limits.maxRecords} records per batch (413), `
        + `${limits.maxRecordBytes} bytes and ${limits.maxDepth} levels of nesting per record (that record is rejected). One transaction per batch: `
        + '200 means committed, with one outcome per record; 503 + Retry-After means nothing was stored.',
      querystring: SourceQuery,
      response: { 200: Report, ...ingestErrors },
    },
  }, async (request) => limited(async () => {
    const source = await sourceOf(request);
    const media = mediaType(request);
    if (media === 'application/fhir+json' || media === 'application/fhir+ndjson') throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send FHIR to /api/ingest/fhir.');
    return ingest.ingestEvents(source, NDJSON_TYPES.has(media) ? 'ndjson' : 'json', bodyStream(request), clock.now());
  }));

  scope.get('/api/ingest/fhir/metadata', {
    config: { access: { public: true } },
    schema: {
      tags: ['ingest'], summary: 'The FHIR CapabilityStatement of the ingest endpoint (what is accepted and how it is mapped)',
      response: { 200: Type.Object({ resourceType: Type.Literal('CapabilityStatement') }, { additionalProperties: true }) },
    },
  }, (_request, reply) => {
    void reply.type('application/fhir+json');
    return capabilityStatement(appVersion, CAPABILITY_DATE);
  });

  // Also at the base with a slash: FHIR clients post batch/transaction Bundles to `[base]/`.
  for (const url of ['/api/ingest/fhir', '/api/ingest/fhir/']) {
    scope.post(url, {
      config: { access },
      schema: {
        tags: ['ingest'],
        summary: 'Send FHIR R4: a batch/transaction Bundle (application/fhir+json) or bulk NDJSON (application/fhir+ndjson) of Encounter, Appointment, MedicationRequest, ChargeItem, Claim',
        description: 'Answers with a batch-response/transaction-response Bundle: an OperationOutcome on every entry that was not stored. '
          + 'A batch is applied per entry; a transaction with any refused entry is refused whole (400 FHIR_TRANSACTION_FAILED, every refused entry in details.entries) and nothing is stored.',
        querystring: SourceQuery,
        response: { 200: FhirBundle, ...ingestErrors },
      },
    }, async (request, reply) => limited(async () => {
      const source = await sourceOf(request);
      const kind = NDJSON_TYPES.has(mediaType(request)) ? 'ndjson' : 'bundle';
      const { bundle } = await ingest.ingestFhir(source, kind, bodyStream(request), clock.now());
      void reply.type('application/fhir+json');
      return bundle;
    }));
  }

  scope.post('/api/ingest/file', {
    config: { access },
    schema: {
      tags: ['ingest'], summary: 'Upload a CSV or XLSX file (multipart/form-data, one file) read through the source’s saved column mapping',
      description: `At most ${limits.maxBodyBytes} bytes and ${limits.maxRecords} rows; XLSX: first worksheet only. Issues name the sheet row. `
        + 'CSV in UTF-8 (with or without BOM) or GB18030/GBK: declared with ?encoding=, else detected; the answer says which was used.',
      querystring: FileQuery,
      response: { 200: FileReport, ...ingestErrors },
    },
  }, async (request) => limited(async () => {
    const source = await sourceOf(request);
    if (!request.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Upload the file as multipart/form-data.');
    const file = await request.file().catch((error: unknown) => {
      // Multipart's own limit errors carry their 4xx status; a malformed form (busboy) carries none.
      const status = (error as { statusCode?: unknown }).statusCode;
      if (typeof status === 'number' && status >= 400 && status < 500) throw error;
      throw new AppError('INGEST_BATCH_MALFORMED', 'The multipart/form-data body is malformed.', { field: '/body' });
    });
    if (!file) throw new AppError('INGEST_FILE_MISSING', 'The upload holds no file.', { field: '/body/file' });
    const name = file.filename.toLowerCase();
    const format = name.endsWith('.xlsx') || file.mimetype.includes('spreadsheetml') ? 'xlsx' : name.endsWith('.csv') || file.mimetype.includes('csv') ? 'csv' : undefined;
    if (format === undefined) {
      file.file.resume();
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Upload a .csv or .xlsx file.');
    }
    const label = (request.query as { encoding?: string }).encoding;
    const declared = label === undefined ? undefined : encodingOf(label);
    if (declared === null) {
      file.file.resume();
      throw new AppError('INGEST_ENCODING_UNSUPPORTED', `"${label ?? ''}" is not an encoding yunjian reads: use utf-8 or gb18030 (gbk, gb2312), or leave it out to detect.`, { field: '/query/encoding' });
    }
    return ingest.ingestTable(source, format, file.file, clock.now(), declared);
  }));
}
