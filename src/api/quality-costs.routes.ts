import { Type } from '@sinclair/typebox';
import type { AppModule } from '../app.ts';
import type { OrgUnit } from '../orgs/index.ts';
import { costCategories, type CostCategory, type PafSummary, type QualityCostsService } from '../quality-costs/index.ts';
import type { Clock } from '../shared/index.ts';
import { actionContext, resourceOf, scopeOf } from './access.ts';
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
        config: { access: { permission: 'budget.read', resources: [{ kind: 'org', from: 'query', field: 'org' }] } },
        schema: {
          tags: ['quality-costs'], summary: 'The PAF report of an org unit for a year: shares, total against revenue, trend, failure against prevention, children ranked, failure-cost target',
          querystring: Type.Object({ year: Year, org: Code, failureGoal: Type.Optional(Type.Number({ minimum: -1, maximum: 1, description: 'Change of failure cost against last year that meets the target (default −0.1)' })) }, { additionalProperties: false }),
          response: { 200: ReportJson, ...errorResponses },
        },
      }, async (request) => {
        const q = request.query as { year: number; failureGoal?: number };
        const org = resourceOf<OrgUnit>(request, 'org');
        const r = await qualityCosts.report({ year: q.year, org, now: clock.now(), failureGoal: q.failureGoal ?? -0.1 });
        const child = new Map(r.children.map((c) => [c.id, c]));
        return {
          year: q.year, orgUnit: org.code, ...summary(r), trend: r.trend.map((t) => ({ month: t.month, ...summary(t) })),
          units: r.units.map((u) => ({ orgUnit: child.get(u.orgUnitId)?.code ?? '', name: child.get(u.orgUnitId)?.name ?? '', nameEn: child.get(u.orgUnitId)?.nameEn ?? null, rank: u.rank, ...summary(u) })),
          target: { ...r.target },
        };
      });
    },
  };
}
