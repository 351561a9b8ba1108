import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/test-app.ts';
import { probeBody } from '../../test/support/probe-body.ts';
import { testBackend } from '../../test/support/test-db.ts';
import { roleHas } from '../auth/index.ts';
import { systemContext } from '../cli/bootstrap.ts';

/**
 * Walks the route table with a source's ingest token (role `source`, granted on the whole group,
 * so nothing is out of sight): every route whose permission the source role lacks answers 403,
 * whether its resources are named, optional or absent. An optional resource must not open a
 * route to a principal that holds its permission nowhere.
 */
describe(`every route checks its permission on ${testBackend}`, () => {
  let ta: TestApp;
  let token = '';

  beforeAll(async () => {
    ta = await createTestApp({ fullRuntime: true });
    const group = await ta.services.orgs.require('GROUP');
    token = (await ta.services.accounts.createToken(systemContext(ta.clock.now()), { name: 'feed', role: 'source', orgUnitId: group.id, expiresAt: null, createdBy: null })).secret;
  });
  afterAll(async () => ta.close());

  it('declares an access rule on every route', () => {
    const routes = ta.app.registeredRoutes.filter((r) => r.url.startsWith('/api/'));
    expect(routes.length).toBeGreaterThan(50);
    for (const route of routes) expect(route.access, `${route.method} ${route.url}`).toBeDefined();
  });

  it('refuses a source token with 403 on every route whose permission it does not hold', async () => {
    const routes = ta.app.registeredRoutes.filter((r) => 'permission' in r.access && !roleHas('source', r.access.permission));
    expect(routes.length).toBeGreaterThan(50);
    const opened: string[] = [];
    for (const route of routes) {
      const res = await ta.app.inject({
        method: route.method as 'GET',
        url: route.url.replace(/:(\w+)/g, '1').replace('*', ''),
        headers: { authorization: `Bearer ${token}` },
        ...(route.bodySchema ? { payload: probeBody(route.bodySchema, 'GROUP') as object } : {}),
      });
      if (res.statusCode !== 403) opened.push(`${route.method} ${route.url} → ${res.statusCode}`);
    }
    expect(opened).toEqual([]);
  });
});
