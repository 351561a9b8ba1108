import { Type } from '@sinclair/typebox';
import type { AppModule } from '../app.ts';
import type { OrgUnit } from '../orgs/index.ts';
import { toCsv, toXlsx } from '../indicators/index.ts';
import { costCategories, pafTable, type CostCategory, type PafExportLanguage, type PafSummary, type QualityCostsService } from '../quality-costs/index.ts';
import type { Clock } from '../shared/index.ts';
import { actionContext, resourceOf, scopeOf } from './access.ts';
import { exportMediaType, sendDownload } from './download.ts';
import { Body, Code, errorResponses, Nullable } from './schemas.ts';

/**
 * The quality-cost ledger over HTTP (`/api/quality-costs`): entries by hand (budget.write on the
 * unit: a finance ledger, kept by the units), the list in scope, and the PAF report of an org
 * unit's subtree (budget.read).
 */
const Year = Type.Integer({ minimum: 2000, maximum: 2100 });
const Category = Type.Union(costCategories.map((c) => Type.Literal(c)));
const ByCategory = Type.Object(Object.fromEntries(costCategories.map((c) => [c, Type.Number()])));
const Shares = Type.Object(Object.fromEntries(costCategories.map((c) => [c, Nullable(Type.Number())])));
const Summary = {
  byCategory: ByCategory, total: Type.Number(), shares: Shares, revenue: Type.Number(), costToRevenue: Nullable(Type.Number()), failureToPrevention: Nullable(Type.Number()),
};
const ReportJson = Type.Object({
  year: Type.Integer(), orgUnit: Type.String(), ...Summary,
  trend: Type.Array(Type.Object({ month: Type.Integer(), ...Summary })),
  units: Type.Array(Type.Object({ orgUnit: Type.String(), name: Type.String(), nameEn: Nullable(Type.String()), rank: Type.Integer(), ...Summary })),
  target: Type.Object({ failureLastYear: Type.Number(), failureThisYear: Type.Number(), change: Nullable(Type.Number()), goal: Type.Number(), met: Nullable(Type.Boolean()) }),
});

const Goal = Type.Number({ minimum: -1, maximum: 1, description: 'Change of failure cost against last year that meets the target, e.g. −0.1 (down 10 %)' });
const ReportQuery = { year: Year, org: Code, failureGoal: Type.Optional(Goal) };
const onQueryOrg = { permission: 'budget.read' as const, resources: [{ kind: 'org', from: 'query' as const, field: 'org' }] };

const summary = (s: PafSummary) => ({ byCategory: { ...s.byCategory }, total: s.total, shares: { ...s.shares }, revenue: s.revenue, costToRevenue: s.costToRevenue, failureToPrevention: s.failureToPrevention });

export function createQualityCostsModule(deps: { qualityCosts: QualityCostsService; orgCodes: (ids: readonly number[]) => Promise<Map<number, string>>; clock: Clock }): AppModule {
  const { qualityCosts, clock } = deps;
  return {
    name: 'quality-costs',
    register(app) {
      app.post('/api/quality-costs/entries', {
        config: { access: { permission: 'budget.write', resources: [{ kind: 'org', from: 'body', field: 'orgUnit' }] } },
        schema: {
          tags: ['quality-costs'], summary: 'Enter a quality cost (prevention, appraisal, internal or external failure) for a unit and month',
          body: Body({ orgUnit: Code, month: Type.String({ pattern: '^20[0-9]{2}-(0[1-9]|1[0-2])$', description: 'YYYY-MM' }), category: Category, amount: Type.Number({ minimum: 0, maximum: 9_999_999_999_999, multipleOf: 0.01 }), description: Type.String({ minLength: 1, maxLength: 500 }) }),
          response: { 201: Type.Object({ id: Type.Integer() }), ...errorResponses },
        },
      }, async (request, reply) => {
        const body = request.body as { month: string; category: CostCategory; amount: number; description: string };
        const id = await qualityCosts.addEntry(actionContext(request, clock), resourceOf<OrgUnit>(request, 'org'), body);
        void reply.code(201);
        return { id };
      });

      app.get('/api/quality-costs/entries', {
        config: { access: { permission: 'budget.read' } },
        schema: {
          tags: ['quality-costs'], summary: 'Quality-cost entries of a year in your scope', querystring: Type.Object({ year: Year }, { additionalProperties: false }),
          response: { 200: Type.Object({ items: Type.Array(Type.Object({ id: Type.Integer(), orgUnit: Type.String(), month: Type.String(), category: Type.String(), amount: Type.Number(), description: Type.String(), enteredBy: Type.String() })) }), ...errorResponses },
        },
      }, async (request) => {
        const rows = await qualityCosts.listEntries((request.query as { year: number }).year, scopeOf(request, 'budget.read'));
        const codes = await deps.orgCodes(rows.map((r) => r.orgUnitId));
        return { items: rows.map((r) => ({ id: r.id, orgUnit: codes.get(r.orgUnitId) ?? '', month: r.periodMonth, category: r.category, amount: r.amount, description: r.description, enteredBy: r.enteredBy })) };
      });

      app.get('/api/quality-costs/report', {
        config: { access: onQueryOrg },
        schema: {
          tags: ['quality-costs'], summary: 'The PAF report of an org unit for a year: shares, total against revenue, trend, failure against prevention, children ranked, failure-cost target (the stored one unless failureGoal is given)',
          querystring: Type.Object(ReportQuery, { additionalProperties: false }),
          response: { 200: ReportJson, ...errorResponses },
        },
      }, async (request) => {
        const q = request.query as { year: number; failureGoal?: number };
        const org = resourceOf<OrgUnit>(request, 'org');
        const r = await qualityCosts.report({ year: q.year, org, now: clock.now(), ...(q.failureGoal !== undefined ? { failureGoal: q.failureGoal } : {}) });
        const child = new Map(r.children.map((c) => [c.id, c]));
        return {
          year: q.year, orgUnit: org.code, ...summary(r), trend: r.trend.map((t) => ({ month: t.month, ...summary(t) })),
          units: r.units.map((u) => ({ orgUnit: child.get(u.orgUnitId)?.code ?? '', name: child.get(u.orgUnitId)?.name ?? '', nameEn: child.get(u.orgUnitId)?.nameEn ?? null, rank: u.rank, ...summary(u) })),
          target: { ...r.target },
        };
      });

      app.get('/api/quality-costs/report/export', {
        config: { access: onQueryOrg },
        schema: {
          tags: ['quality-costs'], summary: 'The PAF report as CSV (UTF-8 with BOM) or XLSX: the year, each month, the units ranked and the target',
          querystring: Type.Object({ ...ReportQuery, format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx')]), lang: Type.Optional(Type.Union([Type.Literal('zh-CN'), Type.Literal('en')])) }, { additionalProperties: false }),
          response: errorResponses,
        },
      }, async (request, reply) => {
        const q = request.query as { year: number; failureGoal?: number; format: 'csv' | 'xlsx'; lang?: PafExportLanguage };
        const org = resourceOf<OrgUnit>(request, 'org');
        const lang = q.lang ?? 'zh-CN';
        const r = await qualityCosts.report({ year: q.year, org, now: clock.now(), ...(q.failureGoal !== undefined ? { failureGoal: q.failureGoal } : {}) });
        const child = new Map(r.children.map((c) => [c.id, c]));
        const nameOf = (u: { name: string; nameEn: string | null } | undefined) => (lang === 'en' ? u?.nameEn : null) ?? u?.name ?? '';
        const table = pafTable(r, { year: q.year, orgName: nameOf(org), unitName: (id) => nameOf(child.get(id)), lang });
        const body = q.format === 'csv' ? toCsv(table) : await toXlsx([table], { creator: 'yunjian', created: clock.now() });
        return sendDownload(reply, { body, fileName: `quality-costs-${String(q.year)}-${org.code}.${q.format}`, contentType: exportMediaType(q.format) });
      });

      app.get('/api/quality-costs/target', {
        config: { access: onQueryOrg },
        schema: {
          tags: ['quality-costs'], summary: 'The failure-cost target that applies to an org unit in a year (its own, its nearest ancestor\'s, or the default −10 %)',
          querystring: Type.Object({ year: Year, org: Code }, { additionalProperties: false }),
          response: { 200: Type.Object({ year: Type.Integer(), orgUnit: Type.String(), failureChange: Type.Number(), setOn: Nullable(Type.String()) }), ...errorResponses },
        },
      }, async (request) => {
        const { year } = request.query as { year: number };
        const org = resourceOf<OrgUnit>(request, 'org');
        const t = await qualityCosts.target(year, org);
        const setOn = t.setOn === null ? null : ((await deps.orgCodes([t.setOn])).get(t.setOn) ?? null);
        return { year, orgUnit: org.code, failureChange: t.failureChange, setOn };
      });

      app.put('/api/quality-costs/target', {
        config: { access: { permission: 'budget.approve', resources: [{ kind: 'org', from: 'body', field: 'orgUnit' }] } },
        schema: {
          tags: ['quality-costs'], summary: 'Set the failure-cost target of an org unit\'s subtree for a year (audited)',
          body: Body({ orgUnit: Code, year: Year, failureChange: Goal }),
          response: { 204: Type.Null(), ...errorResponses },
        },
      }, async (request, reply) => {
        const body = request.body as { year: number; failureChange: number };
        await qualityCosts.setTarget(actionContext(request, clock), resourceOf<OrgUnit>(request, 'org'), body);
        return reply.code(204).send();
      });
    },
  };
}
