import multipart from '@fastify/multipart';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppModule } from '../app.ts';
import type { AnomalyMarksService } from '../indicators/anomaly-marks-service.ts';
import type { IndicatorServices } from '../indicators/indicators-service.ts';
import type { DefinitionView } from '../indicators/definitions-service.ts';
import { readUploadRows } from '../indicators/manual-values-service.ts';
import type { IndicatorPoint } from '../indicators/query-service.ts';
import type { OrgUnit } from '../orgs/index.ts';
import { AppError, GRAINS, type Clock, type Grain } from '../shared/index.ts';
import { actionContext, allows, resourceOf } from './access.ts';
import { registerIndicatorExports } from './indicators-export.routes.ts';
import { Body, Code, DateTime, errorResponses, Nullable } from './schemas.ts';

/**
 * Indicators over HTTP: definitions (library and custom, versioned), series with 环比/同比,
 * targets and open periods, breakdown and ranking by child org unit, manual values (typed or
 * uploaded) and targets; downloads of series and breakdowns (indicators-export.routes.ts) and the
 * anomaly marks of a series (alerts of anomaly rules, so they also need 'alert.read'). Reads need 'indicator.read' on the org unit asked about; definitions
 * are installation-wide, so changing one needs 'indicator.manage' on the root of the tree.
 */
const IndicatorCode = Type.String({ pattern: '^[a-z][a-z0-9_]{1,63}$', description: 'Indicator code' });
const CodeParams = Type.Object({ code: IndicatorCode }, { additionalProperties: false });
const GrainSchema = Type.Union(GRAINS.map((g) => Type.Literal(g)));
const PeriodKey = Type.String({ minLength: 4, maxLength: 16, description: "Period key: '2026-11-23T09', '2026-11-23', '2026-W48', '2026-11', '2026-Q4', '2026'" });
const Bound = Type.String({ minLength: 4, maxLength: 40, description: 'An ISO-8601 instant, or a period key (its start for from; through its end for to)' });

const Meta = Type.Object({
  code: Type.String(), nameZh: Type.String(), nameEn: Type.String(), unit: Type.String(),
  direction: Type.Union([Type.Literal('higher_better'), Type.Literal('lower_better'), Type.Literal('neutral')]),
});
const Summary = Type.Object({
  code: Type.String(), nameZh: Type.String(), nameEn: Type.String(), unit: Type.String(), direction: Type.String(), formula: Type.String(),
  category: Type.String(), description: Type.String(), measureKind: Type.String(), version: Type.Integer(), origin: Type.String(),
  updatedAt: DateTime, updatedBy: Type.String(),
});
const Point = Type.Object({
  periodKey: Type.String(), periodStart: DateTime, value: Nullable(Type.Number()), previous: Nullable(Type.Number()), yearAgo: Nullable(Type.Number()),
  changeRate: Nullable(Type.Number()), yearOverYearRate: Nullable(Type.Number()), target: Nullable(Type.Number()), targetInherited: Type.Boolean(),
  targetStatus: Type.String(), open: Type.Boolean(),
});
const OrgRef = Type.Object({ code: Type.String(), name: Type.String(), nameEn: Nullable(Type.String()) });
const ChildValue = Type.Object({ org: OrgRef, value: Nullable(Type.Number()) });
const DefinitionBody = Type.Record(Type.String(), Type.Unknown(), { description: 'An indicator definition (schema: indicator-definition.json); version is assigned by the server' });
const ValueBody = Body({ org: Code, period: PeriodKey, value: Type.Number() });

function summaryOf(v: DefinitionView) {
  const d = v.definition;
  return {
    code: d.code, nameZh: d.nameZh, nameEn: d.nameEn, unit: d.unit, direction: d.direction, formula: d.formula, category: d.category,
    description: d.description, measureKind: d.measure.kind, version: d.version, origin: v.origin, updatedAt: v.updatedAt, updatedBy: v.updatedBy,
  };
}

function pointView(p: IndicatorPoint) {
  return { ...p, periodStart: p.periodStart.toISOString() };
}

const read = (field: string, from: 'query' | 'body' = 'query') => ({ permission: 'indicator.read' as const, resources: [{ kind: 'org', from, field }] });
const manage = (field: string) => ({ permission: 'indicator.manage' as const, resources: [{ kind: 'org', from: 'body' as const, field }] });
const installation = { permission: 'indicator.manage' as const, resources: [{ kind: 'installation', from: 'fixed' as const, field: 'installation' }] };

const AnomalyJson = Type.Object({
  alertId: Type.Integer(), ruleCode: Type.String(), ruleNameZh: Type.String(), ruleNameEn: Type.String(), severity: Type.Integer(), state: Type.String(),
  periodKey: Type.String(), at: DateTime, observed: Type.Number(), expected: Type.Object({ low: Type.Number(), center: Type.Number(), high: Type.Number() }),
  deviation: Nullable(Type.Number()), score: Nullable(Type.Number()),
});

export function createIndicatorsModule(deps: {
  services: Pick<IndicatorServices, 'definitions' | 'queries' | 'manualValues' | 'targets' | 'exports'>;
  /** Built where the alert tables are reachable (main.ts): the marks are anomaly rules' alerts. */
  anomalies: AnomalyMarksService;
  clock: Clock;
}): AppModule {
  const { definitions, queries, manualValues, targets, exports } = deps.services;
  const { anomalies, clock } = deps;

  function register(app: FastifyInstance): void {
    app.get('/api/indicators', {
      config: { access: { permission: 'indicator.read' } },
      schema: { tags: ['indicators'], summary: 'Indicator definitions (library and custom)', response: { 200: Type.Object({ items: Type.Array(Summary) }), ...errorResponses } },
    }, async () => ({ items: (await definitions.list()).map(summaryOf) }));

    app.get('/api/indicators/:code', {
      config: { access: { permission: 'indicator.read' } },
      schema: {
        tags: ['indicators'], summary: 'One definition with its versions', params: CodeParams,
        response: {
          200: Type.Object({
            indicator: Summary, definition: Type.Unknown(),
            versions: Type.Array(Type.Object({ version: Type.Integer(), origin: Type.String(), createdAt: DateTime, createdBy: Type.String(), definition: Type.Unknown() })),
          }),
          ...errorResponses,
        },
      },
    }, async (request) => {
      const { code } = request.params as { code: string };
      const view = await definitions.require(code);
      const versions = await definitions.versions(code);
      return { indicator: summaryOf(view), definition: versions.at(-1)?.definition ?? null, versions };
    });

    app.post('/api/indicators', {
      config: { access: installation },
      schema: { tags: ['indicators'], summary: 'Create a custom indicator (version 1); its history is computed at once', body: DefinitionBody, response: { 201: Summary, ...errorResponses } },
    }, async (request, reply) => {
      const saved = await definitions.create(actionContext(request, clock), request.body as Record<string, unknown>);
      void reply.code(201);
      return summaryOf(saved);
    });

    app.put('/api/indicators/:code', {
      config: { access: installation },
      schema: { tags: ['indicators'], summary: 'Save a new version of a definition and recompute its roll-ups', params: CodeParams, body: DefinitionBody, response: { 200: Summary, ...errorResponses } },
    }, async (request) => {
      const { code } = request.params as { code: string };
      return summaryOf(await definitions.update(actionContext(request, clock), code, request.body as Record<string, unknown>));
    });

    app.get('/api/indicators/:code/series', {
      config: { access: read('org') },
      schema: {
        tags: ['indicators'], summary: 'Series for an org unit’s subtree with 环比, 同比, targets and open periods', params: CodeParams,
        querystring: Type.Object({ org: Code, grain: GrainSchema, from: Bound, to: Bound }, { additionalProperties: false }),
        response: { 200: Type.Object({ indicator: Meta, org: OrgRef, grain: Type.String(), points: Type.Array(Point) }), ...errorResponses },
      },
    }, async (request) => {
      const { code } = request.params as { code: string };
      const q = request.query as { grain: Grain; from: string; to: string };
      const org = resourceOf<OrgUnit>(request, 'org');
      const range = await queries.rangeOf(q.from, q.to);
      const { meta, points } = await queries.series(code, org, q.grain, range.from, range.to);
      return { indicator: meta, org, grain: q.grain, points: points.map(pointView) };
    });

    app.get('/api/indicators/:code/breakdown', {
      config: { access: read('org') },
      schema: {
        tags: ['indicators'], summary: 'Value per child org unit for one period, with the parent’s total', params: CodeParams,
        querystring: Type.Object({ org: Code, grain: Type.Optional(GrainSchema), period: PeriodKey }, { additionalProperties: false }),
        response: {
          200: Type.Object({ indicator: Meta, org: OrgRef, periodKey: Type.String(), open: Type.Boolean(), total: Nullable(Type.Number()), children: Type.Array(ChildValue) }),
          ...errorResponses,
        },
      },
    }, async (request) => {
      const { code } = request.params as { code: string };
      const q = request.query as { grain?: Grain; period: string };
      const org = resourceOf<OrgUnit>(request, 'org');
      const period = await queries.periodOf(q.period, q.grain);
      const { meta, breakdown } = await queries.breakdown(code, org, period.grain, period.start);
      return { indicator: meta, org, periodKey: breakdown.periodKey, open: breakdown.open, total: breakdown.total, children: breakdown.children };
    });

    app.get('/api/indicators/:code/ranking', {
      config: { access: read('org') },
      schema: {
        tags: ['indicators'], summary: 'Children of an org unit ranked best first (top) or worst first (bottom), by the indicator’s direction', params: CodeParams,
        querystring: Type.Object({
          org: Code, grain: Type.Optional(GrainSchema), period: PeriodKey,
          order: Type.Optional(Type.Union([Type.Literal('top'), Type.Literal('bottom')])), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
        }, { additionalProperties: false }),
        response: {
          200: Type.Object({ indicator: Meta, org: OrgRef, periodKey: Type.String(), open: Type.Boolean(), order: Type.String(), items: Type.Array(Type.Object({ rank: Type.Integer(), org: OrgRef, value: Nullable(Type.Number()) })) }),
          ...errorResponses,
        },
      },
    }, async (request) => {
      const { code } = request.params as { code: string };
      const q = request.query as { grain?: Grain; period: string; order?: 'top' | 'bottom'; limit?: number };
      const org = resourceOf<OrgUnit>(request, 'org');
      const period = await queries.periodOf(q.period, q.grain);
      const order = q.order ?? 'top';
      const r = await queries.ranking(code, org, period.grain, period.start, order, q.limit ?? 10);
      return { indicator: r.meta, org, periodKey: r.periodKey, open: r.open, order, items: r.items.map((item, i) => ({ rank: i + 1, ...item })) };
    });

    // Anomalies are alerts: reading them needs alert.read on the unit as well.
    app.get('/api/indicators/:code/anomalies', {
      config: { access: { permission: 'indicator.read', resources: [{ kind: 'org', from: 'query', field: 'org' }, { kind: 'org', from: 'query', field: 'org', permission: 'alert.read', as: 'alertOrg' }] } },
      schema: {
        tags: ['indicators'], summary: 'Periods of the series an anomaly (异动) rule alerted on, with the observed value, expected range and deviation', params: CodeParams,
        querystring: Type.Object({ org: Code, grain: GrainSchema, from: Bound, to: Bound }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(AnomalyJson) }), ...errorResponses },
      },
    }, async (request) => {
      const { code } = request.params as { code: string };
      const q = request.query as { grain: Grain; from: string; to: string };
      const range = await queries.rangeOf(q.from, q.to);
      await definitions.require(code);
      const marks = await anomalies.list(code, resourceOf<OrgUnit>(request, 'org'), q.grain, range.from, range.to);
      return { items: marks.map((m) => ({ ...m, at: m.at.toISOString() })) };
    });

    registerIndicatorExports(app, { exports, queries });

    app.put('/api/indicators/:code/values', {
      config: { access: manage('org') },
      schema: {
        tags: ['indicators'], summary: 'Enter the value of a manual indicator for an org unit and period', params: CodeParams, body: ValueBody,
        response: { 200: Type.Object({ ok: Type.Literal(true), before: Nullable(Type.Number()) }), ...errorResponses },
      },
    }, async (request) => {
      const { code } = request.params as { code: string };
      const body = request.body as { period: string; value: number };
      const r = await manualValues.setValue(actionContext(request, clock), code, { org: resourceOf<OrgUnit>(request, 'org'), periodKey: body.period, value: body.value });
      return { ok: true as const, before: r.before };
    });

    app.put('/api/indicators/:code/targets', {
      config: { access: manage('org') },
      schema: {
        tags: ['indicators'], summary: 'Set the target of an indicator for an org unit and period (inherited by its subtree)', params: CodeParams, body: ValueBody,
        response: { 200: Type.Object({ ok: Type.Literal(true), before: Nullable(Type.Number()) }), ...errorResponses },
      },
    }, async (request) => {
      const { code } = request.params as { code: string };
      const body = request.body as { period: string; value: number };
      const r = await targets.setTarget(actionContext(request, clock), code, { org: resourceOf<OrgUnit>(request, 'org'), periodKey: body.period, value: body.value });
      return { ok: true as const, before: r.before };
    });

    app.get('/api/indicators/:code/targets', {
      config: { access: read('org') },
      schema: {
        tags: ['indicators'], summary: 'Targets that apply to an org unit per period, own or inherited', params: CodeParams,
        querystring: Type.Object({ org: Code, grain: GrainSchema, from: Bound, to: Bound }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            org: OrgRef, grain: Type.String(),
            items: Type.Array(Type.Object({ periodKey: Type.String(), value: Nullable(Type.Number()), fromOrg: Nullable(Type.String()), inherited: Type.Boolean() })),
          }),
          ...errorResponses,
        },
      },
    }, async (request) => {
      const { code } = request.params as { code: string };
      const q = request.query as { grain: Grain; from: string; to: string };
      const org = resourceOf<OrgUnit>(request, 'org');
      const range = await queries.rangeOf(q.from, q.to);
      const items = await targets.resolvedTargets(code, org, q.grain, range.from, range.to);
      return { org, grain: q.grain, items };
    });
  }

  /** The upload lives in its own context so multipart parsing is registered once, for this route only. */
  async function registerUpload(app: FastifyInstance): Promise<void> {
    await app.register(async (scoped) => {
      await scoped.register(multipart, { limits: { fileSize: 5 * 1024 * 1024, files: 1, fields: 5 } });
      scoped.post('/api/indicators/:code/values/upload', {
        config: { access: { permission: 'indicator.manage' } },
        schema: {
          tags: ['indicators'], summary: 'Upload manual values as CSV or XLSX (columns org, period, value); one result per row', params: CodeParams,
          consumes: ['multipart/form-data'],
          response: {
            200: Type.Object({
              accepted: Type.Integer(), rejected: Type.Integer(),
              rows: Type.Array(Type.Object({ row: Type.Integer(), ok: Type.Boolean(), field: Type.Optional(Type.String()), message: Type.Optional(Type.String()) })),
            }),
            ...errorResponses,
          },
        },
      }, async (request: FastifyRequest) => {
        const { code } = request.params as { code: string };
        if (!request.isMultipart()) throw new AppError('INDICATOR_UPLOAD_FORMAT', 'Send the file as multipart/form-data in a field named file.', { field: '/body/file' });
        const file = await request.file();
        if (!file) throw new AppError('INDICATOR_UPLOAD_FORMAT', 'No file in the upload.', { field: '/body/file' });
        const rows = await readUploadRows(await file.toBuffer(), file.filename);
        return manualValues.upload(actionContext(request, clock), code, rows, (org) => allows(request, 'indicator.manage', org.path));
      });
    });
  }

  return {
    name: 'indicators',
    async register(app) {
      register(app);
      await registerUpload(app);
    },
  };
}
