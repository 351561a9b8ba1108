import { Type, type TObject } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { CANONICAL_ATTRIBUTE_SCHEMAS, CANONICAL_EVENT_TYPES, CANONICAL_SCHEMA_VERSION } from '../ingest/index.ts';
import { readBatchMinutes } from '../ingest/quality-repo.ts';
import { qualitySeries, MAX_SERIES_POINTS, type SeriesGrain } from '../ingest/quality-series.ts';
import { readHourCounters } from '../ingest/quality-series-repo.ts';
import { countQuarantineByCode } from '../ingest/quarantine-browse-repo.ts';
import type { Source } from '../ingest/source-repo.ts';
import type { SourcesService } from '../ingest/sources-service.ts';
import { AppError, type Clock } from '../shared/index.ts';
import type { Db } from '../store/index.ts';
import { resourceOf } from './access.ts';
import { DateTime, errorResponses, IdParam, Nullable } from './schemas.ts';

/**
 * Read routes the console's data-source pages need beside the source routes: quality figures
 * over time, the quarantine counted by reason code, the saved column mapping, and the canonical
 * event types (with their attribute names, for the mapping editor).
 */
export interface SourceQualityRouteDeps {
  readonly db: Db;
  readonly sources: Pick<SourcesService, 'timeZone'>;
  readonly clock: Clock;
}

const SeriesQuery = Type.Object({
  from: Type.Optional(DateTime), to: Type.Optional(DateTime),
  grain: Type.Optional(Type.Union([Type.Literal('hour'), Type.Literal('day')], { default: 'hour' })),
}, { additionalProperties: false });

const SeriesPointView = Type.Object({
  from: Type.String(), to: Type.String(), received: Type.Integer(), accepted: Type.Integer(), duplicates: Type.Integer(), conflicts: Type.Integer(),
  rejected: Type.Integer(), successRate: Nullable(Type.Number()), p50Seconds: Nullable(Type.Number()), p95Seconds: Nullable(Type.Number()),
  captureRate: Nullable(Type.Number()),
});

const GRAIN_MS: Readonly<Record<SeriesGrain, number>> = { hour: 3_600_000, day: 86_400_000 };

/** The series range: default the last 24 hours (hours) or 30 days (days), at most the grain's point limit. */
export function seriesRangeOf(query: { from?: string; to?: string; grain?: SeriesGrain }, now: Date): { from: Date; to: Date; grain: SeriesGrain } {
  const grain = query.grain ?? 'hour';
  const to = query.to === undefined ? now : new Date(query.to);
  const from = query.from === undefined ? new Date(to.getTime() - (grain === 'hour' ? 24 : 30) * GRAIN_MS[grain]) : new Date(query.from);
  if (!(from < to)) throw new AppError('VALIDATION_FAILED', 'from must be before to.', { field: '/querystring/from' });
  if (to.getTime() - from.getTime() > MAX_SERIES_POINTS[grain] * GRAIN_MS[grain]) {
    throw new AppError('VALIDATION_FAILED', `A series by ${grain} may hold at most ${MAX_SERIES_POINTS[grain]} points; choose a coarser grain or a shorter range.`, { field: '/querystring/from' });
  }
  return { from, to, grain };
}

function propertyNames(schema: TObject): { attributes: string[]; required: string[] } {
  return { attributes: Object.keys(schema.properties), required: [...(schema.required ?? [])] };
}

export function registerSourceQualityRoutes(app: FastifyInstance, deps: SourceQualityRouteDeps): void {
  const { db, clock } = deps;
  const one = { permission: 'source.read', resources: [{ kind: 'source', from: 'params', field: 'id' }] } as const;

  app.get('/api/sources/:id/quality/series', {
    config: { access: one },
    schema: {
      tags: ['sources'], summary: 'Quality figures of one source over time, by hour or local day (default: the last 24 hours by hour)',
      params: IdParam, querystring: SeriesQuery,
      response: { 200: Type.Object({ grain: Type.String(), timeZone: Type.String(), points: Type.Array(SeriesPointView) }), ...errorResponses },
    },
  }, async (request) => {
    const source = resourceOf<Source>(request, 'source');
    const now = clock.now();
    const { from, to, grain } = seriesRangeOf(request.query as { from?: string; to?: string; grain?: SeriesGrain }, now);
    const zone = await deps.sources.timeZone();
    // Read whole buckets: the first one starts at most one grain before `from`, the last ends at most one after `to`.
    const readFrom = new Date(from.getTime() - GRAIN_MS[grain]);
    const [counters, batchMinutes] = await Promise.all([
      readHourCounters(db, source.id, readFrom, new Date(to.getTime() + GRAIN_MS[grain])), readBatchMinutes(db, source.id, readFrom, new Date(Math.min(to.getTime() + GRAIN_MS[grain], now.getTime()))),
    ]);
    const points = qualitySeries({ grain, zone, from, to, now, cadence: source.cadence, since: source.createdAt, counters, batchMinutes });
    return { grain, timeZone: zone, points: points.map((p) => ({ ...p, from: p.from.toISOString(), to: p.to.toISOString() })) };
  });

  app.get('/api/sources/:id/quarantine/summary', {
    config: { access: one },
    schema: {
      tags: ['sources'], summary: 'Open quarantined records counted by reason code, most frequent first', params: IdParam,
      response: { 200: Type.Object({ open: Type.Integer(), byCode: Type.Array(Type.Object({ code: Type.String(), count: Type.Integer() })) }), ...errorResponses },
    },
  }, async (request) => {
    const byCode = await countQuarantineByCode(db, resourceOf<Source>(request, 'source').id, 'open');
    return { open: byCode.reduce((a, c) => a + c.count, 0), byCode };
  });

  app.get('/api/sources/:id/mapping', {
    config: { access: one },
    schema: {
      tags: ['sources'], summary: 'The saved CSV/XLSX column mapping of this source (null when none was saved)', params: IdParam,
      response: { 200: Type.Object({ mapping: Type.Unknown({ description: 'As saved with PUT /api/sources/:id/mapping, or null' }) }), ...errorResponses },
    },
  }, (request) => ({ mapping: resourceOf<Source>(request, 'source').mapping ?? null }));

  app.get('/api/event-types', {
    config: { access: { permission: 'source.read' } },
    schema: {
      tags: ['sources'], summary: 'The canonical event types (DOMAIN §3) with their attribute names',
      response: {
        200: Type.Object({ items: Type.Array(Type.Object({ name: Type.String(), version: Type.Integer(), attributes: Type.Array(Type.String()), required: Type.Array(Type.String()) })) }),
        ...errorResponses,
      },
    },
  }, () => ({
    items: CANONICAL_EVENT_TYPES.map((name) => ({ name, version: CANONICAL_SCHEMA_VERSION, ...propertyNames(CANONICAL_ATTRIBUTE_SCHEMAS[name]) })),
  }));
}
