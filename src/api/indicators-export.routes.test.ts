import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../test/support/test-app.ts';
import { testBackend } from '../../test/support/test-db.ts';
import { saveAlertTransitions } from '../alerts/alerts-repo.ts';
import { listAnomalyTransitions } from '../alerts/anomaly-marks-repo.ts';
import { systemContext } from '../cli/bootstrap.ts';
import { createAnomalyMarksService } from '../indicators/anomaly-marks-service.ts';
import { insertFixtureEvents, insertFixtureSource, type FixtureEvent } from '../indicators/event-fixture-repo.ts';
import { createIndicatorServices, type IndicatorServices } from '../indicators/indicators-service.ts';
import { createRulesService } from '../rules/rules-service.ts';
import { createIndicatorsModule } from './indicators.routes.ts';

/** Series and breakdown downloads (CSV, XLSX) and the anomaly marks of the explorer. */
describe(`indicator exports and anomaly marks on ${testBackend}`, () => {
  let ta: TestApp;
  let ind: IndicatorServices;
  let analyst: Client;
  let liaisonA: Client;
  let sourceToken: string;
  let seq = 0;

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
    const visit = (orgUnitId: number, at: string, channel = 'offline'): FixtureEvent => {
      seq += 1;
      return { eventId: `v${String(seq)}`, type: 'visit', orgUnitId, occurredAt: new Date(at), patient: null, attributes: { channel } };
    };
    const events = [
      // October 2026 (closed on the test clock, 2026-11-23): A 1 online of 2, B 2 offline; November (open): A 1 online, B 3 offline.
      visit(a.id, '2026-10-05T02:00:00Z', 'online'), visit(a.id, '2026-10-06T02:00:00Z'), visit(b.id, '2026-10-07T02:00:00Z'), visit(b.id, '2026-10-08T02:00:00Z'),
      visit(a.id, '2026-11-05T02:00:00Z', 'online'), visit(b.id, '2026-11-05T02:00:00Z'), visit(b.id, '2026-11-06T02:00:00Z'), visit(b.id, '2026-11-07T02:00:00Z'),
    ];
    await ta.t.db.transaction(async (tx) => {
      const sourceId = await insertFixtureSource(tx, group.id, 'fixture', ['visit']);
      await ind.rollupConsumer.inTransaction?.(tx, await insertFixtureEvents(tx, sourceId, events));
    });
    analyst = await ta.signIn('analyst');
    liaisonA = await ta.signIn('liaison.a');
    const ctx = systemContext(ta.clock.now());
    sourceToken = (await ta.services.accounts.createToken(ctx, { name: 'his', role: 'source', orgUnitId: group.id, expiresAt: null, createdBy: null })).secret;
    expect((await analyst.request({ method: 'PUT', url: '/api/indicators/online_visit_share/targets', payload: { org: 'H1', period: '2026-10', value: 40 } })).statusCode).toBe(200);
  }, 120_000);
  afterAll(async () => ta.close());

  const seriesCsv = '/api/indicators/online_visit_share/series/export?org=H1-OFF&grain=month&from=2026-10&to=2026-11&format=csv';
  const parseCsv = (body: Buffer): string[][] => parse(body, { bom: true });

  it('downloads a series as CSV with a BOM, Chinese headers and names, 环比, the target’s origin and the open period marked', async () => {
    const res = await analyst.request({ method: 'GET', url: seriesCsv });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toContain('filename="online_visit_share-H1-OFF-month-2026-10_2026-11.csv"');
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const [header, october, november] = parseCsv(res.rawPayload);
    expect(header?.slice(0, 8)).toEqual(['指标编码', '指标', '组织编码', '组织', '粒度', '周期', '周期开始', '值']);
    expect(october).toEqual(['online_visit_share', '线上诊疗占比', 'H1-OFF', '线下', '月', '2026-10', '2026-10-01T00:00:00+08:00', '25', '%', '', '', '', '', '40', 'H1', '未达标', '已结束']);
    expect(november?.slice(5, 11)).toEqual(['2026-11', '2026-11-01T00:00:00+08:00', '25', '%', '25', '0']);
    expect(november?.at(-1)).toBe('未结束（数据不完整）');
  });

  it('answers the same numbers as the JSON series', async () => {
    const json = (await analyst.request({ method: 'GET', url: '/api/indicators/outpatient_visits/series?org=H1&grain=month&from=2026-10&to=2026-11' })).json<{ points: { value: number }[] }>();
    const csv = parseCsv((await analyst.request({ method: 'GET', url: '/api/indicators/outpatient_visits/series/export?org=H1&grain=month&from=2026-10&to=2026-11&format=csv' })).rawPayload);
    expect(csv.slice(1).map((r) => Number(r[7]))).toEqual(json.points.map((p) => p.value));
  });

  it('downloads a series as XLSX that reads back with typed numbers, percentages and an about sheet, in English when asked', async () => {
    const res = await analyst.request({ method: 'GET', url: '/api/indicators/online_visit_share/series/export?org=H1-OFF&grain=month&from=2026-10&to=2026-11&format=xlsx&lang=en' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Series', 'About']);
    const sheet = workbook.getWorksheet('Series')!;
    expect(sheet.getCell('B1').value).toBe('Indicator');
    expect(sheet.getCell('B2').value).toBe('Online share of visits');
    expect(sheet.getCell('H2').value).toBe(25);
    expect(sheet.getCell('K3').value).toBe(0);
    expect(sheet.getCell('K3').numFmt).toBe('0.00%');
    expect(sheet.getCell('Q3').value).toBe('open (partial data)');
    const about = new Map(workbook.getWorksheet('About')!.getSheetValues().slice(2).map((r) => (Array.isArray(r) ? [r[1], r[2]] : [null, null])));
    expect(about.get('Chinese name')).toBe('线上诊疗占比');
    expect(about.get('Range')).toBe('2026-10 – 2026-11');
  });

  it('downloads a breakdown ranked by direction with the parent’s total, in CSV and XLSX', async () => {
    const csv = await analyst.request({ method: 'GET', url: '/api/indicators/online_visit_share/breakdown/export?org=H1-OFF&period=2026-10&format=csv' });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-disposition']).toContain('online_visit_share-H1-OFF-breakdown-2026-10.csv');
    const rows = parseCsv(csv.rawPayload);
    expect(rows.slice(1).map((r) => [r[0], r[5], r[6], r[7], r[8]])).toEqual([
      ['1', '下级组织', 'DEPT-A', '心内科', '50'],
      ['2', '下级组织', 'DEPT-B', '儿科', '0'],
      ['', '合计', 'H1-OFF', '线下', '25'],
    ]);
    const xlsx = await analyst.request({ method: 'GET', url: '/api/indicators/online_visit_share/breakdown/export?org=H1-OFF&period=2026-10&format=xlsx&lang=en' });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('Breakdown')!;
    expect([sheet.getCell('H2').value, sheet.getCell('I2').value]).toEqual(['Cardiology', 50]);
    // The channel has no English name: the Chinese one stands in.
    expect([sheet.getCell('F4').value, sheet.getCell('G4').value, sheet.getCell('H4').value, sheet.getCell('I4').value]).toEqual(['total', 'H1-OFF', '线下', 25]);
  });

  it('refuses out-of-scope and unpermitted downloads: another department 404, a token without indicator.read 403, anonymous 401', async () => {
    const other = await liaisonA.request({ method: 'GET', url: '/api/indicators/outpatient_visits/series/export?org=DEPT-B&grain=month&from=2026-10&to=2026-11&format=csv' });
    expect(other.statusCode).toBe(404);
    expect(other.body).not.toContain('儿科');
    expect((await liaisonA.request({ method: 'GET', url: '/api/indicators/outpatient_visits/breakdown/export?org=H1-OFF&period=2026-10&format=csv' })).statusCode).toBe(404);
    expect((await liaisonA.request({ method: 'GET', url: '/api/indicators/outpatient_visits/series/export?org=DEPT-A&grain=month&from=2026-10&to=2026-11&format=csv' })).statusCode).toBe(200);
    const token = await ta.app.inject({ method: 'GET', url: seriesCsv, headers: { authorization: `Bearer ${sourceToken}` } });
    expect(token.statusCode).toBe(403);
    expect(token.json<{ error: { code: string } }>().error.code).toBe('AUTH_FORBIDDEN');
    expect((await ta.app.inject({ method: 'GET', url: seriesCsv })).statusCode).toBe(401);
  });

  it('points bad parameters at the field with a 400', async () => {
    const cases: [string, string][] = [
      ['/api/indicators/online_visit_share/series/export?org=H1&grain=month&from=2026-10&to=2026-11&format=pdf', '/querystring/format'],
      ['/api/indicators/online_visit_share/series/export?org=H1&grain=month&from=2026-10&to=2026-11&format=csv&lang=fr', '/querystring/lang'],
      ['/api/indicators/online_visit_share/series/export?org=H1&grain=fortnight&from=2026-10&to=2026-11&format=csv', '/querystring/grain'],
      ['/api/indicators/online_visit_share/series/export?org=H1&grain=month&from=yesterday&to=2026-11&format=csv', '/query/from'],
      ['/api/indicators/online_visit_share/series/export?org=H1&grain=month&from=2026-11&to=2026-10&format=csv', '/query/to'],
      ['/api/indicators/online_visit_share/series/export?org=H1&grain=hour&from=2020&to=2026&format=csv', '/query/from'],
      ['/api/indicators/online_visit_share/breakdown/export?org=H1&period=2026-13&format=csv', '/query/period'],
      ['/api/indicators/online_visit_share/breakdown/export?org=H1&period=2026-11&grain=day&format=xlsx', '/query/period'],
    ];
    for (const [url, field] of cases) {
      const res = await analyst.request({ method: 'GET', url });
      expect(res.statusCode, url).toBe(400);
      expect(res.json<{ error: { details: { field: string } } }>().error.details.field, url).toBe(field);
    }
    expect((await analyst.request({ method: 'GET', url: '/api/indicators/no_such_thing/series/export?org=H1&grain=month&from=2026-10&to=2026-11&format=csv' })).statusCode).toBe(404);
  });

  it('marks the periods an anomaly rule alerted on with the expected range, for the unit and grain asked only', async () => {
    const ctx = systemContext(ta.clock.now());
    const rules = createRulesService({ db: ta.t.db });
    await rules.create(ctx, {
      kind: 'anomaly', code: 'visits_anomaly', version: 1, nameZh: '门诊量异动', nameEn: 'Visits anomaly', enabled: true, scope: { orgUnit: 'H1', includeDescendants: true },
      severity: 3, category: 'outpatient', labels: {}, messageZh: '{{orgUnitName}} 异动', messageEn: '{{orgUnitName}} anomaly', missingData: 'skip', evaluateOpenPeriod: false,
      indicator: 'outpatient_visits', grain: 'day', minScore: 0.8, direction: 'either',
    });
    const rule = await rules.require('visits_anomaly');
    const a = await ta.services.orgs.require('DEPT-A');
    const b = await ta.services.orgs.require('DEPT-B');
    const at = new Date('2026-11-06T01:00:00Z');
    const record = (orgUnitId: number, periodKey: string, detail: unknown) => ta.t.db.transaction((tx) => saveAlertTransitions(tx, [{ alert: {
      fingerprint: `fp-${String(orgUnitId)}-${periodKey}`, ruleId: rule.id, ruleCode: rule.code, orgUnitId, seriesKey: 'all', periodKey, periodStart: null, severity: 3,
      category: 'outpatient', groupKey: 'g', status: { state: 'firing', activeSince: at.toISOString(), stateSince: at.toISOString(), breachCount: 1, clearedSince: null, finalized: true, lastValue: 0.9, lastEvaluatedAt: at.toISOString() },
      value: 0.9, bound: 0.8, messageZh: 'x', messageEn: 'x', notify: true, suppressedBy: null, suppressedRefs: [], lastNotifiedState: null, silentSource: null, at,
      lastPeriodKey: periodKey, lastPeriodStart: null, periodCount: 1, endedAt: null, endReason: null, messageTemplate: { zh: 'x', en: 'x' }, messageParams: {},
    }, history: {
      from: null, to: 'firing', reason: 'breach', trigger: 'evaluation', at, periodKey, closed: true, value: 0.9, bound: 0.8, detail, ruleVersion: 1,
      notify: true, suppressedBy: null, suppressedRefs: [],
    }, period: { periodKey, periodStart: null, value: 0.9, bound: 0.8, detail } }]));
    await record(a.id, '2026-11-05', { values: { observed: 2, score: 0.93, deviation: 1.5 }, baseline: { center: 0.5, low: 0, high: 1 } });
    await record(a.id, '2026-10-01', { values: { observed: 9, score: 0.9, deviation: 8 }, baseline: { center: 1, low: 0, high: 2 } });
    await record(b.id, '2026-11-05', { values: { observed: 7, score: 0.95, deviation: 6 }, baseline: { center: 1, low: 0, high: 2 } });

    const url = (org: string, grain = 'day') => `/api/indicators/outpatient_visits/anomalies?org=${org}&grain=${grain}&from=2026-11-01&to=2026-11-30`;
    const res = await liaisonA.request({ method: 'GET', url: url('DEPT-A') });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      items: [{
        alertId: expect.any(Number), ruleCode: 'visits_anomaly', ruleNameZh: '门诊量异动', ruleNameEn: 'Visits anomaly', severity: 3, state: 'firing',
        periodKey: '2026-11-05', at: at.toISOString(), observed: 2, expected: { low: 0, center: 0.5, high: 1 }, deviation: 1.5, score: 0.93,
      }],
    });
    expect((await analyst.request({ method: 'GET', url: url('DEPT-A', 'month') })).json<{ items: unknown[] }>().items).toEqual([]);
    expect((await analyst.request({ method: 'GET', url: url('H1-OFF') })).json<{ items: unknown[] }>().items).toEqual([]);
    expect((await liaisonA.request({ method: 'GET', url: url('DEPT-B') })).statusCode).toBe(404);
    expect((await analyst.request({ method: 'GET', url: '/api/indicators/outpatient_visits/anomalies?org=DEPT-A&grain=day&from=2026-11-30&to=2026-11-01' })).statusCode).toBe(400);
  });
});
