import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../test/support/test-app.ts';
import { testBackend } from '../../test/support/test-db.ts';
import { listAnomalyTransitions } from '../alerts/anomaly-marks-repo.ts';
import { createAnomalyMarksService } from '../indicators/anomaly-marks-service.ts';
import { insertFixtureEvents, insertFixtureSource, type FixtureEvent } from '../indicators/event-fixture-repo.ts';
import { createIndicatorServices, type IndicatorServices } from '../indicators/indicators-service.ts';
import { createIndicatorsModule } from './indicators.routes.ts';

interface Point { periodKey: string; value: number | null; previous: number | null; yearAgo: number | null; changeRate: number | null; yearOverYearRate: number | null; target: number | null; targetStatus: string; open: boolean }

describe(`indicator routes on ${testBackend}`, () => {
  let ta: TestApp;
  let ind: IndicatorServices;
  let analyst: Client;
  let liaisonA: Client;
  let adminA: Client;
  let seq = 0;

  function multipart(filename: string, content: Buffer): { payload: Buffer; headers: Record<string, string> } {
    const boundary = '----yunjian-test-boundary';
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
  }

  beforeAll(async () => {
    ta = await createTestApp({
      modules: async ({ db, services, clock }) => {
        ind = createIndicatorServices({ db, orgs: services.orgs, clock });
        await ind.definitions.installLibrary({ actor: { kind: 'system', id: null, name: 'yunjian' }, now: clock.now() });
        const anomalies = createAnomalyMarksService({ db, listTransitions: (q) => listAnomalyTransitions(db, q) });
        return [createIndicatorsModule({ services: ind, anomalies, clock })];
      },
    });
    const orgs = ta.services.orgs;
    const [a, b, group] = [await orgs.require('DEPT-A'), await orgs.require('DEPT-B'), await orgs.require('GROUP')];
    const visit = (orgUnitId: number, at: string, attributes: Record<string, unknown>): FixtureEvent => {
      seq += 1;
      return { eventId: `v${String(seq)}`, type: 'visit', orgUnitId, occurredAt: new Date(at), patient: null, attributes: { channel: 'offline', ...attributes } };
    };
    const consult = (orgUnitId: number, at: string, minutes: number): FixtureEvent => {
      seq += 1;
      const requestedAt = new Date(at);
      return {
        eventId: `c${String(seq)}`, type: 'consultation', orgUnitId, occurredAt: requestedAt, patient: null,
        attributes: { requestedAt: requestedAt.toISOString(), firstResponseAt: new Date(requestedAt.getTime() + minutes * 60_000).toISOString() },
      };
    };
    const events: FixtureEvent[] = [
      // November 2026 (open on the test clock, 2026-11-23): A 1 online of 1, B 0 online of 3.
      visit(a.id, '2026-11-05T02:00:00Z', { channel: 'online', appointmentId: 'x1' }),
      visit(b.id, '2026-11-05T02:00:00Z', {}),
      visit(b.id, '2026-11-06T02:00:00Z', { appointmentId: 'x2' }),
      visit(b.id, '2026-11-07T02:00:00Z', {}),
      // October 2026 (closed): 2 visits; November 2025 (同比): 5 visits.
      visit(a.id, '2026-10-05T02:00:00Z', {}),
      visit(a.id, '2026-10-06T02:00:00Z', {}),
      ...[1, 2, 3, 4, 5].map((d) => visit(b.id, `2025-11-0${String(d)}T02:00:00Z`, {})),
      consult(a.id, '2026-11-05T02:00:00Z', 10),
      consult(b.id, '2026-11-05T02:00:00Z', 40),
    ];
    await ta.t.db.transaction(async (tx) => {
      const sourceId = await insertFixtureSource(tx, group.id, 'fixture', ['visit', 'consultation']);
      const stored = await insertFixtureEvents(tx, sourceId, events);
      await ind.rollupConsumer.inTransaction?.(tx, stored);
    });
    analyst = await ta.signIn('analyst');
    liaisonA = await ta.signIn('liaison.a');
    adminA = await ta.signIn('admin.a');
  }, 120_000);
  afterAll(async () => ta.close());

  const series = (c: Client, code: string, org: string, grain = 'month', from = '2026-10', to = '2026-11') =>
    c.request({ method: 'GET', url: `/api/indicators/${code}/series?org=${org}&grain=${grain}&from=${from}&to=${to}` });

  it('refuses anonymous requests with 401', async () => {
    expect((await ta.app.inject({ method: 'GET', url: '/api/indicators' })).statusCode).toBe(401);
    expect((await ta.app.inject({ method: 'GET', url: '/api/indicators/outpatient_visits/series?org=DEPT-A&grain=day&from=2026-11&to=2026-11' })).statusCode).toBe(401);
  });

  it('lists definitions with names, unit, direction, formula and category', async () => {
    const res = await liaisonA.request({ method: 'GET', url: '/api/indicators' });
    expect(res.statusCode).toBe(200);
    const share = res.json<{ items: Record<string, unknown>[] }>().items.find((i) => i['code'] === 'online_visit_share');
    expect(share).toMatchObject({ nameZh: '线上诊疗占比', nameEn: 'Online share of visits', unit: '%', direction: 'higher_better', category: 'access', version: 1, origin: 'library' });
    expect(typeof share?.['formula']).toBe('string');
  });

  it('answers a month series with 环比, 同比, change rates and the open flag on the unfinished month', async () => {
    const res = await series(analyst, 'outpatient_visits', 'H1', 'month', '2026-10', '2026-11');
    expect(res.statusCode).toBe(200);
    const body = res.json<{ indicator: { unit: string; direction: string }; points: Point[] }>();
    expect(body.indicator).toMatchObject({ unit: 'visits', direction: 'neutral' });
    expect(body.points.map((p) => [p.periodKey, p.value, p.previous, p.yearAgo, p.open])).toEqual([
      ['2026-10', 2, 0, 0, false],
      ['2026-11', 4, 2, 5, true],
    ]);
    expect(body.points[1]?.changeRate).toBeCloseTo(1);
    expect(body.points[1]?.yearOverYearRate).toBeCloseTo(-0.2);
  });

  it('rolls a ratio up the tree as Σnumerator/Σdenominator, never as an average of ratios', async () => {
    const [h1, a, b] = await Promise.all(['H1', 'DEPT-A', 'DEPT-B'].map((org) => series(analyst, 'online_visit_share', org, 'month', '2026-11', '2026-11')));
    expect(a?.json<{ points: Point[] }>().points[0]?.value).toBeCloseTo(100);
    expect(b?.json<{ points: Point[] }>().points[0]?.value).toBeCloseTo(0);
    expect(h1?.json<{ points: Point[] }>().points[0]?.value).toBeCloseTo(25);
  });

  it('serves the rule engine the same series through SeriesReader', async () => {
    const h1 = await ta.services.orgs.require('H1');
    const points = await ind.queries.readSeries({ indicator: 'outpatient_visits', orgUnitId: h1.id, grain: 'month', from: new Date('2026-10-15T00:00:00Z'), to: new Date('2026-11-02T00:00:00Z') });
    expect(points.map((p) => [p.periodKey, p.value, p.previous, p.yearAgo, p.closed])).toEqual([['2026-10', 2, 0, 0, true], ['2026-11', 4, 2, 5, false]]);
  });

  it('hides another department’s series from a liaison (404) and shows their own', async () => {
    const other = await series(liaisonA, 'outpatient_visits', 'DEPT-B');
    expect(other.statusCode).toBe(404);
    expect(other.body).not.toContain('"value"');
    expect((await series(liaisonA, 'outpatient_visits', 'DEPT-A')).statusCode).toBe(200);
    const breakdown = await liaisonA.request({ method: 'GET', url: '/api/indicators/outpatient_visits/breakdown?org=H1-OFF&period=2026-11' });
    expect(breakdown.statusCode).toBe(404);
    for (const res of [
      await liaisonA.request({ method: 'GET', url: '/api/indicators/outpatient_visits/ranking?org=DEPT-B&period=2026-11' }),
      await liaisonA.request({ method: 'GET', url: '/api/indicators/outpatient_visits/targets?org=DEPT-B&grain=month&from=2026-11&to=2026-11' }),
    ]) {
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toMatch(/儿科|Paediatrics|"value"/);
    }
    // A liaison holds indicator.manage nowhere: refused before the unit is even looked up.
    for (const res of [
      await liaisonA.request({ method: 'PUT', url: '/api/indicators/open_bed_days/values', payload: { org: 'DEPT-B', period: '2026-11', value: 1 } }),
      await liaisonA.request({ method: 'PUT', url: '/api/indicators/online_visit_share/targets', payload: { org: 'DEPT-B', period: '2026-11', value: 1 } }),
    ]) {
      expect(res.statusCode).toBe(403);
      expect(res.body).not.toMatch(/儿科|Paediatrics|"value"/);
    }
    const upload = await liaisonA.request({ method: 'POST', url: '/api/indicators/open_bed_days/values/upload', ...multipart('v.csv', Buffer.from('org,period,value\nDEPT-A,2026-11,1\n')) });
    expect(upload.statusCode).toBe(403);
  });

  it('breaks a period down by child org unit with the parent’s total', async () => {
    const res = await analyst.request({ method: 'GET', url: '/api/indicators/online_visit_share/breakdown?org=H1-OFF&period=2026-11' });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ total: number; open: boolean; children: { org: { code: string }; value: number | null }[] }>();
    expect(body.total).toBeCloseTo(25);
    expect(body.open).toBe(true);
    expect(body.children.map((c) => [c.org.code, c.value])).toEqual([['DEPT-A', 100], ['DEPT-B', 0]]);
  });

  it('ranks children best first by direction: higher-better descending, lower-better ascending', async () => {
    const share = await analyst.request({ method: 'GET', url: '/api/indicators/online_visit_share/ranking?org=H1-OFF&period=2026-11&order=top&limit=5' });
    expect(share.json<{ items: { rank: number; org: { code: string } }[] }>().items.map((i) => i.org.code)).toEqual(['DEPT-A', 'DEPT-B']);
    const wait = await analyst.request({ method: 'GET', url: '/api/indicators/consult_first_response_p50/ranking?org=H1-OFF&period=2026-11' });
    const items = wait.json<{ items: { org: { code: string }; value: number }[] }>().items;
    expect(items.map((i) => i.org.code)).toEqual(['DEPT-A', 'DEPT-B']);
    expect(items[0]?.value).toBeCloseTo(10, 0);
    const bottom = await analyst.request({ method: 'GET', url: '/api/indicators/consult_first_response_p50/ranking?org=H1-OFF&period=2026-11&order=bottom&limit=1' });
    expect(bottom.json<{ items: { org: { code: string } }[] }>().items.map((i) => i.org.code)).toEqual(['DEPT-B']);
  });

  it('inherits a target down the tree until a unit sets its own, and judges the series against it', async () => {
    const put = (org: string, value: number) => analyst.request({ method: 'PUT', url: '/api/indicators/online_visit_share/targets', payload: { org, period: '2026-11', value } });
    expect((await put('H1', 30)).statusCode).toBe(200);
    const inherited = await liaisonA.request({ method: 'GET', url: '/api/indicators/online_visit_share/targets?org=DEPT-A&grain=month&from=2026-11&to=2026-11' });
    expect(inherited.json<{ items: unknown[] }>().items).toEqual([{ periodKey: '2026-11', value: 30, fromOrg: 'H1', inherited: true }]);
    expect((await put('DEPT-B', 5)).statusCode).toBe(200);
    const own = (await series(analyst, 'online_visit_share', 'DEPT-B', 'month', '2026-11', '2026-11')).json<{ points: Point[] }>().points[0];
    expect(own).toMatchObject({ target: 5, targetStatus: 'missed' });
    const a = (await series(analyst, 'online_visit_share', 'DEPT-A', 'month', '2026-11', '2026-11')).json<{ points: Point[] }>().points[0];
    expect(a).toMatchObject({ target: 30, targetStatus: 'met' });
    expect((await liaisonA.request({ method: 'PUT', url: '/api/indicators/online_visit_share/targets', payload: { org: 'DEPT-A', period: '2026-11', value: 1 } })).statusCode).toBe(403);
  });

  it('stores manual values with who and when, and refuses them for computed indicators', async () => {
    const res = await adminA.request({ method: 'PUT', url: '/api/indicators/open_bed_days/values', payload: { org: 'DEPT-A', period: '2026-11', value: 300 } });
    expect(res.json()).toEqual({ ok: true, before: null });
    const again = await adminA.request({ method: 'PUT', url: '/api/indicators/open_bed_days/values', payload: { org: 'DEPT-A', period: '2026-11', value: 310 } });
    expect(again.json()).toEqual({ ok: true, before: 300 });
    const s = (await series(analyst, 'open_bed_days', 'H1', 'month', '2026-11', '2026-11')).json<{ points: Point[] }>().points[0];
    expect(s?.value).toBe(310);
    const audit = await ta.t.db.query<{ actor_name: string; summary: { before: number; after: number } }>("SELECT actor_name, summary FROM audit_entry WHERE action = 'indicator.valueEntered' ORDER BY seq");
    expect(audit.rows.map((r) => [r.actor_name, r.summary.before, r.summary.after])).toEqual([['admin.a', null, 300], ['admin.a', 300, 310]]);
    const computed = await adminA.request({ method: 'PUT', url: '/api/indicators/outpatient_visits/values', payload: { org: 'DEPT-A', period: '2026-11', value: 1 } });
    expect(computed.statusCode).toBe(400);
    expect(computed.json<{ error: { code: string } }>().error.code).toBe('INDICATOR_NOT_MANUAL');
    expect((await adminA.request({ method: 'PUT', url: '/api/indicators/open_bed_days/values', payload: { org: 'DEPT-B', period: '2026-11', value: 1 } })).statusCode).toBe(404);
  });

  it('uploads manual values from CSV with a result per row; out-of-scope rows are refused as unknown', async () => {
    const csv = 'org,period,value\nDEPT-A,2026-10,200\nDEPT-B,2026-10,50\nDEPT-A,2026-13,1\nDEPT-A,2026-09,abc\n';
    const res = await adminA.request({ method: 'POST', url: '/api/indicators/open_bed_days/values/upload', ...multipart('beds.csv', Buffer.from(csv)) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      accepted: 1, rejected: 3,
      rows: [
        { row: 2, ok: true },
        { row: 3, ok: false, field: 'org', message: 'unknown org unit "DEPT-B"' },
        { row: 4, ok: false, field: 'period', message: '"2026-13" is not a period key' },
        { row: 5, ok: false, field: 'value', message: '"abc" is not a number' },
      ],
    });
    const missing = await adminA.request({ method: 'POST', url: '/api/indicators/open_bed_days/values/upload', ...multipart('beds.csv', Buffer.from('org,value\nDEPT-A,1\n')) });
    expect(missing.statusCode).toBe(400);
    expect(missing.json<{ error: { code: string; details: { field: string } } }>().error).toMatchObject({ code: 'INDICATOR_UPLOAD_COLUMNS', details: { field: '/body/file' } });
  });

  it('uploads manual values from XLSX', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('values');
    sheet.addRow(['org', 'period', 'value']);
    sheet.addRow(['DEPT-B', '2026-08', 120]);
    const file = Buffer.from(await workbook.xlsx.writeBuffer());
    const res = await analyst.request({ method: 'POST', url: '/api/indicators/open_bed_days/values/upload', ...multipart('beds.xlsx', file) });
    expect(res.json()).toMatchObject({ accepted: 1, rejected: 0 });
    const s = (await series(analyst, 'open_bed_days', 'DEPT-B', 'month', '2026-08', '2026-08')).json<{ points: Point[] }>().points[0];
    expect(s?.value).toBe(120);
  });

  it('creates and versions a custom definition, recomputing its history at once', async () => {
    const definition = {
      code: 'online_visits', nameZh: '线上诊疗人次', nameEn: 'Online visits', unit: 'visits', direction: 'higher_better', category: 'access',
      description: 'Online encounters.', formula: 'count(visit where channel = online)',
      measure: { kind: 'count', eventTypes: ['visit'], filter: [{ attribute: 'channel', op: 'eq', value: 'online' }] },
    };
    const created = await analyst.request({ method: 'POST', url: '/api/indicators', payload: definition });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ code: 'online_visits', version: 1, origin: 'custom' });
    expect((await series(analyst, 'online_visits', 'H1', 'month', '2026-11', '2026-11')).json<{ points: Point[] }>().points[0]?.value).toBe(1);
    const updated = await analyst.request({ method: 'PUT', url: '/api/indicators/online_visits', payload: { ...definition, measure: { kind: 'count', eventTypes: ['visit'] } } });
    expect(updated.json()).toMatchObject({ version: 2 });
    expect((await series(analyst, 'online_visits', 'H1', 'month', '2026-11', '2026-11')).json<{ points: Point[] }>().points[0]?.value).toBe(4);
    const detail = await liaisonA.request({ method: 'GET', url: '/api/indicators/online_visits' });
    expect(detail.json<{ versions: { version: number }[] }>().versions.map((v) => v.version)).toEqual([1, 2]);
    expect((await analyst.request({ method: 'POST', url: '/api/indicators', payload: definition })).statusCode).toBe(409);
  });

  it('points validation errors at the field', async () => {
    const bad = await analyst.request({
      method: 'POST', url: '/api/indicators',
      payload: { code: 'bad_one', nameZh: '坏', nameEn: 'Bad', unit: 'x', direction: 'up', category: 'access', description: '', formula: 'f', measure: { kind: 'count', eventTypes: ['visit'] } },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { code: string; details: { field: string } } }>().error).toMatchObject({ code: 'INDICATOR_DEFINITION_INVALID', details: { field: '/body/direction' } });
    const ratio = await analyst.request({
      method: 'POST', url: '/api/indicators',
      payload: { code: 'bad_two', nameZh: '坏', nameEn: 'Bad', unit: 'x', direction: 'neutral', category: 'access', description: '', formula: 'f', measure: { kind: 'ratio', numerator: { eventTypes: ['visit'] }, denominator: { aggregate: 'count', eventTypes: ['visit'] } } },
    });
    expect(ratio.json<{ error: { details: { field: string } } }>().error.details.field).toBe('/body/measure/numerator/aggregate');
    const grain = await analyst.request({ method: 'GET', url: '/api/indicators/outpatient_visits/series?org=H1&grain=fortnight&from=2026-11&to=2026-11' });
    expect(grain.json<{ error: { details: { field: string } } }>().error.details.field).toBe('/querystring/grain');
    const period = await analyst.request({ method: 'GET', url: '/api/indicators/outpatient_visits/breakdown?org=H1&period=2026-11&grain=day' });
    expect(period.json<{ error: { details: { field: string } } }>().error.details.field).toBe('/query/period');
    expect((await liaisonA.request({ method: 'POST', url: '/api/indicators', payload: {} })).statusCode).toBe(403);
    expect((await analyst.request({ method: 'GET', url: '/api/indicators/no_such_thing' })).statusCode).toBe(404);
  });
});
