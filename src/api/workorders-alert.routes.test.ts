import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../test/support/test-app.ts';
import type { AlertTransitionEvent } from '../alerts/alert-transition.ts';
import { createNotifyService } from '../notify/index.ts';
import { createWorkOrderAlertConsumer } from '../workorders/alert-consumer-service.ts';
import { createProblemsService } from '../workorders/problems-service.ts';
import { createWorkOrderConfigService } from '../workorders/workorder-config-service.ts';
import { createWorkOrdersService } from '../workorders/workorders-service.ts';
import { createWorkOrdersModule } from './workorders.routes.ts';

/** `GET /api/workorders?alert=<id>`: the orders an alert feeds, in the caller's scope. */
interface ListBody { items: { id: string; orgUnit: string; sourceAlerts: string[] }[] }
interface ErrorBody { error: { code: string; details: { field: string } } }

let t: TestApp;
let analyst: Client;
let liaisonA: Client;
let liaisonB: Client;
const orgIds: Record<string, number> = {};

beforeAll(async () => {
  t = await createTestApp({
    modules: ({ db, services, clock }) => [createWorkOrdersModule({
      clock, orgs: services.orgs, workorders: createWorkOrdersService({ db }), config: createWorkOrderConfigService({ db, orgs: services.orgs }),
      problems: createProblemsService({ db }), notify: createNotifyService({ db }),
    })],
  });
  const orgs = await t.t.db.query<{ id: number; code: string }>('SELECT id, code FROM org_unit');
  for (const o of orgs.rows) orgIds[o.code] = o.id;
  analyst = await t.signIn('analyst');
  liaisonA = await t.signIn('liaison.a');
  liaisonB = await t.signIn('liaison.b');
}, 60_000);

afterAll(async () => {
  await t.close();
});

/** Feeds a firing alert of DEPT-A to the work-order consumer, as the rule engine does. */
async function fire(alertId: number, groupKey: string): Promise<void> {
  const event: AlertTransitionEvent = {
    alertId, fingerprint: `fp-${String(alertId)}`, ruleCode: 'opd-wait', ruleNameZh: '门诊候诊时间', ruleNameEn: 'OPD wait', category: 'access', severity: 2,
    orgUnitId: orgIds['DEPT-A'] ?? 0, orgUnitCode: 'DEPT-A', groupKey, from: 'pending', to: 'firing', reason: 'threshold',
    at: t.clock.now(), periodKey: '2026-11-23', value: 45, bound: 30, messageZh: '候诊 45 分钟', messageEn: 'wait 45 min', notify: true,
  };
  const consumer = createWorkOrderAlertConsumer();
  await t.t.db.transaction((tx) => consumer.onTransition(tx, event));
}

const list = async (client: Client, query: string) => client.request({ method: 'GET', url: `/api/workorders?${query}` });
const ids = async (client: Client, query: string) => {
  const res = await list(client, query);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<ListBody>().items.map((i) => i.id);
};

describe('work orders by source alert', () => {
  let orderId = '';

  beforeAll(async () => {
    await fire(7001, 'opd-wait|H1');
    await fire(7002, 'opd-wait|H1'); // same group: attaches to the order of 7001
    await fire(7003, 'er-crowding|H1'); // another group: its own order
    // A manual order of the same unit must not match any alert.
    const manual = await analyst.request({ method: 'POST', url: '/api/workorders', payload: { title: '手工工单', severity: 3, category: 'access', orgUnit: 'DEPT-A', assignees: ['1'] } });
    expect(manual.statusCode, manual.body).toBe(201);
    const all = (await list(analyst, 'limit=500')).json<ListBody>().items;
    orderId = all.find((o) => o.sourceAlerts.includes('7001'))?.id ?? '';
    expect(orderId).not.toBe('');
  });

  it('finds the order an alert opened, and the order a later alert of the group attached to', async () => {
    expect(await ids(analyst, 'alert=7001')).toEqual([orderId]);
    expect(await ids(analyst, 'alert=7002')).toEqual([orderId]);
    const other = await ids(analyst, 'alert=7003');
    expect(other).toHaveLength(1);
    expect(other).not.toContain(orderId);
  });

  it('finds nothing for an alert that fed no order', async () => {
    expect(await ids(analyst, 'alert=7999')).toEqual([]);
  });

  it('combines with the other filters', async () => {
    expect(await ids(analyst, 'alert=7001&state=new')).toEqual([orderId]);
    expect(await ids(analyst, 'alert=7001&state=closed')).toEqual([]);
    expect(await ids(analyst, 'alert=7001&org=DEPT-A')).toEqual([orderId]);
  });

  it('answers 400 naming /querystring/alert for a value that is not a positive integer', async () => {
    for (const bad of ['0', '-3', 'abc', '1.5', '99999999999999999999']) {
      const res = await list(analyst, `alert=${bad}`);
      expect(res.statusCode, bad).toBe(400);
      expect(res.json<ErrorBody>().error.details.field, bad).toBe('/querystring/alert');
    }
  });

  it('keeps the scope of the list: the DEPT-A liaison finds it, the DEPT-B liaison gets nothing', async () => {
    expect(await ids(liaisonA, 'alert=7001')).toEqual([orderId]);
    expect(await ids(liaisonB, 'alert=7001')).toEqual([]);
    // Asking for the other department's subtree explicitly is refused like any unit out of scope.
    expect((await list(liaisonB, 'alert=7001&org=DEPT-A')).statusCode).toBe(404);
  });
});
