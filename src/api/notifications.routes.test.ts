import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../test/support/test-app.ts';
import { createChannelSenders, createNotifyService, dispatchDue } from '../notify/index.ts';
import { createProblemsService } from '../workorders/problems-service.ts';
import { createWorkOrderConfigService } from '../workorders/workorder-config-service.ts';
import { createWorkOrdersService } from '../workorders/workorders-service.ts';
import { createNotificationsModule } from './notifications.routes.ts';
import { createWorkOrdersModule } from './workorders.routes.ts';

let t: TestApp;
let analyst: Client;
let liaisonA: Client;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp({
    modules: ({ db, services, clock }) => {
      const notify = createNotifyService({ db });
      const config = createWorkOrderConfigService({ db, orgs: services.orgs });
      return [
        createWorkOrdersModule({ clock, orgs: services.orgs, workorders: createWorkOrdersService({ db }), config, problems: createProblemsService({ db }), notify }),
        createNotificationsModule({ clock, notify }),
      ];
    },
  });
  for (const u of (await t.t.db.query<{ id: number; username: string }>('SELECT id, username FROM app_user')).rows) ids[u.username] = String(u.id);
  analyst = await t.signIn('analyst');
  liaisonA = await t.signIn('liaison.a');
}, 60_000);

afterAll(async () => {
  await t.close();
});

describe('notification routes', () => {
  it('honours per-severity preferences and shows the in-app inbox of the signed-in user', async () => {
    const prefs = await liaisonA.request({ method: 'PUT', url: '/api/notifications/preferences', payload: { severity: 2, channels: ['in_app'] } });
    expect(prefs.statusCode, prefs.body).toBe(200);
    expect(prefs.json<{ items: { severity: number; channels: string[]; isDefault: boolean }[] }>().items[1]).toEqual({ severity: 2, channels: ['in_app'], isDefault: false });
    const order = await analyst.request({ method: 'POST', url: '/api/workorders', payload: { title: '急诊滞留', severity: 2, category: 'flow', orgUnit: 'DEPT-A', assignees: [ids['liaison.a']] } });
    expect(order.statusCode).toBe(201);
    const id = order.json<{ order: { id: string } }>().order.id;
    const deliveries = (await analyst.request({ method: 'GET', url: `/api/workorders/${id}/deliveries` })).json<{ items: { channel: string }[] }>().items;
    expect(deliveries.map((d) => d.channel)).toEqual(['in_app']);
    await dispatchDue({ db: t.t.db, senders: createChannelSenders({}) }, t.clock.now());
    const inbox = (await liaisonA.request({ method: 'GET', url: '/api/notifications?unread=true' })).json<{ items: { id: number; orderId: string }[] }>().items;
    expect(inbox.map((n) => n.orderId)).toEqual([id]);
    expect((await analyst.request({ method: 'GET', url: '/api/notifications' })).json<{ items: unknown[] }>().items).toEqual([]);
    const read = await liaisonA.request({ method: 'POST', url: '/api/notifications/read', payload: { ids: [inbox[0]?.id] } });
    expect(read.json<{ marked: number }>().marked).toBe(1);
    expect((await liaisonA.request({ method: 'GET', url: '/api/notifications?unread=true' })).json<{ items: unknown[] }>().items).toEqual([]);
    expect((await liaisonA.request({ method: 'PUT', url: '/api/notifications/preferences', payload: { severity: 2, channels: ['sms'] } })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: '/api/notifications' })).statusCode).toBe(401);
  });

  it('lets the center manage group channels, never returns their secrets, and refuses liaisons', async () => {
    const created = await analyst.request({ method: 'POST', url: '/api/notifications/channels', payload: { orgUnit: 'DEPT-A', kind: 'dingtalk', name: '心内科群', url: 'https://oapi.dingtalk.com/robot/send?access_token=abc', secret: 'SECxyz', maxSeverity: 2 } });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.body).not.toContain('SECxyz');
    const id = created.json<{ id: number }>().id;
    expect((await analyst.request({ method: 'POST', url: '/api/notifications/channels', payload: { orgUnit: 'DEPT-A', kind: 'webhook', name: 'x', url: 'https://example.org/h' } })).statusCode).toBe(400);
    expect((await liaisonA.request({ method: 'POST', url: '/api/notifications/channels', payload: { orgUnit: 'DEPT-A', kind: 'wecom', name: 'x', url: 'https://example.org/h' } })).statusCode).toBe(403);
    expect((await liaisonA.request({ method: 'GET', url: '/api/notifications/channels' })).statusCode).toBe(403);
    expect((await liaisonA.request({ method: 'POST', url: `/api/notifications/channels/${String(id)}/disable` })).statusCode).toBe(403);
    expect((await analyst.request({ method: 'POST', url: `/api/notifications/channels/${String(id)}/disable` })).statusCode).toBe(200);
    const list = (await analyst.request({ method: 'GET', url: '/api/notifications/channels' })).json<{ items: { active: boolean; signed: boolean }[] }>().items;
    expect(list).toEqual([expect.objectContaining({ active: false, signed: true })]);
  });
});
