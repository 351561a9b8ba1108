import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../test/support/test-app.ts';
import { testBackend } from '../../test/support/test-db.ts';
import { createNotifyService } from '../notify/index.ts';
import { createProblemsService } from '../workorders/problems-service.ts';
import { createWorkOrderConfigService } from '../workorders/workorder-config-service.ts';
import { createWorkOrdersService } from '../workorders/workorders-service.ts';
import { createWorkOrdersModule } from './workorders.routes.ts';

/**
 * What the console's work queue and detail page read: the caller's own commands, display names,
 * countdowns on the working calendar, list filters (assignee, severity, org, overdue) and the
 * people who may act on an org unit's orders.
 */
interface Countdown { due: string; basis: string; leftMs: number; overdue: boolean; paused: boolean }
interface OrderView { id: string; state: string; severity: number; orgUnit: string; assignees: string[]; countdown: { acknowledge: Countdown | null; resolve: Countdown | null; overdue: boolean } }
interface Detail { order: OrderView; yourCommands: string[]; people: Record<string, string> }
interface List { items: OrderView[]; people: Record<string, string> }

let t: TestApp;
let analyst: Client;
let liaisonA: Client;
let exec: Client;
const ids: Record<string, string> = {};

async function signInAll(): Promise<void> {
  analyst = await t.signIn('analyst');
  liaisonA = await t.signIn('liaison.a');
  exec = await t.signIn('exec');
}

beforeAll(async () => {
  t = await createTestApp({
    modules: ({ db, services, clock }) => {
      const config = createWorkOrderConfigService({ db, orgs: services.orgs });
      return [createWorkOrdersModule({ clock, orgs: services.orgs, workorders: createWorkOrdersService({ db }), config, problems: createProblemsService({ db }), notify: createNotifyService({ db }) })];
    },
  });
  const users = await t.t.db.query<{ id: number; username: string }>('SELECT id, username FROM app_user');
  for (const u of users.rows) ids[u.username] = String(u.id);
  await signInAll();
  for (const [org, user] of [['DEPT-A', 'liaison.a'], ['DEPT-B', 'liaison.b']] as const) {
    expect((await analyst.request({ method: 'PUT', url: '/api/routing/routes', payload: { orgUnit: org, category: '*', liaisons: [ids[user]] } })).statusCode).toBe(200);
  }
}, 60_000);

afterAll(async () => {
  await t.close();
});

async function open(orgUnit: string, severity = 3): Promise<Detail> {
  const res = await analyst.request({ method: 'POST', url: '/api/workorders', payload: { title: '门诊候诊超时', severity, category: 'access', orgUnit } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<Detail>();
}

async function act(client: Client, id: string, command: Record<string, unknown>): Promise<Detail> {
  const res = await client.request({ method: 'POST', url: `/api/workorders/${id}/actions`, payload: command });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Detail>();
}

async function list(client: Client, query: string): Promise<List> {
  const res = await client.request({ method: 'GET', url: `/api/workorders${query}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<List>();
}

describe(`work queue and detail for the console on ${testBackend}`, () => {
  it('offers each caller only the commands the API would accept from them', async () => {
    const created = await open('DEPT-A');
    expect(created.yourCommands).toEqual(['acknowledge', 'close', 'assign', 'watch', 'comment', 'attach']);
    const id = created.order.id;
    const read = (c: Client) => c.request({ method: 'GET', url: `/api/workorders/${id}` }).then((r) => r.json<Detail>());
    expect((await read(liaisonA)).yourCommands).toEqual(['acknowledge', 'assign', 'watch', 'comment', 'attach']);
    expect((await read(exec)).yourCommands).toEqual([]);
    await act(liaisonA, id, { kind: 'acknowledge' });
    const resolved = await act(liaisonA, id, { kind: 'resolve', rootCause: '排班不足', actionTaken: '增开诊室' });
    expect(resolved.yourCommands).toEqual(['assign', 'watch', 'comment', 'attach']);
    const forAnalyst = await read(analyst);
    expect(forAnalyst.yourCommands).toEqual(expect.arrayContaining(['verify', 'close', 'reopen']));
    // What is offered is accepted: the liaison's refusal and the analyst's success.
    expect((await liaisonA.request({ method: 'POST', url: `/api/workorders/${id}/actions`, payload: { kind: 'verify' } })).statusCode).toBe(403);
    expect((await act(analyst, id, { kind: 'verify' })).order.state).toBe('closed');
  });

  it('names the people an order mentions', async () => {
    const d = await open('DEPT-A');
    const commented = await act(liaisonA, d.order.id, { kind: 'comment', text: '已联系科室' });
    expect(commented.people).toEqual({ [ids.analyst ?? '']: 'analyst', [ids['liaison.a'] ?? '']: 'liaison.a' });
    const listed = await list(analyst, '?org=DEPT-A');
    expect(listed.people[ids['liaison.a'] ?? '']).toBe('liaison.a');
  });

  it('filters by assignee, severity and org, refusing an org outside the caller’s scope', async () => {
    await open('DEPT-B', 2);
    await open('DEPT-A', 4);
    const mine = await list(liaisonA, '?assignee=me');
    expect(mine.items.length).toBeGreaterThan(0);
    expect(mine.items.every((o) => o.assignees.includes(ids['liaison.a'] ?? ''))).toBe(true);
    const minor = await list(analyst, '?severity=4');
    expect(minor.items.map((o) => o.severity)).toEqual(minor.items.map(() => 4));
    expect(minor.items.length).toBeGreaterThan(0);
    const deptB = await list(analyst, '?org=DEPT-B');
    expect(deptB.items.length).toBeGreaterThan(0);
    expect(deptB.items.every((o) => o.orgUnit === 'DEPT-B')).toBe(true);
    expect((await liaisonA.request({ method: 'GET', url: '/api/workorders?org=DEPT-B' })).statusCode).toBe(404);
    const bad = await liaisonA.request({ method: 'GET', url: '/api/workorders?assignee=someone' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { details: { field: string } } }>().error.details.field).toContain('assignee');
  });

  it('counts working time down to the deadlines and lists overdue orders', async () => {
    // Monday 08:00; severity 3 acknowledges within 4 working hours (12:00), resolves in 3 working days.
    const fresh = await open('DEPT-A');
    expect(fresh.order.countdown.acknowledge).toMatchObject({ due: '2026-11-23T04:00:00.000Z', basis: 'working', leftMs: 4 * 3_600_000, overdue: false });
    expect(fresh.order.countdown.resolve).toMatchObject({ basis: 'working_days', leftMs: 24 * 3_600_000, overdue: false });
    // 14:30: 12:00–13:30 is the lunch break, so one working hour past the acknowledge deadline.
    t.clock.advance(6.5 * 3_600_000);
    await signInAll();
    const now = (await analyst.request({ method: 'GET', url: `/api/workorders/${fresh.order.id}` })).json<Detail>();
    expect(now.order.countdown.acknowledge).toMatchObject({ overdue: true, leftMs: -3_600_000 });
    expect(now.order.countdown.overdue).toBe(true);
    const overdue = await list(analyst, '?overdue=true');
    expect(overdue.items.map((o) => o.id)).toContain(fresh.order.id);
    expect(overdue.items.every((o) => o.countdown.overdue && ['new', 'acknowledged', 'in_progress', 'on_hold'].includes(o.state))).toBe(true);
    const onTime = await list(analyst, '?overdue=false');
    expect(onTime.items.map((o) => o.id)).not.toContain(fresh.order.id);
    expect(onTime.items.every((o) => !o.countdown.overdue)).toBe(true);
    const closed = await list(analyst, '?state=closed');
    expect(closed.items.every((o) => o.countdown.acknowledge === null && o.countdown.resolve === null)).toBe(true);
  });

  it('lists who may act on an org unit’s orders, the department’s own people first', async () => {
    const res = await liaisonA.request({ method: 'GET', url: '/api/workorders/people?org=DEPT-A' });
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json<{ items: { id: string; displayName: string; orgUnit: string; role: string }[] }>().items;
    expect(items.slice(0, 2).map((p) => p.displayName).sort()).toEqual(['admin.a', 'liaison.a']);
    expect(items.map((p) => p.displayName)).toEqual(expect.arrayContaining(['analyst', 'admin']));
    expect(items.map((p) => p.displayName)).not.toContain('liaison.b');
    expect(items.map((p) => p.displayName)).not.toContain('exec');
    expect((await liaisonA.request({ method: 'GET', url: '/api/workorders/people?org=DEPT-B' })).statusCode).toBe(404);
    expect((await liaisonA.request({ method: 'GET', url: '/api/workorders/people' })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: '/api/workorders/people?org=DEPT-A' })).statusCode).toBe(401);
  });
});
