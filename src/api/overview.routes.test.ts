import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '../../test/support/test-app.ts';
import { testBackend } from '../../test/support/test-db.ts';
import type { Overview } from '../live/index.ts';
import { createLiveTestApp, type LiveTestApp } from '../live/test-support.ts';

let lt: LiveTestApp;
let analyst: Client;
let liaisonA: Client;
let exec: Client;

beforeAll(async () => {
  lt = await createLiveTestApp();
  await lt.ingestVisits(['DEPT-A', 'DEPT-A', 'DEPT-B']);
  analyst = await lt.ta.signIn('analyst');
  liaisonA = await lt.ta.signIn('liaison.a');
  exec = await lt.ta.signIn('exec');
});

afterAll(async () => {
  await lt.ta.close();
});

describe(`overview route on ${testBackend}`, () => {
  it('sums the group: visits so far, open alerts per severity and per child, work orders and sources', async () => {
    const res = await analyst.request({ method: 'GET', url: '/api/overview?org=GROUP' });
    expect(res.statusCode).toBe(200);
    const o = res.json<Overview>();
    expect(o.org.code).toBe('GROUP');
    const visits = o.indicators?.find((i) => i.code === 'outpatient_visits');
    expect(visits?.current).toMatchObject({ periodKey: '2026-11-23', value: 3 });
    expect(visits?.spark.length).toBe(30);
    expect(o.alerts?.bySeverity).toEqual({ 1: 0, 2: 4, 3: 0, 4: 0 });
    expect(o.alerts?.recent.map((a) => a.orgUnit).sort()).toEqual(['DEPT-A', 'DEPT-B', 'H1', 'H1-OFF']);
    expect(o.children).toEqual([expect.objectContaining({ code: 'H1', alerts: { 1: 0, 2: 4, 3: 0, 4: 0 }, worstSeverity: 2 })]);
    expect(o.workorders?.open).toBeGreaterThanOrEqual(1);
    expect(o.workorders?.overdue).toBe(0);
    // Registered minutes ago: no hourly batch was owed yet, so nothing is abnormal about it.
    expect(o.sources).toEqual({ total: 1, inTrouble: [] });
    expect(o.flow?.totals).toEqual({ online: 0, offline: 3 });
  });

  it('shows a department liaison only their department, without the sources they may not read', async () => {
    const res = await liaisonA.request({ method: 'GET', url: '/api/overview?org=DEPT-A&grain=week' });
    expect(res.statusCode).toBe(200);
    const o = res.json<Overview>();
    expect(o.grain).toBe('week');
    expect(o.alerts?.recent.map((a) => a.orgUnit)).toEqual(['DEPT-A']);
    expect(o.indicators?.find((i) => i.code === 'outpatient_visits')?.current?.value).toBe(2);
    expect(o.sources).toBeNull();
    expect(res.body).not.toContain('DEPT-B');
  });

  it('answers 404 for a unit outside the scope (sibling or ancestor) and 401 without a session', async () => {
    for (const org of ['DEPT-B', 'H1', 'GROUP']) {
      const res = await liaisonA.request({ method: 'GET', url: `/api/overview?org=${org}` });
      expect(res.statusCode, org).toBe(404);
      expect(res.json<{ error: { code: string } }>().error.code).toBe('ORG_NOT_FOUND');
    }
    expect((await exec.request({ method: 'GET', url: '/api/overview?org=GROUP' })).statusCode).toBe(404);
    expect((await lt.ta.app.inject({ method: 'GET', url: '/api/overview?org=GROUP' })).statusCode).toBe(401);
  });

  it('counts open alerts exactly past 1,000 (a count, not the length of a capped list)', async () => {
    // 1,001 more firing alerts of the same rule at DEPT-B, one per (made-up) period.
    await lt.ta.t.db.query(
      `INSERT INTO alert (fingerprint, rule_id, rule_code, org_unit_id, series_key, period_key, period_start, severity, category, group_key, state, status,
                          value, bound, message_zh, message_en, notify, suppressed_by, suppressed_refs, last_notified_state, silent_source, created_at, updated_at,
                          last_period_key, last_period_start, period_count)
       SELECT a.fingerprint || '-' || g::text, a.rule_id, a.rule_code, o.id, a.series_key, a.period_key || '-' || g::text, a.period_start, a.severity, a.category,
              a.group_key, a.state, a.status, a.value, a.bound, a.message_zh, a.message_en, a.notify, a.suppressed_by, a.suppressed_refs, a.last_notified_state,
              a.silent_source, a.created_at, a.updated_at, a.period_key || '-' || g::text, a.period_start, 1
         FROM alert a, generate_series(1, 1001) AS g, org_unit o
        WHERE a.id = (SELECT min(id) FROM alert WHERE state = 'firing') AND o.code = 'DEPT-B'`,
    );
    // Another grain than the first test's: the overview memo is per org, grain and permissions.
    const o = (await analyst.request({ method: 'GET', url: '/api/overview?org=GROUP&grain=month' })).json<Overview>();
    expect(o.alerts?.open).toBe(1005);
    expect(o.alerts?.bySeverity).toEqual({ 1: 0, 2: 1005, 3: 0, 4: 0 });
    expect(o.alerts?.recent).toHaveLength(8);
    expect(o.children).toEqual([expect.objectContaining({ code: 'H1', alerts: { 1: 0, 2: 1005, 3: 0, 4: 0 } })]);
  });

  it('refuses a bad grain or a missing org with the field at fault', async () => {
    const bad = await analyst.request({ method: 'GET', url: '/api/overview?org=GROUP&grain=hour' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { details: { field: string } } }>().error.details.field).toBe('/querystring/grain');
    const missing = await analyst.request({ method: 'GET', url: '/api/overview' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json<{ error: { details: { field: string } } }>().error.details.field).toBe('/querystring/org');
  });
});
