import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../test/support/test-app.ts';
import { createMuteWindowsService } from '../alerts/mute-windows-service.ts';
import { createMuteWindowsModule } from './mute-windows.routes.ts';

let t: TestApp;
let analyst: Client;
let exec: Client;
let liaisonA: Client;
let adminA: Client;

const night = { name: '夜间', timezone: 'Asia/Shanghai', times: [{ start: '22:00', end: '07:00' }] };

beforeAll(async () => {
  t = await createTestApp({ modules: ({ db, clock }) => [createMuteWindowsModule({ muteWindows: createMuteWindowsService({ db }), clock })] });
  analyst = await t.signIn('analyst');
  exec = await t.signIn('exec');
  liaisonA = await t.signIn('liaison.a');
  adminA = await t.signIn('admin.a');
});

afterAll(async () => {
  await t.close();
});

async function auditOf(action: string) {
  return (await t.t.db.query<{ actor_name: string; target_id: string; org_unit_id: number | null; summary: Record<string, unknown> }>(
    'SELECT actor_name, target_id, org_unit_id, summary FROM audit_entry WHERE action = $1 ORDER BY seq', [action],
  )).rows;
}

describe('mute window routes', () => {
  it('creates, lists, replaces and removes a mute window, each change audited against the root org unit', async () => {
    const created = await analyst.request({ method: 'POST', url: '/api/mute-windows', payload: night });
    expect(created.statusCode).toBe(201);
    const window = created.json<{ id: number }>();
    expect(window).toMatchObject({ name: '夜间', timezone: 'Asia/Shanghai', times: [{ start: '22:00', end: '07:00' }] });

    const listed = await liaisonA.request({ method: 'GET', url: '/api/mute-windows' });
    expect(listed.statusCode).toBe(200);
    expect(listed.json<{ items: { id: number; name: string }[] }>().items.map((w) => [w.id, w.name])).toEqual([[window.id, '夜间']]);

    const replaced = await analyst.request({ method: 'PUT', url: `/api/mute-windows/${String(window.id)}`, payload: { name: '周末夜间', timezone: 'Asia/Shanghai', weekdays: [5, 6], times: [{ start: '22:00', end: '08:00' }] } });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json()).toMatchObject({ id: window.id, name: '周末夜间', weekdays: [5, 6], times: [{ start: '22:00', end: '08:00' }] });
    expect(replaced.json()).not.toHaveProperty('holidays');

    const removed = await analyst.request({ method: 'DELETE', url: `/api/mute-windows/${String(window.id)}` });
    expect(removed.statusCode).toBe(200);
    expect((await analyst.request({ method: 'GET', url: '/api/mute-windows' })).json<{ items: unknown[] }>().items).toEqual([]);
    expect((await analyst.request({ method: 'DELETE', url: `/api/mute-windows/${String(window.id)}` })).statusCode).toBe(404);

    const root = await t.services.orgs.require('GROUP');
    const [createdRow] = await auditOf('mute_window.created');
    expect(createdRow).toMatchObject({ actor_name: 'analyst', target_id: String(window.id), org_unit_id: root.id, summary: { name: '夜间', timezone: 'Asia/Shanghai' } });
    const [updatedRow] = await auditOf('mute_window.updated');
    expect(updatedRow?.summary).toMatchObject({ before: { name: '夜间' }, after: { name: '周末夜间', weekdays: [5, 6] } });
    const [deletedRow] = await auditOf('mute_window.deleted');
    expect(deletedRow).toMatchObject({ target_id: String(window.id), summary: { name: '周末夜间' } });
  });

  it('refuses invalid windows with 400 and the field that is wrong', async () => {
    const cases: [unknown, string, string][] = [
      [{ ...night, times: [{ start: '22:00', end: '7:00' }] }, 'VALIDATION_FAILED', '/body/times/0/end'],
      [{ ...night, weekdays: [8] }, 'VALIDATION_FAILED', '/body/weekdays/0'],
      [{ ...night, colour: 'red' }, 'VALIDATION_FAILED', '/body/colour'],
      [{ timezone: 'Asia/Shanghai', holidays: true }, 'VALIDATION_FAILED', '/body/name'],
      [{ ...night, timezone: 'Mars/Olympus' }, 'MUTE_WINDOW_INVALID', '/body/timezone'],
      [{ name: 'always', timezone: 'Asia/Shanghai' }, 'MUTE_WINDOW_INVALID', '/body/times'],
      [{ ...night, weekdays: [] }, 'MUTE_WINDOW_INVALID', '/body/weekdays'],
    ];
    for (const [payload, code, field] of cases) {
      const res = await analyst.request({ method: 'POST', url: '/api/mute-windows', payload: payload as Record<string, unknown> });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json(), JSON.stringify(payload)).toMatchObject({ error: { code, details: { field } } });
    }
    expect((await analyst.request({ method: 'PUT', url: '/api/mute-windows/abc', payload: night })).statusCode).toBe(400);
    const first = await analyst.request({ method: 'POST', url: '/api/mute-windows', payload: { name: '节假日', timezone: 'Asia/Shanghai', holidays: true } });
    expect(first.statusCode).toBe(201);
    const again = await analyst.request({ method: 'POST', url: '/api/mute-windows', payload: { name: '节假日', timezone: 'Asia/Shanghai', holidays: true } });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: { code: 'MUTE_WINDOW_NAME_TAKEN', details: { field: '/body/name' } } });
    const missing = await analyst.request({ method: 'PUT', url: '/api/mute-windows/999999', payload: night });
    expect(missing.json()).toMatchObject({ error: { code: 'MUTE_WINDOW_NOT_FOUND' } });
    expect(missing.statusCode).toBe(404);
  });

  it('lets only those who act on alerts at the root change mute windows: 401 anonymous, 403 otherwise, nothing written', async () => {
    const id = (await analyst.request({ method: 'POST', url: '/api/mute-windows', payload: { ...night, name: 'scope-check' } })).json<{ id: number }>().id;
    expect((await t.app.inject({ method: 'GET', url: '/api/mute-windows' })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/api/mute-windows', payload: night })).statusCode).toBe(401);
    for (const client of [liaisonA, exec, adminA]) {
      expect((await client.request({ method: 'POST', url: '/api/mute-windows', payload: { ...night, name: 'not allowed' } })).statusCode).toBe(403);
      expect((await client.request({ method: 'PUT', url: `/api/mute-windows/${String(id)}`, payload: { ...night, name: 'not allowed' } })).statusCode).toBe(403);
      expect((await client.request({ method: 'DELETE', url: `/api/mute-windows/${String(id)}` })).statusCode).toBe(403);
    }
    // An administrator of one department holds alert.act there, but a mute window mutes the whole group.
    const refused = await adminA.request({ method: 'POST', url: '/api/mute-windows', payload: { ...night, name: 'not allowed' } });
    expect(refused.json()).toMatchObject({ error: { code: 'AUTH_FORBIDDEN' } });
    const names = (await analyst.request({ method: 'GET', url: '/api/mute-windows' })).json<{ items: { name: string }[] }>().items.map((w) => w.name);
    expect(names).not.toContain('not allowed');
    expect(names).toContain('scope-check');
    expect((await auditOf('mute_window.created')).map((r) => r.actor_name).every((n) => n === 'analyst')).toBe(true);
  });
});
