import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppModule } from '../app.ts';
import { can, canSee, type Permission } from '../auth/index.ts';
import type { DryRunService } from '../rules/dry-run-service.ts';
import type { RulesService, StoredRule } from '../rules/rules-service.ts';
import { AppError, type Clock } from '../shared/index.ts';
import { actionContext, principalOf, resourceOf, scopeOf } from './access.ts';
import { Body, DateTime, errorResponses, Nullable } from './schemas.ts';

/**
 * Rules over HTTP: list, read (with versions), create, save a new version, validate, enable and
 * disable, and the dry run. A rule belongs to its scope org unit: reading needs rule.read there,
 * changing needs rule.manage there, and a rule cannot be moved to a scope the caller does not manage.
 */
const RuleCode = Type.String({ pattern: '^[a-z][a-z0-9_]{1,63}$' });
const RuleCodeParam = Type.Object({ code: RuleCode }, { additionalProperties: false });
const Definition = Type.Record(Type.String(), Type.Unknown(), { description: 'A rule definition (see RuleDefinition: kind, scope, severity, …)' });
const RuleView = Type.Object({
  code: Type.String(), kind: Type.String(), version: Type.Integer(), enabled: Type.Boolean(), nameZh: Type.String(), nameEn: Type.String(),
  scope: Type.Object({ orgUnit: Type.String(), includeDescendants: Type.Boolean() }), severity: Type.Integer(), category: Type.String(),
  definition: Definition, lastError: Nullable(Type.String()), lastErrorAt: Nullable(DateTime), updatedAt: DateTime,
});
const PathErrors = Type.Array(Type.Object({ path: Type.String(), message: Type.String() }));
const DryRunView = Type.Object({
  firings: Type.Integer(), episodes: Type.Integer(), periodsEvaluated: Type.Integer(), noData: Type.Integer(), skipped: Type.Integer(), pending: Type.Integer(),
  examples: Type.Array(Type.Object({ orgUnit: Type.String(), seriesKey: Type.String(), periodKey: Type.String(), value: Nullable(Type.Number()), bound: Nullable(Type.Number()), reason: Type.String() })),
});

function view(r: StoredRule) {
  const d = r.definition;
  return {
    code: r.code, kind: d.kind, version: r.version, enabled: r.enabled, nameZh: d.nameZh, nameEn: d.nameEn, scope: { ...d.scope }, severity: d.severity,
    category: d.category, definition: d as unknown as Record<string, unknown>, lastError: r.lastError, lastErrorAt: r.lastErrorAt?.toISOString() ?? null,
    updatedAt: r.updatedAt.toISOString(),
  };
}

export interface RulesModuleDeps {
  readonly rules: RulesService;
  readonly dryRun: DryRunService;
  readonly clock: Clock;
}

export function createRulesModule(deps: RulesModuleDeps): AppModule {
  const { rules, dryRun, clock } = deps;

  /** The scope named in a definition must be one the caller may act on with `permission` (404 when it cannot even see it). */
  function checkScope(request: FastifyRequest, permission: Permission, scopePath: string): void {
    const principal = principalOf(request);
    if (!canSee(principal, scopePath)) throw new AppError('RULE_SCOPE_NOT_FOUND', 'No such scope org unit in your scope.', { field: '/body/scope/orgUnit' });
    if (!can(principal, permission, scopePath)) throw new AppError('AUTH_FORBIDDEN', `This needs the ${permission} permission on the rule's scope.`);
  }

  async function validated(request: FastifyRequest, json: unknown, permission: Permission, version?: number) {
    const v = await rules.validate(json, version);
    if (!v.ok) {
      const first = v.errors[0];
      throw new AppError('RULE_INVALID', `The rule definition is invalid: ${first?.path ?? ''} ${first?.message ?? ''}.`, { field: `/body${first?.path ?? ''}`, errors: v.errors });
    }
    checkScope(request, permission, v.scope.path);
    return v;
  }

  function register(app: FastifyInstance): void {
    app.get('/api/rules', {
      config: { access: { permission: 'rule.read' } },
      schema: { tags: ['rules'], summary: 'Rules whose scope is in the caller’s scope', response: { 200: Type.Object({ items: Type.Array(RuleView) }), ...errorResponses } },
    }, async (request) => ({ items: (await rules.list(scopeOf(request, 'rule.read'))).map(view) }));

    app.post('/api/rules', {
      config: { access: { permission: 'rule.manage' } },
      schema: { tags: ['rules'], summary: 'Create a rule (version 1)', body: Definition, response: { 201: RuleView, ...errorResponses } },
    }, async (request, reply) => {
      await validated(request, request.body, 'rule.manage');
      const created = await rules.create(actionContext(request, clock), request.body);
      void reply.code(201);
      return view(created);
    });

    app.post('/api/rules/validate', {
      config: { access: { permission: 'rule.read' } },
      schema: { tags: ['rules'], summary: 'Validate a rule definition without saving it', body: Definition, response: { 200: Type.Object({ ok: Type.Boolean(), errors: PathErrors }), ...errorResponses } },
    }, async (request) => {
      const v = await rules.validate(request.body);
      return v.ok ? { ok: true, errors: [] } : { ok: false, errors: [...v.errors] };
    });

    app.post('/api/rules/dry-run', {
      config: { access: { permission: 'rule.read', resources: [{ kind: 'rule', from: 'body', field: 'code', optional: true }] } },
      schema: {
        tags: ['rules'], summary: 'How often a stored or draft rule would have fired over a past range',
        body: Body({ code: Type.Optional(RuleCode), rule: Type.Optional(Definition), from: DateTime, to: DateTime }),
        response: { 200: DryRunView, ...errorResponses },
      },
    }, async (request) => {
      const body = request.body as { code?: string; rule?: Record<string, unknown>; from: string; to: string };
      const range = { from: new Date(body.from), to: new Date(body.to) };
      if (body.rule !== undefined) {
        const v = await validated(request, body.rule, 'rule.read');
        return dryRun.run(v.rule, v.scope.path, range, clock.now());
      }
      if (body.code === undefined) throw new AppError('RULE_DRY_RUN_SUBJECT', 'Give the code of a stored rule or a draft rule.', { field: '/body/code' });
      const stored = resourceOf<StoredRule>(request, 'rule');
      return dryRun.run(stored.definition, stored.scopePath, range, clock.now());
    });

    app.get('/api/rules/:code', {
      config: { access: { permission: 'rule.read', resources: [{ kind: 'rule', from: 'params', field: 'code' }] } },
      schema: {
        tags: ['rules'], summary: 'One rule with its saved versions', params: RuleCodeParam,
        response: { 200: Type.Object({ rule: RuleView, versions: Type.Array(Type.Object({ version: Type.Integer(), savedAt: DateTime, savedBy: Type.String(), definition: Definition })) }), ...errorResponses },
      },
    }, async (request) => {
      const rule = resourceOf<StoredRule>(request, 'rule');
      const versions = await rules.versions(rule.code);
      return { rule: view(rule), versions: versions.map((v) => ({ ...v, savedAt: v.savedAt.toISOString(), definition: v.definition as Record<string, unknown> })) };
    });

    app.put('/api/rules/:code', {
      config: { access: { permission: 'rule.manage', resources: [{ kind: 'rule', from: 'params', field: 'code' }] } },
      schema: { tags: ['rules'], summary: 'Save a new version of a rule', params: RuleCodeParam, body: Definition, response: { 200: RuleView, ...errorResponses } },
    }, async (request) => {
      const rule = resourceOf<StoredRule>(request, 'rule');
      await validated(request, { ...request.body as Record<string, unknown>, code: rule.code }, 'rule.manage', rule.version + 1);
      return view(await rules.update(actionContext(request, clock), rule.code, request.body));
    });

    for (const [verb, enabled] of [['enable', true], ['disable', false]] as const) {
      app.post(`/api/rules/:code/${verb}`, {
        config: { access: { permission: 'rule.manage', resources: [{ kind: 'rule', from: 'params', field: 'code' }] } },
        schema: { tags: ['rules'], summary: `${enabled ? 'Enable' : 'Disable'} a rule`, params: RuleCodeParam, response: { 200: RuleView, ...errorResponses } },
      }, async (request) => view(await rules.setEnabled(actionContext(request, clock), resourceOf<StoredRule>(request, 'rule').code, enabled)));
    }
  }

  return {
    name: 'rules',
    resolvers: {
      rule: async (code) => {
        const rule = await rules.get(code);
        return rule ? { orgPath: rule.scopePath, value: rule } : null;
      },
    },
    register,
  };
}
