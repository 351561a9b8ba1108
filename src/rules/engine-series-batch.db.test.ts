import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, testBackend, type TestDb } from '../../test/support/test-db.ts';
import { insertFixtureEvents, insertFixtureSource, type FixtureEvent } from '../indicators/event-fixture-repo.ts';
import { createIndicatorServices } from '../indicators/indicators-service.ts';
import { createOrgsService, type OrgUnit } from '../orgs/index.ts';
import { bucketStart, createFakeClock, nextPeriod, previousPeriod, type Grain } from '../shared/index.ts';
import { generateEvents, simulatedGroup } from '../simulator/index.ts';
import { createSeriesBatchReader, type SeriesBatchRequest } from './engine-series-batch.ts';
import { systemCtx } from './engine-support.test-data.ts';

/**
 * The batched reader answers exactly what the indicator query service answers series by series —
 * value, previous, year-ago, inherited target, open or closed — for every library indicator
 * (counts, sums, averages, ratios, distinct counts, percentiles), at the group, a hospital and a
 * department, over simulated data of the last two days and the same days a year before.
 */
let t: TestDb;
const clock = createFakeClock('2026-11-23T10:30:00+08:00');
let indicators: ReturnType<typeof createIndicatorServices>;
const orgs = new Map<string, OrgUnit>();

beforeAll(async () => {
  t = await createTestDb();
  const orgsService = createOrgsService({ db: t.db });
  const ctx = systemCtx(clock.now());
  for (const node of simulatedGroup(1).nodes) {
    orgs.set(node.code, await orgsService.create(ctx, { code: node.code, name: node.nameZh, kind: node.kind, channel: node.channel ?? null, parentCode: node.parentCode }));
  }
  indicators = createIndicatorServices({ db: t.db, orgs: orgsService, clock });
  await indicators.definitions.installLibrary(ctx);
  const root = orgs.get('YJ');
  if (!root) throw new Error('no group');
  const sourceId = await t.db.transaction((tx) => insertFixtureSource(tx, root.id, 'sim', ['visit', 'consultation', 'prescription', 'charge', 'appointment', 'call', 'survey', 'discharge', 'admission', 'delivery', 'complaint', 'followup', 'equipment', 'quality_event', 'expense']));
  const fixture: FixtureEvent[] = [];
  for (const [from, to] of [['2026-11-21T00:00:00+08:00', '2026-11-23T10:30:00+08:00'], ['2025-11-22T00:00:00+08:00', '2025-11-23T12:00:00+08:00']] as const) {
    for (const r of generateEvents({ seed: 3, from, to, scale: 0.5 })) {
      if (r.malformed) continue;
      const org = orgs.get(r.event.orgUnit);
      if (!org) continue;
      const { id, type, occurredAt, patient, ...rest } = r.event;
      const attributes = Object.fromEntries(Object.entries(rest).filter(([k]) => k !== 'orgUnit'));
      fixture.push({ eventId: `${id}-${from.slice(0, 4)}`, type, orgUnitId: org.id, occurredAt: new Date(occurredAt), patient: patient ?? null, attributes });
    }
  }
  for (let i = 0; i < fixture.length; i += 2000) {
    await t.db.transaction(async (tx) => {
      const stored = await insertFixtureEvents(tx, sourceId, fixture.slice(i, i + 2000));
      await indicators.rollupConsumer.inTransaction?.(tx, stored);
    });
  }
  const h1 = orgs.get('H1');
  if (h1) {
    await indicators.targets.setTarget(ctx, 'outpatient_visits', { org: h1, periodKey: '2026-11-22', value: 900 });
    await indicators.targets.setTarget(ctx, 'pharmacist_review_rate', { org: h1, periodKey: '2026-11-23', value: 97 });
  }
}, 240_000);

afterAll(async () => {
  await t.drop();
});

describe(`series read in batches on ${testBackend}`, () => {
  it('answers every request as the query service answers it on its own', async () => {
    const reader = createSeriesBatchReader({ db: t.db, clock, definitions: () => indicators.catalog.all(t.db) });
    const codes = (await indicators.catalog.all(t.db)).map((d) => d.code);
    const requests: SeriesBatchRequest[] = [];
    for (const grain of ['hour', 'day', 'month'] as Grain[]) {
      const start = bucketStart(clock.now(), grain, 'Asia/Shanghai');
      const from = previousPeriod(previousPeriod(start, grain, 'Asia/Shanghai'), grain, 'Asia/Shanghai');
      for (const code of codes) {
        for (const orgCode of ['YJ', 'H1', 'H1-ONL', 'H1-OFF-CARD']) {
          const org = orgs.get(orgCode);
          if (org) requests.push({ indicator: code, grain, orgUnitId: org.id, orgPath: org.path, from, to: nextPeriod(start, grain, 'Asia/Shanghai'), withYearAgo: true });
        }
      }
    }
    const answers = await reader.readMany(requests);
    let withValues = 0;
    // The work-order indicators count events of the internal work-order source, absent here.
    const simulated = requests.filter((r) => !r.indicator.startsWith('workorder_'));
    for (const [i, r] of requests.entries()) {
      const expected = await indicators.queries.readSeries({ indicator: r.indicator, orgUnitId: r.orgUnitId, grain: r.grain, from: r.from, to: r.to });
      expect({ request: `${r.indicator} ${r.grain} ${String(r.orgUnitId)}`, points: answers[i] }).toEqual({ request: `${r.indicator} ${r.grain} ${String(r.orgUnitId)}`, points: expected });
      if (!r.indicator.startsWith('workorder_') && expected.some((p) => p.value !== null && p.value !== 0 && p.yearAgo !== null && p.previous !== null)) withValues++;
    }
    // The comparison is about real data: most series have values, previous values and year-ago values.
    expect(withValues).toBeGreaterThan(simulated.length / 3);
    expect(answers.flat().some((p) => p?.target === 900)).toBe(true);
  }, 240_000);

  it('leaves out the year-ago values when no request asks for them, and answers null for an unknown indicator', async () => {
    const reader = createSeriesBatchReader({ db: t.db, clock, definitions: () => indicators.catalog.all(t.db) });
    const org = orgs.get('H1');
    if (!org) throw new Error('no H1');
    const start = bucketStart(clock.now(), 'day', 'Asia/Shanghai');
    const base = { grain: 'day' as const, orgUnitId: org.id, orgPath: org.path, from: start, to: nextPeriod(start, 'day', 'Asia/Shanghai'), withYearAgo: false };
    const [visits, unknown] = await reader.readMany([{ ...base, indicator: 'outpatient_visits' }, { ...base, indicator: 'no_such_indicator' }]);
    expect(visits?.[0]).toMatchObject({ yearAgo: null, closed: false });
    expect(visits?.[0]?.value).toBeGreaterThan(0);
    expect(unknown).toBeNull();
  });
});
