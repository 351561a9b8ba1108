import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../test/support/test-db.ts';
import type { AlertTransitionEvent } from '../alerts/alert-transition.ts';
import { verifyAuditLog, type ActionContext } from '../audit/index.ts';
import { listOutbox } from '../notify/index.ts';
import type { Queryable } from '../store/index.ts';
import { createWorkOrderAlertConsumer } from './alert-consumer-service.ts';
import { runEscalations, runRecovery } from './escalation-service.ts';
import { createWorkOrderConfigService } from './workorder-config-service.ts';
import { createWorkOrdersService } from './workorders-service.ts';
import type { WorkOrderActor } from './work-order.ts';

let t: TestDb;
const user: Record<string, string> = {};
const org: Record<string, { id: number; code: string; name: string; path: string }> = {};
const center: WorkOrderActor = { userId: 'center-analyst', center: true };
const ctxAt = (now: Date): ActionContext => ({ actor: { kind: 'system', id: null, name: 'test' }, now });
const at = (local: string) => new Date(`${local}+08:00`);
const HOUR = 3_600_000;

async function addOrg(db: Queryable, code: string, kind: string, parent: string | null): Promise<void> {
  const p = parent === null ? null : org[parent];
  const r = await db.query<{ id: number }>(`INSERT INTO org_unit (code, name, kind, parent_id, path) VALUES ($1, $1, $2, $3, '/') RETURNING id`, [code, kind, p?.id ?? null]);
  const id = r.rows[0]?.id ?? 0;
  const path = `${p?.path ?? '/'}${String(id)}/`;
  await db.query('UPDATE org_unit SET path = $2 WHERE id = $1', [id, path]);
  org[code] = { id, code, name: code, path };
}

async function addUser(db: Queryable, username: string, orgCode: string): Promise<void> {
  const r = await db.query<{ id: number }>(
    `INSERT INTO app_user (username, display_name, email, org_unit_id, password_hash) VALUES ($1, $1, $2, $3, 'x') RETURNING id`,
    [username, `${username}@example.org`, org[orgCode]?.id],
  );
  user[username] = String(r.rows[0]?.id);
}

beforeAll(async () => {
  t = await createTestDb();
  await addOrg(t.db, 'GROUP', 'group', null);
  await addOrg(t.db, 'H1', 'hospital', 'GROUP');
  await addOrg(t.db, 'DEPT-A', 'department', 'H1');
  await addOrg(t.db, 'DEPT-B', 'department', 'H1');
  for (const [name, o] of [['liaison', 'DEPT-A'], ['head', 'DEPT-A'], ['lead', 'GROUP'], ['boss', 'GROUP']] as const) await addUser(t.db, name, o);
  await t.db.query(`INSERT INTO work_order_route (org_unit_id, category, user_id) VALUES ($1, '*', $2)`, [org['DEPT-A']?.id, user.liaison]);
  await t.db.query(`INSERT INTO escalation_contact (org_unit_id, target, user_id) VALUES ($1, 'department_head', $2), ($3, 'center_lead', $4), ($3, 'hospital_management', $5)`, [
    org['DEPT-A']?.id, user.head, org.GROUP?.id, user.lead, user.boss,
  ]);
}, 60_000);

afterAll(async () => {
  await t.drop();
});

let alertSeq = 1;
function alertEvent(overrides: Partial<AlertTransitionEvent>): AlertTransitionEvent {
  return {
    alertId: alertSeq++, fingerprint: 'fp', ruleCode: 'opd-wait', ruleNameZh: '门诊候诊时间', ruleNameEn: 'OPD wait', category: 'access', severity: 3,
    orgUnitId: org['DEPT-A']?.id ?? 0, orgUnitCode: 'DEPT-A', groupKey: 'opd-wait|H1', from: 'pending', to: 'firing', reason: 'threshold',
    at: at('2026-11-23T09:00:00'), periodKey: '2026-11-23', value: 45, bound: 30, messageZh: '候诊 45 分钟', messageEn: 'wait 45 min', notify: true,
    ...overrides,
  };
}

const service = () => createWorkOrdersService({ db: t.db });
const consume = async (event: AlertTransitionEvent, recovery?: Parameters<typeof createWorkOrderAlertConsumer>[0]) => {
  const consumer = createWorkOrderAlertConsumer(recovery);
  await t.db.transaction((tx) => consumer.onTransition(tx, event));
};
const latestOfGroup = async (groupKey: string) => {
  const r = await t.db.query<{ id: number }>('SELECT id FROM work_order WHERE group_key = $1 ORDER BY id DESC', [groupKey]);
  return r.rows.map((x) => String(x.id));
};

describe('work orders from alerts', () => {
  it('opens one order per alert group and attaches later alerts of the group', async () => {
    await consume(alertEvent({ groupKey: 'g-attach' }));
    await consume(alertEvent({ groupKey: 'g-attach', orgUnitCode: 'DEPT-B', orgUnitId: org['DEPT-B']?.id ?? 0 }));
    const ids = await latestOfGroup('g-attach');
    expect(ids).toHaveLength(1);
    const order = await service().requireOrder(ids[0] ?? '');
    expect(order.order.sourceAlerts).toHaveLength(2);
    expect(order.order.relatedOrgUnits).toEqual(['DEPT-B']);
    expect(order.order.assignees).toEqual([user.liaison]);
    expect(order.ruleCode).toBe('opd-wait');
  });

  it('stores an order once per pass with every alert the pass attached, each step on the timeline and in the audit chain at its own time', async () => {
    const consumer = createWorkOrderAlertConsumer();
    const times = ['09:00', '09:05', '09:07'].map((hm) => at(`2026-11-23T${hm}:00`));
    const events = times.map((time, i) => alertEvent({ groupKey: 'g-pass', at: time, ...(i === 2 ? { orgUnitCode: 'DEPT-B', orgUnitId: org['DEPT-B']?.id ?? 0 } : {}) }));
    const onTransitions = consumer.onTransitions?.bind(consumer);
    if (onTransitions === undefined) throw new Error('the work-order consumer takes a pass as one batch');
    await t.db.transaction((tx) => onTransitions(tx, events));
    const ids = await latestOfGroup('g-pass');
    expect(ids).toHaveLength(1);
    const id = ids[0] ?? '';
    expect((await service().requireOrder(id)).order.sourceAlerts).toEqual(events.map((e) => String(e.alertId)));
    const attached = (await service().timeline(id)).filter((e) => e.action === 'workorder.alertAttached');
    expect(attached.map((e) => e.at.getTime())).toEqual(times.slice(1).map((d) => d.getTime()));
    const audit = await t.db.query<{ at: Date; action: string }>("SELECT at, action FROM audit_entry WHERE target_kind = 'workorder' AND target_id = $1 ORDER BY seq", [id]);
    expect(audit.rows.filter((r) => r.action === 'workorder.alertAttached').map((r) => r.at.getTime())).toEqual(times.slice(1).map((d) => d.getTime()));
    expect((await verifyAuditLog(t.db)).ok).toBe(true);
  });

  it('opens an order for a suppressed alert of severity 1–2 but not of severity 3–4', async () => {
    await consume(alertEvent({ groupKey: 'g-muted-3', notify: false, severity: 3 }));
    await consume(alertEvent({ groupKey: 'g-muted-2', notify: false, severity: 2 }));
    expect(await latestOfGroup('g-muted-3')).toHaveLength(0);
    expect(await latestOfGroup('g-muted-2')).toHaveLength(1);
  });

  it('reopens the closed order when the group fires again within the window, and opens a fresh one after it', async () => {
    await consume(alertEvent({ groupKey: 'g-recur', at: at('2026-11-23T09:00:00') }));
    const [id] = await latestOfGroup('g-recur');
    const s = service();
    await s.act(ctxAt(at('2026-11-23T09:10:00')), center, id ?? '', { kind: 'close', note: 'handled' });
    await consume(alertEvent({ groupKey: 'g-recur', at: at('2026-11-24T09:00:00') }));
    const reopened = await s.requireOrder(id ?? '');
    expect(reopened.order).toMatchObject({ state: 'new', reopenCount: 1, recurrenceCount: 1 });
    expect(await latestOfGroup('g-recur')).toHaveLength(1);
    await s.act(ctxAt(at('2026-11-24T10:00:00')), center, id ?? '', { kind: 'close', note: 'handled again' });
    await consume(alertEvent({ groupKey: 'g-recur', at: at('2026-12-05T09:00:00') }));
    const ids = await latestOfGroup('g-recur');
    expect(ids).toHaveLength(2);
    expect((await s.requireOrder(ids[0] ?? '')).order.recurrenceOf).toBeNull();
  });

  it('links a new order to the closed one when recurrences are configured to link', async () => {
    await consume(alertEvent({ groupKey: 'g-link' }));
    const [first] = await latestOfGroup('g-link');
    await service().act(ctxAt(at('2026-11-23T10:00:00')), center, first ?? '', { kind: 'close', note: 'done' });
    await consume(alertEvent({ groupKey: 'g-link', at: at('2026-11-23T12:00:00') }), { recovery: { stablePeriods: 2, reopenWindowMs: 7 * 24 * HOUR, onRecurrence: 'link', maxReopens: 3 } });
    const [second] = await latestOfGroup('g-link');
    expect(second).not.toBe(first);
    expect((await service().requireOrder(second ?? '')).order.recurrenceOf).toBe(first);
  });

  it('marks the indicator recovered once every alert stayed resolved for two periods', async () => {
    const firing = alertEvent({ groupKey: 'g-recover', at: at('2026-11-23T09:00:00') });
    await consume(firing);
    await consume({ ...firing, from: 'firing', to: 'resolved', at: at('2026-11-24T09:00:00') });
    const [id] = await latestOfGroup('g-recover');
    expect(await runRecovery(t.db, at('2026-11-25T09:00:00'))).toBe(0);
    expect(await runRecovery(t.db, at('2026-11-26T09:00:00'))).toBe(1);
    const order = await service().requireOrder(id ?? '');
    expect(order.order.indicatorRecoveredAt?.toISOString()).toBe(at('2026-11-26T09:00:00').toISOString());
    expect(await runRecovery(t.db, at('2026-11-27T09:00:00'))).toBe(0);
  });
});

describe('deadlines and escalation', () => {
  it('counts severity-3 deadlines on the group calendar loaded from the holiday text fixture', async () => {
    const config = createWorkOrderConfigService({ db: t.db, orgs: { findByCode: () => Promise.resolve(null) } });
    const group = { ...(org.GROUP ?? { id: 0, code: '', name: '', path: '' }), nameEn: null, kind: 'group' as const, channel: null, parentId: null, active: true };
    await config.setCalendar(ctxAt(at('2026-09-01T00:00:00')), group, {
      document: {},
      holidayText: '# 2026 国庆\n2026-10-01..2026-10-07 off 国庆节\n2026-09-20 work 国庆节调休\n2026-10-10 work 国庆节调休\n',
    });
    const created = await service().create(ctxAt(at('2026-09-30T16:00:00')), center, {
      title: '国庆前工单', description: '', severity: 3, category: 'access', org: org['DEPT-A'] ?? { id: 0, code: '', name: '', path: '' },
    });
    // 4 working hours: 1.5 h on 30 Sep, then 2.5 h after the holiday on 8 Oct.
    expect(created.acknowledgeBy.toISOString()).toBe(at('2026-10-08T10:30:00').toISOString());
    // 3 working days (24 h): 1.5 + 8 (8 Oct) + 8 (9 Oct) + 6.5 on the make-up Saturday 10 Oct.
    expect(created.resolveBy.toISOString()).toBe(at('2026-10-10T16:00:00').toISOString());
    const severity1 = await service().create(ctxAt(at('2026-09-30T16:00:00')), center, {
      title: '严重', description: '', severity: 1, category: 'access', org: org['DEPT-A'] ?? { id: 0, code: '', name: '', path: '' },
    });
    expect(severity1.acknowledgeBy.toISOString()).toBe(at('2026-09-30T16:15:00').toISOString());
  });

  it('escalates at the deadlines level by level and stops the acknowledge track on acknowledgement', async () => {
    const s = service();
    const t0 = at('2026-11-23T09:00:00');
    const { order } = await s.create(ctxAt(t0), center, { title: '药房排队', description: '', severity: 2, category: 'access', org: org['DEPT-A'] ?? { id: 0, code: '', name: '', path: '' } });
    const stepsOf = async () => (await s.requireOrder(order.id)).order.escalations.map((e) => `${e.track}:${String(e.index)}`);
    await runEscalations(t.db, new Date(t0.getTime() + 29 * 60_000));
    expect(await stepsOf()).toEqual([]);
    await runEscalations(t.db, new Date(t0.getTime() + 31 * 60_000));
    expect(await stepsOf()).toEqual(['acknowledge:0']);
    await runEscalations(t.db, new Date(t0.getTime() + 31 * 60_000));
    expect(await stepsOf()).toEqual(['acknowledge:0']);
    await runEscalations(t.db, new Date(t0.getTime() + 91 * 60_000));
    expect(await stepsOf()).toEqual(['acknowledge:0', 'acknowledge:1']);
    const rows = (await listOutbox(t.db)).filter((r) => r.orderId === order.id && r.payload.event === 'workorder.escalated');
    expect([...new Set(rows.map((r) => r.recipient))].sort()).toEqual([user.head, user.liaison].sort());
    await s.act(ctxAt(new Date(t0.getTime() + 100 * 60_000)), { userId: user.liaison ?? '', center: false }, order.id, { kind: 'acknowledge' });
    await runEscalations(t.db, new Date(t0.getTime() + 6 * HOUR));
    expect(await stepsOf()).toEqual(['acknowledge:0', 'acknowledge:1']);
    await runEscalations(t.db, new Date(t0.getTime() + 8 * HOUR + 60_000));
    expect(await stepsOf()).toEqual(['acknowledge:0', 'acknowledge:1', 'resolve:0']);
    const timeline = await s.timeline(order.id);
    expect(timeline.filter((e) => e.action === 'workorder.escalated')).toHaveLength(3);
  });
});

describe('outbox rows', () => {
  it('writes one row per event, recipient and channel in the transaction of the change', async () => {
    const s = service();
    const { order } = await s.create(ctxAt(at('2026-11-23T09:00:00')), center, { title: '挂号失败', description: '', severity: 1, category: 'access', org: org['DEPT-A'] ?? { id: 0, code: '', name: '', path: '' } });
    const rows = (await listOutbox(t.db)).filter((r) => r.orderId === order.id);
    expect(rows.map((r) => `${r.channel}:${r.recipient}`).sort()).toEqual([`email:${user.liaison ?? ''}`, `in_app:${user.liaison ?? ''}`]);
    const failing = s.act(ctxAt(at('2026-11-23T09:01:00')), center, order.id, { kind: 'verify' });
    await expect(failing).rejects.toMatchObject({ code: 'WORKORDER_INVALID_TRANSITION' });
    expect((await listOutbox(t.db)).filter((r) => r.orderId === order.id)).toHaveLength(2);
  });
});
