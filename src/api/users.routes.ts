import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { userRoles, type AccountsService, type AuthService, type GrantRecord, type UserRecord } from '../auth/index.ts';
import type { OrgUnit } from '../orgs/index.ts';
import type { Clock } from '../shared/index.ts';
import { actionContext, resourceOf, scopeOf, type ResourceResolver } from './access.ts';
import { Body, Code, errorResponses, IdParam, Nullable } from './schemas.ts';

const UserView = Type.Object({
  id: Type.Integer(), username: Type.String(), displayName: Type.String(), email: Nullable(Type.String()), orgUnit: Type.String(),
  disabled: Type.Boolean(), locked: Type.Boolean(), mustChangePassword: Type.Boolean(), lastLoginAt: Nullable(Type.String()),
  grants: Type.Array(Type.Object({ id: Type.Integer(), role: Type.String(), orgUnit: Type.String() })),
});
const Role = Type.Union(userRoles.map((r) => Type.Literal(r)));
const userResource = [{ kind: 'user', from: 'params', field: 'id' }] as const;

export function userResolvers(accounts: AccountsService): Record<string, ResourceResolver> {
  return {
    user: async (id) => {
      const user = Number.isInteger(Number(id)) ? await accounts.requireUser(Number(id)).catch(() => null) : null;
      if (!user) return null;
      // Managing a user is managing what their grants reach, not just their home unit: an admin of a
      // hospital must not reset the password of a group-wide admin who happens to be homed there.
      const grants = await accounts.grantsOf(user.id);
      return { orgPath: user.orgPath, governedPaths: grants.map((g) => g.orgPath), value: user };
    },
    grant: async (id) => {
      const grant = Number.isInteger(Number(id)) ? await accounts.findGrant(Number(id)) : null;
      return grant ? { orgPath: grant.orgPath, value: grant } : null;
    },
  };
}

export function registerUserRoutes(app: FastifyInstance, deps: { accounts: AccountsService; auth: AuthService; clock: Clock }) {
  const { accounts, auth, clock } = deps;
  const show = (user: UserRecord) => accounts.toPublic(user, clock.now());

  app.get('/api/users', {
    config: { access: { permission: 'user.read' } },
    schema: { tags: ['users'], summary: 'Users whose home org unit is in the caller’s scope', response: { 200: Type.Object({ items: Type.Array(UserView) }), ...errorResponses } },
  }, async (request) => ({ items: await Promise.all((await accounts.listUsers(scopeOf(request, 'user.read'))).map(show)) }));

  app.get('/api/users/:id', {
    config: { access: { permission: 'user.read', resources: userResource } },
    schema: { tags: ['users'], summary: 'One user with grants', params: IdParam, response: { 200: UserView, ...errorResponses } },
  }, (request) => show(resourceOf<UserRecord>(request, 'user')));

  app.post('/api/users', {
    config: { access: { permission: 'user.manage', resources: [{ kind: 'org', from: 'body', field: 'orgUnit' }] } },
    schema: {
      tags: ['users'], summary: 'Create a user; they must change the initial password at first login',
      body: Body({
        username: Type.String({ pattern: '^[a-z0-9][a-z0-9_.@-]{1,63}$' }), displayName: Type.String({ minLength: 1, maxLength: 200 }),
        email: Type.Optional(Nullable(Type.String({ format: 'email', maxLength: 320 }))), orgUnit: Code,
        initialPassword: Type.String({ minLength: 1, maxLength: 256 }),
      }),
      response: { 201: UserView, ...errorResponses },
    },
  }, async (request, reply) => {
    const body = request.body as { username: string; displayName: string; email?: string | null; initialPassword: string };
    const org = resourceOf<OrgUnit>(request, 'org');
    const user = await accounts.createUser(actionContext(request, clock), { ...body, orgUnitId: org.id });
    void reply.code(201);
    return show(user);
  });

  app.patch('/api/users/:id', {
    config: { access: { permission: 'user.manage', resources: userResource } },
    schema: {
      tags: ['users'], summary: 'Change a user’s display name or e-mail', params: IdParam,
      body: Body({ displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), email: Type.Optional(Nullable(Type.String({ format: 'email', maxLength: 320 }))) }),
      response: { 200: UserView, ...errorResponses },
    },
  }, async (request) => show(await accounts.updateUser(actionContext(request, clock), resourceOf<UserRecord>(request, 'user').id, request.body as { displayName?: string })));

  const actions = [
    ['disable', 'Disable a departed user (never deleted; sessions end)', (id: number, ctx: ReturnType<typeof actionContext>) => accounts.setDisabled(ctx, id, true)],
    ['enable', 'Enable a disabled user again', (id: number, ctx: ReturnType<typeof actionContext>) => accounts.setDisabled(ctx, id, false)],
    ['unlock', 'Unlock a user locked out by failed logins', (id: number, ctx: ReturnType<typeof actionContext>) => accounts.unlock(ctx, id)],
  ] as const;
  for (const [verb, summary, act] of actions) {
    app.post(`/api/users/:id/${verb}`, {
      config: { access: { permission: 'user.manage', resources: userResource } },
      schema: { tags: ['users'], summary, params: IdParam, response: { 200: UserView, ...errorResponses } },
    }, async (request) => show(await act(resourceOf<UserRecord>(request, 'user').id, actionContext(request, clock))));
  }

  app.post('/api/users/:id/reset-password', {
    config: { access: { permission: 'user.manage', resources: userResource } },
    schema: {
      tags: ['users'], summary: 'Set a new initial password; the user must change it at next login', params: IdParam,
      body: Body({ newPassword: Type.String({ minLength: 1, maxLength: 256 }) }), response: { 200: UserView, ...errorResponses },
    },
  }, async (request) => {
    const user = resourceOf<UserRecord>(request, 'user');
    await auth.resetPassword(actionContext(request, clock), user.id, (request.body as { newPassword: string }).newPassword);
    return show(await accounts.requireUser(user.id));
  });

  app.post('/api/users/:id/grants', {
    config: { access: { permission: 'user.manage', resources: [...userResource, { kind: 'org', from: 'body', field: 'orgUnit' }] } },
    schema: {
      tags: ['users'], summary: 'Grant a role over an org subtree', params: IdParam,
      body: Body({ role: Role, orgUnit: Code }), response: { 200: UserView, ...errorResponses },
    },
  }, async (request) => {
    const user = resourceOf<UserRecord>(request, 'user');
    const org = resourceOf<OrgUnit>(request, 'org');
    await accounts.grant(actionContext(request, clock), user.id, (request.body as { role: (typeof userRoles)[number] }).role, org);
    return show(await accounts.requireUser(user.id));
  });

  app.delete('/api/users/:id/grants/:grantId', {
    config: { access: { permission: 'user.manage', resources: [...userResource, { kind: 'grant', from: 'params', field: 'grantId' }] } },
    schema: {
      tags: ['users'], summary: 'Revoke a grant',
      params: Type.Object({ id: Type.Integer({ minimum: 1 }), grantId: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
      response: { 200: UserView, ...errorResponses },
    },
  }, async (request) => {
    const user = resourceOf<UserRecord>(request, 'user');
    const grant = resourceOf<GrantRecord>(request, 'grant');
    if (grant.userId !== user.id) return show(user);
    await accounts.revokeGrant(actionContext(request, clock), grant);
    return show(await accounts.requireUser(user.id));
  });
}
