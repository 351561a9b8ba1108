import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppModule } from '../app.ts';
import type { Commitment, CommitmentNode, CommitmentsService } from '../commitments/index.ts';
import { EXPORT_FORMATS, EXPORT_LANGUAGES, exportFileName, toCsv, type ExportFormat, type ExportLanguage, type ExportTable } from '../indicators/export.ts';
import { toXlsx } from '../indicators/export-xlsx.ts';
import type { OrgUnit } from '../orgs/index.ts';
import { AppError, bucketStart, parsePeriodKey, type Clock } from '../shared/index.ts';
import { actionContext, resourceOf, scopeOf } from './access.ts';
import { Body, Code, errorResponses, Nullable } from './schemas.ts';

/**
 * Service commitments (服务承诺): the tree with each node's value, projection, warning and
 * rolled-up state for a month (commitment.read, cut to the caller's scope); creating and changing
 * nodes (commitment.manage on the owner); a CSV/XLSX export of the tree.
 */
const CommitmentCode = Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' });
const Month = Type.String({ pattern: '^\\d{4}-\\d{2}$', description: 'Month key, 2026-11 (default: the current month)' });
const Input = Body({
  code: CommitmentCode, parent: Nullable(CommitmentCode), nameZh: Type.String({ minLength: 1, maxLength: 200 }), nameEn: Type.String({ minLength: 1, maxLength: 200 }),
  owner: Code, indicator: Type.String({ pattern: '^[a-z][a-z0-9_]{1,63}$' }), direction: Type.Union([Type.Literal('higher_better'), Type.Literal('lower_better')]),
  aggregate: Type.Union([Type.Literal('mean'), Type.Literal('sum')]), target: Type.Number(), promise: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
});
const NodeView = Type.Object({
  code: Type.String(), parent: Nullable(Type.String()), level: Type.Integer(), nameZh: Type.String(), nameEn: Type.String(), owner: Type.String(), indicator: Type.String(),
  direction: Type.String(), aggregate: Type.String(), target: Type.Number(), promise: Nullable(Type.String()), value: Nullable(Type.Number()),
  periodToDate: Nullable(Type.Number()), projected: Nullable(Type.Number()), state: Type.String(), warning: Nullable(Type.String()),
  rolledState: Type.String(), compliance: Nullable(Type.Number()),
});

type InputBody = { code: string; parent: string | null; nameZh: string; nameEn: string; indicator: string; direction: 'higher_better' | 'lower_better'; aggregate: 'mean' | 'sum'; target: number; promise?: string | null };

function nodeView(n: CommitmentNode, codes: ReadonlyMap<number, string>) {
  return {
    code: n.code, parent: n.parentId === null ? null : (codes.get(n.parentId) ?? null), level: n.level, nameZh: n.nameZh, nameEn: n.nameEn, owner: n.ownerCode,
    indicator: n.indicator, direction: n.direction, aggregate: n.aggregate, target: n.target, promise: n.promise, value: n.value,
    periodToDate: n.projection.periodToDate, projected: n.projection.projected, state: n.projection.state, warning: n.warning?.state ?? null,
    rolledState: n.rolled.state, compliance: n.rolled.compliance,
  };
}

function treeTable(nodes: readonly ReturnType<typeof nodeView>[], lang: ExportLanguage): ExportTable {
  const en = lang === 'en';
  const h = (zh: string, e: string) => (en ? e : zh);
  const col = (header: string, kind: 'text' | 'number' | 'ratio', width: number) => ({ header, kind, width });
  return {
    name: h('服务承诺', 'Commitments'),
    columns: [col(h('层级', 'Level'), 'number', 6), col(h('编码', 'Code'), 'text', 18), col(h('上级', 'Parent'), 'text', 18), col(h('承诺', 'Commitment'), 'text', 28),
      col(h('责任组织', 'Owner'), 'text', 12), col(h('指标', 'Indicator'), 'text', 22), col(h('目标', 'Target'), 'number', 8), col(h('当期值', 'Value'), 'number', 10),
      col(h('预计值', 'Projected'), 'number', 10), col(h('状态', 'State'), 'text', 10), col(h('汇总状态', 'Rolled-up state'), 'text', 12), col(h('达标率', 'Compliance'), 'ratio', 10)],
    rows: nodes.map((n) => [n.level, n.code, n.parent, en ? n.nameEn : n.nameZh, n.owner, n.indicator, n.target, n.value, n.projected, n.state, n.rolledState, n.compliance]),
  };
}

export function registerCommitmentRoutes(app: FastifyInstance, deps: { clock: Clock; commitments: CommitmentsService; timeZone: () => Promise<string> }): void {
  const { clock, commitments } = deps;
  const tags = ['commitments'];

  async function tree(request: FastifyRequest) {
    const q = request.query as { period?: string };
    const timeZone = await deps.timeZone();
    const parsed = q.period === undefined ? null : parsePeriodKey(q.period, timeZone);
    if (q.period !== undefined && parsed?.grain !== 'month') throw new AppError('COMMITMENT_PERIOD_INVALID', `"${q.period}" is not a month key.`, { field: '/query/period' });
    const { periodKey, nodes } = await commitments.tree(parsed?.start ?? bucketStart(clock.now(), 'month', timeZone), scopeOf(request, 'commitment.read'));
    const codes = new Map(nodes.map((n) => [n.id, n.code]));
    return { period: periodKey, items: nodes.map((n) => nodeView(n, codes)) };
  }

  app.get('/api/commitments', {
    config: { access: { permission: 'commitment.read' } },
    schema: { tags, summary: 'The commitment tree of a month: values, projections, warnings, rolled-up state and compliance', querystring: Type.Object({ period: Type.Optional(Month) }, { additionalProperties: false }), response: { 200: Type.Object({ period: Type.String(), items: Type.Array(NodeView) }), ...errorResponses } },
  }, (request) => tree(request));

  app.get('/api/commitments/export', {
    config: { access: { permission: 'commitment.read' } },
    schema: { tags, summary: 'Download the commitment tree of a month as CSV or XLSX', querystring: Type.Object({ period: Type.Optional(Month), format: Type.Union(EXPORT_FORMATS.map((f) => Type.Literal(f))), lang: Type.Optional(Type.Union(EXPORT_LANGUAGES.map((l) => Type.Literal(l)))) }, { additionalProperties: false }), response: errorResponses },
  }, async (request, reply) => {
    const q = request.query as { format: ExportFormat; lang?: ExportLanguage };
    const { period, items } = await tree(request);
    const table = treeTable(items, q.lang ?? 'zh-CN');
    const fileName = exportFileName(['commitments', period], q.format);
    const body = q.format === 'csv' ? toCsv(table) : await toXlsx([table], { creator: 'yunjian', created: clock.now() });
    void reply.header('content-type', q.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    void reply.header('content-disposition', `attachment; filename="${fileName}"`);
    return reply.send(body);
  });

  const write = (request: FastifyRequest) => {
    const b = request.body as InputBody;
    return { ...b, promise: b.promise ?? null, owner: resourceOf<OrgUnit>(request, 'org') };
  };

  app.post('/api/commitments', {
    config: { access: { permission: 'commitment.manage', resources: [{ kind: 'org', from: 'body', field: 'owner' }] } },
    schema: { tags, summary: 'Create a commitment (level from its parent; audited)', body: Input, response: { 201: Type.Object({ code: Type.String(), level: Type.Integer() }), ...errorResponses } },
  }, async (request, reply) => {
    const c = await commitments.create(actionContext(request, clock), write(request));
    void reply.code(201);
    return { code: c.code, level: c.level };
  });

  app.put('/api/commitments/:code', {
    config: { access: { permission: 'commitment.manage', resources: [{ kind: 'commitment', from: 'params', field: 'code' }, { kind: 'org', from: 'body', field: 'owner' }] } },
    schema: { tags, summary: 'Change a commitment (audited)', params: Type.Object({ code: CommitmentCode }, { additionalProperties: false }), body: Input, response: { 200: Type.Object({ code: Type.String(), level: Type.Integer() }), ...errorResponses } },
  }, async (request) => {
    const existing = resourceOf<Commitment>(request, 'commitment');
    if ((request.body as InputBody).code !== existing.code) throw new AppError('COMMITMENT_CODE_MISMATCH', 'The code in the body must match the URL.', { field: '/body/code' });
    const c = await commitments.update(actionContext(request, clock), existing, write(request));
    return { code: c.code, level: c.level };
  });
}

export function createCommitmentsModule(deps: { clock: Clock; commitments: CommitmentsService; timeZone: () => Promise<string> }): AppModule {
  return {
    name: 'commitments',
    resolvers: {
      commitment: async (code) => {
        const c = await deps.commitments.find(code);
        return c ? { orgPath: c.ownerPath, value: c } : null;
      },
    },
    register: (app) => {
      registerCommitmentRoutes(app, deps);
    },
  };
}
