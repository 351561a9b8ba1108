import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../test/support/test-app.ts';
import { testBackend } from '../../test/support/test-db.ts';

describe(`HTTP edge behaviour on ${testBackend}`, () => {
  let ta: TestApp;
  let admin: Client;
  beforeAll(async () => {
    ta = await createTestApp();
    admin = await ta.signIn('admin');
  });
  afterAll(async () => ta.close());

  const post = (payload: string, contentType = 'application/json') =>
    admin.request({ method: 'POST', url: '/api/orgs', payload, headers: { 'content-type': contentType } });

  it.each([
    ['malformed JSON', '{"code": "X', 'application/json', 400, 'BODY_MALFORMED_JSON', undefined],
    ['an unknown field', JSON.stringify({ code: 'X2', name: 'n', kind: 'department', parentCode: 'H1', colour: 'red' }), 'application/json', 400, 'VALIDATION_FAILED', '/body/colour'],
    ['a wrong type', JSON.stringify({ code: 'X2', name: 42, kind: 'department', parentCode: 'H1' }), 'application/json', 400, 'VALIDATION_FAILED', '/body/name'],
    ['a missing field', JSON.stringify({ code: 'X2', kind: 'department', parentCode: 'H1' }), 'application/json', 400, 'VALIDATION_FAILED', '/body/name'],
    ['a wrong enum value', JSON.stringify({ code: 'X2', name: 'n', kind: 'ward', parentCode: 'H1' }), 'application/json', 400, 'VALIDATION_FAILED', '/body/kind'],
    ['an unsupported content type', 'code=X2', 'application/x-www-form-urlencoded', 415, 'UNSUPPORTED_MEDIA_TYPE', undefined],
    ['a body over the limit', JSON.stringify({ code: 'X2', name: 'n'.repeat(9 * 1024 * 1024), kind: 'department', parentCode: 'H1' }), 'application/json', 413, 'BODY_TOO_LARGE', undefined],
  ])('answers %s with %i %s and the place', async (_what, payload, contentType, status, code, field) => {
    const res = await post(payload, contentType);
    expect(res.statusCode).toBe(status);
    const body = res.json<{ error: { code: string; message: string; details: { field?: string } } }>();
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(5);
    if (field !== undefined) expect(body.error.details.field).toBe(field);
  });

  it('answers an unknown route with a coded 404', async () => {
    const res = await admin.request({ method: 'GET', url: '/api/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: 'ROUTE_NOT_FOUND' } });
  });

  it('answers a malformed path parameter with 400, not 500', async () => {
    const res = await admin.request({ method: 'GET', url: '/api/users/not-a-number' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
  });

  it('serves health, readiness and the OpenAPI document with every route', async () => {
    expect((await ta.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await ta.app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ready' });
    const doc = (await ta.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(doc.openapi).toBe('3.0.3');
    for (const route of ta.app.registeredRoutes.filter((r) => r.url.startsWith('/api/') && !r.url.startsWith('/api/docs') && r.url !== '/api/openapi.json')) {
      const path = route.url.replace(/:(\w+)/g, '{$1}');
      expect(doc.paths, path).toHaveProperty([path]);
    }
    expect((await ta.app.inject({ method: 'GET', url: '/api/docs/' })).statusCode).toBe(200);
  });

  it('reports not-ready when storage is unreachable', async () => {
    const broken = { ...ta.t.db, query: () => Promise.reject(new Error('connection refused')) };
    const { registerHealthRoutes } = await import('./health.routes.ts');
    const Fastify = (await import('fastify')).default;
    const app = Fastify();
    app.setErrorHandler((error, _req, reply) => reply.code(503).send({ error: { code: (error as { code?: string }).code } }));
    registerHealthRoutes(app, { db: broken });
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ error: { code: 'SERVICE_UNAVAILABLE' } });
  });
});
