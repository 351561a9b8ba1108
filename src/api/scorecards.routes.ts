import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppModule } from '../app.ts';
import { EXPORT_FORMATS, EXPORT_LANGUAGES, exportFileName, toCsv, type ExportFormat, type ExportLanguage, type ExportTable } from '../indicators/export.ts';
import { toXlsx } from '../indicators/export-xlsx.ts';
import type { OrgUnit } from '../orgs/index.ts';
import { boardsTable, rankingTable, resultsTable } from '../scorecards/export.ts';
import {
  itemNames, parseScheme, SchemeDefinitionSchema, type LoadedScheme, type ResultDetail, type ScorecardServices, type ScoreResult, type StoredAppeal,
} from '../scorecards/index.ts';
import { AppError, GRAINS, parsePeriodKey, previousPeriod, type Clock, type Grain } from '../shared/index.ts';
import { actionContext, allows, resourceOf, scopeOf } from './access.ts';
import { Body, Code, errorResponses, IdParam, Nullable } from './schemas.ts';

/**
 * Scorecards (考评): schemes (read: scorecard.read where one of their units is in scope; write:
 * scorecard.manage over every unit they apply to), results with their explanation, adjustments,
 * publishing, appeals (scorecard.appeal on the unit) and their decisions, rankings, honour board
 * and watch list, and CSV/XLSX exports. Lists are cut to the caller's scope.
 */
const SchemeCode = Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' });
const PeriodKey = Type.String({ minLength: 4, maxLength: 16, description: "Period key of the scheme's grain: '2026-11', '2026-Q4', '2026'" });
const Iso = Type.String({ format: 'date-time' });
const Format = Type.Union(EXPORT_FORMATS.map((f) => Type.Literal(f)));
const Lang = Type.Optional(Type.Union(EXPORT_LANGUAGES.map((l) => Type.Literal(l))));
const SchemeParams = Type.Object({ code: SchemeCode }, { additionalProperties: false });
const ResultParams = Type.Object({ code: SchemeCode, unit: Code }, { additionalProperties: false });
const PeriodQuery = Type.Object({ period: PeriodKey }, { additionalProperties: false });
const UnitRef = Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String(), nameEn: Nullable(Type.String()) });
const SchemeInput = Body({ definition: SchemeDefinitionSchema, units: Type.Array(Code, { maxItems: 5000, uniqueItems: true }) });

const ItemTraceView = Type.Object({
  key: Type.String(), nameZh: Type.String(), nameEn: Type.String(), role: Type.String(), indicator: Type.String(), value: Nullable(Type.Number()),
  points: Nullable(Type.Number()), weight: Nullable(Type.Number()), contribution: Nullable(Type.Number()), triggered: Type.Boolean(),
  deducted: Nullable(Type.Number()), noData: Type.Boolean(),
});
const ScoreView = Type.Object({
  score: Type.Number(), itemScore: Type.Number(), adjustment: Type.Number(), scoreGrade: Type.String(), grade: Type.String(),
  vetoedBy: Type.Array(Type.String()), downgradedBy: Type.Array(Type.Object({ key: Type.String(), levels: Type.Integer() })),
  categories: Type.Array(Type.Object({ key: Type.String(), weight: Type.Number(), contribution: Type.Number() })),
  items: Type.Array(ItemTraceView), complete: Type.Boolean(),
});
const SchemeView = Type.Object({
  code: Type.String(), version: Type.Integer(), definition: Type.Unknown(), units: Type.Array(UnitRef), updatedAt: Iso, updatedBy: Type.String(), mayManage: Type.Boolean(),
});
const ResultRowView = Type.Object({
  unit: UnitRef, score: Type.Number(), grade: Type.String(), state: Type.String(), complete: Type.Boolean(), pendingRevision: Type.Boolean(),
  revision: Nullable(Type.Object({ score: Type.Number(), grade: Type.String() })), rank: Nullable(Type.Integer()), previousRank: Nullable(Type.Integer()),
  movement: Nullable(Type.Integer()), previousScore: Nullable(Type.Number()),
});
const AppealView = Type.Object({
  id: Type.Integer(), scheme: Type.String(), unitId: Type.Integer(), period: Type.String(), itemKey: Nullable(Type.String()), reason: Type.String(), filedAt: Iso,
  filedBy: Type.String(), state: Type.String(), decision: Nullable(Type.String()), decidedAt: Nullable(Iso), decidedBy: Nullable(Type.String()),
});
const BoardEntryView = Type.Object({ unit: UnitRef, rule: Type.Integer(), kind: Type.String(), rank: Nullable(Type.Integer()), score: Nullable(Type.Number()) });
const GradeView = Type.Object({ key: Type.String(), nameZh: Type.String(), nameEn: Type.String(), min: Type.Number() });

function inScope(path: string, scopePaths: readonly string[]): boolean {
  return scopePaths.some((p) => path.startsWith(p));
}

const unitRef = (u: { id: number; code: string; name: string; nameEn: string | null }) => ({ id: u.id, code: u.code, name: u.name, nameEn: u.nameEn });

function send(reply: FastifyReply, file: { body: string | Buffer; fileName: string; contentType: string }): FastifyReply {
  void reply.header('content-type', file.contentType);
  void reply.header('content-disposition', `attachment; filename="${file.fileName}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`);
  void reply.header('x-content-type-options', 'nosniff');
  void reply.header('cache-control', 'no-store');
  return reply.send(file.body);
}

async function exportFile(tables: readonly ExportTable[], parts: readonly string[], format: ExportFormat, now: Date) {
  const fileName = exportFileName(parts, format);
  if (format === 'csv') return { body: tables.map(toCsv).join(''), fileName, contentType: 'text/csv; charset=utf-8' };
  return { body: await toXlsx(tables, { creator: 'yunjian', created: now }), fileName, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };
}

function traceView(scheme: LoadedScheme['scheme'], r: ScoreResult) {
  const names = itemNames(scheme);
  return { ...r, items: r.items.map((t) => ({ ...t, nameZh: names.get(t.key)?.nameZh ?? t.key, nameEn: names.get(t.key)?.nameEn ?? t.key })) };
}

function appealView(a: StoredAppeal, period: string) {
  return {
    id: a.id, scheme: a.schemeCode, unitId: a.orgUnitId, period, itemKey: a.itemKey, reason: a.reason, filedAt: a.filedAt.toISOString(), filedBy: a.filedBy,
    state: a.state, decision: a.decision, decidedAt: a.decidedAt?.toISOString() ?? null, decidedBy: a.decidedBy,
  };
}

export function registerScorecardRoutes(app: FastifyInstance, deps: { clock: Clock; sc: ScorecardServices; timeZone: () => Promise<string> }): void {
  const { clock, sc } = deps;
  const tags = ['scorecards'];

  /** A scheme the caller may read (one of its units in scope), else 404 as if it did not exist. */
  async function visibleScheme(request: FastifyRequest, code: string): Promise<LoadedScheme> {
    const loaded = await sc.scorecards.load(code);
    const scope = scopeOf(request, 'scorecard.read');
    const visible = loaded.units.some((u) => inScope(u.path, scope)) || (loaded.units.length === 0 && scopeOf(request, 'scorecard.manage').includes('/'));
    if (!visible) throw new AppError('SCORECARD_SCHEME_NOT_FOUND', `No scorecard scheme "${code}".`, { field: '/params/code' });
    return loaded;
  }

  const mayManageAll = (request: FastifyRequest, loaded: LoadedScheme) => loaded.units.every((u) => allows(request, 'scorecard.manage', u.path));

  async function managedScheme(request: FastifyRequest, code: string): Promise<LoadedScheme> {
    const loaded = await visibleScheme(request, code);
    if (!mayManageAll(request, loaded)) throw new AppError('AUTH_FORBIDDEN', 'Managing this scheme needs scorecard.manage over every unit it applies to.');
    return loaded;
  }

  function schemeView(request: FastifyRequest, loaded: LoadedScheme) {
    const scope = scopeOf(request, 'scorecard.read');
    return {
      code: loaded.stored.code, version: loaded.stored.version, definition: loaded.stored.definition, units: loaded.units.filter((u) => inScope(u.path, scope)).map(unitRef),
      updatedAt: loaded.stored.updatedAt.toISOString(), updatedBy: loaded.stored.updatedBy, mayManage: mayManageAll(request, loaded),
    };
  }

  app.get('/api/scorecards/schemes', {
    config: { access: { permission: 'scorecard.read' } },
    schema: {
      tags, summary: 'Scorecard schemes with a unit in the caller’s scope',
      response: { 200: Type.Object({ items: Type.Array(Type.Object({ code: Type.String(), nameZh: Type.String(), nameEn: Type.String(), grain: Type.String(), version: Type.Integer(), units: Type.Integer() })) }), ...errorResponses },
    },
  }, async (request) => {
    const items = [];
    for (const stored of await sc.scorecards.list()) {
      const loaded = await visibleScheme(request, stored.code).catch(() => null);
      const parsed = loaded ? parseScheme(loaded.stored.definition) : null;
      if (!loaded || !parsed?.ok) continue;
      items.push({ code: stored.code, nameZh: parsed.scheme.nameZh, nameEn: parsed.scheme.nameEn, grain: parsed.scheme.grain, version: stored.version, units: schemeView(request, loaded).units.length });
    }
    return { items };
  });

  app.get('/api/scorecards/schemes/:code', {
    config: { access: { permission: 'scorecard.read' } },
    schema: { tags, summary: 'One scheme: its current definition, units and versions', params: SchemeParams, response: { 200: Type.Object({ scheme: SchemeView, versions: Type.Array(Type.Object({ version: Type.Integer(), createdAt: Iso, createdBy: Type.String() })) }), ...errorResponses } },
  }, async (request) => {
    const loaded = await visibleScheme(request, (request.params as { code: string }).code);
    const versions = await sc.scorecards.versions(loaded.stored.id);
    return { scheme: schemeView(request, loaded), versions: versions.map((v) => ({ version: v.version, createdAt: v.createdAt.toISOString(), createdBy: v.createdBy })) };
  });

  app.post('/api/scorecards/schemes', {
    config: { access: { permission: 'scorecard.manage' } },
    schema: { tags, summary: 'Create a scheme (validated, audited) applied to org units', body: SchemeInput, response: { 201: Type.Object({ scheme: SchemeView }), ...errorResponses } },
  }, async (request, reply) => {
    const b = request.body as { definition: { code: string }; units: string[] };
    const loaded = await sc.scorecards.save(actionContext(request, clock), b.definition.code, b, false, (org) => allows(request, 'scorecard.manage', org.path));
    void reply.code(201);
    return { scheme: schemeView(request, loaded) };
  });

  app.put('/api/scorecards/schemes/:code', {
    config: { access: { permission: 'scorecard.manage' } },
    schema: { tags, summary: 'Save a new version of a scheme (validated, audited); its live periods are recomputed', params: SchemeParams, body: SchemeInput, response: { 200: Type.Object({ scheme: SchemeView }), ...errorResponses } },
  }, async (request) => {
    const { code } = request.params as { code: string };
    await managedScheme(request, code);
    const loaded = await sc.scorecards.save(actionContext(request, clock), code, request.body as { definition: unknown; units: string[] }, true, (org) => allows(request, 'scorecard.manage', org.path));
    return { scheme: schemeView(request, loaded) };
  });

  app.post('/api/scorecards/validate', {
    config: { access: { permission: 'scorecard.manage' } },
    schema: {
      tags, summary: 'Check a scheme definition without saving it: every error with its field',
      body: Body({ definition: Type.Unknown() }),
      response: { 200: Type.Object({ ok: Type.Boolean(), errors: Type.Array(Type.Object({ field: Type.String(), message: Type.String() })) }), ...errorResponses },
    },
  }, async (request) => {
    const { definition } = request.body as { definition: unknown };
    const parsed = parseScheme(definition);
    if (!parsed.ok) return { ok: false, errors: parsed.errors.map((e) => ({ field: `/definition${e.path === '/' ? '' : e.path}`, message: e.message })) };
    try {
      await sc.scorecards.validate(definition);
      return { ok: true, errors: [] };
    } catch (error) {
      const field = error instanceof AppError ? error.details.field : undefined;
      if (typeof field === 'string') return { ok: false, errors: [{ field: field.replace('/body', ''), message: error instanceof Error ? error.message : '' }] };
      throw error;
    }
  });

  app.post('/api/scorecards/preview', {
    config: { access: { permission: 'scorecard.manage' } },
    schema: {
      tags, summary: 'Score an unsaved definition on the units’ data of one period (default: the last closed one)',
      body: Body({ definition: SchemeDefinitionSchema, units: Type.Array(Code, { minItems: 1, maxItems: 200, uniqueItems: true }), period: Type.Optional(PeriodKey) }),
      response: { 200: Type.Object({ period: Type.String(), items: Type.Array(Type.Object({ unit: UnitRef, result: ScoreView })) }), ...errorResponses },
    },
  }, async (request) => {
    const b = request.body as { definition: { grain: Grain }; units: string[]; period?: string };
    const timeZone = await deps.timeZone();
    const parsed = b.period === undefined ? null : parsePeriodKey(b.period, timeZone);
    if (b.period !== undefined && parsed?.grain !== b.definition.grain) throw new AppError('SCORECARD_PERIOD_INVALID', `"${b.period}" is not a ${b.definition.grain} period key.`, { field: '/body/period' });
    const start = parsed?.start ?? previousPeriod(clock.now(), b.definition.grain, timeZone);
    const { scheme, units, computed } = await sc.scorecards.preview(b.definition, b.units, start, (org) => allows(request, 'scorecard.manage', org.path));
    const byId = new Map(units.map((u) => [u.id, u]));
    const period = await sc.scorecards.periodKeyOf(start, b.definition.grain);
    return { period, items: computed.map((c) => ({ unit: unitRef(byId.get(c.orgUnitId) ?? { id: c.orgUnitId, code: String(c.orgUnitId), name: '', nameEn: null }), result: traceView(scheme, c.result) })) };
  });

  app.get('/api/scorecards/schemes/:code/results', {
    config: { access: { permission: 'scorecard.read' } },
    schema: {
      tags, summary: 'A period’s results of the units in scope, ranked, with movement and pending revisions', params: SchemeParams, querystring: PeriodQuery,
      response: { 200: Type.Object({ period: Type.String(), published: Nullable(Type.Object({ at: Iso, by: Type.String() })), grades: Type.Array(GradeView), items: Type.Array(ResultRowView) }), ...errorResponses },
    },
  }, async (request) => {
    const { code } = request.params as { code: string };
    const loaded = await visibleScheme(request, code);
    const { results } = await sc.results.results(code, (request.query as { period: string }).period, scopeOf(request, 'scorecard.read'));
    return {
      period: results.periodKey, published: results.published ? { at: results.published.at.toISOString(), by: results.published.by } : null, grades: [...loaded.scheme.grades],
      items: results.rows.map((r) => ({ ...r, unit: unitRef(r.unit) })),
    };
  });

  app.get('/api/scorecards/schemes/:code/results/export', {
    config: { access: { permission: 'scorecard.read' } },
    schema: { tags, summary: 'Download a period’s results as CSV or XLSX', params: SchemeParams, querystring: Type.Object({ period: PeriodKey, format: Format, lang: Lang }, { additionalProperties: false }), response: errorResponses },
  }, async (request, reply) => {
    const { code } = request.params as { code: string };
    const q = request.query as { period: string; format: ExportFormat; lang?: ExportLanguage };
    const loaded = await visibleScheme(request, code);
    const { results } = await sc.results.results(code, q.period, scopeOf(request, 'scorecard.read'));
    return send(reply, await exportFile([resultsTable(loaded.scheme, results.rows, q.lang ?? 'zh-CN')], [code, results.periodKey, 'results'], q.format, clock.now()));
  });

  app.get('/api/scorecards/schemes/:code/results/:unit', {
    config: { access: { permission: 'scorecard.read', resources: [{ kind: 'org', from: 'params', field: 'unit' }] } },
    schema: {
      tags, summary: 'One unit’s result with the explanation: value → points → weight → contribution, veto and downgrade reasons, adjustments and appeals',
      params: ResultParams, querystring: PeriodQuery,
      response: {
        200: Type.Object({
          unit: UnitRef, period: Type.String(), state: Type.String(), schemeVersion: Type.Integer(), computedAt: Iso, grades: Type.Array(GradeView), shown: ScoreView, revision: Nullable(ScoreView),
          adjustments: Type.Array(Type.Object({ id: Type.Integer(), points: Type.Number(), reason: Type.String(), appealId: Nullable(Type.Integer()), createdAt: Iso, createdBy: Type.String() })),
          appeals: Type.Array(AppealView),
        }),
        ...errorResponses,
      },
    },
  }, async (request) => {
    const { code } = request.params as { code: string };
    const period = (request.query as { period: string }).period;
    await visibleScheme(request, code);
    const { loaded, detail } = await sc.results.detail(code, resourceOf<OrgUnit>(request, 'org'), period);
    const d: ResultDetail = detail;
    return {
      unit: unitRef(d.unit), period: d.periodKey, state: d.state, schemeVersion: d.schemeVersion, computedAt: d.computedAt.toISOString(), grades: [...loaded.scheme.grades],
      shown: traceView(loaded.scheme, d.shown), revision: d.revision ? traceView(loaded.scheme, d.revision) : null,
      adjustments: d.adjustments.map((a) => ({ id: a.id, points: a.points, reason: a.reason, appealId: a.appealId, createdAt: a.createdAt.toISOString(), createdBy: a.createdBy })),
      appeals: d.appeals.map((a) => appealView(a, period)),
    };
  });

  app.post('/api/scorecards/schemes/:code/results/:unit/adjustments', {
    config: { access: { permission: 'scorecard.manage', resources: [{ kind: 'org', from: 'params', field: 'unit' }] } },
    schema: {
      tags, summary: 'Adjust a unit’s score by hand with a reason (audited)', params: ResultParams,
      body: Body({ period: PeriodKey, points: Type.Number({ minimum: -100, maximum: 100, not: { const: 0 } }), reason: Type.String({ minLength: 1, maxLength: 1000 }) }),
      response: { 204: Type.Null(), ...errorResponses },
    },
  }, async (request, reply) => {
    const { code } = request.params as { code: string };
    await visibleScheme(request, code);
    const b = request.body as { period: string; points: number; reason: string };
    await sc.results.adjust(actionContext(request, clock), code, resourceOf<OrgUnit>(request, 'org'), b.period, { points: b.points, reason: b.reason });
    return reply.code(204).send();
  });

  app.post('/api/scorecards/schemes/:code/results/:unit/appeals', {
    config: { access: { permission: 'scorecard.appeal', resources: [{ kind: 'org', from: 'params', field: 'unit' }] } },
    schema: {
      tags, summary: 'Appeal (申诉) a unit’s result, optionally naming the item (audited)', params: ResultParams,
      body: Body({ period: PeriodKey, reason: Type.String({ minLength: 1, maxLength: 2000 }), itemKey: Type.Optional(SchemeCode) }),
      response: { 201: AppealView, ...errorResponses },
    },
  }, async (request, reply) => {
    const { code } = request.params as { code: string };
    await visibleScheme(request, code);
    const b = request.body as { period: string; reason: string; itemKey?: string };
    const appeal = await sc.results.appeal(actionContext(request, clock), code, resourceOf<OrgUnit>(request, 'org'), b.period, { reason: b.reason, itemKey: b.itemKey ?? null });
    void reply.code(201);
    return appealView(appeal, b.period);
  });

  app.get('/api/scorecards/appeals', {
    config: { access: { permission: 'scorecard.read' } },
    schema: { tags, summary: 'Appeals about units in the caller’s scope, newest first', response: { 200: Type.Object({ items: Type.Array(AppealView) }), ...errorResponses } },
  }, async (request) => {
    const items = await sc.results.listAppeals(scopeOf(request, 'scorecard.read'));
    const out = [];
    for (const a of items) {
      const loaded = await sc.scorecards.load(a.schemeCode);
      out.push(appealView(a, await sc.scorecards.periodKeyOf(a.periodStart, loaded.scheme.grain)));
    }
    return { items: out };
  });

  app.post('/api/scorecards/appeals/:id/decision', {
    config: { access: { permission: 'scorecard.manage', resources: [{ kind: 'scorecardAppeal', from: 'params', field: 'id' }] } },
    schema: {
      tags, summary: 'Uphold (optionally adjusting the score) or reject a pending appeal (audited)', params: IdParam,
      body: Body({ decision: Type.Union([Type.Literal('upheld'), Type.Literal('rejected')]), note: Type.String({ minLength: 1, maxLength: 2000 }), points: Type.Optional(Type.Number({ minimum: -100, maximum: 100, not: { const: 0 } })) }),
      response: { 200: AppealView, ...errorResponses },
    },
  }, async (request) => {
    const appeal = resourceOf<StoredAppeal>(request, 'scorecardAppeal');
    const b = request.body as { decision: 'upheld' | 'rejected'; note: string; points?: number };
    const decided = await sc.results.decide(actionContext(request, clock), appeal, { decision: b.decision, note: b.note, ...(b.points === undefined ? {} : { points: b.points }) });
    const loaded = await sc.scorecards.load(decided.schemeCode);
    return appealView(decided, await sc.scorecards.periodKeyOf(decided.periodStart, loaded.scheme.grain));
  });

  app.post('/api/scorecards/schemes/:code/publish', {
    config: { access: { permission: 'scorecard.manage' } },
    schema: {
      tags, summary: 'Publish (freeze) a closed period’s results, or publish its pending revisions (audited)', params: SchemeParams,
      body: Body({ period: PeriodKey }), response: { 200: Type.Object({ published: Type.Integer() }), ...errorResponses },
    },
  }, async (request) => {
    const { code } = request.params as { code: string };
    await managedScheme(request, code);
    return sc.results.publish(actionContext(request, clock), code, (request.body as { period: string }).period);
  });

  app.get('/api/scorecards/schemes/:code/boards', {
    config: { access: { permission: 'scorecard.read' } },
    schema: {
      tags, summary: 'Honour board (光荣榜, 流动红旗) and watch list (警示名单) of a period under the scheme’s rules', params: SchemeParams, querystring: PeriodQuery,
      response: {
        200: Type.Object({
          period: Type.String(), honour: Type.Array(BoardEntryView), watch: Type.Array(BoardEntryView),
          redFlag: Nullable(Type.Object({ holders: Type.Array(UnitRef), previousHolders: Type.Array(UnitRef) })), rules: Type.Unknown(),
        }),
        ...errorResponses,
      },
    },
  }, async (request) => {
    const { code } = request.params as { code: string };
    const period = (request.query as { period: string }).period;
    const loaded = await visibleScheme(request, code);
    const { boards } = await sc.results.boards(code, period, scopeOf(request, 'scorecard.read'));
    const units = new Map(loaded.units.map((u) => [u.id, unitRef(u)]));
    const ref = (id: number) => units.get(id) ?? { id, code: String(id), name: '', nameEn: null };
    const entry = (e: { unitId: number; rule: number; kind: string; rank: number | null; score: number | null }) => ({ unit: ref(e.unitId), rule: e.rule, kind: e.kind, rank: e.rank, score: e.score });
    return {
      period, honour: (boards?.honour ?? []).map(entry), watch: (boards?.watch ?? []).map(entry), rules: loaded.scheme.boards,
      redFlag: boards?.redFlag ? { holders: boards.redFlag.holders.map(ref), previousHolders: boards.redFlag.previousHolders.map(ref) } : null,
    };
  });

  app.get('/api/scorecards/schemes/:code/boards/export', {
    config: { access: { permission: 'scorecard.read' } },
    schema: { tags, summary: 'Download the boards of a period as CSV or XLSX', params: SchemeParams, querystring: Type.Object({ period: PeriodKey, format: Format, lang: Lang }, { additionalProperties: false }), response: errorResponses },
  }, async (request, reply) => {
    const { code } = request.params as { code: string };
    const q = request.query as { period: string; format: ExportFormat; lang?: ExportLanguage };
    const loaded = await visibleScheme(request, code);
    const { boards } = await sc.results.boards(code, q.period, scopeOf(request, 'scorecard.read'));
    const table = boardsTable(boards ?? { periodKey: q.period, honour: [], watch: [], redFlag: null }, new Map(loaded.units.map((u) => [u.id, u])), q.lang ?? 'zh-CN');
    return send(reply, await exportFile([table], [code, q.period, 'boards'], q.format, clock.now()));
  });

  const RankingParams = Type.Object({ code: Type.String({ pattern: '^[a-z][a-z0-9_]{1,63}$', description: 'Indicator code' }) }, { additionalProperties: false });
  const RankingQuery = Type.Object({ org: Code, grain: Type.Union(GRAINS.map((g) => Type.Literal(g))), period: PeriodKey }, { additionalProperties: false });
  const rankingOf = async (request: FastifyRequest) => {
    const q = request.query as { grain: Grain; period: string };
    const { code } = request.params as { code: string };
    const parsed = parsePeriodKey(q.period, await deps.timeZone());
    if (parsed?.grain !== q.grain) throw new AppError('SCORECARD_PERIOD_INVALID', `"${q.period}" is not a ${q.grain} period key.`, { field: '/query/period' });
    return sc.scorecards.indicatorRanking(code, resourceOf<OrgUnit>(request, 'org'), q.grain, parsed.start);
  };

  app.get('/api/scorecards/rankings/:code', {
    config: { access: { permission: 'indicator.read', resources: [{ kind: 'org', from: 'query', field: 'org' }] } },
    schema: {
      tags, summary: 'Standing ranking of an org unit’s children on any indicator in a period, with movement against the previous period', params: RankingParams, querystring: RankingQuery,
      response: { 200: Type.Object({ period: Type.String(), open: Type.Boolean(), direction: Type.String(), items: Type.Array(Type.Object({ unit: UnitRef, value: Nullable(Type.Number()), rank: Nullable(Type.Integer()), previousRank: Nullable(Type.Integer()), movement: Nullable(Type.Integer()), previousValue: Nullable(Type.Number()) })) }), ...errorResponses },
    },
  }, async (request) => {
    const r = await rankingOf(request);
    return {
      period: r.periodKey, open: r.open, direction: r.direction,
      items: r.ranked.map((x) => ({ unit: unitRef(r.units.get(x.unitId) ?? { id: x.unitId, code: String(x.unitId), name: '', nameEn: null }), value: x.value, rank: x.rank, previousRank: x.previousRank, movement: x.movement, previousValue: x.previousValue })),
    };
  });

  app.get('/api/scorecards/rankings/:code/export', {
    config: { access: { permission: 'indicator.read', resources: [{ kind: 'org', from: 'query', field: 'org' }] } },
    schema: { tags, summary: 'Download an indicator ranking as CSV or XLSX', params: RankingParams, querystring: Type.Composite([RankingQuery, Type.Object({ format: Format, lang: Lang })], { additionalProperties: false }), response: errorResponses },
  }, async (request, reply) => {
    const q = request.query as { format: ExportFormat; lang?: ExportLanguage };
    const r = await rankingOf(request);
    return send(reply, await exportFile([rankingTable(r.ranked, r.units, q.lang ?? 'zh-CN')], [(request.params as { code: string }).code, r.periodKey, 'ranking'], q.format, clock.now()));
  });
}

export function createScorecardsModule(deps: { clock: Clock; sc: ScorecardServices; timeZone: () => Promise<string> }): AppModule {
  return {
    name: 'scorecards',
    resolvers: {
      scorecardAppeal: async (id) => {
        const appeal = /^\d{1,18}$/.test(id) ? await deps.sc.results.findAppeal(Number(id)) : null;
        return appeal ? { orgPath: appeal.orgPath, value: appeal } : null;
      },
    },
    register: (app) => {
      registerScorecardRoutes(app, deps);
    },
  };
}
