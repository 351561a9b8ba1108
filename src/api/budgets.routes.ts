import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppModule } from '../app.ts';
import {
  carryRules, executionGrains, executionTable, type BudgetItem, type BudgetRequestsService, type BudgetsService, type BudgetView, type BudgetWarningsService, type ExecutionGrain,
  type ExecutionService, type ExportLanguage, type OrgRef,
} from '../budgets/index.ts';
import { budgetRequestResolvers, registerBudgetRequestRoutes } from './budget-requests.routes.ts';
import { toCsv, toXlsx } from '../indicators/index.ts';
import type { OrgUnit, OrgsService } from '../orgs/index.ts';
import { AppError, type Clock } from '../shared/index.ts';
import { actionContext, resourceOf, scopeOf } from './access.ts';
import { exportMediaType, sendDownload } from './download.ts';
import { Body, Code, errorResponses, Nullable } from './schemas.ts';

/**
 * Budgets over HTTP (`/api/budgets`, DOMAIN §8): the item tree and its event mapping (budget.manage
 * on the root), a unit's budget of a year (read with budget.read, edited, submitted and its actuals
 * entered with budget.write, approved or returned with budget.approve — on that unit), the template
 * and the all-or-nothing import (for the units in the caller's budget.write scope), the execution
 * view with its sources and CSV/XLSX export, and an on-demand warnings pass.
 */
const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const Year = Type.Integer({ minimum: 2000, maximum: 2100, description: 'Fiscal (calendar) year' });
const ItemCode = Type.String({ pattern: '^[a-z][a-z0-9_.]{0,63}$', description: 'Budget item code (lower case, digits, _ and .)' });
const Amount = Type.Number({ minimum: 0, maximum: 9_999_999_999_999, multipleOf: 0.01 });
const YearOrg = Type.Object({ year: Year, org: Code }, { additionalProperties: false });
const Format = Type.Union([Type.Literal('csv'), Type.Literal('xlsx')]);
const Lang = Type.Union([Type.Literal('zh-CN'), Type.Literal('en')]);
const CarryRule = Type.Union(carryRules.map((r) => Type.Literal(r)), { description: 'none | within_quarter | within_year (never across years)' });

const ItemJson = Type.Object({ code: Type.String(), nameZh: Type.String(), nameEn: Type.String(), kind: Type.String(), parent: Nullable(Type.String()), sortOrder: Type.Integer() });
const BudgetJson = Type.Object({
  fiscalYear: Type.Integer(), orgUnit: Type.String(), status: Type.String(), carryRule: Type.String(),
  submittedBy: Nullable(Type.String()), approvedBy: Nullable(Type.String()), approvedAt: Nullable(Type.String()),
  lines: Type.Array(Type.Object({ item: Type.String(), month: Type.Integer(), amount: Type.Number(), originalAmount: Nullable(Type.Number()) })),
});
const CellJson = Type.Object({
  period: Type.String(), budget: Type.Number(), effectiveBudget: Type.Number(), actual: Type.Number(),
  executionRate: Nullable(Type.Number()), deviationRate: Nullable(Type.Number()), originalBudget: Type.Optional(Type.Number()),
  outOfBudget: Type.Number({ description: 'Approved out-of-budget spending (预算外支出) in the period; not part of the budget' }),
});
const OrgJson = Type.Object({ code: Type.String(), name: Type.String(), nameEn: Nullable(Type.String()), hasChildren: Type.Boolean() });
const ExecutionJson = Type.Object({
  fiscalYear: Type.Integer(), grain: Type.String(), closedMonths: Type.Integer(),
  orgs: Type.Array(OrgJson), items: Type.Array(Type.Object({ code: Type.String(), nameZh: Type.String(), nameEn: Type.String(), kind: Type.String(), hasChildren: Type.Boolean() })),
  rows: Type.Array(Type.Object({ orgUnit: Type.String(), item: Type.String(), cells: Type.Array(CellJson) })),
});

const ref = (kind: string, from: 'params' | 'query' | 'body', field: string) => ({ kind, from, field });
const onOrg = (permission: 'budget.read' | 'budget.write' | 'budget.approve', from: 'params' | 'query' = 'params') => ({ permission, resources: [ref('org', from, 'org')] });
const installation = { permission: 'budget.manage' as const, resources: [{ kind: 'installation', from: 'fixed' as const, field: 'installation' }] };

function budgetJson(v: BudgetView) {
  return { ...v, approvedAt: v.approvedAt ? v.approvedAt.toISOString() : null, lines: v.lines.map((l) => ({ ...l })) };
}

function itemJson(items: readonly BudgetItem[]) {
  const code = new Map(items.map((i) => [i.id, i.code]));
  return items.map((i) => ({ code: i.code, nameZh: i.nameZh, nameEn: i.nameEn, kind: i.kind, parent: i.parentId === null ? null : (code.get(i.parentId) ?? null), sortOrder: i.sortOrder }));
}

function sendFile(reply: FastifyReply, body: Buffer | string, format: 'csv' | 'xlsx', name: string): FastifyReply {
  return sendDownload(reply, { body, fileName: `${name}.${format}`, contentType: exportMediaType(format) });
}

export interface BudgetsModuleDeps {
  readonly budgets: BudgetsService;
  readonly execution: ExecutionService;
  readonly warnings: Pick<BudgetWarningsService, 'evaluate'>;
  readonly requests: BudgetRequestsService;
  readonly orgs: Pick<OrgsService, 'listSubtree' | 'listByIds'>;
  readonly clock: Clock;
}

export function createBudgetsModule(deps: BudgetsModuleDeps): AppModule {
  // Its own plugin scope: the sheet content types are parsed (as bytes) only under /api/budgets.
  return {
    name: 'budgets',
    resolvers: budgetRequestResolvers(deps.requests),
    register: async (app) => {
      await app.register((scope, _opts, done) => {
        registerBudgetRoutes(scope, deps);
        registerBudgetRequestRoutes(scope, { requests: deps.requests, orgs: deps.orgs, clock: deps.clock, itemCodes: async () => new Map((await deps.budgets.items()).map((i) => [i.id, i.code])) });
        done();
      });
    },
  };
}

function orgRef(o: OrgUnit): OrgRef {
  return { id: o.id, code: o.code, name: o.name, nameEn: o.nameEn, parentId: o.parentId, path: o.path, kind: o.kind };
}

async function findItem(budgets: BudgetsService, code: string | undefined): Promise<BudgetItem | null> {
  if (code === undefined) return null;
  const item = (await budgets.items()).find((i) => i.code === code);
  if (!item) throw new AppError('BUDGET_ITEM_NOT_FOUND', `No budget item ${code}.`, { field: '/query/item' });
  return item;
}

function registerBudgetRoutes(app: FastifyInstance, deps: BudgetsModuleDeps): void {
  const { budgets, clock } = deps;
  app.addContentTypeParser(['text/csv', XLSX_MIME], { parseAs: 'buffer' }, (_request, body, done) => { done(null, body); });
  const org = (request: FastifyRequest) => orgRef(resourceOf<OrgUnit>(request, 'org'));
  const yearOf = (request: FastifyRequest) => (request.params as { year: number }).year;

  app.get('/api/budgets/items', {
    config: { access: { permission: 'budget.read' } },
    schema: { tags: ['budgets'], summary: 'The item tree (科目) and the event mapping', response: { 200: Type.Object({ items: Type.Array(ItemJson), mappings: Type.Array(Type.Object({ eventType: Type.String(), match: Type.String(), item: Type.String() })) }), ...errorResponses } },
  }, async () => {
    const items = await budgets.items();
    const code = new Map(items.map((i) => [i.id, i.code]));
    return { items: itemJson(items), mappings: (await budgets.mappings()).map((m) => ({ eventType: m.eventType, match: m.matchValue, item: code.get(m.itemId) ?? '' })) };
  });

  app.post('/api/budgets/items', {
    config: { access: installation },
    schema: {
      tags: ['budgets'], summary: 'Add an item to the tree (a revenue item under a revenue item, a cost item under a cost item)',
      body: Body({ code: ItemCode, nameZh: Type.String({ minLength: 1, maxLength: 200 }), nameEn: Type.String({ minLength: 1, maxLength: 200 }), kind: Type.Union([Type.Literal('revenue'), Type.Literal('cost')]), parent: Type.Optional(ItemCode), sortOrder: Type.Optional(Type.Integer({ minimum: 0, maximum: 10000 })) }),
      response: { 201: ItemJson, ...errorResponses },
    },
  }, async (request, reply) => {
    const root = resourceOf<OrgUnit>(request, 'installation');
    const created = await budgets.createItem(actionContext(request, clock), request.body as Parameters<BudgetsService['createItem']>[1], root.id);
    void reply.code(201);
    return itemJson([created, ...(await budgets.items()).filter((i) => i.id === created.parentId)])[0];
  });

  app.put('/api/budgets/mappings', {
    config: { access: installation },
    schema: {
      tags: ['budgets'], summary: 'Replace the mapping of events to leaf items (expense.item or charge.category)',
      body: Body({ mappings: Type.Array(Type.Object({ eventType: Type.Union([Type.Literal('expense'), Type.Literal('charge')]), match: Type.String({ minLength: 1, maxLength: 100 }), item: ItemCode }, { additionalProperties: false }), { maxItems: 500 }) }),
      response: { 200: Type.Object({ ok: Type.Literal(true) }), ...errorResponses },
    },
  }, async (request) => {
    const root = resourceOf<OrgUnit>(request, 'installation');
    await budgets.setMappings(actionContext(request, clock), (request.body as { mappings: Parameters<BudgetsService['setMappings']>[1] }).mappings, root.id);
    return { ok: true as const };
  });

  app.get('/api/budgets/template', {
    config: { access: { permission: 'budget.write' } },
    schema: { tags: ['budgets'], summary: 'The budget template for the units you may budget for (current lines filled in)', querystring: Type.Object({ year: Year, format: Format }, { additionalProperties: false }), response: errorResponses },
  }, async (request, reply) => {
    const { year, format } = request.query as { year: number; format: 'csv' | 'xlsx' };
    return sendFile(reply, await budgets.template(year, format, scopeOf(request, 'budget.write')), format, `budget-template-${String(year)}`);
  });

  app.post('/api/budgets/import', {
    config: { access: { permission: 'budget.write' } },
    schema: {
      tags: ['budgets'], summary: 'Import the template (text/csv or XLSX body): budget lines into drafts, or actuals; all or nothing, every bad cell reported by row and column',
      querystring: Type.Object({ year: Year, kind: Type.Optional(Type.Union([Type.Literal('budget'), Type.Literal('actual')])), fileName: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false }),
      response: { 200: Type.Object({ importId: Type.Integer(), rows: Type.Integer(), lines: Type.Integer(), orgUnits: Type.Integer() }), ...errorResponses },
    },
  }, async (request) => {
    const type = request.headers['content-type'] ?? '';
    const format = type.startsWith(XLSX_MIME) ? 'xlsx' : type.startsWith('text/csv') ? 'csv' : null;
    if (format === null || !Buffer.isBuffer(request.body)) throw new AppError('UNSUPPORTED_MEDIA_TYPE', `Send the sheet as text/csv or ${XLSX_MIME}.`);
    const q = request.query as { year: number; kind?: 'budget' | 'actual'; fileName?: string };
    return budgets.importSheet(actionContext(request, clock), { fiscalYear: q.year, kind: q.kind ?? 'budget', format, fileName: q.fileName ?? null, body: [request.body], paths: scopeOf(request, 'budget.write') });
  });

  app.get('/api/budgets/:year/:org', {
    config: { access: onOrg('budget.read') },
    schema: { tags: ['budgets'], summary: 'A unit\'s budget of a year (status none when there is none)', params: YearOrg, response: { 200: BudgetJson, ...errorResponses } },
  }, async (request) => budgetJson(await budgets.view(yearOf(request), org(request))));

  app.put('/api/budgets/:year/:org/lines', {
    config: { access: onOrg('budget.write') },
    schema: {
      tags: ['budgets'], summary: 'Save the lines of a draft budget (all of them; created as a draft when missing)', params: YearOrg,
      body: Body({ lines: Type.Array(Type.Object({ item: ItemCode, month: Type.Integer({ minimum: 1, maximum: 12 }), amount: Amount }, { additionalProperties: false }), { maxItems: 12 * 500 }), carryRule: Type.Optional(CarryRule) }),
      response: { 200: BudgetJson, ...errorResponses },
    },
  }, async (request) => budgetJson(await budgets.saveLines(actionContext(request, clock), yearOf(request), org(request), request.body as Parameters<BudgetsService['saveLines']>[3])));

  for (const [action, permission] of [['submit', 'budget.write'], ['approve', 'budget.approve'], ['return', 'budget.approve']] as const) {
    app.post(`/api/budgets/:year/:org/${action}`, {
      config: { access: onOrg(permission) },
      schema: {
        tags: ['budgets'], summary: action === 'submit' ? 'Submit a draft budget for approval' : action === 'approve' ? 'Approve a submitted budget (not by its submitter); it counts from now on' : 'Return a submitted budget to its owner as a draft',
        params: YearOrg, body: Body({ note: Type.Optional(Type.String({ maxLength: 2000 })) }), response: { 200: BudgetJson, ...errorResponses },
      },
    }, async (request) => budgetJson(await budgets.transition(actionContext(request, clock), yearOf(request), org(request), action, (request.body as { note?: string }).note)));
  }

  app.post('/api/budgets/:year/:org/actuals', {
    config: { access: onOrg('budget.write') },
    schema: {
      tags: ['budgets'], summary: 'Enter an actual by hand (beside those from expense and charge events)', params: YearOrg,
      body: Body({ month: Type.Integer({ minimum: 1, maximum: 12 }), item: ItemCode, amount: Type.Number({ minimum: -9_999_999_999_999, maximum: 9_999_999_999_999, multipleOf: 0.01 }), note: Type.Optional(Type.String({ maxLength: 500 })) }),
      response: { 201: Type.Object({ id: Type.Integer() }), ...errorResponses },
    },
  }, async (request, reply) => {
    const body = request.body as { month: number; item: string; amount: number; note?: string };
    const id = await budgets.enterActual(actionContext(request, clock), org(request), { fiscalYear: yearOf(request), ...body });
    void reply.code(201);
    return { id };
  });

  registerExecutionRoutes(app, deps);
}

const ExecutionQuery = {
  year: Year, org: Code, item: Type.Optional(ItemCode), grain: Type.Optional(Type.Union(executionGrains.map((g) => Type.Literal(g)))),
};

function registerExecutionRoutes(app: FastifyInstance, deps: BudgetsModuleDeps): void {
  const { budgets, execution, clock } = deps;

  async function grid(request: FastifyRequest) {
    const q = request.query as { year: number; item?: string; grain?: ExecutionGrain };
    const node = orgRef(resourceOf<OrgUnit>(request, 'org'));
    const item = await findItem(budgets, q.item);
    const g = await execution.grid({ fiscalYear: q.year, org: node, item, grain: q.grain ?? 'month', paths: scopeOf(request, 'budget.read'), now: clock.now() });
    return { q, g };
  }

  app.get('/api/budgets/execution', {
    config: { access: onOrg('budget.read', 'query') },
    schema: {
      tags: ['budgets'], summary: 'Execution and deviation rates of approved budgets: an org unit and its children × an item (or the root items) and its children, per month, quarter, half-year or year',
      querystring: Type.Object(ExecutionQuery, { additionalProperties: false }), response: { 200: ExecutionJson, ...errorResponses },
    },
  }, async (request) => {
    const { q, g } = await grid(request);
    const orgCode = new Map(g.orgRows.map((o) => [o.id, o.code]));
    const itemCode = new Map(g.items.map((i) => [i.id, i.code]));
    const hasChildren = (id: number) => g.items.some((i) => i.parentId === id);
    const childOrgs = await deps.orgs.listSubtree(resourceOf<OrgUnit>(request, 'org'));
    return {
      fiscalYear: q.year, grain: q.grain ?? 'month', closedMonths: g.closedMonths,
      orgs: g.orgRows.map((o) => ({ code: o.code, name: o.name, nameEn: o.nameEn, hasChildren: childOrgs.some((c) => c.parentId === o.id) })),
      items: g.itemRows.map((i) => ({ code: i.code, nameZh: i.nameZh, nameEn: i.nameEn, kind: i.kind, hasChildren: hasChildren(i.id) })),
      rows: g.rows.map((r) => ({ orgUnit: orgCode.get(r.orgUnitId) ?? '', item: r.itemId === null ? '' : (itemCode.get(r.itemId) ?? ''), cells: r.cells.map((c) => ({ ...c })) })),
    };
  });

  app.get('/api/budgets/execution/export', {
    config: { access: onOrg('budget.read', 'query') },
    schema: { tags: ['budgets'], summary: 'The execution view as CSV or XLSX', querystring: Type.Object({ ...ExecutionQuery, format: Format, lang: Type.Optional(Lang) }, { additionalProperties: false }), response: errorResponses },
  }, async (request, reply) => {
    const { q, g } = await grid(request);
    const { format, lang } = request.query as { format: 'csv' | 'xlsx'; lang?: ExportLanguage };
    const table = executionTable(g.rows, g.orgRows, g.items, lang ?? 'zh-CN', q.year);
    const body = format === 'csv' ? toCsv(table) : await toXlsx([table], { creator: 'yunjian', created: clock.now() });
    return sendFile(reply, body, format, `budget-execution-${String(q.year)}-${resourceOf<OrgUnit>(request, 'org').code.replace(/[^A-Za-z0-9_.-]+/g, '_')}`);
  });

  app.get('/api/budgets/execution/sources', {
    config: { access: onOrg('budget.read', 'query') },
    schema: {
      tags: ['budgets'], summary: 'Where a unit\'s actual of an item and month comes from: events (ids), entries and import batches',
      querystring: Type.Object({ year: Year, org: Code, item: ItemCode, month: Type.Integer({ minimum: 1, maximum: 12 }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(Type.Object({ kind: Type.String(), ref: Type.String(), eventType: Nullable(Type.String()), occurredAt: Nullable(Type.String()), amount: Type.Number(), note: Nullable(Type.String()) })) }), ...errorResponses },
    },
  }, async (request) => {
    const q = request.query as { year: number; item: string; month: number };
    const rows = await execution.sources({ orgUnitId: resourceOf<OrgUnit>(request, 'org').id, item: q.item, fiscalYear: q.year, month: q.month });
    return { items: rows.map((r) => ({ ...r, occurredAt: r.occurredAt ? r.occurredAt.toISOString() : null })) };
  });

  app.post('/api/budgets/warnings/evaluate', {
    config: { access: installation },
    schema: { tags: ['budgets'], summary: 'Judge every approved budget line now (the scheduler does it every hour)', response: { 200: Type.Object({ lines: Type.Integer(), judged: Type.Integer(), breaches: Type.Integer(), transitions: Type.Integer() }), ...errorResponses } },
  }, async () => deps.warnings.evaluate(clock.now()));
}
