import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLog, buildIngest, multipartBody, registerSource } from '../../test/support/ingest-app.ts';
import { createTestApp, type Client as TestClient, type TestApp } from '../../test/support/test-app.ts';

/**
 * What ingest refuses to keep, on every path (JSON, FHIR, CSV): event times outside the plausible
 * window, and patient identifiers in places not declared for them — refused with a code and a
 * pointer, and never stored (events, quarantine, any table) nor logged, nor echoed in a message.
 */
let t: TestApp;
let admin: TestClient;
let token: string;
let sourceId: number;
const log = captureLog();

// A resident identity number with a valid check character, a mobile number, a labelled record number.
const RESIDENT_ID = '44030419900307123X';
const MOBILE = '13912345678';
const RECORD_NO = 'MRN-5501234';
const SECRETS = [RESIDENT_ID, MOBILE, RECORD_NO, '110105491231002'];

const visit = (id: string, extra: Record<string, unknown> = {}, attributes: Record<string, unknown> = {}) => ({
  id, type: 'visit', orgUnit: 'DEPT-A', occurredAt: '2026-11-23T07:30:00+08:00', patient: 'P-OK-1', attributes: { visitId: id, channel: 'offline', ...attributes }, ...extra,
});

function post(url: string, payload: string | Buffer, contentType: string) {
  return t.app.inject({ method: 'POST', url, payload, headers: { authorization: `Bearer ${token}`, 'content-type': contentType } });
}

/** The batch report: how many were accepted, and every other record as [index, code, path]. */
function expectOutcomes(res: { json: () => unknown }, accepted: number, issues: readonly (readonly [number, string, string])[]): void {
  expect(res.json()).toMatchObject({ accepted, rejected: issues.length, issues: issues.map(([index, code, path]) => ({ index, code, path })) });
}

beforeAll(async () => {
  t = await createTestApp({
    modules: ({ db, services, clock }) => buildIngest({ db, accounts: services.accounts, clock, log }).modules,
  });
  admin = await t.signIn('admin');
  ({ sourceId, token } = await registerSource(admin, { name: 'HIS hygiene', orgUnit: 'DEPT-A', allowedTypes: ['visit', 'charge', 'admission', 'discharge'], cadence: { kind: 'batches', everyMinutes: 15 } }));
}, 60_000);

afterAll(async () => { await t.close(); });

describe('plausible event times', () => {
  it('rejects 1800-01-01 and 9999-12-31 per record on the JSON path, keeping the rest', async () => {
    const res = await post('/api/ingest/events', JSON.stringify([
      visit('t-1'), visit('t-2', { occurredAt: '1800-01-01T00:00:00Z' }), visit('t-3', { occurredAt: '9999-12-31T23:59:59Z' }), visit('t-4', {}, { endedAt: '9999-12-31T00:00:00Z' }),
    ]), 'application/json');
    expect(res.statusCode).toBe(200);
    expectOutcomes(res, 1, [[1, 'INGEST_TIME_OUT_OF_RANGE', '/occurredAt'], [2, 'INGEST_TIME_OUT_OF_RANGE', '/occurredAt'], [3, 'INGEST_TIME_OUT_OF_RANGE', '/attributes/endedAt']]);
  });

  it('rejects them on the FHIR path', async () => {
    const enc = (id: string, start: string) => ({ resource: { resourceType: 'Encounter', id, status: 'finished', class: { code: 'AMB' }, period: { start } }, request: { method: 'POST', url: 'Encounter' } });
    const res = await post('/api/ingest/fhir', JSON.stringify({ resourceType: 'Bundle', type: 'batch', entry: [enc('e-1', '2026-11-23T07:00:00+08:00'), enc('e-2', '1800-01-01T00:00:00Z'), enc('e-3', '9999-12-31T00:00:00Z')] }), 'application/fhir+json');
    const entries = res.json<{ entry: { response: { status: string; outcome?: { issue: { details: { coding: { code: string }[] } }[] } } }[] }>().entry;
    expect(entries.map((e) => e.response.status)).toEqual(['201 Created', '422 Unprocessable Entity', '422 Unprocessable Entity']);
    expect(entries.slice(1).map((e) => e.response.outcome?.issue[0]?.details.coding[0]?.code)).toEqual(['INGEST_TIME_OUT_OF_RANGE', 'INGEST_TIME_OUT_OF_RANGE']);
  });

  it('rejects them on the CSV path, naming the row and column', async () => {
    const mapping = await admin.request({
      method: 'PUT', url: `/api/sources/${String(sourceId)}/mapping`,
      payload: { columns: { 编号: 'id', 就诊号: 'attributes.visitId', 时间: 'occurredAt', 科室: 'orgUnit', 医生: 'attributes.doctor' }, constants: { type: 'visit', 'attributes.channel': 'offline' } },
    });
    expect(mapping.statusCode).toBe(200);
    const csv = Buffer.from(`编号,就诊号,时间,科室,医生\nr-1,V-1,2026-11-23 08:00,DEPT-A,D01\nr-2,V-2,1800-01-01 08:00,DEPT-A,D01\nr-3,V-3,9999-12-31 08:00,DEPT-A,D01\nr-4,V-4,2026-11-23 08:00,DEPT-A,${MOBILE}\n`);
    const upload = multipartBody('visits.csv', 'text/csv', csv);
    const res = await post('/api/ingest/file', upload.body, upload.type);
    expectOutcomes(res, 1, [[3, 'INGEST_TIME_OUT_OF_RANGE', 'row 3, column 时间'], [4, 'INGEST_TIME_OUT_OF_RANGE', 'row 4, column 时间'], [5, 'INGEST_UNDECLARED_IDENTIFIER', 'row 5, column 医生']]);
  });
});

describe('patient identifiers', () => {
  it('refuses identity, mobile and record numbers in undeclared places, and lets ordinary ids through', async () => {
    const res = await post('/api/ingest/events', JSON.stringify([
      visit('V-2026112300123', {}, { doctor: 'D-0042', department: 'ORD-20261123-000123' }),
      visit('i-2', {}, { doctor: RESIDENT_ID }),
      visit(`Encounter/${RESIDENT_ID}`),
      visit('i-4', {}, { department: `联系电话${MOBILE}` }),
      visit('i-5', {}, { doctor: RECORD_NO }),
      visit('i-6', {}, { sfzh: RESIDENT_ID }),
      visit('i-7', {}, { doctor: '110105491231002' }),
    ]), 'application/json');
    expectOutcomes(res, 1, [
      [1, 'INGEST_UNDECLARED_IDENTIFIER', '/attributes/doctor'], [2, 'INGEST_UNDECLARED_IDENTIFIER', '/id'], [3, 'INGEST_UNDECLARED_IDENTIFIER', '/attributes/department'],
      [4, 'INGEST_UNDECLARED_IDENTIFIER', '/attributes/doctor'], [5, 'INGEST_UNKNOWN_FIELD', '/attributes/sfzh'], [6, 'INGEST_UNDECLARED_IDENTIFIER', '/attributes/doctor'],
    ]);
    expect(res.body).not.toContain(RESIDENT_ID);
  });

  it('pseudonymises attributes a source schema declares identifying, and refuses an identifier in one it does not', async () => {
    const schema = await admin.request({
      method: 'PUT', url: `/api/sources/${String(sourceId)}/schemas`,
      payload: { name: 'referral', schema: { type: 'object', properties: { sfzh: { type: 'string', 'x-patient-identifying': true }, note: { type: 'string' } }, required: ['sfzh'] } },
    });
    expect(schema.statusCode, schema.body).toBeLessThan(300);
    const referral = (id: string, attributes: Record<string, unknown>) => ({ id, type: 'referral', orgUnit: 'DEPT-A', occurredAt: '2026-11-23T07:30:00+08:00', attributes });
    const res = await post('/api/ingest/events', JSON.stringify([referral('rf-1', { sfzh: RESIDENT_ID }), referral('rf-2', { sfzh: 'x', note: `患者手机 ${MOBILE}` })]), 'application/json');
    expect(res.json()).toMatchObject({ accepted: 1, issues: [{ index: 1, code: 'INGEST_UNDECLARED_IDENTIFIER', path: '/attributes/note' }] });
    const stored = await t.t.db.query<{ attributes: { sfzh: string } }>("SELECT attributes FROM event WHERE event_id = 'rf-1'");
    expect(stored.rows[0]?.attributes.sfzh).toMatch(/^p_[A-Za-z0-9_-]{22}$/);
  });

  it('never echoes the input of a JSON syntax error', async () => {
    const line = await post('/api/ingest/events', `{"id": ${RESIDENT_ID}x}\n`, 'application/x-ndjson');
    expect(line.json()).toMatchObject({ rejected: 1, issues: [{ code: 'INGEST_MALFORMED_JSON' }] });
    const bundle = await post('/api/ingest/fhir', `{"resourceType": "Bundle", "id": ${MOBILE}x}`, 'application/fhir+json');
    expect(bundle.json()).toMatchObject({ error: { code: 'INGEST_BATCH_MALFORMED' } });
    for (const body of [line.body, bundle.body]) for (const secret of SECRETS) expect(body).not.toContain(secret.slice(0, 6));
  });

  it('keeps no refused identifier anywhere: not in events, quarantine, any table or the log', async () => {
    const quarantine = await admin.request({ method: 'GET', url: `/api/sources/${String(sourceId)}/quarantine?status=open` });
    expect(quarantine.statusCode).toBe(200);
    expect(quarantine.json<{ items: unknown[] }>().items.length).toBeGreaterThan(5);
    const tables = await t.t.db.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`);
    let dump = quarantine.body;
    for (const { table_name: name } of tables.rows) {
      const rows = await t.t.db.query<{ j: string }>(`SELECT row_to_json(x)::text AS j FROM "${name}" x`);
      dump += rows.rows.map((r) => r.j).join('\n');
    }
    for (const secret of SECRETS) {
      expect(dump).not.toContain(secret);
      expect(log.lines.join('\n')).not.toContain(secret);
    }
  });
});
