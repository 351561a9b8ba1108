import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { orgKinds, type OrgsService, type OrgUnit } from '../orgs/index.ts';
import type { Clock } from '../shared/index.ts';
import { actionContext, resourceOf, scopeOf, type ResourceResolver } from './access.ts';
import { Body, Code, CodeParam, errorResponses, Nullable } from './schemas.ts';

const OrgView = Type.Object({
  code: Type.String(), name: Type.String(), nameEn: Nullable(Type.String()), kind: Type.String(), channel: Nullable(Type.String()),
  parentCode: Nullable(Type.String()), active: Type.Boolean(), depth: Type.Integer(),
});

export function orgResolvers(orgs: OrgsService): Record<string, ResourceResolver> {
  return {
    org: async (code) => {
      const org = await orgs.findByCode(code);
      return org ? { orgPath: org.path, value: org } : null;
    },
    // Installation-wide settings belong to the root of the tree: only grants on the whole group reach them.
    installation: async () => {
      const root = (await orgs.listRoots())[0];
      return root ? { orgPath: root.path, value: root } : null;
    },
  };
}

export function registerOrgRoutes(app: FastifyInstance, deps: { orgs: OrgsService; clock: Clock }) {
  const { orgs, clock } = deps;

  async function view(list: readonly OrgUnit[]) {
    const parentIds = [...new Set(list.map((o) => o.parentId).filter((id): id is number => id !== null))];
    const known = new Map(list.map((o) => [o.id, o.code]));
    const missing = parentIds.filter((id) => !known.has(id));
    for (const parent of await orgs.listByIds(missing)) known.set(parent.id, parent.code);
    return list.map((o) => ({
      code: o.code, name: o.name, nameEn: o.nameEn, kind: o.kind, channel: o.channel, active: o.active,
      parentCode: o.parentId === null ? null : (known.get(o.parentId) ?? null),
      depth: o.path.split('/').length - 3,
    }));
  }

  app.get('/api/orgs', {
    config: { access: { permission: 'org.read' } },
    schema: {
      tags: ['orgs'], summary: 'Org units in the caller’s scope, in tree order',
      querystring: Type.Object({ includeInactive: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(OrgView) }), ...errorResponses },
    },
  }, async (request) => {
    const { includeInactive } = request.query as { includeInactive?: boolean };
    const out: OrgUnit[] = [];
    for (const path of scopeOf(request, 'org.read')) {
      const id = Number(path.split('/').filter((s) => s !== '').at(-1));
      const root = await orgs.findById(id);
      if (root) out.push(...(await orgs.listSubtree(root, includeInactive === true)));
    }
    return { items: await view(out) };
  });

  app.get('/api/orgs/:code', {
    config: { access: { permission: 'org.read', resources: [{ kind: 'org', from: 'params', field: 'code' }] } },
    schema: {
      tags: ['orgs'], summary: 'One org unit with its path from the root', params: CodeParam,
      response: { 200: Type.Object({ org: OrgView, path: Type.Array(OrgView) }), ...errorResponses },
    },
  }, async (request) => {
    const org = resourceOf<OrgUnit>(request, 'org');
    const path = await orgs.pathOf(org);
    const [one] = await view([org]);
    return { org: one, path: await view(path) };
  });

  app.get('/api/orgs/:code/subtree', {
    config: { access: { permission: 'org.read', resources: [{ kind: 'org', from: 'params', field: 'code' }] } },
    schema: {
      tags: ['orgs'], summary: 'The subtree under an org unit', params: CodeParam,
      querystring: Type.Object({ includeInactive: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(OrgView) }), ...errorResponses },
    },
  }, async (request) => {
    const { includeInactive } = request.query as { includeInactive?: boolean };
    return { items: await view(await orgs.listSubtree(resourceOf<OrgUnit>(request, 'org'), includeInactive === true)) };
  });

  app.post('/api/orgs', {
    config: { access: { permission: 'org.manage', resources: [{ kind: 'org', from: 'body', field: 'parentCode', as: 'parent' }] } },
    schema: {
      tags: ['orgs'], summary: 'Create an org unit under a parent',
      body: Body({
        code: Code, name: Type.String({ minLength: 1, maxLength: 200 }), nameEn: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
        kind: Type.Union(orgKinds.filter((k) => k !== 'group').map((k) => Type.Literal(k))),
        channel: Type.Optional(Nullable(Type.Union([Type.Literal('online'), Type.Literal('offline')]))),
        parentCode: Code,
      }),
      response: { 201: OrgView, ...errorResponses },
    },
  }, async (request, reply) => {
    const org = await orgs.create(actionContext(request, clock), request.body as Parameters<OrgsService['create']>[1]);
    void reply.code(201);
    return (await view([org]))[0];
  });

  app.patch('/api/orgs/:code', {
    config: { access: { permission: 'org.manage', resources: [{ kind: 'org', from: 'params', field: 'code' }] } },
    schema: {
      tags: ['orgs'], summary: 'Rename an org unit (its code never changes)', params: CodeParam,
      body: Body({ name: Type.String({ minLength: 1, maxLength: 200 }), nameEn: Type.Optional(Nullable(Type.String({ maxLength: 200 }))) }),
      response: { 200: OrgView, ...errorResponses },
    },
  }, async (request) => {
    const org = resourceOf<OrgUnit>(request, 'org');
    const renamed = await orgs.rename(actionContext(request, clock), org.code, request.body as { name: string; nameEn?: string | null });
    return (await view([renamed]))[0];
  });

  app.post('/api/orgs/:code/move', {
    config: {
      access: {
        permission: 'org.manage',
        resources: [{ kind: 'org', from: 'params', field: 'code' }, { kind: 'org', from: 'body', field: 'parentCode', as: 'parent' }],
      },
    },
    schema: {
      tags: ['orgs'], summary: 'Move an org unit (and its subtree) under another parent', params: CodeParam,
      body: Body({ parentCode: Code }), response: { 200: OrgView, ...errorResponses },
    },
  }, async (request) => {
    const org = resourceOf<OrgUnit>(request, 'org');
    const parent = resourceOf<OrgUnit>(request, 'parent');
    return (await view([await orgs.move(actionContext(request, clock), org.code, parent.code)]))[0];
  });

  for (const [verb, active] of [['deactivate', false], ['reactivate', true]] as const) {
    app.post(`/api/orgs/:code/${verb}`, {
      config: { access: { permission: 'org.manage', resources: [{ kind: 'org', from: 'params', field: 'code' }] } },
      schema: { tags: ['orgs'], summary: `${verb === 'deactivate' ? 'Deactivate' : 'Reactivate'} an org unit`, params: CodeParam, response: { 200: OrgView, ...errorResponses } },
    }, async (request) => {
      const org = resourceOf<OrgUnit>(request, 'org');
      return (await view([await orgs.setActive(actionContext(request, clock), org.code, active)]))[0];
    });
  }
}
