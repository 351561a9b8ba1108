import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppModule } from '../app.ts';
import type { IngestService } from '../ingest/ingest-service.ts';
import { AGREED_DELAY_SECONDS, type QualityService, type SourceQuality } from '../ingest/quality-service.ts';
import { listQuarantinePage, listReprocessableIds, readQuarantineByIds } from '../ingest/quarantine-browse-repo.ts';
import type { QuarantineRecord } from '../ingest/quarantine-repo.ts';
import { judgeSourceHealth, SOURCE_STATUSES } from '../ingest/source-health.ts';
import type { Cadence, Source } from '../ingest/source-repo.ts';
import type { SourcesService } from '../ingest/sources-service.ts';
import type { OrgUnit } from '../orgs/index.ts';
import { AppError, type Clock } from '../shared/index.ts';
import type { Db } from '../store/index.ts';
import { actionContext, principalOf, resourceOf, scopeOf, type ResourceResolver } from './access.ts';
import { Body, Code, DateTime, errorResponses, IdParam, Nullable } from './schemas.ts';
import { registerSourceQualityRoutes } from './source-quality.routes.ts';

const TypeName = Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' });
const HHmm = Type.String({ pattern: '^(?:[01][0-9]|2[0-3]):[0-5][0-9]$' });
const CadenceSchema = Type.Union([
  Type.Object({
    kind: Type.Literal('batches'), everyMinutes: Type.Integer({ minimum: 1, maximum: 1440 }),
    from: Type.Optional(HHmm), to: Type.Optional(HHmm), weekdaysOnly: Type.Optional(Type.Boolean()),
  }, { additionalProperties: false, description: 'At least one batch every N minutes between from and to (local time)' }),
  Type.Object({ kind: Type.Literal('events'), perDay: Type.Integer({ minimum: 1, maximum: 100_000_000 }) }, { additionalProperties: false, description: 'N events per day' }),
]);

const SourceView = Type.Object({
  id: Type.Integer(), name: Type.String(), orgUnit: Type.String(), allowedTypes: Type.Array(Type.String()),
  cadence: Nullable(Type.Object({}, { additionalProperties: true })), tokenId: Type.Integer(), hasMapping: Type.Boolean(), active: Type.Boolean(),
  createdAt: Type.String(), updatedAt: Type.String(),
});

const Figures = {
  received: Type.Integer(), accepted: Type.Integer(), duplicates: Type.Integer(), conflicts: Type.Integer(), rejected: Type.Integer(),
  rejectedByCode: Type.Record(Type.String(), Type.Integer()), successRate: Nullable(Type.Number()),
  timeliness: Type.Object({ p50Seconds: Nullable(Type.Number()), p95Seconds: Nullable(Type.Number()) }),
  onTime: Type.Integer({ description: 'Accepted events received within the agreed delay of occurring' }),
};
const QualityView = Type.Object({
  sourceId: Type.Integer(), sourceName: Type.String(), orgUnit: Type.String(), from: Type.String(), to: Type.String(), ...Figures,
  captureRate: Nullable(Type.Number()), expected: Nullable(Type.Integer()), observed: Nullable(Type.Integer()), lastSeenAt: Nullable(Type.String()),
  byType: Type.Array(Type.Object({ eventType: Type.String(), ...Figures })),
  active: Type.Boolean(),
  status: Type.Union(SOURCE_STATUSES.map((s) => Type.Literal(s)), { description: 'silent, bad_data, late, healthy or inactive (see ingest/source-health.ts)' }),
  reasons: Type.Array(Type.String(), { description: 'Why the source is not healthy: NEVER_SENT, NOTHING_RECEIVED, LOW_SUCCESS_RATE, LOW_CAPTURE_RATE, SLOW_DELIVERY' }),
});

const QuarantineView = Type.Object({
  id: Type.Integer(), receivedAt: Type.String(), format: Type.String(), outcome: Type.String(), recordIndex: Type.Integer(), code: Type.String(),
  message: Type.String(), path: Type.String(), eventId: Nullable(Type.String()), eventType: Nullable(Type.String()),
  payload: Type.Unknown({ description: 'The record with patient identifiers pseudonymised; null when it could not be parsed' }),
  payloadBytes: Type.Integer(), status: Type.String(), reprocessedAt: Nullable(Type.String()),
});

const ReprocessOutcome = Type.Object({
  id: Type.Integer(), recordIndex: Type.Integer(), eventId: Nullable(Type.String()), eventType: Nullable(Type.String()),
  outcome: Type.Union([Type.Literal('settled'), Type.Literal('open')]), code: Type.String(), message: Type.String(), path: Type.String(),
});

/** Records one re-process runs at most (the service's own default). */
const REPROCESS_MAX = 5_000;

function reprocessOutcome(q: QuarantineRecord) {
  return {
    id: q.id, recordIndex: q.recordIndex, eventId: q.eventId, eventType: q.eventType, outcome: q.status === 'reprocessed' ? 'settled' as const : 'open' as const,
    code: q.code, message: q.message, path: q.path,
  };
}

const RangeQuery = Type.Object({ from: Type.Optional(DateTime), to: Type.Optional(DateTime) }, { additionalProperties: false });

export function sourceView(s: Source) {
  return {
    id: s.id, name: s.name, orgUnit: s.orgCode, allowedTypes: [...s.allowedTypes], cadence: s.cadence, tokenId: s.tokenId,
    hasMapping: s.mapping !== null && s.mapping !== undefined, active: s.active, createdAt: s.createdAt.toISOString(), updatedAt: s.updatedAt.toISOString(),
  };
}

function qualityView(q: SourceQuality, source: Pick<Source, 'active'>) {
  const health = judgeSourceHealth({ ...q, active: source.active }, AGREED_DELAY_SECONDS);
  return { ...q, from: q.from.toISOString(), to: q.to.toISOString(), lastSeenAt: q.lastSeenAt?.toISOString() ?? null, active: source.active, ...health };
}

function quarantineView(q: QuarantineRecord) {
  return {
    id: q.id, receivedAt: q.receivedAt.toISOString(), format: q.format, outcome: q.outcome, recordIndex: q.recordIndex, code: q.code, message: q.message,
    path: q.path, eventId: q.eventId, eventType: q.eventType, payload: q.payload ?? null, payloadBytes: q.payloadBytes, status: q.status,
    reprocessedAt: q.reprocessedAt?.toISOString() ?? null,
  };
}

/** A date range from the query: default the last 24 hours, at most 400 days. */
export function rangeOf(query: { from?: string; to?: string }, now: Date): { from: Date; to: Date } {
  const to = query.to === undefined ? now : new Date(query.to);
  const from = query.from === undefined ? new Date(to.getTime() - 86_400_000) : new Date(query.from);
  if (!(from < to)) throw new AppError('VALIDATION_FAILED', 'from must be before to.', { field: '/querystring/from' });
  if (to.getTime() - from.getTime() > 400 * 86_400_000) throw new AppError('VALIDATION_FAILED', 'The range may span at most 400 days.', { field: '/querystring/from' });
  return { from, to };
}

export function sourceResolvers(sources: Pick<SourcesService, 'find'>): Record<string, ResourceResolver> {
  return {
    source: async (id) => {
      const n = Number(id);
      const source = Number.isSafeInteger(n) && n > 0 ? await sources.find(n) : null;
      return source ? { orgPath: source.orgPath, value: source } : null;
    },
  };
}

export interface SourcesModuleDeps {
  readonly db: Db;
  readonly sources: SourcesService;
  readonly ingest: Pick<IngestService, 'reprocess'>;
  readonly quality: QualityService;
  readonly clock: Clock;
}

/** Source registration, schemas, mappings, quarantine, data quality and the group time zone. */
export function createSourcesModule(deps: SourcesModuleDeps): AppModule {
  return { name: 'sources', resolvers: sourceResolvers(deps.sources), register: (app) => { registerSourceRoutes(app, deps); } };
}

function registerSourceRoutes(app: FastifyInstance, deps: SourcesModuleDeps): void {
  const { sources, clock } = deps;
  registerSourceQualityRoutes(app, deps);

  app.get('/api/sources', {
    config: { access: { permission: 'source.read' } },
    schema: { tags: ['sources'], summary: 'Sources in the caller’s scope', response: { 200: Type.Object({ items: Type.Array(SourceView) }), ...errorResponses } },
  }, async (request) => ({ items: (await sources.list(scopeOf(request, 'source.read'))).map(sourceView) }));

  app.post('/api/sources', {
    config: { access: { permission: 'source.manage', resources: [{ kind: 'org', from: 'body', field: 'orgUnit' }] } },
    schema: {
      tags: ['sources'], summary: 'Register a source and create its API token; the secret is in this response only',
      body: Body({
        name: Type.String({ minLength: 1, maxLength: 200 }), orgUnit: Code,
        allowedTypes: Type.Array(TypeName, { minItems: 1, maxItems: 100, uniqueItems: true }), cadence: Type.Optional(Nullable(CadenceSchema)),
      }),
      response: { 201: Type.Object({ source: SourceView, token: Type.Object({ id: Type.Integer(), secret: Type.String() }) }), ...errorResponses },
    },
  }, async (request, reply) => {
    const body = request.body as { name: string; allowedTypes: string[]; cadence?: Cadence | null };
    const org = resourceOf<OrgUnit>(request, 'org');
    const principal = principalOf(request);
    const created = await sources.register(actionContext(request, clock), org, { name: body.name, allowedTypes: body.allowedTypes, cadence: body.cadence ?? null }, principal.kind === 'user' ? principal.id : null);
    void reply.code(201);
    return { source: sourceView(created.source), token: { id: created.source.tokenId, secret: created.secret } };
  });

  const one = { permission: 'source.read', resources: [{ kind: 'source', from: 'params', field: 'id' }] } as const;
  const manage = { permission: 'source.manage', resources: [{ kind: 'source', from: 'params', field: 'id' }] } as const;

  app.get('/api/sources/:id', {
    config: { access: one },
    schema: { tags: ['sources'], summary: 'One source', params: IdParam, response: { 200: SourceView, ...errorResponses } },
  }, (request) => sourceView(resourceOf<Source>(request, 'source')));

  app.patch('/api/sources/:id', {
    config: { access: manage },
    schema: {
      tags: ['sources'], summary: 'Rename a source, change its allowed types or cadence, or (de)activate it', params: IdParam,
      body: Body({
        name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), allowedTypes: Type.Optional(Type.Array(TypeName, { minItems: 1, maxItems: 100, uniqueItems: true })),
        cadence: Type.Optional(Nullable(CadenceSchema)), active: Type.Optional(Type.Boolean()),
      }),
      response: { 200: SourceView, ...errorResponses },
    },
  }, async (request) => {
    const s = resourceOf<Source>(request, 'source');
    const b = request.body as { name?: string; allowedTypes?: string[]; cadence?: Cadence | null; active?: boolean };
    const updated = await sources.update(actionContext(request, clock), s, {
      name: b.name ?? s.name, allowedTypes: b.allowedTypes ?? s.allowedTypes, cadence: b.cadence === undefined ? s.cadence : b.cadence, active: b.active ?? s.active,
    });
    return sourceView(updated);
  });

  app.get('/api/sources/:id/schemas', {
    config: { access: one },
    schema: {
      tags: ['sources'], summary: 'Extra event types this source declared', params: IdParam,
      response: { 200: Type.Object({ items: Type.Array(Type.Object({ type: Type.String(), version: Type.Integer(), definition: Type.Unknown() })) }), ...errorResponses },
    },
  }, async (request) => ({
    items: (await sources.listSchemas(resourceOf<Source>(request, 'source'))).map((r) => ({ type: r.typeName, version: r.version, definition: r.definition })),
  }));

  app.put('/api/sources/:id/schemas', {
    config: { access: manage },
    schema: {
      tags: ['sources'], summary: 'Declare (or replace) the schema of an extra event type for this source', params: IdParam,
      body: Body({
        name: TypeName, version: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
        schema: Type.Object({}, { additionalProperties: true, description: 'A small JSON Schema subset: { type: "object", properties, required }' }),
      }),
      response: { 200: Type.Object({ type: Type.String(), version: Type.Integer() }), ...errorResponses },
    },
  }, async (request) => {
    const def = await sources.putSchema(actionContext(request, clock), resourceOf<Source>(request, 'source'), request.body);
    return { type: def.name, version: def.version };
  });

  app.put('/api/sources/:id/mapping', {
    config: { access: manage },
    schema: {
      tags: ['sources'], summary: 'Save the CSV/XLSX column mapping of this source', params: IdParam,
      body: Body({
        columns: Type.Record(Type.String({ maxLength: 200 }), Type.String({ maxLength: 200 }), { description: 'header → field path (id, type, orgUnit, occurredAt, patient, attributes.x)' }),
        constants: Type.Optional(Type.Record(Type.String({ maxLength: 200 }), Type.Union([Type.String({ maxLength: 256 }), Type.Number(), Type.Boolean()]))),
        timeZone: Type.Optional(Type.String({ maxLength: 64 })), dateFormat: Type.Optional(Type.String({ maxLength: 64 })),
      }),
      response: { 200: Type.Object({ columns: Type.Integer(), timeZone: Type.String() }), ...errorResponses },
    },
  }, async (request) => {
    const mapping = await sources.putMapping(actionContext(request, clock), resourceOf<Source>(request, 'source'), request.body);
    return { columns: Object.keys(mapping.columns).length, timeZone: mapping.timeZone };
  });

  app.get('/api/sources/:id/quarantine', {
    config: { access: one },
    schema: {
      tags: ['sources'], summary: 'Quarantined records (rejected or conflicting), oldest first', params: IdParam,
      querystring: Type.Object({
        status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('reprocessed')])), afterId: Type.Optional(Type.Integer({ minimum: 0 })),
        code: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Only records refused with this reason code' })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(QuarantineView) }), ...errorResponses },
    },
  }, async (request) => {
    const q = request.query as { status?: 'open' | 'reprocessed'; afterId?: number; limit?: number; code?: string };
    const items = await listQuarantinePage(deps.db, resourceOf<Source>(request, 'source').id, { ...q, limit: q.limit ?? 100 });
    return { items: items.map(quarantineView) };
  });

  app.post('/api/sources/:id/quarantine/reprocess', {
    config: { access: manage },
    schema: {
      tags: ['sources'], summary: 'Run open quarantined records again (after a schema, mapping or scope fix)', params: IdParam,
      response: {
        200: Type.Object({
          processed: Type.Integer(), settled: Type.Integer(), stillOpen: Type.Integer(),
          outcomes: Type.Array(ReprocessOutcome, { description: 'One per record run: settled (stored or a duplicate) or still open with its current reason' }),
        }),
        ...errorResponses,
      },
    },
  }, async (request) => {
    const source = resourceOf<Source>(request, 'source');
    // The service reports counts; which records settled is read back from the quarantine rows it marked.
    const ids = await listReprocessableIds(deps.db, source.id, REPROCESS_MAX);
    const counts = await deps.ingest.reprocess(source, clock.now(), REPROCESS_MAX);
    const after = await readQuarantineByIds(deps.db, source.id, ids);
    return { ...counts, outcomes: after.map(reprocessOutcome) };
  });

  app.get('/api/sources/:id/quality', {
    config: { access: one },
    schema: { tags: ['sources'], summary: 'Data quality of one source over [from, to) (default: the last 24 hours)', params: IdParam, querystring: RangeQuery, response: { 200: QualityView, ...errorResponses } },
  }, async (request) => {
    const { from, to } = rangeOf(request.query as { from?: string; to?: string }, clock.now());
    const source = resourceOf<Source>(request, 'source');
    const [q] = await deps.quality.qualityOf([source], from, to);
    if (!q) throw new AppError('SOURCE_NOT_FOUND', 'No such source.');
    return qualityView(q, source);
  });

  app.get('/api/quality', {
    config: { access: { permission: 'source.read' } },
    schema: { tags: ['sources'], summary: 'Data quality of every source in the caller’s scope', querystring: RangeQuery, response: { 200: Type.Object({ items: Type.Array(QualityView) }), ...errorResponses } },
  }, async (request) => {
    const { from, to } = rangeOf(request.query as { from?: string; to?: string }, clock.now());
    const list = await sources.list(scopeOf(request, 'source.read'));
    const byId = new Map(list.map((s) => [s.id, s]));
    return { items: (await deps.quality.qualityOf(list, from, to)).map((q) => qualityView(q, byId.get(q.sourceId) ?? { active: true })) };
  });
}
