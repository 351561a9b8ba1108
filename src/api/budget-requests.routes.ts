import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ResourceResolver } from './access.ts';
import type { ApproverRole, BudgetRequestsService } from '../budgets/index.ts';
import type { OrgUnit, OrgsService } from '../orgs/index.ts';
import type { Clock } from '../shared/index.ts';
import { actionContext, principalOf, resourceOf, scopeOf } from './access.ts';
import { Body, Code, errorResponses, IdParam, Nullable } from './schemas.ts';

/**
 * Adjustments and out-of-budget requests over HTTP. An adjustment is requested with budget.write on
 * the unit and decided with budget.approve; an out-of-budget request is decided by whoever holds
 * the role its amount's level names (or a higher one) on the unit — the route only asks that the
 * request be visible (budget.read), the service checks the level (403 BUDGET_APPROVER_LEVEL).
 */
const Year = Type.Integer({ minimum: 2000, maximum: 2100 });
const ItemCode = Type.String({ pattern: '^[a-z][a-z0-9_.]{0,63}$' });
const Money = Type.Number({ minimum: 0, maximum: 9_999_999_999_999, multipleOf: 0.01 });
const Decision = Body({ decision: Type.Union([Type.Literal('approve'), Type.Literal('reject')]), note: Type.Optional(Type.String({ maxLength: 2000 })) });
const Level = Type.Object({
  code: Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' }), nameZh: Type.String({ minLength: 1, maxLength: 100 }), nameEn: Type.String({ minLength: 1, maxLength: 100 }),
  maxAmount: Nullable(Type.Number({ exclusiveMinimum: 0, maximum: 9_999_999_999_999 })), approverRole: Type.Union([Type.Literal('liaison'), Type.Literal('analyst'), Type.Literal('executive'), Type.Literal('admin')]),
}, { additionalProperties: false });
const AdjustmentJson = Type.Object({
  id: Type.Integer(), fiscalYear: Type.Integer(), orgUnit: Type.String(), status: Type.String(), reason: Type.String(),
  lines: Type.Array(Type.Object({ item: Type.String(), month: Type.Integer(), original: Type.Number(), adjusted: Type.Number() })),
  requestedBy: Type.String(), requestedAt: Type.String(), decidedBy: Nullable(Type.String()), decidedAt: Nullable(Type.String()), decisionNote: Nullable(Type.String()),
});
const ExceptionJson = Type.Object({
  id: Type.Integer(), fiscalYear: Type.Integer(), orgUnit: Type.String(), item: Type.String(), month: Type.Integer(), amount: Type.Number(), reason: Type.String(), level: Type.String(),
  status: Type.String(), requestedBy: Type.String(), requestedAt: Type.String(), decidedBy: Nullable(Type.String()), decidedAt: Nullable(Type.String()), decisionNote: Nullable(Type.String()),
});

type Adjustment = Awaited<ReturnType<BudgetRequestsService['listAdjustments']>>[number];
type Exception = Awaited<ReturnType<BudgetRequestsService['listExceptions']>>[number];

export function budgetRequestResolvers(requests: BudgetRequestsService): Record<string, ResourceResolver> {
  return {
    budgetAdjustment: async (id) => {
      const a = /^\d{1,15}$/.test(id) ? await requests.findAdjustment(Number(id)) : null;
      return a ? { orgPath: a.orgPath, value: a } : null;
    },
    budgetException: async (id) => {
      const e = /^\d{1,15}$/.test(id) ? await requests.findException(Number(id)) : null;
      return e ? { orgPath: e.orgPath, value: e } : null;
    },
  };
}

export function registerBudgetRequestRoutes(app: FastifyInstance, deps: { requests: BudgetRequestsService; orgs: Pick<OrgsService, 'listByIds'>; itemCodes: () => Promise<Map<number, string>>; clock: Clock }): void {
  const { requests, clock } = deps;
  const codes = async (ids: readonly number[]) => new Map((await deps.orgs.listByIds([...new Set(ids)])).map((o) => [o.id, o.code]));
  const adjustmentJson = (a: Adjustment, org: Map<number, string>) => ({
    id: a.id, fiscalYear: a.fiscalYear, orgUnit: org.get(a.orgUnitId) ?? '', status: a.status, reason: a.reason, lines: a.lines.map((l) => ({ ...l })),
    requestedBy: a.requestedBy, requestedAt: a.requestedAt.toISOString(), decidedBy: a.decidedBy, decidedAt: a.decidedAt?.toISOString() ?? null, decisionNote: a.decisionNote,
  });
  const exceptionJson = (e: Exception, org: Map<number, string>, item: Map<number, string>) => ({
    id: e.id, fiscalYear: e.fiscalYear, orgUnit: org.get(e.orgUnitId) ?? '', item: item.get(e.itemId) ?? '', month: e.month, amount: e.amount, reason: e.reason, level: e.level,
    status: e.status, requestedBy: e.requestedBy, requestedAt: e.requestedAt.toISOString(), decidedBy: e.decidedBy, decidedAt: e.decidedAt?.toISOString() ?? null, decisionNote: e.decisionNote,
  });
  const org = (request: FastifyRequest) => resourceOf<OrgUnit>(request, 'org');

  app.get('/api/budgets/approval-levels', {
    config: { access: { permission: 'budget.read' } },
    schema: { tags: ['budgets'], summary: 'Approval levels of out-of-budget spending, by amount', response: { 200: Type.Object({ levels: Type.Array(Level) }), ...errorResponses } },
  }, async () => ({ levels: await requests.levels() }));

  app.put('/api/budgets/approval-levels', {
    config: { access: { permission: 'budget.manage', resources: [{ kind: 'installation', from: 'fixed', field: 'installation' }] } },
    schema: { tags: ['budgets'], summary: 'Replace the approval levels (rising ceilings; the last approves any amount)', body: Body({ levels: Type.Array(Level, { maxItems: 10 }) }), response: { 200: Type.Object({ levels: Type.Array(Level) }), ...errorResponses } },
  }, async (request) => ({ levels: await requests.setLevels(actionContext(request, clock), (request.body as { levels: Parameters<BudgetRequestsService['setLevels']>[1] }).levels, resourceOf<OrgUnit>(request, 'installation').id) }));

  app.get('/api/budgets/requests', {
    config: { access: { permission: 'budget.read' } },
    schema: {
      tags: ['budgets'], summary: 'Adjustments (original and adjusted lines side by side) and out-of-budget requests of a year, in your scope',
      querystring: Type.Object({ year: Year }, { additionalProperties: false }),
      response: { 200: Type.Object({ adjustments: Type.Array(AdjustmentJson), exceptions: Type.Array(ExceptionJson) }), ...errorResponses },
    },
  }, async (request) => {
    const { year } = request.query as { year: number };
    const paths = scopeOf(request, 'budget.read');
    const [adjustments, exceptions] = await Promise.all([requests.listAdjustments(year, paths), requests.listExceptions(year, paths)]);
    const orgCodes = await codes([...adjustments.map((a) => a.orgUnitId), ...exceptions.map((e) => e.orgUnitId)]);
    const items = await deps.itemCodes();
    return { adjustments: adjustments.map((a) => adjustmentJson(a, orgCodes)), exceptions: exceptions.map((e) => exceptionJson(e, orgCodes, items)) };
  });

  app.post('/api/budgets/:year/:org/adjustment', {
    config: { access: { permission: 'budget.write', resources: [{ kind: 'org', from: 'params', field: 'org' }] } },
    schema: {
      tags: ['budgets'], summary: 'Propose the year\'s one adjustment of an approved budget (409 when the unit already had it)',
      params: Type.Object({ year: Year, org: Code }, { additionalProperties: false }),
      body: Body({ reason: Type.String({ minLength: 1, maxLength: 2000 }), lines: Type.Array(Type.Object({ item: ItemCode, month: Type.Integer({ minimum: 1, maximum: 12 }), amount: Money }, { additionalProperties: false }), { minItems: 1, maxItems: 6000 }) }),
      response: { 201: AdjustmentJson, ...errorResponses },
    },
  }, async (request, reply) => {
    const { year } = request.params as { year: number };
    const a = await requests.requestAdjustment(actionContext(request, clock), year, org(request), request.body as Parameters<BudgetRequestsService['requestAdjustment']>[3]);
    void reply.code(201);
    return adjustmentJson(a, await codes([a.orgUnitId]));
  });

  app.post('/api/budgets/adjustments/:id/decision', {
    config: { access: { permission: 'budget.approve', resources: [{ kind: 'budgetAdjustment', from: 'params', field: 'id' }] } },
    schema: { tags: ['budgets'], summary: 'Approve or reject an adjustment (not by its requester); approved lines keep the original beside them', params: IdParam, body: Decision, response: { 200: AdjustmentJson, ...errorResponses } },
  }, async (request) => {
    const { id } = request.params as { id: number };
    const { decision, note } = request.body as { decision: 'approve' | 'reject'; note?: string };
    const a = await requests.decideAdjustment(actionContext(request, clock), id, decision, note ?? null);
    return adjustmentJson(a, await codes([a.orgUnitId]));
  });

  app.post('/api/budgets/:year/:org/exceptions', {
    config: { access: { permission: 'budget.write', resources: [{ kind: 'org', from: 'params', field: 'org' }] } },
    schema: {
      tags: ['budgets'], summary: 'Request out-of-budget spending (预算外支出); the amount sets the approval level',
      params: Type.Object({ year: Year, org: Code }, { additionalProperties: false }),
      body: Body({ month: Type.Integer({ minimum: 1, maximum: 12 }), item: ItemCode, amount: Type.Number({ exclusiveMinimum: 0, maximum: 9_999_999_999_999, multipleOf: 0.01 }), reason: Type.String({ minLength: 1, maxLength: 2000 }) }),
      response: { 201: ExceptionJson, ...errorResponses },
    },
  }, async (request, reply) => {
    const { year } = request.params as { year: number };
    const e = await requests.requestException(actionContext(request, clock), org(request), { fiscalYear: year, ...(request.body as { month: number; item: string; amount: number; reason: string }) });
    void reply.code(201);
    return exceptionJson(e, await codes([e.orgUnitId]), await deps.itemCodes());
  });

  app.post('/api/budgets/exceptions/:id/decision', {
    config: { access: { permission: 'budget.read', resources: [{ kind: 'budgetException', from: 'params', field: 'id' }] } },
    schema: { tags: ['budgets'], summary: 'Approve or reject an out-of-budget request at its level (403 BUDGET_APPROVER_LEVEL below it)', params: IdParam, body: Decision, response: { 200: ExceptionJson, ...errorResponses } },
  }, async (request) => {
    const { id } = request.params as { id: number };
    const { decision, note } = request.body as { decision: 'approve' | 'reject'; note?: string };
    const target = resourceOf<Exception>(request, 'budgetException');
    const roles = principalOf(request).grants.filter((g) => target.orgPath.startsWith(g.orgPath)).map((g) => g.role).filter((r): r is ApproverRole => r !== 'source');
    const e = await requests.decideException(actionContext(request, clock), id, roles, decision, note ?? null);
    return exceptionJson(e, await codes([e.orgUnitId]), await deps.itemCodes());
  });
}
