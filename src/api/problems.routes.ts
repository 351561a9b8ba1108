import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppModule } from '../app.ts';
import type { OrgUnit } from '../orgs/index.ts';
import { AppError, type Clock } from '../shared/index.ts';
import type { Problem } from '../workorders/problems-repo.ts';
import { allowedProblemCommands, type ProblemCommand, type ProblemsService } from '../workorders/problems-service.ts';
import { actionContext, principalOf, resourceOf, scopeOf } from './access.ts';
import { Body, errorResponses, IdParam, Nullable } from './schemas.ts';

/**
 * The problem library (问题库) and the knowledge base: problems with owner, plan, deadline,
 * progress updates and links; closed only when the proposer verifies; the resolution becomes a
 * searchable article (`GET /api/knowledge?q=`). Reading needs workorder.read, writing
 * workorder.act on the problem's org unit.
 */
const Iso = Type.String({ format: 'date-time' });
const Link = Type.Object({ kind: Type.Union([Type.Literal('alert'), Type.Literal('workorder')]), ref: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false });
const ProblemView = Type.Object({
  id: Type.Integer(), title: Type.String(), description: Type.String(), orgUnit: Type.String(), ruleCode: Nullable(Type.String()), category: Nullable(Type.String()),
  ownerId: Type.String(), proposerId: Type.String(), plan: Type.String(), deadline: Nullable(Iso), state: Type.String(), progress: Type.Integer(),
  resolution: Nullable(Type.String()), createdAt: Iso, resolvedAt: Nullable(Iso), closedAt: Nullable(Iso), allowedCommands: Type.Array(Type.String()),
  links: Type.Array(Link), updates: Type.Array(Type.Object({ authorId: Type.String(), at: Iso, body: Type.String(), progress: Nullable(Type.Integer()) })),
});
const ArticleView = Type.Object({ id: Type.Integer(), problemId: Type.Integer(), title: Type.String(), body: Type.String(), ruleCode: Nullable(Type.String()), orgUnit: Type.String(), createdAt: Iso });
const problemResource = [{ kind: 'problem', from: 'params', field: 'id' }] as const;
const iso = (d: Date | null) => (d === null ? null : d.toISOString());

function view(p: Problem) {
  return {
    id: p.id, title: p.title, description: p.description, orgUnit: p.orgUnit, ruleCode: p.ruleCode, category: p.category, ownerId: p.ownerId,
    proposerId: p.proposerId, plan: p.plan, deadline: iso(p.deadline), state: p.state, progress: p.progress, resolution: p.resolution,
    createdAt: p.createdAt.toISOString(), resolvedAt: iso(p.resolvedAt), closedAt: iso(p.closedAt), allowedCommands: allowedProblemCommands(p.state),
    links: [...p.links], updates: p.updates.map((u) => ({ ...u, at: u.at.toISOString() })),
  };
}

const Command = Type.Union([
  Type.Object({ kind: Type.Literal('update'), body: Type.String({ minLength: 1, maxLength: 4000 }), progress: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })) }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('resolve'), resolution: Type.String({ minLength: 1, maxLength: 8000 }) }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('verify') }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('reject'), reason: Type.String({ minLength: 1, maxLength: 4000 }) }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('link'), links: Type.Array(Link, { minItems: 1, maxItems: 50 }) }, { additionalProperties: false }),
]);

function registerProblemRoutes(app: FastifyInstance, deps: { clock: Clock; problems: ProblemsService }): void {
  const { clock, problems } = deps;

  app.get('/api/problems', {
    config: { access: { permission: 'workorder.read' } },
    schema: {
      tags: ['problems'], summary: 'Problems in the caller’s scope',
      querystring: Type.Object({ state: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('resolved'), Type.Literal('closed')])) }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(ProblemView) }), ...errorResponses },
    },
  }, async (request) => {
    const { state } = request.query as { state?: 'open' };
    return { items: (await problems.list(scopeOf(request, 'workorder.read'), state)).map(view) };
  });

  app.post('/api/problems', {
    config: { access: { permission: 'workorder.act', resources: [{ kind: 'org', from: 'body', field: 'orgUnit' }] } },
    schema: {
      tags: ['problems'], summary: 'Propose a problem (the caller is the proposer who verifies it)',
      body: Body({
        title: Type.String({ minLength: 1, maxLength: 200 }), description: Type.Optional(Type.String({ maxLength: 4000 })), orgUnit: Type.String({ maxLength: 64 }),
        ruleCode: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })), category: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
        ownerId: Type.String({ pattern: '^[0-9]{1,18}$' }), plan: Type.Optional(Type.String({ maxLength: 4000 })), deadline: Type.Optional(Iso),
        links: Type.Optional(Type.Array(Link, { maxItems: 50 })),
      }),
      response: { 201: ProblemView, ...errorResponses },
    },
  }, async (request, reply) => {
    const b = request.body as { title: string; description?: string; ruleCode?: string; category?: string; ownerId: string; plan?: string; deadline?: string; links?: { kind: 'alert'; ref: string }[] };
    const principal = principalOf(request);
    if (principal.kind !== 'user') throw new AppError('PROBLEM_FORBIDDEN', 'Problems are proposed by people, not API tokens.');
    const created = await problems.create(actionContext(request, clock), principal.id, {
      title: b.title, description: b.description ?? '', org: resourceOf<OrgUnit>(request, 'org'), ruleCode: b.ruleCode ?? null, category: b.category ?? null,
      ownerId: b.ownerId, plan: b.plan ?? '', deadline: b.deadline === undefined ? null : new Date(b.deadline), links: b.links ?? [],
    });
    void reply.code(201);
    return view(created);
  });

  app.get('/api/problems/:id', {
    config: { access: { permission: 'workorder.read', resources: problemResource } },
    schema: { tags: ['problems'], summary: 'One problem with its updates and links', params: IdParam, response: { 200: ProblemView, ...errorResponses } },
  }, (request) => Promise.resolve(view(resourceOf<Problem>(request, 'problem'))));

  app.post('/api/problems/:id/actions', {
    config: { access: { permission: 'workorder.act', resources: problemResource } },
    schema: { tags: ['problems'], summary: 'Update progress, resolve, verify (proposer), reject (proposer) or link', params: IdParam, body: Command, response: { 200: ProblemView, ...errorResponses } },
  }, async (request) => {
    const principal = principalOf(request);
    return view(await problems.act(actionContext(request, clock), principal.id, resourceOf<Problem>(request, 'problem'), request.body as ProblemCommand));
  });

  app.get('/api/knowledge', {
    config: { access: { permission: 'workorder.read' } },
    schema: {
      tags: ['problems'], summary: 'Search the knowledge base (every word must appear in the title or text)',
      querystring: Type.Object({ q: Type.String({ minLength: 1, maxLength: 200 }), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(ArticleView) }), ...errorResponses },
    },
  }, async (request) => {
    const q = request.query as { q: string; limit?: number };
    const items = await problems.search(scopeOf(request, 'workorder.read'), q.q, q.limit ?? 20);
    return { items: items.map((a) => ({ id: a.id, problemId: a.problemId, title: a.title, body: a.body, ruleCode: a.ruleCode, orgUnit: a.orgUnit, createdAt: a.createdAt.toISOString() })) };
  });
}

export function createProblemsModule(deps: { clock: Clock; problems: ProblemsService }): AppModule {
  return {
    name: 'problems',
    resolvers: {
      problem: async (id) => {
        const problem = /^\d{1,18}$/.test(id) ? await deps.problems.find(Number(id)) : null;
        return problem ? { orgPath: problem.orgPath, value: problem } : null;
      },
    },
    register: (app) => {
      registerProblemRoutes(app, deps);
    },
  };
}
