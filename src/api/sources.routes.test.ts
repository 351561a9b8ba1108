import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIngest } from '../../test/support/ingest-app.ts';
import { createTestApp, type Client, type TestApp } from '../../test/support/test-app.ts';

let t: TestApp;
let admin: Client;
let adminA: Client;
let liaisonA: Client;
let exec: Client;
let sourceA: number;
let sourceB: number;
let tokenA: string;

beforeAll(async () => {
  t = await createTestApp({ modules: ({ db, services, clock }) => buildIngest({ db, accounts: services.accounts, clock }).modules });
  [admin, adminA, liaisonA, exec] = await Promise.all([t.signIn('admin'), t.signIn('admin.a'), t.signIn('liaison.a'), t.signIn('exec')]);
  const a = await adminA.request({ method: 'POST', url: '/api/sources', payload: { name: 'HIS A', orgUnit: 'DEPT-A', allowedTypes: ['visit'], cadence: { kind: 'events', perDay: 100 } } });
  const b = await admin.request({ method: 'POST', url: '/api/sources', payload: { name: 'HIS B', orgUnit: 'DEPT-B', allowedTypes: ['visit'], cadence: { kind: 'batches', everyMinutes: 60, from: '08:00', to: '18:00' } } });
  expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
  sourceA = a.json<{ source: { id: number } }>().source.id;
  tokenA = a.json<{ token: { secret: string } }>().token.secret;
  sourceB = b.json<{ source: { id: number } }>().source.id;
}, 60_000);

afterAll(async () => { await t.close(); });

describe('source routes', () => {
  it('answers 401 to anonymous callers on every source route', async () => {
    for (const url of ['/api/sources', `/api/sources/${sourceA}`, `/api/sources/${sourceA}/quality`, `/api/sources/${sourceA}/quarantine`, '/api/quality']) {
      expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(401);
    }
  });

  it('registers a source with its token and audits it', async () => {
    const res = await admin.request({ method: 'GET', url: `/api/sources/${sourceA}` });
    expect(res.json()).toMatchObject({ name: 'HIS A', orgUnit: 'DEPT-A', allowedTypes: ['visit'], active: true, cadence: { kind: 'events', perDay: 100 } });
    const token = await t.t.db.query<{ role: string; org: string }>(
      'SELECT t.role, o.code AS org FROM source s JOIN api_token t ON t.id = s.token_id JOIN org_unit o ON o.id = t.org_unit_id WHERE s.id = $1', [sourceA],
    );
    expect(token.rows[0]).toEqual({ role: 'source', org: 'DEPT-A' });
    const audit = await t.t.db.query<{ n: number }>(`SELECT count(*)::int8 AS n FROM audit_entry WHERE action = 'source.registered'`);
    expect(audit.rows[0]?.n).toBe(2);
  });

  it('keeps a department admin to the sources of their department (404 outside, never data)', async () => {
    const list = await adminA.request({ method: 'GET', url: '/api/sources' });
    expect(list.json<{ items: { name: string }[] }>().items.map((s) => s.name)).toEqual(['HIS A']);
    for (const url of [`/api/sources/${sourceB}`, `/api/sources/${sourceB}/quality`, `/api/sources/${sourceB}/quarantine`, `/api/sources/${sourceB}/schemas`]) {
      const res = await adminA.request({ method: 'GET', url });
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain('HIS B');
    }
    expect((await adminA.request({ method: 'PATCH', url: `/api/sources/${sourceB}`, payload: { name: 'mine now' } })).statusCode).toBe(404);
    expect((await adminA.request({ method: 'POST', url: `/api/sources/${sourceB}/quarantine/reprocess` })).statusCode).toBe(404);
    expect((await adminA.request({ method: 'POST', url: '/api/sources', payload: { name: 'X', orgUnit: 'DEPT-B', allowedTypes: ['visit'] } })).statusCode).toBe(404);
    const quality = await adminA.request({ method: 'GET', url: '/api/quality' });
    expect(quality.json<{ items: { sourceName: string }[] }>().items.map((q) => q.sourceName)).toEqual(['HIS A']);
  });

  it('refuses liaisons (no source.read) with 403, and lets executives read but not manage', async () => {
    expect((await liaisonA.request({ method: 'GET', url: '/api/sources' })).statusCode).toBe(403);
    expect((await liaisonA.request({ method: 'GET', url: `/api/sources/${sourceA}` })).statusCode).toBe(403);
    expect((await exec.request({ method: 'GET', url: '/api/sources' })).json<{ items: unknown[] }>().items).toHaveLength(2);
    expect((await exec.request({ method: 'PATCH', url: `/api/sources/${sourceA}`, payload: { active: false } })).statusCode).toBe(403);
  });

  it('does not let a source token read or manage sources', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/sources', headers: { authorization: `Bearer ${tokenA}` } });
    expect(res.statusCode).toBe(403);
  });

  it('answers 400 naming the field for a bad cadence, name clash or schema', async () => {
    const cadence = await admin.request({ method: 'POST', url: '/api/sources', payload: { name: 'Y', orgUnit: 'DEPT-A', allowedTypes: ['visit'], cadence: { kind: 'batches', everyMinutes: 15, from: '18:00', to: '08:00' } } });
    expect(cadence.statusCode).toBe(400);
    expect(cadence.json()).toMatchObject({ error: { code: 'SOURCE_INVALID_CADENCE', details: { field: '/body/cadence/to' } } });
    const clash = await admin.request({ method: 'POST', url: '/api/sources', payload: { name: 'HIS A', orgUnit: 'DEPT-A', allowedTypes: ['visit'] } });
    expect(clash.statusCode).toBe(409);
    const schema = await admin.request({ method: 'PUT', url: `/api/sources/${sourceA}/schemas`, payload: { name: 'visit', schema: { type: 'object', properties: { a: { type: 'string' } } } } });
    expect(schema.json()).toMatchObject({ error: { code: 'SOURCE_SCHEMA_INVALID', details: { field: '/body/name' } } });
    const mapping = await admin.request({ method: 'PUT', url: `/api/sources/${sourceA}/mapping`, payload: { columns: { 编号: 'id' } } });
    expect(mapping.json()).toMatchObject({ error: { code: 'SOURCE_MAPPING_INVALID' } });
  });

  it('updates a source and a deactivated source can no longer send', async () => {
    const res = await admin.request({ method: 'PATCH', url: `/api/sources/${sourceA}`, payload: { allowedTypes: ['visit', 'charge'], active: false } });
    expect(res.json()).toMatchObject({ allowedTypes: ['visit', 'charge'], active: false });
    const send = await t.app.inject({ method: 'POST', url: '/api/ingest/events', payload: '[]', headers: { authorization: `Bearer ${tokenA}`, 'content-type': 'application/json' } });
    expect(send.statusCode).toBe(403);
    await admin.request({ method: 'PATCH', url: `/api/sources/${sourceA}`, payload: { active: true } });
  });

  it('owes nothing from before a source was registered, and shows a silent source with capture rate 0, not as missing', async () => {
    const before = await admin.request({ method: 'GET', url: `/api/sources/${sourceB}/quality?from=2026-11-22T00:00:00%2B08:00&to=2026-11-23T00:00:00%2B08:00` });
    expect(before.json()).toMatchObject({ received: 0, captureRate: null, expected: 0, observed: 0, lastSeenAt: null });
    // Registered now with a batch every 5 minutes: eleven minutes later two batches were owed and none came.
    const c = await admin.request({ method: 'POST', url: '/api/sources', payload: { name: 'HIS C', orgUnit: 'DEPT-B', allowedTypes: ['visit'], cadence: { kind: 'batches', everyMinutes: 5 } } });
    t.clock.advance(11 * 60_000);
    const res = await admin.request({ method: 'GET', url: `/api/sources/${String(c.json<{ source: { id: number } }>().source.id)}/quality?from=2026-11-23T00:00:00%2B08:00&to=2026-11-24T00:00:00%2B08:00` });
    expect(res.json()).toMatchObject({ received: 0, captureRate: 0, expected: 2, observed: 0, successRate: null, lastSeenAt: null });
  });
});

describe('data-quality pages: status, series, quarantine browsing and re-process outcomes', () => {
  const visit = (id: string, attributes: Record<string, unknown> = { visitId: id, channel: 'offline' }) =>
    JSON.stringify({ id, type: 'visit', orgUnit: 'DEPT-A', occurredAt: '2026-11-23T08:05:00+08:00', attributes });
  const census = (id: string) => JSON.stringify({ id, type: 'bed_census', orgUnit: 'DEPT-A', occurredAt: '2026-11-23T08:00:00+08:00', attributes: { ward: 'W3', occupied: 41 } });

  beforeAll(async () => {
    // Minutes, not hours: the signed-in sessions must not idle out.
    t.clock.set('2026-11-23T08:20:00+08:00');
    const body = [visit('q-1'), visit('q-2'), visit('q-3', { visitId: 'q-3' }), census('b-1'), census('b-2'), '{"id": "broken', visit('q-4')].join('\n');
    const res = await t.app.inject({ method: 'POST', url: '/api/ingest/events', payload: body, headers: { authorization: `Bearer ${tokenA}`, 'content-type': 'application/x-ndjson' } });
    expect(res.json()).toMatchObject({ received: 7, accepted: 3, rejected: 4 });
    t.clock.set('2026-11-23T08:25:00+08:00');
  });

  it('answers 401 to anonymous callers and 404 outside the caller’s scope on the new read routes', async () => {
    for (const url of [`/api/sources/${sourceA}/quality/series`, `/api/sources/${sourceA}/quarantine/summary`, `/api/sources/${sourceA}/mapping`, '/api/event-types']) {
      expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(401);
    }
    for (const url of [`/api/sources/${sourceB}/quality/series`, `/api/sources/${sourceB}/quarantine/summary`, `/api/sources/${sourceB}/mapping`]) {
      const res = await adminA.request({ method: 'GET', url });
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain('HIS B');
    }
    expect((await liaisonA.request({ method: 'GET', url: '/api/event-types' })).statusCode).toBe(403);
  });

  it('gives every source a status: bad data for one refusing records, silent for one that never sent', async () => {
    const res = await exec.request({ method: 'GET', url: '/api/quality' });
    const items = res.json<{ items: { sourceName: string; status: string; reasons: string[]; active: boolean; rejected: number; successRate: number | null; onTime: number }[] }>().items;
    expect(items.find((q) => q.sourceName === 'HIS A')).toMatchObject({ status: 'bad_data', active: true, rejected: 4, onTime: 3 });
    expect(items.find((q) => q.sourceName === 'HIS A')?.reasons).toContain('LOW_SUCCESS_RATE');
    expect(items.find((q) => q.sourceName === 'HIS B')).toMatchObject({ status: 'silent', reasons: ['NEVER_SENT'] });
    const one = await exec.request({ method: 'GET', url: `/api/sources/${sourceB}/quality` });
    // Registered 25 minutes ago: its first hourly batch is not due yet, so no capture rate.
    expect(one.json()).toMatchObject({ status: 'silent', captureRate: null });
  });

  it('shows the figures hour by hour: an hour before the source existed owes nothing, the hour it sent is judged', async () => {
    const res = await exec.request({ method: 'GET', url: `/api/sources/${sourceA}/quality/series?from=2026-11-23T06:00:00%2B08:00&to=2026-11-23T09:00:00%2B08:00&grain=hour` });
    expect(res.statusCode).toBe(200);
    const points = res.json<{ points: { from: string; received: number; accepted: number; rejected: number; successRate: number | null; p95Seconds: number | null; captureRate: number | null }[] }>().points;
    expect(points.map((p) => p.from)).toEqual(['2026-11-22T22:00:00.000Z', '2026-11-22T23:00:00.000Z', '2026-11-23T00:00:00.000Z']);
    expect(points[0]).toMatchObject({ received: 0, successRate: null, captureRate: null });
    // 100 events a day owes 2 in the 25 minutes since 08:00; 3 were accepted.
    expect(points[2]).toMatchObject({ received: 7, accepted: 3, rejected: 4, successRate: 3 / 7, p95Seconds: 900, captureRate: 1 });
  });

  it('refuses a series longer than its grain allows, naming the field', async () => {
    const res = await exec.request({ method: 'GET', url: `/api/sources/${sourceA}/quality/series?from=2026-10-01T00:00:00Z&to=2026-11-23T00:00:00Z&grain=hour` });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', details: { field: '/querystring/from' } } });
    expect((await exec.request({ method: 'GET', url: `/api/sources/${sourceA}/quality/series?grain=week` })).statusCode).toBe(400);
  });

  it('counts open quarantined records by reason and filters the list by code', async () => {
    const summary = await exec.request({ method: 'GET', url: `/api/sources/${sourceA}/quarantine/summary` });
    const s = summary.json<{ open: number; byCode: { code: string; count: number }[] }>();
    expect(s.byCode[0]).toEqual({ code: 'INGEST_UNKNOWN_TYPE', count: 2 });
    expect(s.open).toBe(4);
    const list = await exec.request({ method: 'GET', url: `/api/sources/${sourceA}/quarantine?code=INGEST_UNKNOWN_TYPE` });
    const items = list.json<{ items: { code: string; eventId: string | null; payload: unknown }[] }>().items;
    expect(items.map((i) => [i.code, i.eventId])).toEqual([['INGEST_UNKNOWN_TYPE', 'b-1'], ['INGEST_UNKNOWN_TYPE', 'b-2']]);
    expect(items[0]?.payload).toMatchObject({ type: 'bed_census', attributes: { ward: 'W3' } });
  });

  it('reports per record what a re-process did once the missing type is declared', async () => {
    const schema = await admin.request({
      method: 'PUT', url: `/api/sources/${sourceA}/schemas`,
      payload: { name: 'bed_census', schema: { type: 'object', properties: { ward: { type: 'string' }, occupied: { type: 'integer', minimum: 0 } }, required: ['ward'] } },
    });
    expect(schema.statusCode).toBe(200);
    const re = await admin.request({ method: 'POST', url: `/api/sources/${sourceA}/quarantine/reprocess` });
    expect(re.statusCode).toBe(200);
    const body = re.json<{ processed: number; settled: number; stillOpen: number; outcomes: { eventId: string | null; outcome: string; code: string }[] }>();
    expect(body).toMatchObject({ processed: 3, settled: 2, stillOpen: 1 });
    expect(body.outcomes.map((o) => [o.eventId, o.outcome])).toEqual([['q-3', 'open'], ['b-1', 'settled'], ['b-2', 'settled']]);
    expect(body.outcomes[0]?.code).toBe('INGEST_MISSING_FIELD');
    const summary = await exec.request({ method: 'GET', url: `/api/sources/${sourceA}/quarantine/summary` });
    expect(summary.json<{ open: number }>().open).toBe(2);
  });

  it('reads back the saved column mapping (null before one is saved)', async () => {
    expect((await exec.request({ method: 'GET', url: `/api/sources/${sourceB}/mapping` })).json()).toEqual({ mapping: null });
    const mapping = { columns: { 单号: 'id', 科室: 'orgUnit', 时间: 'occurredAt', 门诊号: 'attributes.visitId' }, constants: { type: 'visit', 'attributes.channel': 'offline' } };
    const put = await admin.request({ method: 'PUT', url: `/api/sources/${sourceB}/mapping`, payload: mapping });
    expect(put.statusCode).toBe(200);
    expect((await exec.request({ method: 'GET', url: `/api/sources/${sourceB}/mapping` })).json()).toEqual({ mapping });
  });

  it('lists the canonical event types with their attribute names', async () => {
    const items = (await exec.request({ method: 'GET', url: '/api/event-types' })).json<{ items: { name: string; attributes: string[] }[] }>().items;
    expect(items.map((i) => i.name)).toContain('visit');
    expect(items.find((i) => i.name === 'charge')?.attributes).toEqual(expect.arrayContaining(['amount', 'category', 'payer']));
  });
});
