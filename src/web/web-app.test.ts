import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestDb, type TestDb } from '../../test/support/test-db.ts';
import { createApp } from '../app.ts';
import { buildServices } from '../main.ts';
import { createFakeClock } from '../shared/index.ts';
import { registerWebApp } from './web-app.ts';

let t: TestDb;
let app: FastifyInstance;
let dir: string;
let distDir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'yj-web-'));
  distDir = join(dir, 'dist');
  mkdirSync(join(distDir, 'assets'), { recursive: true });
  writeFileSync(join(distDir, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(distDir, 'assets', 'index-abc123.js'), 'console.log("app")');
  writeFileSync(join(distDir, '.build-stamp.json'), '{"sourceMtimeMs":1}');
  writeFileSync(join(dir, 'secret.txt'), 'outside the bundle');
  t = await createTestDb();
  const services = buildServices(t.db, { sessionIdleMinutes: 30, sessionMaxHours: 12 });
  // Registered as a domain module: the access check sees its route like any other.
  app = await createApp({
    config: { bodyLimitBytes: 1024 * 1024, cookieSecure: false, sessionMaxHours: 12 }, db: t.db, clock: createFakeClock('2026-11-23T08:00:00+08:00'), ...services,
    modules: [{ name: 'web', register: (instance) => registerWebApp(instance, { distDir }) }],
  });
  await app.ready();
});

afterAll(async () => {
  await app.close();
  await t.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('registerWebApp', () => {
  it('answers the console for the root and for history-mode paths, never cached', async () => {
    for (const url of ['/', '/admin/users', '/screen?rotate=0', '/orgs/DEPT-A']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toContain('<title>console</title>');
    }
  });

  it('serves hashed assets with a year-long immutable cache', async () => {
    const res = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.body).toBe('console.log("app")');
  });

  it('keeps unknown API paths a JSON 404 and API routes behind their access rules', async () => {
    const missing = await app.inject({ method: 'GET', url: '/api/no-such-thing' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'ROUTE_NOT_FOUND' } });
    const orgs = await app.inject({ method: 'GET', url: '/api/orgs' });
    expect(orgs.statusCode).toBe(401);
  });

  it('never serves dot files or files outside the bundle', async () => {
    for (const url of ['/.build-stamp.json', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.body, url).not.toContain('outside the bundle');
      expect(res.body, url).not.toContain('sourceMtimeMs');
    }
  });

  it('registers its one route as public, so the access check accepts it', () => {
    expect(app.registeredRoutes.filter((r) => r.url === '/*')).toEqual([{ method: 'GET', url: '/*', access: { public: true }, bodySchema: undefined }]);
  });
});
