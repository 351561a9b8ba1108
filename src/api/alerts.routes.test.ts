import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../test/support/test-app.ts';
import { createAlertsService } from '../alerts/alerts-service.ts';
import { createRuleEngine, type RuleEngine } from '../rules/engine.ts';
import { createMemorySeriesReader, type MemorySeriesReader } from '../rules/engine-memory-series.ts';
import { countIndicator, ruleJson, systemCtx } from '../rules/engine-support.test-data.ts';
import { createTestSource, insertTestEvents } from '../rules/engine-test-repo.ts';
import { createComplianceCasesService } from '../rules/compliance-cases-service.ts';
import { createRulesService } from '../rules/rules-service.ts';
import { createAlertsModule } from './alerts.routes.ts';

let t: TestApp;
let analyst: Client;
let liaisonA: Client;
let liaisonB: Client;
const ids = new Map<string, number>();
const built: { engine?: RuleEngine; series?: MemorySeriesReader } = {};

beforeAll(async () => {
  t = await createTestApp({
    modules: ({ db, clock }) => {
      built.series = createMemorySeriesReader(clock);
      built.engine = createRuleEngine({ db, clock, seriesReader: built.series, indicatorDefinitions: () => [countIndicator('ind_wait', 'visit')] });
      return [createAlertsModule({ alerts: createAlertsService({ db }), rules: createRulesService({ db }), cases: createComplianceCasesService({ db }), clock })];
    },
  });
  const db = t.t.db;
  await createRulesService({ db }).create(systemCtx(t.clock.now()), ruleJson({
    code: 'wait_high', kind: 'threshold', indicator: 'ind_wait', grain: 'hour', op: '>', bound: 10, evaluateOpenPeriod: true, scope: { orgUnit: 'H1-OFF', includeDescendants: true },
  }));
  const source = await createTestSource(db, (await t.services.orgs.require('GROUP')).id, 'his');
  for (const code of ['DEPT-A', 'DEPT-B']) built.series?.set('ind_wait', (await t.services.orgs.require(code)).id, 'hour', t.clock.now(), 30);
  const stored = await insertTestEvents(db, ['DEPT-A', 'DEPT-B'].map((orgCode) => ({ sourceId: source, type: 'visit', orgCode, occurredAt: t.clock.now() })));
  await built.engine?.consumer.afterCommit?.(stored);
  const rows = await createAlertsService({ db }).list({ paths: ['/'] });
  for (const a of rows) ids.set(a.orgUnitCode, a.id);
  analyst = await t.signIn('analyst');
  liaisonA = await t.signIn('liaison.a');
  liaisonB = await t.signIn('liaison.b');
});

afterAll(async () => {
  await t.close();
});

describe('alerts routes', () => {
  it('lists alerts by state, rule and org unit, and shows one with the history that explains it', async () => {
    const list = await analyst.request({ method: 'GET', url: '/api/alerts?state=firing&rule=wait_high&org=H1' });
    expect(list.statusCode).toBe(200);
    expect(list.json<{ items: { orgUnit: string }[] }>().items.map((a) => a.orgUnit).sort()).toEqual(['DEPT-A', 'DEPT-B']);
    const one = await analyst.request({ method: 'GET', url: `/api/alerts/${String(ids.get('DEPT-A'))}` });
    expect(one.json()).toMatchObject({ alert: { state: 'firing', value: 30, bound: 10 }, history: [{ from: null, to: 'firing', reason: 'breach', value: 30 }] });
    const bad = await analyst.request({ method: 'GET', url: '/api/alerts?severity=9' });
    expect(bad.statusCode).toBe(400);
  });

  it('shows an alert as an incident with its periods, and its text in the reader’s language', async () => {
    const url = `/api/alerts/${String(ids.get('DEPT-A'))}`;
    const en = await analyst.request({ method: 'GET', url, headers: { 'accept-language': 'en' } });
    const alert = en.json<{ alert: { periodKey: string; message: string; messageEn: string } }>().alert;
    expect(en.json()).toMatchObject({
      alert: { lastPeriodKey: alert.periodKey, periodCount: 1, endedAt: null, endReason: null, message: `心内科 ${alert.periodKey}: 30 n beyond 10 n` },
      periods: [{ periodKey: alert.periodKey, value: 30, bound: 10 }],
    });
    const zh = await analyst.request({ method: 'GET', url, headers: { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.5' } });
    expect(zh.json<{ alert: { message: string } }>().alert.message).toBe(`心内科 ${alert.periodKey} 值 30`);
    const list = await analyst.request({ method: 'GET', url: '/api/alerts?org=DEPT-A', headers: { 'accept-language': 'en-GB' } });
    expect(list.json<{ items: { message: string }[] }>().items.map((a) => a.message)).toEqual([alert.messageEn]);
  });

  it('lists the findings judged on history, in scope, and opens no alert for them', async () => {
    const engine = built.engine;
    const rule = (await engine?.activeRules())?.find((r) => r.def.code === 'wait_high');
    if (!engine || !rule) throw new Error('engine not built');
    const dept = await t.services.orgs.require('DEPT-A');
    const past = new Date(t.clock.now().getTime() - 3 * 86_400_000);
    built.series?.set('ind_wait', dept.id, 'hour', past, 40);
    await engine.runIsolated(rule, t.clock.now(), (r, at) => engine.judgeSeries(r, [{ orgUnitId: dept.id, periodStart: new Date(Math.floor(past.getTime() / 3_600_000) * 3_600_000) }], 'schedule', at));
    const res = await analyst.request({ method: 'GET', url: '/api/findings?rule=wait_high', headers: { 'accept-language': 'en' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ items: [{ ruleCode: 'wait_high', orgUnit: 'DEPT-A', kind: 'breach', value: 40, bound: 10, message: expect.stringContaining('40 n beyond 10 n') as unknown }] });
    expect((await liaisonB.request({ method: 'GET', url: '/api/findings' })).json<{ items: unknown[] }>().items).toEqual([]);
    expect((await liaisonB.request({ method: 'GET', url: '/api/findings?org=DEPT-A' })).statusCode).toBe(404);
    expect((await analyst.request({ method: 'GET', url: '/api/findings?limit=0' })).statusCode).toBe(400);
    expect((await analyst.request({ method: 'GET', url: '/api/alerts?org=DEPT-A' })).json<{ items: unknown[] }>().items).toHaveLength(1);
  });

  it('shows a liaison only the alerts of their department', async () => {
    const list = await liaisonA.request({ method: 'GET', url: '/api/alerts' });
    expect(list.json<{ items: { orgUnit: string }[] }>().items.map((a) => a.orgUnit)).toEqual(['DEPT-A']);
    expect((await liaisonA.request({ method: 'GET', url: `/api/alerts/${String(ids.get('DEPT-B'))}` })).statusCode).toBe(404);
    expect((await liaisonA.request({ method: 'GET', url: '/api/alerts?org=DEPT-B' })).statusCode).toBe(404);
    expect((await liaisonA.request({ method: 'POST', url: `/api/alerts/${String(ids.get('DEPT-A'))}/silence`, payload: { reason: 'x', endsAt: '2026-11-24T00:00:00Z' } })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/alerts' })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/silences' })).statusCode).toBe(401);
  });

  it('silences one alert until a time, audited, visible only within its org subtree, and expires it', async () => {
    const res = await analyst.request({ method: 'POST', url: `/api/alerts/${String(ids.get('DEPT-A'))}/silence`, payload: { reason: 'known outage', endsAt: '2026-11-24T00:00:00Z' } });
    expect(res.statusCode).toBe(201);
    const silence = res.json<{ id: number; matchers: { name: string; value: string }[] }>();
    expect(silence).toMatchObject({ orgUnit: 'DEPT-A', reason: 'known outage', active: true, createdBy: 'analyst' });
    expect(silence.matchers.map((m) => m.name)).toEqual(['ruleCode', 'orgUnit', 'orgPath']);
    const silenced = await liaisonA.request({ method: 'GET', url: `/api/alerts/${String(ids.get('DEPT-A'))}` });
    expect(silenced.json()).toMatchObject({ rule: { code: 'wait_high', kind: 'threshold', indicator: 'ind_wait', grain: 'hour' }, silencedBy: [{ id: silence.id, reason: 'known outage' }] });
    expect((await analyst.request({ method: 'GET', url: `/api/alerts/${String(ids.get('DEPT-B'))}` })).json<{ silencedBy: unknown[] }>().silencedBy).toEqual([]);
    expect((await liaisonA.request({ method: 'GET', url: '/api/silences' })).json<{ items: unknown[] }>().items).toHaveLength(1);
    expect((await liaisonB.request({ method: 'GET', url: '/api/silences' })).json<{ items: unknown[] }>().items).toHaveLength(0);
    // Expiring needs alert.act, which a liaison holds nowhere: 403 before the silence is looked up.
    expect((await liaisonB.request({ method: 'DELETE', url: `/api/silences/${String(silence.id)}` })).statusCode).toBe(403);
    expect((await analyst.request({ method: 'DELETE', url: `/api/silences/${String(silence.id)}` })).statusCode).toBe(200);
    expect((await analyst.request({ method: 'DELETE', url: `/api/silences/${String(silence.id)}` })).statusCode).toBe(409);
    expect((await analyst.request({ method: 'GET', url: `/api/alerts/${String(ids.get('DEPT-A'))}` })).json<{ silencedBy: unknown[] }>().silencedBy).toEqual([]);
    const audit = await t.t.db.query<{ action: string }>("SELECT action FROM audit_entry WHERE action IN ('alert.silenced', 'silence.expired') ORDER BY seq");
    expect(audit.rows.map((r) => r.action)).toEqual(['alert.silenced', 'silence.expired']);
  });

  it('silences an alert by matchers prefilled from it, refusing matchers that would not match that alert', async () => {
    const url = `/api/alerts/${String(ids.get('DEPT-B'))}/silence`;
    const miss = await analyst.request({ method: 'POST', url, payload: { reason: 'r', endsAt: '2026-11-24T00:00:00Z', matchers: [{ name: 'ruleCode', op: '=', value: 'other_rule' }] } });
    expect(miss.statusCode).toBe(400);
    expect(miss.json()).toMatchObject({ error: { code: 'SILENCE_INVALID', details: { field: '/body/matchers' } } });
    const res = await analyst.request({
      method: 'POST', url, payload: { reason: 'planned maintenance', endsAt: '2026-11-24T00:00:00Z', matchers: [{ name: 'ruleCode', op: '=', value: 'wait_high' }, { name: 'severity', op: '=~', value: '[23]' }] },
    });
    expect(res.statusCode).toBe(201);
    const silence = res.json<{ id: number; orgUnit: string; matchers: { name: string }[] }>();
    expect(silence.orgUnit).toBe('DEPT-B');
    expect(silence.matchers.map((m) => m.name)).toEqual(['ruleCode', 'severity', 'orgPath']);
    const detail = await analyst.request({ method: 'GET', url: `/api/alerts/${String(ids.get('DEPT-B'))}` });
    expect(detail.json()).toMatchObject({ silencedBy: [{ id: silence.id, reason: 'planned maintenance', createdBy: 'analyst' }] });
    const audit = await t.t.db.query<{ target_id: string; summary: { silenceId: number } }>("SELECT target_id, summary FROM audit_entry WHERE action = 'alert.silenced' ORDER BY seq DESC LIMIT 1");
    expect(audit.rows[0]).toMatchObject({ target_id: String(ids.get('DEPT-B')), summary: { silenceId: silence.id } });
    expect((await analyst.request({ method: 'DELETE', url: `/api/silences/${String(silence.id)}` })).statusCode).toBe(200);
  });

  it('answers at once with a catastrophic-backtracking silence on record, and refuses patterns only a backtracking engine runs', async () => {
    const evil = await analyst.request({
      method: 'POST', url: '/api/silences',
      payload: { orgUnit: 'DEPT-A', matchers: [{ name: 'ruleCode', op: '=~', value: '(.*)*Z' }], endsAt: '2026-11-24T00:00:00Z', reason: 'redos probe' },
    });
    expect(evil.statusCode).toBe(201);
    const detail = await analyst.request({ method: 'GET', url: `/api/alerts/${String(ids.get('DEPT-A'))}` });
    expect(detail.statusCode).toBe(200);
    expect(detail.json<{ silencedBy: unknown[] }>().silencedBy).toEqual([]);
    expect((await analyst.request({ method: 'DELETE', url: `/api/silences/${String(evil.json<{ id: number }>().id)}` })).statusCode).toBe(200);
    const backref = await analyst.request({
      method: 'POST', url: '/api/silences',
      payload: { orgUnit: 'DEPT-A', matchers: [{ name: 'ruleCode', op: '=~', value: '(wait)_\\1' }], endsAt: '2026-11-24T00:00:00Z', reason: 'r' },
    });
    expect(backref.statusCode).toBe(400);
    expect(backref.json()).toMatchObject({ error: { code: 'SILENCE_INVALID', details: { field: '/body/matchers/0/value' } } });
  });

  it('creates a silence from matchers in an org subtree and refuses one that would match everything', async () => {
    const ok = await analyst.request({
      method: 'POST', url: '/api/silences',
      payload: { orgUnit: 'DEPT-B', matchers: [{ name: 'category', op: '=', value: 'outpatient' }], endsAt: '2026-11-24T00:00:00Z', reason: 'change window' },
    });
    expect(ok.statusCode).toBe(201);
    const all = await analyst.request({
      method: 'POST', url: '/api/silences',
      payload: { orgUnit: 'DEPT-B', matchers: [{ name: 'category', op: '=~', value: '.*' }], endsAt: '2026-11-24T00:00:00Z', reason: 'too broad' },
    });
    expect(all.statusCode).toBe(400);
    expect(all.json()).toMatchObject({ error: { code: 'SILENCE_INVALID', details: { field: '/body/matchers' } } });
    const elsewhere = await liaisonA.request({
      method: 'POST', url: '/api/silences', payload: { orgUnit: 'DEPT-B', matchers: [{ name: 'category', op: '=', value: 'x' }], endsAt: '2026-11-24T00:00:00Z', reason: 'r' },
    });
    expect(elsewhere.statusCode).toBe(403);
  });
});
