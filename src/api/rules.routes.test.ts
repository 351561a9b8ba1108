import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../test/support/test-app.ts';
import { createDryRunService } from '../rules/dry-run-service.ts';
import { createMemorySeriesReader } from '../rules/engine-memory-series.ts';
import { ruleJson } from '../rules/engine-support.test-data.ts';
import { createRulesService } from '../rules/rules-service.ts';
import { previousPeriod } from '../shared/index.ts';
import { createRulesModule } from './rules.routes.ts';

let t: TestApp;
let analyst: Client;
let adminA: Client;
let exec: Client;
let liaison: Client;
let series: ReturnType<typeof createMemorySeriesReader>;

const threshold = (code: string, scope: string) =>
  ruleJson({ code, kind: 'threshold', indicator: 'ind_x', grain: 'day', op: '>', bound: 10, scope: { orgUnit: scope, includeDescendants: true } });

beforeAll(async () => {
  t = await createTestApp({
    modules: ({ db, clock }) => {
      const reader = createMemorySeriesReader(clock);
      series = reader;
      return [createRulesModule({ rules: createRulesService({ db }), dryRun: createDryRunService({ db, seriesReader: reader }), clock })];
    },
  });
  analyst = await t.signIn('analyst');
  adminA = await t.signIn('admin.a');
  exec = await t.signIn('exec');
  liaison = await t.signIn('liaison.a');
});

afterAll(async () => {
  await t.close();
});

describe('rules routes', () => {
  it('creates a rule as version 1 and saves every change as a new version, with the audit trail', async () => {
    const created = await analyst.request({ method: 'POST', url: '/api/rules', payload: threshold('wait_high', 'GROUP') });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ code: 'wait_high', version: 1, enabled: true, kind: 'threshold', scope: { orgUnit: 'GROUP' } });
    const saved = await analyst.request({ method: 'PUT', url: '/api/rules/wait_high', payload: { ...threshold('wait_high', 'GROUP'), bound: 20 } });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({ version: 2, definition: { bound: 20 } });
    const got = await analyst.request({ method: 'GET', url: '/api/rules/wait_high' });
    expect(got.json<{ versions: { version: number }[] }>().versions.map((v) => v.version)).toEqual([1, 2]);
    const audit = await t.t.db.query<{ action: string }>("SELECT action FROM audit_entry WHERE action LIKE 'rule.%' ORDER BY seq");
    expect(audit.rows.map((r) => r.action)).toEqual(['rule.created', 'rule.updated']);
  });

  it('refuses an invalid definition with the field, and a taken code with 409', async () => {
    const bad = await analyst.request({ method: 'POST', url: '/api/rules', payload: { ...threshold('bad_rule', 'GROUP'), op: '>>' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'RULE_INVALID', details: { field: '/body/op' } } });
    const taken = await analyst.request({ method: 'POST', url: '/api/rules', payload: threshold('wait_high', 'GROUP') });
    expect(taken.statusCode).toBe(409);
    const check = await analyst.request({ method: 'POST', url: '/api/rules/validate', payload: { ...threshold('x_rule', 'GROUP'), severity: 9 } });
    expect(check.json()).toMatchObject({ ok: false, errors: [{ path: '/severity' }] });
  });

  it('enables and disables a rule without a new version', async () => {
    const off = await analyst.request({ method: 'POST', url: '/api/rules/wait_high/disable' });
    expect(off.json()).toMatchObject({ enabled: false, version: 2 });
    const on = await analyst.request({ method: 'POST', url: '/api/rules/wait_high/enable' });
    expect(on.json()).toMatchObject({ enabled: true, version: 2 });
  });

  it('replays a rule over past data in a dry run', async () => {
    const group = await t.services.orgs.require('DEPT-A');
    let day = previousPeriod(t.clock.now(), 'day');
    for (let i = 0; i < 10; i++) {
      series.set('ind_x', group.id, 'day', day, i % 3 === 0 ? 50 : 5);
      day = previousPeriod(day, 'day');
    }
    const res = await analyst.request({
      method: 'POST', url: '/api/rules/dry-run',
      payload: { code: 'wait_high', from: new Date(t.clock.now().getTime() - 11 * 86_400_000).toISOString(), to: t.clock.now().toISOString() },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ firings: 4, episodes: 4 });
    const draft = await analyst.request({
      method: 'POST', url: '/api/rules/dry-run',
      payload: { rule: { ...threshold('draft_rule', 'DEPT-A'), bound: 100 }, from: new Date(t.clock.now().getTime() - 10 * 86_400_000).toISOString(), to: t.clock.now().toISOString() },
    });
    expect(draft.json()).toMatchObject({ firings: 0 });
  });

  it('keeps rules inside their scope: 401 anonymous, 403 without the permission, 404 outside the subtree (also when moving a rule there)', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/rules' })).statusCode).toBe(401);
    expect((await liaison.request({ method: 'GET', url: '/api/rules' })).statusCode).toBe(403);
    expect((await exec.request({ method: 'POST', url: '/api/rules', payload: threshold('exec_rule', 'H1') })).statusCode).toBe(403);
    expect((await adminA.request({ method: 'GET', url: '/api/rules/wait_high' })).statusCode).toBe(404);
    expect((await adminA.request({ method: 'POST', url: '/api/rules/wait_high/disable' })).statusCode).toBe(404);
    expect((await adminA.request({ method: 'POST', url: '/api/rules', payload: threshold('dept_b_rule', 'DEPT-B') })).statusCode).toBe(404);
    expect((await exec.request({ method: 'POST', url: '/api/rules/dry-run', payload: { code: 'wait_high', from: t.clock.now().toISOString(), to: t.clock.now().toISOString() } })).statusCode).toBe(404);
    const own = await adminA.request({ method: 'POST', url: '/api/rules', payload: threshold('dept_a_rule', 'DEPT-A') });
    expect(own.statusCode).toBe(201);
    const moved = await adminA.request({ method: 'PUT', url: '/api/rules/dept_a_rule', payload: threshold('dept_a_rule', 'GROUP') });
    expect(moved.statusCode).toBe(404);
    const list = await adminA.request({ method: 'GET', url: '/api/rules' });
    expect(list.json<{ items: { code: string }[] }>().items.map((r) => r.code)).toEqual(['dept_a_rule']);
  });
});
