import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/test-app.ts';
import { testBackend } from '../../test/support/test-db.ts';

describe(`security headers on every response on ${testBackend}`, () => {
  let ta: TestApp;
  beforeAll(async () => {
    ta = await createTestApp();
  });
  afterAll(async () => ta.close());

  it.each([
    ['a public answer', 'GET', '/api/openapi.json', 200],
    ['a refusal', 'GET', '/api/orgs', 401],
    ['an unknown route', 'GET', '/no/such/page', 404],
    ['a malformed body', 'POST', '/api/auth/login', 400],
  ] as const)('%s', async (_name, method, url, status) => {
    const res = await ta.app.inject({ method, url, ...(method === 'POST' ? { payload: '{', headers: { 'content-type': 'application/json' } } : {}) });
    expect(res.statusCode).toBe(status);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });
});
