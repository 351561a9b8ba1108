import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPassword } from '../../test/support/test-app.ts';
import { createTestDb, type TestDb } from '../../test/support/test-db.ts';
import type { ActionContext } from '../audit/index.ts';
import { loadConfig } from '../config/index.ts';
import { buildRuntime, type Runtime } from '../main.ts';
import type { OrgUnit } from '../orgs/index.ts';
import { ruleJson } from '../rules/engine-support.test-data.ts';
import type { ScheduledJob } from '../scheduler/index.ts';
import { createFakeClock } from '../shared/index.ts';
import { readSetting } from '../store/index.ts';
import { FACTS_CURSOR_SETTING, runWorkOrderFacts, type WorkOrderFactsDeps } from './indicator-facts-service.ts';
import { WORK_ORDER_FACTS_SOURCE, workOrderFacts, toNdjsonLine } from './indicator-facts.ts';
import type { WorkOrderActor, WorkOrderCommand } from './index.ts';
import { readCalendar, rootIdOf } from './workorder-config-service.ts';

/**
 * The feed end to end on the product's runtime (main.ts): orders opened and moved through the
 * work-order service with a controlled clock, the scheduled job turning their milestones into
 * events through the real ingest service, the library indicators rolled up per department and
 * hospital, ranked among sibling departments, and judged by a threshold rule.
 *
 * Severity 1 runs on the clock: acknowledge within 15 min, resolve within 4 h. Day 2026-11-23:
 *   A1 (DEPT-A) ack 08:10 ✓ (10 min), resolved 10:00 ✓ (120 min), verified
 *   A2 (DEPT-A) ack 08:20 ✗ (20 min), resolved 13:00 ✗ (300 min)
 *   B1 (DEPT-B) ack 08:05 ✓ (5 min), resolved 09:00 ✓ (60 min), verified, reopened 11:00, resolved 12:00 ✓ (60 min)
 *   B2 (DEPT-B) ack 08:12 ✓ (12 min), never resolved (missed 12:00)
 */
let t: TestDb;
let runtime: Runtime;
let job: ScheduledJob;
const clock = createFakeClock('2026-11-23T08:00:00+08:00');
const at = (local: string) => new Date(`2026-11-23T${local}:00+08:00`);
const ctx = (): ActionContext => ({ actor: { kind: 'system', id: null, name: 'test' }, now: clock.now() });
const center: WorkOrderActor = { userId: 'center-analyst', center: true };
/** A real user granted liaison on H1-OFF: the people on an order must be entitled to it. */
let liaison: WorkOrderActor = { userId: '', center: false };
const orgs = new Map<string, OrgUnit>();
const orders = new Map<string, string>();

function org(code: string): OrgUnit {
  const o = orgs.get(code);
  if (!o) throw new Error(`no org ${code}`);
  return o;
}

function factsDeps(): WorkOrderFactsDeps {
  return { db: t.db, sources: runtime.sources, ingest: runtime.ingest, orgs: runtime.services.orgs };
}

async function open(name: string, orgCode: string): Promise<void> {
  const stored = await runtime.workorders.create(ctx(), center, { title: `order ${name}`, description: '', severity: 1, category: 'access', org: org(orgCode), assignees: [liaison.userId] });
  orders.set(name, stored.order.id);
}

async function act(local: string, name: string, command: WorkOrderCommand, actor: WorkOrderActor = liaison): Promise<void> {
  clock.set(at(local));
  await runtime.workorders.act(ctx(), actor, orders.get(name) ?? '', command);
}

async function runJobAt(local: string): Promise<void> {
  clock.set(at(local));
  await job.run(clock.now());
}

async function dayValue(code: string, orgCode: string, day = '2026-11-23'): Promise<number | null> {
  const start = new Date(`${day}T00:00:00+08:00`);
  const { points } = await runtime.indicators.queries.series(code, org(orgCode), 'day', start, new Date(start.getTime() + 86_399_000));
  return points[0]?.value ?? null;
}

async function storedFacts(): Promise<number> {
  const r = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM event e JOIN source s ON s.id = e.source_id WHERE s.name = $1', [WORK_ORDER_FACTS_SOURCE]);
  return r.rows[0]?.n ?? 0;
}

const CODES = [
  'workorder_created', 'workorder_ack_on_time_rate', 'workorder_resolve_on_time_rate', 'workorder_mean_ack_minutes',
  'workorder_mean_resolve_minutes', 'workorder_overdue', 'workorder_reopened',
] as const;

async function figures(orgCode: string): Promise<Record<string, number | null>> {
  const out: Record<string, number | null> = {};
  for (const code of CODES) {
    const v = await dayValue(code, orgCode);
    out[code] = v === null ? null : Math.round(v * 1000) / 1000;
  }
  return out;
}

const resolve: WorkOrderCommand = { kind: 'resolve', rootCause: 'staffing', actionTaken: 'rota changed' };

beforeAll(async () => {
  t = await createTestDb();
  const config = loadConfig({ YUNJIAN_DATA: mkdtempSync(join(tmpdir(), 'yj-wof-')), YUNJIAN_PSEUDONYM_KEY: 'test-pseudonym-key-0123456789abcdef', LOG_LEVEL: 'silent' });
  runtime = buildRuntime(t.db, config, clock, pino({ level: 'silent' }));
  const found = runtime.jobs.find((j) => j.name === 'workorders.indicatorFacts');
  if (!found) throw new Error('the work-order facts job is not wired in main.ts');
  job = found;
  for (const [code, kind, parent, channel] of [['GROUP', 'group'], ['H1', 'hospital', 'GROUP'], ['H1-OFF', 'channel', 'H1', 'offline'], ['DEPT-A', 'department', 'H1-OFF'], ['DEPT-B', 'department', 'H1-OFF']] as const) {
    orgs.set(code, await runtime.services.orgs.create(ctx(), { code, name: code, kind, ...(parent ? { parentCode: parent } : {}), ...(channel ? { channel } : {}) }));
  }
  const user = await runtime.services.accounts.createUser(ctx(), { username: 'liaison-1', displayName: 'liaison-1', orgUnitId: org('H1-OFF').id, initialPassword: testPassword });
  await runtime.services.accounts.grant(ctx(), user.id, 'liaison', org('H1-OFF'));
  liaison = { userId: String(user.id), center: false };
  await runtime.indicators.definitions.installLibrary(ctx());
}, 60_000);

afterAll(async () => {
  await runtime.rules.engine.settled();
  await t.drop();
});

describe('work-order statistics as indicators', () => {
  it('registers its source once at the root with the work_order type, and says it is alive while idle', async () => {
    await runJobAt('08:00');
    await runJobAt('08:00');
    const mine = (await runtime.sources.list(['/'])).filter((s) => s.name === WORK_ORDER_FACTS_SOURCE);
    expect(mine.map((s) => [s.orgCode, s.allowedTypes])).toEqual([['GROUP', ['work_order']]]);
    const source = mine[0];
    if (!source) throw new Error('no source');
    expect((await runtime.sources.listSchemas(source)).map((s) => [s.typeName, s.version])).toEqual([['work_order', 1]]);
    const quality = await runtime.quality.readSourceQuality(source.id, at('00:00'), at('23:59'));
    expect(quality?.lastSeenAt?.getTime()).toBe(at('08:00').getTime());
    expect(await storedFacts()).toBe(0);
  }, 60_000);

  it('computes the figures per department and rolls them up to the hospital, and a rerun counts nothing twice', async () => {
    clock.set(at('08:00'));
    for (const [name, dept] of [['A1', 'DEPT-A'], ['A2', 'DEPT-A'], ['B1', 'DEPT-B'], ['B2', 'DEPT-B']] as const) await open(name, dept);
    await act('08:05', 'B1', { kind: 'acknowledge' });
    await act('08:10', 'A1', { kind: 'acknowledge' });
    await act('08:12', 'B2', { kind: 'acknowledge' });
    await act('08:20', 'A2', { kind: 'acknowledge' });
    await act('09:00', 'B1', resolve);
    await act('09:30', 'B1', { kind: 'verify' }, center);
    await act('10:00', 'A1', resolve);
    await act('10:30', 'A1', { kind: 'verify' }, center);
    await act('11:00', 'B1', { kind: 'reopen', reason: 'waits are back' }, center);
    await act('12:00', 'B1', resolve);
    await runJobAt('12:30');
    // A2 and B2 passed their 12:00 resolution deadline unresolved.
    expect(await figures('DEPT-A')).toMatchObject({ workorder_resolve_on_time_rate: 50, workorder_mean_resolve_minutes: 120, workorder_overdue: 1 });

    await act('13:00', 'A2', resolve);
    await runJobAt('13:30');
    const expected = {
      'DEPT-A': { workorder_created: 2, workorder_ack_on_time_rate: 50, workorder_resolve_on_time_rate: 50, workorder_mean_ack_minutes: 15, workorder_mean_resolve_minutes: 210, workorder_overdue: 1, workorder_reopened: 0 },
      'DEPT-B': { workorder_created: 2, workorder_ack_on_time_rate: 100, workorder_resolve_on_time_rate: 66.667, workorder_mean_ack_minutes: 8.5, workorder_mean_resolve_minutes: 60, workorder_overdue: 1, workorder_reopened: 1 },
      H1: { workorder_created: 4, workorder_ack_on_time_rate: 75, workorder_resolve_on_time_rate: 60, workorder_mean_ack_minutes: 11.75, workorder_mean_resolve_minutes: 135, workorder_overdue: 2, workorder_reopened: 1 },
    } as const;
    for (const [code, values] of Object.entries(expected)) expect(await figures(code), code).toMatchObject(values);
    // 4 created, 4 acknowledged, 4 resolved, 2 closed, 1 reopened, 3 missed deadlines.
    expect(await storedFacts()).toBe(18);

    const before = { a: await figures('DEPT-A'), h1: await figures('H1') };
    await runJobAt('13:30');
    await runJobAt('13:45');
    expect(await storedFacts()).toBe(18);
    expect({ a: await figures('DEPT-A'), h1: await figures('H1') }).toEqual(before);
  }, 120_000);

  it('resumes from the durable cursor, and stores nothing twice when the cursor was lost after a commit', async () => {
    const cursor = await readSetting<{ after: number }>(t.db, FACTS_CURSOR_SETTING);
    const last = await t.db.query<{ id: number }>('SELECT max(id)::int AS id FROM work_order_event');
    expect(cursor?.after).toBe(last.rows[0]?.id);
    // A crash between the ingest commit and the cursor write: the next run starts over.
    await t.db.query('DELETE FROM setting WHERE key = $1', [FACTS_CURSOR_SETTING]);
    clock.set(at('14:00'));
    const rerun = await runWorkOrderFacts(factsDeps(), clock.now());
    expect(rerun).toMatchObject({ ran: true, sent: 0, accepted: 0 });
    expect(await storedFacts()).toBe(18);
    // Even sent again, the same facts are duplicates for ingest, never counted twice.
    const stored = await runtime.workorders.requireOrder(orders.get('A2') ?? '');
    const facts = workOrderFacts(stored.order, await runtime.workorders.timeline(stored.order.id), await readCalendar(t.db, rootIdOf(stored.orgPath)), clock.now());
    const source = (await runtime.sources.list(['/'])).find((s) => s.name === WORK_ORDER_FACTS_SOURCE);
    if (!source) throw new Error('no source');
    const report = await runtime.ingest.ingestEvents(source, 'ndjson', facts.map((f) => toNdjsonLine(f.event)), clock.now());
    expect(report).toMatchObject({ received: facts.length, accepted: 0, duplicates: facts.length });
    expect(await figures('DEPT-A')).toMatchObject({ workorder_created: 2, workorder_resolve_on_time_rate: 50, workorder_overdue: 1 });
  }, 60_000);

  it('ranks sibling departments by an indicator through the query service, best first by its direction', async () => {
    const start = at('00:00');
    const rate = await runtime.indicators.queries.ranking('workorder_resolve_on_time_rate', org('H1-OFF'), 'day', start, 'top', 10);
    expect(rate.items.map((i) => [i.org.code, i.value === null ? null : Math.round(i.value * 10) / 10])).toEqual([['DEPT-B', 66.7], ['DEPT-A', 50]]);
    const slowest = await runtime.indicators.queries.ranking('workorder_mean_resolve_minutes', org('H1-OFF'), 'day', start, 'bottom', 1);
    expect(slowest.items.map((i) => [i.org.code, i.value])).toEqual([['DEPT-A', 210]]);
  }, 60_000);

  it('pauses while an administrator has deactivated the source, and catches up when it is active again', async () => {
    const source = (await runtime.sources.list(['/'])).find((s) => s.name === WORK_ORDER_FACTS_SOURCE);
    if (!source) throw new Error('no source');
    const input = { name: source.name, allowedTypes: source.allowedTypes, cadence: source.cadence };
    await runtime.sources.update(ctx(), source, { ...input, active: false });
    clock.set(at('15:00'));
    await open('B3', 'DEPT-B');
    expect(await runWorkOrderFacts(factsDeps(), clock.now())).toMatchObject({ ran: false });
    expect(await dayValue('workorder_created', 'DEPT-B')).toBe(2);
    const paused = await runtime.sources.find(source.id);
    if (!paused) throw new Error('no source');
    await runtime.sources.update(ctx(), paused, { ...input, active: true });
    expect(await runWorkOrderFacts(factsDeps(), clock.now())).toMatchObject({ ran: true, accepted: 1 });
    expect(await dayValue('workorder_created', 'DEPT-B')).toBe(3);
    await act('15:05', 'B3', { kind: 'close', note: 'opened to test the pause' }, center);
  }, 60_000);
  it('fires a threshold rule on the on-time resolution rate for the department below the bound only, when the day closes', async () => {
    await runtime.rules.rules.create(ctx(), ruleJson({
      code: 'wo_resolve_on_time_low', kind: 'threshold', indicator: 'workorder_resolve_on_time_rate', grain: 'day', op: '<', bound: 60,
      scope: { orgUnit: 'H1', includeDescendants: true }, category: 'workorders',
    }));
    // Just after midnight the scheduler gives the closed day its final judgement: DEPT-A 50 % < 60; DEPT-B 66.7 %, H1 and H1-OFF 60 % are not.
    clock.set(new Date('2026-11-24T00:05:00+08:00'));
    for (const rulesJob of runtime.rules.jobs) await rulesJob.run(clock.now());
    await runtime.rules.engine.settled();
    const alerts = await runtime.alerts.list({ paths: ['/'], ruleCode: 'wo_resolve_on_time_low' });
    expect(alerts.map((a) => [a.orgUnitCode, a.state])).toEqual([['DEPT-A', 'firing']]);
    // The alert opened a work order for DEPT-A, which the next run counts like any other.
    clock.set(new Date('2026-11-24T00:10:00+08:00'));
    await job.run(clock.now());
    expect(await dayValue('workorder_created', 'DEPT-A', '2026-11-24')).toBe(1);
    expect(await dayValue('workorder_created', 'DEPT-A')).toBe(2);
  }, 60_000);
});
