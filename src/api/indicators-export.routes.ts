import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ExportFile, IndicatorExportService } from '../indicators/export-service.ts';
import { EXPORT_FORMATS, EXPORT_LANGUAGES, type ExportFormat, type ExportLanguage } from '../indicators/export.ts';
import type { IndicatorQueryService } from '../indicators/query-service.ts';
import type { OrgUnit } from '../orgs/index.ts';
import { GRAINS, type Grain } from '../shared/index.ts';
import { resourceOf } from './access.ts';
import { Code, errorResponses } from './schemas.ts';

/**
 * Downloads of what the explorer shows: a series and a breakdown, as CSV (UTF-8 with BOM) or
 * XLSX. Same access as the JSON routes they mirror: 'indicator.read' on the org unit asked about.
 */
const IndicatorCode = Type.String({ pattern: '^[a-z][a-z0-9_]{1,63}$', description: 'Indicator code' });
const CodeParams = Type.Object({ code: IndicatorCode }, { additionalProperties: false });
const GrainSchema = Type.Union(GRAINS.map((g) => Type.Literal(g)));
const PeriodKey = Type.String({ minLength: 4, maxLength: 16, description: "Period key: '2026-11-23T09', '2026-11-23', '2026-W48', '2026-11', '2026-Q4', '2026'" });
const Bound = Type.String({ minLength: 4, maxLength: 40, description: 'An ISO-8601 instant, or a period key (its start for from; through its end for to)' });
const Format = Type.Union(EXPORT_FORMATS.map((f) => Type.Literal(f)), { description: 'csv (UTF-8 with BOM, RFC 4180) or xlsx' });
const Lang = Type.Optional(Type.Union(EXPORT_LANGUAGES.map((l) => Type.Literal(l)), { description: 'Language of headers and labels (zh-CN by default)' }));
const access = { permission: 'indicator.read' as const, resources: [{ kind: 'org', from: 'query' as const, field: 'org' }] };

function send(reply: FastifyReply, file: ExportFile): FastifyReply {
  void reply.header('content-type', file.contentType);
  void reply.header('content-disposition', `attachment; filename="${file.fileName}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`);
  void reply.header('x-content-type-options', 'nosniff');
  void reply.header('cache-control', 'no-store');
  return reply.send(file.body);
}

export function registerIndicatorExports(
  app: FastifyInstance,
  deps: { exports: IndicatorExportService; queries: Pick<IndicatorQueryService, 'rangeOf' | 'periodOf'> },
): void {
  const { exports, queries } = deps;

  app.get('/api/indicators/:code/series/export', {
    config: { access },
    schema: {
      tags: ['indicators'], summary: 'Download a series (as GET /api/indicators/:code/series) as CSV or XLSX', params: CodeParams,
      querystring: Type.Object({ org: Code, grain: GrainSchema, from: Bound, to: Bound, format: Format, lang: Lang }, { additionalProperties: false }),
      response: errorResponses,
    },
  }, async (request, reply) => {
    const { code } = request.params as { code: string };
    const q = request.query as { grain: Grain; from: string; to: string; format: ExportFormat; lang?: ExportLanguage };
    const range = await queries.rangeOf(q.from, q.to);
    const file = await exports.series(code, resourceOf<OrgUnit>(request, 'org'), q.grain, range.from, range.to, q.format, q.lang ?? 'zh-CN');
    return send(reply, file);
  });

  app.get('/api/indicators/:code/breakdown/export', {
    config: { access },
    schema: {
      tags: ['indicators'], summary: 'Download a breakdown by child org unit (as GET /api/indicators/:code/breakdown) as CSV or XLSX', params: CodeParams,
      querystring: Type.Object({ org: Code, grain: Type.Optional(GrainSchema), period: PeriodKey, format: Format, lang: Lang }, { additionalProperties: false }),
      response: errorResponses,
    },
  }, async (request, reply) => {
    const { code } = request.params as { code: string };
    const q = request.query as { grain?: Grain; period: string; format: ExportFormat; lang?: ExportLanguage };
    const period = await queries.periodOf(q.period, q.grain);
    const file = await exports.breakdown(code, resourceOf<OrgUnit>(request, 'org'), period.grain, period.start, q.format, q.lang ?? 'zh-CN');
    return send(reply, file);
  });
}
