import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../test/support/test-app.ts';
import { probeBody } from '../../test/support/probe-body.ts';
import { testBackend } from '../../test/support/test-db.ts';
import { backupTables } from '../backup/index.ts';
import type { RegisteredRoute } from './access.ts';

/**
 * Enumerates every registered route and proves that liaison.a (department A) can neither read
 * nor change anything of department B, and that an anonymous request gets 401.
 */
describe(`scope enforcement over every route on ${testBackend}`, () => {
  let ta: TestApp;
  let liaisonA: Client;
  let bIds: { userId: number; grantId: number; tokenId: number };
  let bSourceId = 0;
  // Strings that identify department B's data: none may appear in a response to liaison.a.
  const bMarkers = ['DEPT-B', '儿科', 'Paediatrics', 'liaison.b', 'B-feed'];

  async function snapshot(): Promise<string> {
    // Every table but the ones a refused request legitimately touches (sessions' last-seen time).
    const tables = (await backupTables(ta.t.db)).map((t) => t.name).filter((name) => name !== 'user_session');
    const parts: string[] = [];
    for (const table of tables) {
      const r = await ta.t.db.query<{ j: string }>(`SELECT row_to_json(t)::text AS j FROM "${table}" t ORDER BY 1`);
      parts.push(...r.rows.map((row) => row.j));
    }
    return parts.join('\n');
  }

  beforeAll(async () => {
    ta = await createTestApp({ fullRuntime: true });
    const admin = await ta.signIn('admin');
    const token = await admin.request({ method: 'POST', url: '/api/tokens', payload: { name: 'B-feed', role: 'source', orgUnit: 'DEPT-B' } });
    expect(token.statusCode).toBe(201);
    const source = await admin.request({ method: 'POST', url: '/api/sources', payload: { name: 'B-feed HIS', orgUnit: 'DEPT-B', allowedTypes: ['visit'] } });
    expect(source.statusCode).toBe(201);
    bSourceId = source.json<{ source: { id: number } }>().source.id;
    const userB = await ta.services.accounts.findUserByUsername('liaison.b');
    const grants = await ta.services.accounts.toPublic(userB!, ta.clock.now());
    bIds = { userId: userB!.id, grantId: grants.grants[0]!.id, tokenId: token.json<{ token: { id: number } }>().token.id };
    liaisonA = await ta.signIn('liaison.a');
  });
  afterAll(async () => ta.close());

  /** Department B's resource for each parameter; a resource B has none of yet gets an id nobody has. */
  function idFor(url: string): string {
    if (url.startsWith('/api/tokens')) return String(bIds.tokenId);
    if (url.startsWith('/api/users')) return String(bIds.userId);
    if (url.startsWith('/api/sources')) return String(bSourceId);
    return '999999';
  }

  function urlFor(route: RegisteredRoute): string {
    const query = route.querySchema ? probeBody(route.querySchema, 'DEPT-B') as Record<string, unknown> : {};
    const search = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== null).map(([k, v]): [string, string] => [k, String(v)])).toString();
    return route.url
      .replace(':code', route.url.startsWith('/api/orgs') ? 'DEPT-B' : 'no_such_code')
      .replace(':grantId', String(bIds.grantId))
      .replace(':year', '2026')
      .replace(':org', 'DEPT-B')
      .replace(/:id\b/, idFor(route.url))
      .replace(/:(\w+)/g, '999999')
      .replace('*', '') + (search === '' ? '' : `?${search}`);
  }

  const scoped = () => ta.app.registeredRoutes.filter((r) => !('public' in r.access));

  it('registers a meaningful number of routes, each with an access rule', () => {
    expect(scoped().length).toBeGreaterThan(15);
  });

  it('answers 401 to an anonymous request on every non-public route', async () => {
    for (const route of scoped()) {
      const res = await ta.app.inject({ method: route.method as 'GET', url: urlFor(route), payload: route.bodySchema ? (probeBody(route.bodySchema, 'DEPT-B') as object) : undefined });
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(401);
    }
  });

  it('gives liaison.a no data of department B and changes nothing of it, on every route', async () => {
    const before = await snapshot();
    let checked = 0;
    for (const route of scoped()) {
      if ('signedIn' in route.access) continue; // one's own session and password: no org data
      const res = await liaisonA.request({
        method: route.method as InjectOptions['method'], url: urlFor(route),
        ...(route.bodySchema ? { payload: probeBody(route.bodySchema, 'DEPT-B') as object } : {}),
      });
      const where = `${route.method} ${route.url} → ${res.statusCode} ${res.body.slice(0, 200)}`;
      if (res.statusCode === 200) {
        // Only list routes in the liaison's own scope may answer, and never with B's data.
        expect(route.url.includes(':'), where).toBe(false);
        for (const marker of bMarkers) expect(res.body, where).not.toContain(marker);
      } else if (res.statusCode === 400 && (route.bodySchema !== undefined || route.querySchema !== undefined)) {
        // A probe body or query a route's own validation refuses changes and discloses nothing either (checked below).
        expect(res.json<{ error: { code: string } }>().error.code, where).toMatch(/VALIDATION|INVALID/);
      } else if (res.statusCode === 415 && route.bodySchema === undefined && route.method === 'POST') {
        // A file upload (no JSON body) sent without its file changes nothing either.
        expect(res.json<{ error: { code: string } }>().error.code, where).toBe('UNSUPPORTED_MEDIA_TYPE');
      } else {
        expect([403, 404], where).toContain(res.statusCode);
        for (const marker of bMarkers.slice(1)) expect(res.body, where).not.toContain(marker);
      }
      checked += 1;
    }
    expect(checked).toBeGreaterThan(10);
    expect(await snapshot()).toBe(before);
  });

  it('lets liaison.a read their own department (the probe can succeed)', async () => {
    const own = await liaisonA.request({ method: 'GET', url: '/api/orgs/DEPT-A' });
    expect(own.statusCode).toBe(200);
    expect(own.json<{ org: { code: string } }>().org.code).toBe('DEPT-A');
    const list = await liaisonA.request({ method: 'GET', url: '/api/orgs' });
    expect(list.json<{ items: { code: string }[] }>().items.map((o) => o.code)).toEqual(['DEPT-A']);
  });
});
