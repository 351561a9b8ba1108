import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../test/support/test-app.ts';
import { createNotifyService } from '../notify/index.ts';
import { createProblemsService } from '../workorders/problems-service.ts';
import { createWorkOrderConfigService } from '../workorders/workorder-config-service.ts';
import { createWorkOrdersService } from '../workorders/workorders-service.ts';
import { createNotificationsModule } from './notifications.routes.ts';
import { createProblemsModule } from './problems.routes.ts';
import { createWorkOrdersModule } from './workorders.routes.ts';

interface Detail {
  order: { id: string; state: string; assignees: string[]; allowedCommands: string[]; acknowledgeBy: string; resolveBy: string; reopenCount: number; watchers: string[] };
  timeline: { action: string; actor: string }[];
  comments: { text: string }[];
  attachments: { id: string; fileName: string; sizeBytes: number }[];
}

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
      const notify = createNotifyService({ db });
      return [
        createWorkOrdersModule({ clock, orgs: services.orgs, workorders, config, problems, notify }),
        createProblemsModule({ clock, problems }),
        createNotificationsModule({ clock, notify }),
      ];
    },
  });
  const users = await t.t.db.query<{ id: number; username: string }>('SELECT id, username FROM app_user');
  for (const u of users.rows) ids[u.username] = String(u.id);
  analyst = await t.signIn('analyst');
  liaisonA = await t.signIn('liaison.a');
  liaisonB = await t.signIn('liaison.b');
  for (const [org, user] of [['DEPT-A', 'liaison.a'], ['DEPT-B', 'liaison.b']] as const) {
    const res = await analyst.request({ method: 'PUT', url: '/api/routing/routes', payload: { orgUnit: org, category: '*', liaisons: [ids[user]] } });
    expect(res.statusCode).toBe(200);
  }
}, 60_000);

afterAll(async () => {
  await t.close();
});

async function open(client: Client, orgUnit: string, extra: Record<string, unknown> = {}): Promise<Detail> {
  const res = await client.request({ method: 'POST', url: '/api/workorders', payload: { title: '门诊候诊超时', severity: 3, category: 'access', orgUnit, ...extra } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<Detail>();
}

async function act(client: Client, id: string, command: Record<string, unknown>) {
  return client.request({ method: 'POST', url: `/api/workorders/${id}/actions`, payload: command });
}

describe('work-order routes', () => {
  it('routes a new order to the department liaison with deadlines on the working calendar', async () => {
    const d = await open(analyst, 'DEPT-A');
    expect(d.order.state).toBe('new');
    expect(d.order.assignees).toEqual([ids['liaison.a']]);
    // Monday 2026-11-23 08:00 +08:00, severity 3: acknowledge within 4 working hours → 12:00.
    expect(d.order.acknowledgeBy).toBe('2026-11-23T04:00:00.000Z');
    expect(d.timeline.map((e) => e.action)).toEqual(['workorder.created']);
  });

  it('takes an order through every transition and answers 409 with the allowed commands', async () => {
    const res409 = await act(liaisonA, (await open(analyst, 'DEPT-A')).order.id, { kind: 'verify' });
    expect(res409.statusCode).toBe(409);
    expect(res409.json<{ error: { code: string; details: { allowed: string[] } } }>().error).toMatchObject({
      code: 'WORKORDER_INVALID_TRANSITION', details: { allowed: expect.arrayContaining(['acknowledge', 'close', 'comment']) as unknown },
    });

    const { order: o } = await open(analyst, 'DEPT-A');
    const steps: [Client, Record<string, unknown>, string][] = [
      [liaisonA, { kind: 'acknowledge' }, 'acknowledged'],
      [liaisonA, { kind: 'start' }, 'in_progress'],
      [liaisonA, { kind: 'hold', reason: 'awaiting_info' }, 'on_hold'],
      [liaisonA, { kind: 'resume' }, 'in_progress'],
      [liaisonA, { kind: 'comment', text: '已联系信息科' }, 'in_progress'],
      [liaisonA, { kind: 'watch', watching: true }, 'in_progress'],
      [analyst, { kind: 'assign', assignees: [ids['liaison.a']] }, 'in_progress'],
      [liaisonA, { kind: 'resolve', rootCause: '排班不足', actionTaken: '增开诊室' }, 'resolved'],
      [analyst, { kind: 'reopen', reason: '指标未恢复' }, 'in_progress'],
      [liaisonA, { kind: 'resolve', rootCause: '排班不足', actionTaken: '增开两个诊室' }, 'resolved'],
      [analyst, { kind: 'verify', note: '已核实' }, 'closed'],
      [analyst, { kind: 'reopen', reason: '复发' }, 'in_progress'],
      [analyst, { kind: 'close', note: '重复工单' }, 'closed'],
    ];
    let last: Detail | null = null;
    for (const [client, command, state] of steps) {
      const res = await act(client, o.id, command);
      expect(res.statusCode, `${String(command.kind)}: ${res.body}`).toBe(200);
      last = res.json<Detail>();
      expect(last.order.state).toBe(state);
    }
    expect(last?.order.reopenCount).toBe(2);
    expect(last?.comments.map((c) => c.text)).toEqual(['已联系信息科']);
    expect(last?.timeline).toHaveLength(steps.length + 1);
    expect(last?.timeline.at(-1)).toMatchObject({ action: 'workorder.closed', actor: ids.analyst });
    const audit = await t.t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_entry WHERE target_kind = 'workorder' AND target_id = $1`, [o.id]);
    expect(audit.rows[0]?.n).toBe(steps.length + 1);
  });

  it('lets only the originator or the center verify (403 for the liaison)', async () => {
    const { order } = await open(analyst, 'DEPT-A');
    await act(liaisonA, order.id, { kind: 'acknowledge' });
    await act(liaisonA, order.id, { kind: 'resolve', rootCause: 'a', actionTaken: 'b' });
    const res = await act(liaisonA, order.id, { kind: 'verify' });
    expect(res.statusCode).toBe(403);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('WORKORDER_FORBIDDEN');
  });

  it('rejects a command with a missing field as 400 naming the field', async () => {
    const { order } = await open(analyst, 'DEPT-A');
    await act(liaisonA, order.id, { kind: 'acknowledge' });
    const res = await act(liaisonA, order.id, { kind: 'resolve', rootCause: 'a' });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { details: { field: string } } }>().error.details.field).toContain('/body');
  });

  it('keeps DEPT-B orders from liaison.a: 404 on read and act, absent from lists', async () => {
    const { order } = await open(analyst, 'DEPT-B');
    expect((await liaisonA.request({ method: 'GET', url: `/api/workorders/${order.id}` })).statusCode).toBe(404);
    expect((await act(liaisonA, order.id, { kind: 'acknowledge' })).statusCode).toBe(404);
    const list = (await liaisonA.request({ method: 'GET', url: '/api/workorders' })).json<{ items: { id: string; orgUnit: string }[] }>();
    expect(list.items.length).toBeGreaterThan(0);
    expect(list.items.every((i) => i.orgUnit === 'DEPT-A')).toBe(true);
    expect((await liaisonB.request({ method: 'GET', url: `/api/workorders/${order.id}` })).statusCode).toBe(200);
    expect((await liaisonA.request({ method: 'POST', url: '/api/workorders', payload: { title: 'x', severity: 4, category: 'a', orgUnit: 'DEPT-B' } })).statusCode).toBe(404);
    expect((await liaisonA.request({ method: 'GET', url: `/api/workorders/${order.id}/deliveries` })).statusCode).toBe(404);
    expect((await liaisonA.request({ method: 'GET', url: '/api/workorders/stats?org=DEPT-B&from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z' })).statusCode).toBe(404);
  });

  it('answers 401 to anonymous callers and 403 to liaisons on configuration', async () => {
    for (const url of ['/api/workorders', '/api/workorders/1', '/api/routing', '/api/workorders/policy', '/api/workorders/consultation']) {
      expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(401);
    }
    expect((await liaisonA.request({ method: 'PUT', url: '/api/routing/routes', payload: { orgUnit: 'DEPT-A', category: '*', liaisons: [] } })).statusCode).toBe(403);
    expect((await liaisonA.request({ method: 'PUT', url: '/api/workorders/policy', payload: {} })).statusCode).toBe(403);
  });

  it('stores an allowed attachment and refuses other types and oversize files', async () => {
    const { order } = await open(analyst, 'DEPT-A');
    const upload = (name: string, type: string, content: Buffer) => {
      const boundary = 'yjboundary';
      const payload = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`), content, Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      return liaisonA.request({ method: 'POST', url: `/api/workorders/${order.id}/attachments`, payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
    };
    const ok = await upload('分析报告.pdf', 'application/pdf', Buffer.from('%PDF-1.4 test'));
    expect(ok.statusCode, ok.body).toBe(200);
    const att = ok.json<Detail>().attachments[0];
    expect(att).toMatchObject({ fileName: '分析报告.pdf', sizeBytes: 13 });
    const down = await liaisonA.request({ method: 'GET', url: `/api/workorders/${order.id}/attachments/${att?.id ?? ''}` });
    expect(down.statusCode).toBe(200);
    expect(down.body).toBe('%PDF-1.4 test');
    expect((await upload('run.exe', 'application/x-msdownload', Buffer.from('MZ'))).statusCode).toBe(400);
    const big = await upload('big.csv', 'text/csv', Buffer.alloc(10 * 1024 * 1024 + 1, 0x41));
    expect(big.statusCode).toBe(413);
  });

  it('validates the deadline policy and freezes it on new orders only', async () => {
    const bad = await analyst.request({ method: 'PUT', url: '/api/workorders/policy', payload: { deadlines: { bySeverity: { '1': {} } } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { details: { field: string } } }>().error.details.field).toMatch(/^\/body\/deadlines/);
    const policy = (await analyst.request({ method: 'GET', url: '/api/workorders/policy' })).json<{ deadlines: { bySeverity: Record<string, unknown> }; centerOrgUnit: string }>();
    expect(policy.centerOrgUnit).toBe('GROUP');
    const before = await open(analyst, 'DEPT-A', { severity: 1 });
    const changed = { ...policy.deadlines, bySeverity: { ...policy.deadlines.bySeverity, '1': { acknowledge: { basis: 'clock', ms: 60_000 }, resolve: { basis: 'clock', ms: 120_000 } } } };
    expect((await analyst.request({ method: 'PUT', url: '/api/workorders/policy', payload: { deadlines: changed } })).statusCode).toBe(200);
    const after = await open(analyst, 'DEPT-A', { severity: 1 });
    const reread = (await analyst.request({ method: 'GET', url: `/api/workorders/${before.order.id}` })).json<Detail>();
    expect(reread.order.acknowledgeBy).toBe(before.order.acknowledgeBy);
    expect(new Date(after.order.acknowledgeBy).getTime() - t.clock.now().getTime()).toBe(60_000);
  });

  it('imports China holiday text into the group calendar', async () => {
    const res = await analyst.request({ method: 'PUT', url: '/api/calendar?group=GROUP', payload: { holidayText: '2027-01-01 off 元旦\n' } });
    expect(res.statusCode, res.body).toBe(200);
    const cal = (await analyst.request({ method: 'GET', url: '/api/calendar?group=GROUP' })).json<{ days: { date: string }[] }>();
    expect(cal.days.some((d) => d.date === '2027-01-01')).toBe(true);
    const bad = await analyst.request({ method: 'PUT', url: '/api/calendar?group=GROUP', payload: { holidayText: '2027-13-01 off x' } });
    expect(bad.statusCode).toBe(400);
    expect((await analyst.request({ method: 'GET', url: '/api/calendar?group=DEPT-A' })).statusCode).toBe(400);
  });

  it('names only people entitled to the order: assignees who may act on it, watchers and contacts who may read it', async () => {
    const refused = (res: { statusCode: number; json: () => unknown }, field: string) => {
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: 'WORKORDER_PERSON_OUT_OF_SCOPE', details: { field } } });
    };
    const create = (extra: Record<string, unknown>) => liaisonA.request({ method: 'POST', url: '/api/workorders', payload: { title: 't', severity: 3, category: 'access', orgUnit: 'DEPT-A', ...extra } });
    // Another department's liaison, a nonexistent id, and an executive (who may read but not act) as assignee.
    refused(await create({ assignees: [ids['liaison.b']] }), '/body/assignees');
    refused(await create({ assignees: ['999999'] }), '/body/assignees');
    refused(await create({ assignees: [ids.exec] }), '/body/assignees');
    refused(await create({ watchers: [ids['liaison.b']] }), '/body/watchers');
    const { order } = await open(liaisonA, 'DEPT-A', { assignees: [ids['liaison.a']], watchers: [ids.exec] });
    expect(order.watchers).toEqual([ids.exec]);
    refused(await act(liaisonA, order.id, { kind: 'assign', assignees: [ids['liaison.a'], ids['liaison.b']] }), '/body/assignees');
    refused(await act(liaisonA, order.id, { kind: 'watch', userId: ids['liaison.b'], watching: true }), '/body/userId');
    refused(await act(liaisonA, order.id, { kind: 'watch', userId: '999999', watching: true }), '/body/userId');
    expect((await act(analyst, order.id, { kind: 'assign', assignees: [ids['admin.a']] })).statusCode).toBe(200);
    const rejectedAudit = await t.t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_entry WHERE action = 'workorder.assigned' AND target_id = $1", [order.id]);
    expect(rejectedAudit.rows[0]?.n).toBe(1);
    refused(await analyst.request({ method: 'PUT', url: '/api/routing/contacts', payload: { orgUnit: 'DEPT-A', target: 'department_head', userIds: [ids['liaison.b']] } }), '/body/userIds');
    refused(await analyst.request({ method: 'PUT', url: '/api/routing/routes', payload: { orgUnit: 'DEPT-B', category: 'x', liaisons: [ids['liaison.a']] } }), '/body/liaisons');
  });

  it('shows display names only of people who may read the order', async () => {
    const { order } = await open(analyst, 'DEPT-A');
    // As an order stored before people were checked: another department's liaison among its watchers.
    await t.t.db.query('UPDATE work_order SET watchers = $2 WHERE id = $1', [order.id, [ids['liaison.b'], ids.exec]]);
    const detail = (await liaisonA.request({ method: 'GET', url: `/api/workorders/${order.id}` })).json<{ people: Record<string, string> }>();
    expect(detail.people).toEqual({ [ids.analyst ?? '']: 'analyst', [ids['liaison.a'] ?? '']: 'liaison.a', [ids.exec ?? '']: 'exec' });
    await t.t.db.query('UPDATE work_order SET assignees = $2 WHERE id = $1', [order.id, [ids['liaison.b']]]);
    const listed = (await liaisonA.request({ method: 'GET', url: '/api/workorders' })).json<{ people: Record<string, string> }>();
    expect(Object.keys(listed.people)).not.toContain(ids['liaison.b']);
    expect(listed.people[ids.analyst ?? '']).toBe('analyst');
  });

  it('manages the duty roster and escalation contacts', async () => {
    const add = await analyst.request({ method: 'POST', url: '/api/routing/roster', payload: { orgUnit: 'DEPT-A', userId: ids['liaison.a'], from: '2026-11-23T00:00:00Z', to: '2026-11-24T00:00:00Z' } });
    expect(add.statusCode, add.body).toBe(201);
    const contacts = await analyst.request({ method: 'PUT', url: '/api/routing/contacts', payload: { orgUnit: 'DEPT-A', target: 'department_head', userIds: [ids['admin.a']] } });
    expect(contacts.statusCode).toBe(200);
    const unknown = await analyst.request({ method: 'PUT', url: '/api/routing/contacts', payload: { orgUnit: 'DEPT-A', target: 'center_lead', userIds: ['999999'] } });
    expect(unknown.statusCode).toBe(400);
    const view = (await liaisonA.request({ method: 'GET', url: '/api/routing' })).json<{ roster: { id: number; orgUnit: string }[]; contacts: unknown[]; routes: { orgUnit: string }[] }>();
    expect(view.routes.map((r) => r.orgUnit)).toEqual(['DEPT-A']);
    expect(view.roster).toHaveLength(1);
    const id = view.roster[0]?.id ?? 0;
    expect((await liaisonB.request({ method: 'DELETE', url: `/api/routing/roster/${String(id)}` })).statusCode).toBe(403);
    expect((await analyst.request({ method: 'DELETE', url: `/api/routing/roster/${String(id)}` })).statusCode).toBe(200);
  });

  it('reports statistics per department and the consultation list', async () => {
    const stats = await analyst.request({ method: 'GET', url: '/api/workorders/stats?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z' });
    expect(stats.statusCode, stats.body).toBe(200);
    const items = stats.json<{ items: { department: string; orders: number }[] }>().items;
    expect(items.map((i) => i.department)).toEqual(['DEPT-A', 'DEPT-B']);
    const mine = (await liaisonA.request({ method: 'GET', url: '/api/workorders/stats?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z' })).json<{ items: { department: string }[] }>();
    expect(mine.items.map((i) => i.department)).toEqual(['DEPT-A']);
    // Past the 15-minute acknowledgement of the severity-1 orders (sessions stay alive: 30 min idle).
    t.clock.advance(20 * 60_000);
    const consult = (await analyst.request({ method: 'GET', url: '/api/workorders/consultation' })).json<{ items: { reasons: string[]; departments: string[] }[] }>();
    expect(consult.items.length).toBeGreaterThan(0);
    expect(consult.items.every((i) => i.reasons.length > 0)).toBe(true);
    const theirs = (await liaisonA.request({ method: 'GET', url: '/api/workorders/consultation' })).json<{ items: { departments: string[] }[] }>();
    expect(theirs.items.every((i) => i.departments.includes('DEPT-A'))).toBe(true);
  });

  it('lists the delivery log of an order', async () => {
    const { order } = await open(analyst, 'DEPT-A', { severity: 2 });
    const res = await analyst.request({ method: 'GET', url: `/api/workorders/${order.id}/deliveries` });
    const items = res.json<{ items: { channel: string; recipient: string; status: string }[] }>().items;
    expect(items.map((i) => `${i.channel}:${i.recipient}`).sort()).toEqual([`email:${ids['liaison.a'] ?? ''}`, `in_app:${ids['liaison.a'] ?? ''}`]);
    expect(items.every((i) => i.status === 'pending')).toBe(true);
  });
});
