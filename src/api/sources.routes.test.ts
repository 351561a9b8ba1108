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

  it('shows a silent source with capture rate 0, not as missing', async () => {
    const res = await admin.request({ method: 'GET', url: `/api/sources/${sourceB}/quality?from=2026-11-22T00:00:00%2B08:00&to=2026-11-23T00:00:00%2B08:00` });
    expect(res.json()).toMatchObject({ received: 0, captureRate: 0, expected: 10, observed: 0, successRate: null, lastSeenAt: null });
  });

  it('reads and changes the group time zone (installation-wide: group admins only)', async () => {
    expect((await admin.request({ method: 'GET', url: '/api/settings/time-zone' })).json()).toEqual({ timeZone: 'Asia/Shanghai' });
    expect((await adminA.request({ method: 'PUT', url: '/api/settings/time-zone', payload: { timeZone: 'Asia/Urumqi' } })).statusCode).toBe(404);
    expect((await admin.request({ method: 'PUT', url: '/api/settings/time-zone', payload: { timeZone: 'Mars/Base' } })).statusCode).toBe(400);
    expect((await admin.request({ method: 'PUT', url: '/api/settings/time-zone', payload: { timeZone: 'Asia/Urumqi' } })).json()).toEqual({ timeZone: 'Asia/Urumqi' });
    expect((await exec.request({ method: 'GET', url: '/api/settings/time-zone' })).json()).toEqual({ timeZone: 'Asia/Urumqi' });
  });
});
