import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../test/support/test-app.ts';
import { createNotifyService } from '../notify/index.ts';
import { createProblemsService } from '../workorders/problems-service.ts';
import { createWorkOrderConfigService } from '../workorders/workorder-config-service.ts';
import { createWorkOrdersService } from '../workorders/workorders-service.ts';
import { createProblemsModule } from './problems.routes.ts';
import { createWorkOrdersModule } from './workorders.routes.ts';

let t: TestApp;
let analyst: Client;
let liaisonA: Client;
let liaisonB: Client;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp({
    modules: ({ db, services, clock }) => {
      const config = createWorkOrderConfigService({ db, orgs: services.orgs });
      const workorders = createWorkOrdersService({ db });
      const problems = createProblemsService({ db });
      return [createWorkOrdersModule({ clock, orgs: services.orgs, workorders, config, problems, notify: createNotifyService({ db }) }), createProblemsModule({ clock, problems })];
    },
  });
  for (const u of (await t.t.db.query<{ id: number; username: string }>('SELECT id, username FROM app_user')).rows) ids[u.username] = String(u.id);
  analyst = await t.signIn('analyst');
  liaisonA = await t.signIn('liaison.a');
  liaisonB = await t.signIn('liaison.b');
}, 60_000);

afterAll(async () => {
  await t.close();
});

interface ProblemView { id: number; state: string; allowedCommands: string[]; progress: number; updates: unknown[]; links: unknown[] }

describe('problem library routes', () => {
  it('runs a problem from proposal to verified closure and turns it into a suggested knowledge article', async () => {
    const created = await analyst.request({
      method: 'POST', url: '/api/problems',
      payload: { title: '周一上午候诊超时反复出现', description: '每周一 9–11 点候诊超 40 分钟', orgUnit: 'DEPT-A', ruleCode: 'opd-wait', ownerId: ids['liaison.a'], plan: '调整排班', links: [{ kind: 'alert', ref: '17' }] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const p = created.json<ProblemView>();
    expect(p).toMatchObject({ state: 'open', links: [{ kind: 'alert', ref: '17' }] });
    const act = (c: Client, body: Record<string, unknown>) => c.request({ method: 'POST', url: `/api/problems/${String(p.id)}/actions`, payload: body });
    expect((await act(liaisonA, { kind: 'update', body: '已增加周一号源', progress: 60 })).json<ProblemView>().progress).toBe(60);
    expect((await act(liaisonA, { kind: 'verify' })).statusCode).toBe(409);
    expect((await act(liaisonA, { kind: 'resolve', resolution: '周一上午增开两个诊室并提前半小时开诊' })).json<ProblemView>().state).toBe('resolved');
    const byOwner = await act(liaisonA, { kind: 'verify' });
    expect(byOwner.statusCode).toBe(403);
    expect((await act(analyst, { kind: 'verify' })).json<ProblemView>().state).toBe('closed');

    const found = await liaisonA.request({ method: 'GET', url: `/api/knowledge?q=${encodeURIComponent('增开 诊室')}` });
    expect(found.json<{ items: { problemId: number }[] }>().items.map((a) => a.problemId)).toEqual([p.id]);
    expect((await liaisonB.request({ method: 'GET', url: `/api/knowledge?q=${encodeURIComponent('诊室')}` })).json<{ items: unknown[] }>().items).toEqual([]);

    const order = await analyst.request({ method: 'POST', url: '/api/workorders', payload: { title: '候诊超时', severity: 3, category: 'access', orgUnit: 'DEPT-A', ruleCode: 'opd-wait', assignees: [ids['liaison.a']] } });
    expect(order.json<{ suggestions: { problemId: number }[] }>().suggestions.map((s) => s.problemId)).toEqual([p.id]);
  });

  it('keeps DEPT-A problems from liaison.b and anonymous callers', async () => {
    const created = await analyst.request({ method: 'POST', url: '/api/problems', payload: { title: 'x', orgUnit: 'DEPT-A', ownerId: ids['liaison.a'] } });
    const id = created.json<ProblemView>().id;
    expect((await liaisonB.request({ method: 'GET', url: `/api/problems/${String(id)}` })).statusCode).toBe(404);
    expect((await liaisonB.request({ method: 'POST', url: `/api/problems/${String(id)}/actions`, payload: { kind: 'update', body: 'x' } })).statusCode).toBe(404);
    expect((await liaisonB.request({ method: 'GET', url: '/api/problems' })).json<{ items: unknown[] }>().items).toEqual([]);
    expect((await t.app.inject({ method: 'GET', url: '/api/problems' })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/knowledge?q=x' })).statusCode).toBe(401);
    const unknownOwner = await analyst.request({ method: 'POST', url: '/api/problems', payload: { title: 'x', orgUnit: 'DEPT-A', ownerId: '999999' } });
    expect(unknownOwner.statusCode).toBe(400);
  });
});
