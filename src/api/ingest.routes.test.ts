import ExcelJS from 'exceljs';
import { Client } from 'fhir-kit-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLog, buildIngest, multipartBody, registerSource } from '../../test/support/ingest-app.ts';
import { createTestApp, type Client as TestClient, type TestApp } from '../../test/support/test-app.ts';

let t: TestApp;
let built: ReturnType<typeof buildIngest>;
let admin: TestClient;
let token: string;
let sourceId: number;
const log = captureLog();

const RAW_PATIENTS = ['MRN-7731905', 'ID-110101199003071234', 'PAT-ENC-55821', 'ROW-PAT-99107', 'FHIR-PT-3141'];

const visit = (id: string, extra: Record<string, unknown> = {}) => ({
  id, type: 'visit', orgUnit: 'DEPT-A', occurredAt: '2026-11-23T07:30:00+08:00', patient: RAW_PATIENTS[0],
  attributes: { visitId: id, channel: 'offline' }, ...extra,
});

function post(url: string, payload: string | Buffer, contentType: string, headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'POST', url, payload, headers: { authorization: `Bearer ${token}`, 'content-type': contentType, ...headers } });
}

beforeAll(async () => {
  t = await createTestApp({
    modules: ({ db, services, clock }) => {
      built = buildIngest({ db, accounts: services.accounts, clock, log, limits: { maxBodyBytes: 256 * 1024, maxRecords: 500 } });
      return built.modules;
    },
  });
  admin = await t.signIn('admin');
  ({ sourceId, token } = await registerSource(admin, {
    name: 'HIS 心内科', orgUnit: 'DEPT-A', allowedTypes: ['visit', 'charge', 'prescription', 'admission', 'discharge', 'appointment'], cadence: { kind: 'batches', everyMinutes: 15, from: '08:00', to: '18:00' },
  }));
}, 60_000);

afterAll(async () => { await t.close(); });

describe('POST /api/ingest/events', () => {
  it('refuses anonymous callers with 401 before reading the body', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/ingest/events', payload: '[]', headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(401);
  });

  it('accepts the good records of a JSON array and reports every other one by index', async () => {
    const batch = [
      visit('v-1'),
      { ...visit('v-2'), type: 'bed_turnover' },
      { ...visit('v-3'), orgUnit: 'DEPT-B' },
      { ...visit('v-4'), occurredAt: '2026-13-45T00:00:00+08:00' },
      visit('v-5', { patient: RAW_PATIENTS[1] }),
    ];
    const res = await post('/api/ingest/events', JSON.stringify(batch), 'application/json');
    expect(res.statusCode).toBe(200);
    const body = res.json<{ accepted: number; rejected: number; issues: { index: number; code: string; path: string }[] }>();
    expect(body).toMatchObject({ received: 5, accepted: 2, rejected: 3, duplicates: 0, conflicts: 0 });
    expect(body.issues.map((i) => [i.index, i.code, i.path])).toEqual([
      [1, 'INGEST_UNKNOWN_TYPE', '/type'],
      [2, 'INGEST_ORG_UNIT_OUT_OF_SCOPE', '/orgUnit'],
      [3, 'INGEST_INVALID_DATE', '/occurredAt'],
    ]);
  });

  it('counts a re-sent event once and reports a changed one as a conflict', async () => {
    const lines = [visit('v-1'), { ...visit('v-5', { patient: RAW_PATIENTS[1] }), attributes: { visitId: 'v-5', channel: 'online' } }, visit('v-6')];
    const res = await post('/api/ingest/events', lines.map((l) => JSON.stringify(l)).join('\n'), 'application/x-ndjson');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ received: 3, accepted: 1, duplicates: 1, conflicts: 1, issues: [
      { index: 0, outcome: 'duplicate', eventId: 'v-1' }, { index: 1, outcome: 'conflict', eventId: 'v-5', code: 'INGEST_CONFLICT' },
    ] });
    const stored = await t.t.db.query<{ n: number }>(`SELECT count(*)::int8 AS n FROM event WHERE source_id = $1`, [sourceId]);
    expect(stored.rows[0]?.n).toBe(3);
  });

  it('rejects malformed NDJSON lines alone and keeps the rest', async () => {
    const res = await post('/api/ingest/events', `${JSON.stringify(visit('v-7'))}\n{"id": nope}\n\n${JSON.stringify(visit('v-8'))}\n`, 'application/x-ndjson');
    expect(res.json()).toMatchObject({ accepted: 2, rejected: 1, issues: [{ index: 1, code: 'INGEST_MALFORMED_JSON', path: 'line 2' }] });
  });

  it('answers 415 to an unsupported content type and 413 to a body over the limit', async () => {
    expect((await post('/api/ingest/events', 'hello', 'text/plain')).statusCode).toBe(415);
    const big = JSON.stringify(Array.from({ length: 2000 }, (_, i) => visit(`big-${i}`)));
    const res = await post('/api/ingest/events', big, 'application/json');
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ error: { code: 'BODY_TOO_LARGE' } });
  });

  it('refuses a batch with more records than the limit as a whole (413) and stores none of it', async () => {
    const lines = Array.from({ length: 501 }, (_, i) => JSON.stringify({ id: `n${i}` })).join('\n');
    const res = await post('/api/ingest/events', lines, 'application/x-ndjson');
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ error: { code: 'INGEST_BATCH_TOO_LARGE' } });
  });

  it('answers 503 with Retry-After when every in-flight slot is taken, and stores nothing', async () => {
    const held = Array.from({ length: built.ingest.limits.maxInFlight }, () => built.ingest.tryAcquire());
    const res = await post('/api/ingest/events', JSON.stringify([visit('busy-1')]), 'application/json');
    for (const release of held) release?.();
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('2');
    const after = await post('/api/ingest/events', JSON.stringify([visit('busy-1')]), 'application/json');
    expect(after.json()).toMatchObject({ accepted: 1 });
  });

  it('lets a signed-in user with ingest.write name the source, and hides other sources', async () => {
    const res = await admin.request({ method: 'POST', url: `/api/ingest/events?sourceId=${sourceId}`, payload: JSON.stringify([visit('by-admin')]), headers: { 'content-type': 'application/json' } });
    expect(res.json()).toMatchObject({ accepted: 1 });
    const adminA = await t.signIn('admin.a');
    const other = await admin.request({ method: 'POST', url: '/api/sources', payload: { name: 'HIS 儿科', orgUnit: 'DEPT-B', allowedTypes: ['visit'] } });
    const otherId = other.json<{ source: { id: number } }>().source.id;
    const hidden = await adminA.request({ method: 'POST', url: `/api/ingest/events?sourceId=${otherId}`, payload: '[]', headers: { 'content-type': 'application/json' } });
    expect(hidden.statusCode).toBe(404);
    const tokenForOther = await post(`/api/ingest/events?sourceId=${otherId}`, '[]', 'application/json');
    expect(tokenForOther.statusCode).toBe(404);
  });
});

describe('POST /api/ingest/fhir', () => {
  // Real HTTP for fhir-kit-client: the app listens once (closed with it in afterAll).
  let listening: Promise<string> | undefined;
  const serverAddress = () => (listening ??= t.app.listen({ host: '127.0.0.1', port: 0 }));

  it('takes a batch Bundle from fhir-kit-client and answers with an OperationOutcome per rejected entry', async () => {
    const address = await serverAddress();
    {
      const client = new Client({ baseUrl: `${address}/api/ingest/fhir`, bearerToken: token });
      const bundle = {
        resourceType: 'Bundle', type: 'batch',
        entry: [
          { resource: { resourceType: 'Encounter', id: 'enc-1', status: 'finished', class: { code: 'AMB' }, subject: { reference: `Patient/${RAW_PATIENTS[4]}` }, period: { start: '2026-11-23T08:10:00+08:00' } }, request: { method: 'POST', url: 'Encounter' } },
          { resource: { resourceType: 'Encounter', id: 'enc-2', status: 'finished', class: { code: 'XYZ' }, subject: { reference: `Patient/${RAW_PATIENTS[4]}` }, period: { start: '2026-11-23T08:10:00+08:00' } }, request: { method: 'POST', url: 'Encounter' } },
          { resource: { resourceType: 'ChargeItem', id: 'ci-1', status: 'billable', subject: { reference: 'Patient/x' }, occurrenceDateTime: '2026-11-23T08:20:00+08:00', priceOverride: { value: 35, currency: 'CNY' } }, request: { method: 'POST', url: 'ChargeItem' } },
        ],
      };
      const response = await client.batch({ body: bundle }) as { resourceType: string; type: string; entry: { response: { status: string; outcome?: { issue: { details: { coding: { code: string }[] } }[] } } }[] };
      expect(response.resourceType).toBe('Bundle');
      expect(response.type).toBe('batch-response');
      expect(response.entry.map((e) => e.response.status)).toEqual(['201 Created', '422 Unprocessable Entity', '201 Created']);
      expect(response.entry[1]?.response.outcome?.issue[0]?.details.coding[0]?.code).toBe('FHIR_UNSUPPORTED_ENCOUNTER_CLASS');
    }
  });

  it('takes bulk FHIR NDJSON and reports re-sent resources as 200 OK', async () => {
    const enc = { resourceType: 'Encounter', id: 'enc-1', status: 'finished', class: { code: 'AMB' }, subject: { reference: `Patient/${RAW_PATIENTS[4]}` }, period: { start: '2026-11-23T08:10:00+08:00' } };
    const res = await post('/api/ingest/fhir', `${JSON.stringify(enc)}\nnot json\n`, 'application/fhir+ndjson');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/fhir+json');
    const body = res.json<{ entry: { response: { status: string } }[] }>();
    expect(body.entry.map((e) => e.response.status)).toEqual(['200 OK', '400 Bad Request']);
  });

  it('serves a CapabilityStatement at [base]/metadata that fhir-kit-client reads', async () => {
    const address = await serverAddress();
    {
      const statement = await new Client({ baseUrl: `${address}/api/ingest/fhir` }).capabilityStatement() as {
        resourceType: string; fhirVersion: string; kind: string; format: string[];
        rest: { mode: string; interaction: { code: string }[]; resource: { type: string; documentation: string }[] }[];
      };
      expect(statement).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1', kind: 'instance', format: ['application/fhir+json', 'json'] });
      expect(statement.rest[0]?.interaction.map((i) => i.code)).toEqual(['batch', 'transaction']);
      expect(statement.rest[0]?.resource.map((r) => r.type)).toEqual(['Encounter', 'Appointment', 'MedicationRequest', 'Claim', 'ChargeItem', 'Patient']);
      expect(statement.rest[0]?.resource[0]?.documentation).toContain('OBSENC');
    }
    const res = await t.app.inject({ method: 'GET', url: '/api/ingest/fhir/metadata' });
    expect(res.headers['content-type']).toContain('application/fhir+json');
  });

  it('applies a transaction all-or-nothing: one refused entry stores nothing; a batch stores the others', async () => {
    const encounter = (id: string, cls: string) => ({
      resource: { resourceType: 'Encounter', id, status: 'finished', class: { code: cls }, subject: { reference: 'Patient/tx-p' }, period: { start: '2026-11-23' } },
      request: { method: 'POST', url: 'Encounter' },
    });
    const count = async () => Number((await t.t.db.query<{ n: string }>("SELECT count(*) AS n FROM event WHERE event_id LIKE 'Encounter/tx-%'")).rows[0]?.n);
    const bundle = (type: string) => JSON.stringify({ resourceType: 'Bundle', type, entry: [encounter('tx-1', 'AMB'), encounter('tx-2', 'FLD'), encounter('tx-3', 'EMER')] });
    const refused = await post('/api/ingest/fhir', bundle('transaction'), 'application/fhir+json');
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({
      error: { code: 'FHIR_TRANSACTION_FAILED', details: { field: '/entry/1/resource/class/code', entries: [{ entry: 1, code: 'FHIR_UNSUPPORTED_ENCOUNTER_CLASS' }] } },
    });
    expect(await count()).toBe(0);
    const batch = await post('/api/ingest/fhir', bundle('batch'), 'application/fhir+json');
    expect(batch.json<{ entry: { response: { status: string } }[] }>().entry.map((e) => e.response.status)).toEqual(['201 Created', '422 Unprocessable Entity', '201 Created']);
    expect(await count()).toBe(2);
    const fixed = JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: [encounter('tx-4', 'AMB'), encounter('tx-5', 'OBSENC')] });
    expect((await post('/api/ingest/fhir', fixed, 'application/fhir+json')).json()).toMatchObject({ type: 'transaction-response' });
    expect(await count()).toBe(4);
    // The date-only period.start is local midnight of the group's zone (Asia/Shanghai).
    const stored = await t.t.db.query<{ occurred_at: Date }>("SELECT occurred_at FROM event WHERE event_id = 'Encounter/tx-4'");
    expect(stored.rows[0]?.occurred_at.toISOString()).toBe('2026-11-22T16:00:00.000Z');
  });

  it('refuses a body that is not a Bundle with 400', async () => {
    const res = await post('/api/ingest/fhir', JSON.stringify({ resourceType: 'Patient' }), 'application/fhir+json');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'INGEST_BATCH_MALFORMED' } });
  });
});

describe('POST /api/ingest/file', () => {
  it('needs a saved mapping, then reads CSV rows through it and names the row and column of a bad cell', async () => {
    const csv = Buffer.from('编号,时间,金额,科室,患者\nc-1,2026-11-23 08:00,12.5,DEPT-A,ROW-PAT-99107\nc-2,2026-11-23 08:05,abc,DEPT-A,ROW-PAT-99107\n');
    const upload = multipartBody('charges.csv', 'text/csv', csv);
    const before = await post('/api/ingest/file', upload.body, upload.type);
    expect(before.json()).toMatchObject({ error: { code: 'INGEST_MAPPING_MISSING' } });
    const mapping = await admin.request({
      method: 'PUT', url: `/api/sources/${sourceId}/mapping`,
      payload: { columns: { 编号: 'id', 时间: 'occurredAt', 金额: 'attributes.amount', 科室: 'orgUnit', 患者: 'patient' }, constants: { type: 'charge', 'attributes.category': 'service' } },
    });
    expect(mapping.statusCode).toBe(200);
    const res = await post('/api/ingest/file', upload.body, upload.type);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ accepted: 1, rejected: 1, issues: [{ index: 3, code: 'INGEST_INVALID_TYPE', path: 'row 3, column 金额' }] });
  });

  it('reads a GB18030 CSV, detected or declared, and says which encoding it used', async () => {
    // "编号,时间,金额,科室,患者" and two rows (the second patient 患者甲) in GB18030 (Python's gb18030 codec).
    const gb = Buffer.from('b1e0bac52ccab1bce42cbdf0b6ee2cbfc6cad22cbbbcd5df0a672d312c323032362d31312d32332030383a30302c31322e352c444550542d412c524f572d5041542d39393130370a672d322c323032362d31312d32332030383a30352c372c444550542d412cbbbcd5dfbcd70a', 'hex');
    const upload = multipartBody('his-export.csv', 'text/csv', gb);
    const detected = await post('/api/ingest/file', upload.body, upload.type);
    expect(detected.json()).toMatchObject({ received: 2, accepted: 2, encoding: { encoding: 'gb18030', detected: true } });
    const declared = await post('/api/ingest/file?encoding=GBK', upload.body, upload.type);
    expect(declared.json()).toMatchObject({ received: 2, duplicates: 2, encoding: { encoding: 'gb18030', detected: false } });
    const wrong = await post('/api/ingest/file?encoding=utf-8', upload.body, upload.type);
    expect([wrong.statusCode, wrong.json()]).toMatchObject([400, { error: { code: 'INGEST_BATCH_MALFORMED', message: expect.stringMatching(/not valid UTF-8.*encoding=gb18030/) as unknown } }]);
    const unknown = await post('/api/ingest/file?encoding=big5', upload.body, upload.type);
    expect([unknown.statusCode, unknown.json()]).toMatchObject([400, { error: { code: 'INGEST_ENCODING_UNSUPPORTED', details: { field: '/query/encoding' } } }]);
    const bom = multipartBody('bom.csv', 'text/csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('编号,时间,金额,科室,患者\nb-1,2026-11-23 08:00,3,DEPT-A,ROW-PAT-99107\n')]));
    expect((await post('/api/ingest/file', bom.body, bom.type)).json()).toMatchObject({ accepted: 1, encoding: { encoding: 'utf-8', detected: true } });
  });

  it('reads the first worksheet of an XLSX upload', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('收费');
    ws.addRow(['编号', '时间', '金额', '科室', '患者']);
    ws.addRow(['x-1', '2026-11-23 09:00', 99, 'DEPT-A', 'ROW-PAT-99107']);
    const upload = multipartBody('charges.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', Buffer.from(await wb.xlsx.writeBuffer()));
    const res = await post('/api/ingest/file', upload.body, upload.type);
    expect(res.json()).toMatchObject({ received: 1, accepted: 1 });
  });
});

describe('quarantine and privacy', () => {
  it('lists rejected records with pseudonymised payloads and re-processes them after a schema fix', async () => {
    const list = await admin.request({ method: 'GET', url: `/api/sources/${sourceId}/quarantine?status=open` });
    const items = list.json<{ items: { id: number; code: string; payload: { patient?: string } | null }[] }>().items;
    const unknownType = items.find((i) => i.code === 'INGEST_UNKNOWN_TYPE');
    expect(unknownType?.payload?.patient).toMatch(/^p_[A-Za-z0-9_-]{22}$/);
    const schema = await admin.request({
      method: 'PUT', url: `/api/sources/${sourceId}/schemas`,
      payload: { name: 'bed_turnover', schema: { type: 'object', properties: { visitId: { type: 'string' }, channel: { type: 'string' } } } },
    });
    expect(schema.statusCode).toBe(200);
    const re = await admin.request({ method: 'POST', url: `/api/sources/${sourceId}/quarantine/reprocess` });
    expect(re.statusCode).toBe(200);
    expect(re.json<{ settled: number }>().settled).toBeGreaterThanOrEqual(1);
    const stored = await t.t.db.query<{ patient: string }>(`SELECT patient FROM event WHERE source_id = $1 AND event_id = 'v-2'`, [sourceId]);
    const original = await t.t.db.query<{ patient: string }>(`SELECT patient FROM event WHERE source_id = $1 AND event_id = 'v-1'`, [sourceId]);
    expect(stored.rows[0]?.patient).toBe(original.rows[0]?.patient);
  });

  it('never stores or logs a raw patient identifier, in any table', async () => {
    const tables = await t.t.db.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`);
    let dump = '';
    for (const { table_name: name } of tables.rows) {
      const rows = await t.t.db.query<{ j: string }>(`SELECT row_to_json(x)::text AS j FROM "${name}" x`);
      dump += rows.rows.map((r) => r.j).join('\n');
    }
    expect(dump).toContain('p_');
    for (const raw of RAW_PATIENTS) {
      expect(dump).not.toContain(raw);
      expect(log.lines.join('\n')).not.toContain(raw);
    }
  });
});

describe('data quality', () => {
  it('counts received, accepted, duplicates, conflicts and rejections by code for the source', async () => {
    const res = await admin.request({ method: 'GET', url: `/api/sources/${sourceId}/quality?from=2026-11-22T00:00:00Z&to=2026-11-24T00:00:00Z` });
    expect(res.statusCode).toBe(200);
    const q = res.json<{ received: number; accepted: number; duplicates: number; conflicts: number; rejectedByCode: Record<string, number>; timeliness: { p50Seconds: number } }>();
    expect(q.duplicates).toBeGreaterThanOrEqual(1);
    expect(q.conflicts).toBe(1);
    expect(q.rejectedByCode['INGEST_ORG_UNIT_OUT_OF_SCOPE']).toBe(1);
    expect(q.received).toBe(q.accepted + q.duplicates + q.conflicts + Object.values(q.rejectedByCode).reduce((a, b) => a + b, 0));
    expect(q.timeliness.p50Seconds).toBeGreaterThan(0);
  });
});
