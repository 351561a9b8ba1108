import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AccountsService, TokenRecord } from '../auth/index.ts';
import type { OrgUnit } from '../orgs/index.ts';
import type { Clock } from '../shared/index.ts';
import { actionContext, principalOf, resourceOf, scopeOf, type ResourceResolver } from './access.ts';
import { Body, Code, DateTime, errorResponses, IdParam, Nullable } from './schemas.ts';

const TokenView = Type.Object({
  id: Type.Integer(), name: Type.String(), prefix: Type.String(), role: Type.String(), orgUnit: Type.String(),
  createdAt: Type.String(), expiresAt: Nullable(Type.String()), revokedAt: Nullable(Type.String()), lastUsedAt: Nullable(Type.String()),
});

function view(t: TokenRecord) {
  return {
    id: t.id, name: t.name, prefix: t.tokenPrefix, role: t.role, orgUnit: t.orgCode, createdAt: t.createdAt.toISOString(),
    expiresAt: t.expiresAt?.toISOString() ?? null, revokedAt: t.revokedAt?.toISOString() ?? null, lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  };
}

export function tokenResolvers(accounts: AccountsService): Record<string, ResourceResolver> {
  return {
    token: async (id) => {
      const token = Number.isInteger(Number(id)) ? await accounts.findToken(Number(id)) : null;
      return token ? { orgPath: token.orgPath, value: token } : null;
    },
  };
}

export function registerTokenRoutes(app: FastifyInstance, deps: { accounts: AccountsService; clock: Clock }) {
  const { accounts, clock } = deps;

  app.get('/api/tokens', {
    config: { access: { permission: 'token.manage' } },
    schema: { tags: ['tokens'], summary: 'API tokens in the caller’s scope (never their secrets)', response: { 200: Type.Object({ items: Type.Array(TokenView) }), ...errorResponses } },
  }, async (request) => ({ items: (await accounts.listTokens(scopeOf(request, 'token.manage'))).map(view) }));

  app.post('/api/tokens', {
    config: { access: { permission: 'token.manage', resources: [{ kind: 'org', from: 'body', field: 'orgUnit' }] } },
    schema: {
      tags: ['tokens'], summary: 'Create an API token; the secret is in this response only',
      body: Body({
        name: Type.String({ minLength: 1, maxLength: 200 }),
        role: Type.Union([Type.Literal('source'), Type.Literal('analyst'), Type.Literal('executive'), Type.Literal('admin')]),
        orgUnit: Code, expiresAt: Type.Optional(Nullable(DateTime)),
      }),
      response: { 201: Type.Object({ token: TokenView, secret: Type.String() }), ...errorResponses },
    },
  }, async (request, reply) => {
    const body = request.body as { name: string; role: 'source' | 'analyst' | 'executive' | 'admin'; expiresAt?: string | null };
    const org = resourceOf<OrgUnit>(request, 'org');
    const principal = principalOf(request);
    const created = await accounts.createToken(actionContext(request, clock), {
      name: body.name, role: body.role, orgUnitId: org.id, expiresAt: body.expiresAt ? new Date(body.expiresAt) : null,
      createdBy: principal.kind === 'user' ? principal.id : null,
    });
    void reply.code(201);
    return { token: view(created.token), secret: created.secret };
  });

  app.delete('/api/tokens/:id', {
    config: { access: { permission: 'token.manage', resources: [{ kind: 'token', from: 'params', field: 'id' }] } },
    schema: { tags: ['tokens'], summary: 'Revoke a token (kept for the record)', params: IdParam, response: { 200: TokenView, ...errorResponses } },
  }, async (request) => {
    const token = resourceOf<TokenRecord>(request, 'token');
    await accounts.revokeToken(actionContext(request, clock), token);
    const after = await accounts.findToken(token.id);
    return view(after ?? token);
  });
}
