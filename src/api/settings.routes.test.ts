import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../test/support/test-app.ts';
import { testBackend } from '../../test/support/test-db.ts';
import { createIndicatorServices } from '../indicators/indicators-service.ts';
import { createSettingsModule } from './settings.routes.ts';

describe(`settings routes on ${testBackend}`, () => {
  let t: TestApp;
  let admin: Client;
  let adminA: Client;
  let exec: Client;

  beforeAll(async () => {
    t = await createTestApp({
      modules: ({ db, services, clock }) => [createSettingsModule({ timeZone: createIndicatorServices({ db, orgs: services.orgs, clock }).timeZone, clock })],
    });
    [admin, adminA, exec] = await Promise.all([t.signIn('admin'), t.signIn('admin.a'), t.signIn('exec')]);
  }, 60_000);
  afterAll(async () => { await t.close(); });

  it('reads and changes the group time zone (installation-wide: group admins only), reporting the rebuild', async () => {
    expect((await admin.request({ method: 'GET', url: '/api/settings/time-zone' })).json()).toEqual({ timeZone: 'Asia/Shanghai' });
    expect((await exec.request({ method: 'GET', url: '/api/settings/time-zone/change' })).json()).toMatchObject({ state: 'idle', eventsRead: 0 });
    expect((await adminA.request({ method: 'PUT', url: '/api/settings/time-zone', payload: { timeZone: 'Asia/Urumqi' } })).statusCode).toBe(404);
    const bad = await admin.request({ method: 'PUT', url: '/api/settings/time-zone', payload: { timeZone: 'Mars/Base' } });
    expect([bad.statusCode, bad.json()]).toMatchObject([400, { error: { code: 'SETTING_INVALID_TIME_ZONE', details: { field: '/body/timeZone' } } }]);
    const ok = await admin.request({ method: 'PUT', url: '/api/settings/time-zone', payload: { timeZone: 'Asia/Urumqi' } });
    expect(ok.json()).toEqual({ timeZone: 'Asia/Urumqi', previous: 'Asia/Shanghai', eventsRead: 0, periodsMoved: 0 });
    expect((await exec.request({ method: 'GET', url: '/api/settings/time-zone' })).json()).toEqual({ timeZone: 'Asia/Urumqi' });
    expect((await exec.request({ method: 'GET', url: '/api/settings/time-zone/change' })).json()).toMatchObject({ state: 'done', from: 'Asia/Shanghai', to: 'Asia/Urumqi' });
  });
});
