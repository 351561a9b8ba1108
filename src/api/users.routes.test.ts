import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '../cli/bootstrap.ts';
import { createTestApp, testPassword, type Client, type TestApp } from '../../test/support/test-app.ts';
import { testBackend } from '../../test/support/test-db.ts';

/**
 * Which users an administrator may manage is decided by what those users can do (their grants),
 * not by where they are homed: an admin of DEPT-A must not take over a group-wide admin homed in
 * DEPT-A by resetting their password, disabling them or editing their grants.
 */
describe(`user management is bounded by the managed user's grants on ${testBackend}`, () => {
  let ta: TestApp;
  let scopedAdmin: Client;
  let victimId: number;
  let victimGrantId: number;
  let peerId: number;

  beforeAll(async () => {
    ta = await createTestApp();
    const ctx = systemContext(ta.clock.now());
    const deptA = await ta.services.orgs.require('DEPT-A');
    const group = await ta.services.orgs.require('GROUP');
    // Homed in DEPT-A, but an administrator of the whole group.
    const victim = await ta.services.accounts.createUser(ctx, { username: 'group.admin.home.a', displayName: 'Group admin', orgUnitId: deptA.id, initialPassword: testPassword });
    await ta.services.accounts.grant(ctx, victim.id, 'admin', group);
    await ta.services.accounts.grant(ctx, victim.id, 'liaison', deptA);
    victimId = victim.id;
    victimGrantId = (await ta.services.accounts.grantsOf(victim.id)).find((g) => g.role === 'liaison')!.id;
    // Homed in DEPT-A with a grant inside DEPT-A only: the scoped admin's to manage.
    const peer = await ta.services.accounts.createUser(ctx, { username: 'peer.a', displayName: 'Peer', orgUnitId: deptA.id, initialPassword: testPassword });
    await ta.services.accounts.grant(ctx, peer.id, 'liaison', deptA);
    peerId = peer.id;
    scopedAdmin = await ta.signIn('admin.a');
  });
  afterAll(async () => ta.close());

  // A valid request per user-management route, so that only the access decision can refuse it.
  const requests: Record<string, (userId: number) => { payload?: object; grantId?: number }> = {
    'PATCH /api/users/:id': () => ({ payload: { displayName: 'taken over' } }),
    'POST /api/users/:id/disable': () => ({}),
    'POST /api/users/:id/enable': () => ({}),
    'POST /api/users/:id/unlock': () => ({}),
    'POST /api/users/:id/reset-password': () => ({ payload: { newPassword: 'Takeover2026pass' } }),
    'POST /api/users/:id/grants': () => ({ payload: { role: 'liaison', orgUnit: 'DEPT-A' } }),
    'DELETE /api/users/:id/grants/:grantId': (userId) => ({ grantId: userId === victimId ? victimGrantId : -1 }),
  };

  function userManagementRoutes() {
    return ta.app.registeredRoutes.filter((r) => r.method !== 'GET' && 'permission' in r.access && (r.access.resources ?? []).some((ref) => ref.kind === 'user'));
  }

  it('knows a valid request for every route that changes a user', () => {
    const routes = userManagementRoutes().map((r) => `${r.method} ${r.url}`);
    expect(routes.length).toBeGreaterThanOrEqual(7);
    expect(routes.filter((r) => !(r in requests))).toEqual([]);
  });

  it('refuses every user-management route on a user whose grants reach beyond the admin, and changes nothing', async () => {
    const before = await ta.services.accounts.requireUser(victimId);
    const grantsBefore = await ta.services.accounts.grantsOf(victimId);
    for (const route of userManagementRoutes()) {
      const spec = requests[`${route.method} ${route.url}`]!(victimId);
      const url = route.url.replace(':id', String(victimId)).replace(':grantId', String(spec.grantId ?? 0));
      const res = await scopedAdmin.request({ method: route.method as InjectOptions['method'], url, ...(spec.payload ? { payload: spec.payload } : {}) });
      expect({ route: `${route.method} ${route.url}`, status: res.statusCode }).toEqual({ route: `${route.method} ${route.url}`, status: 403 });
      expect(res.json()).toMatchObject({ error: { code: 'AUTH_FORBIDDEN' } });
    }
    const after = await ta.services.accounts.requireUser(victimId);
    expect(after).toEqual(before);
    expect(await ta.services.accounts.grantsOf(victimId)).toEqual(grantsBefore);
    // The victim's own password still works and the scoped admin's reset did not take.
    const login = await ta.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'group.admin.home.a', password: testPassword } });
    expect(login.statusCode).toBe(200);
  });

  it('still lets the admin read that user and manage users whose grants lie inside their scope', async () => {
    expect((await scopedAdmin.request({ method: 'GET', url: `/api/users/${victimId}` })).statusCode).toBe(200);
    const reset = await scopedAdmin.request({ method: 'POST', url: `/api/users/${peerId}/reset-password`, payload: { newPassword: 'Peerreset2026pass' } });
    expect(reset.statusCode).toBe(200);
    const disabled = await scopedAdmin.request({ method: 'POST', url: `/api/users/${peerId}/disable` });
    expect(disabled.json()).toMatchObject({ disabled: true });
  });

  it('lets a group-wide admin manage the group-wide admin homed in a department', async () => {
    const admin = await ta.signIn('admin');
    const res = await admin.request({ method: 'POST', url: `/api/users/${victimId}/unlock` });
    expect(res.statusCode).toBe(200);
  });
});
