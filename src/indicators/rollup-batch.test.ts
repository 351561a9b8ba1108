import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { libraryDefinitions } from './library/index.ts';
import { contributionsOf, type Accumulator } from './rollup.ts';
import { RollupBatch, addEvents } from './rollup-service.ts';
import type { IndicatorEvent } from './rows.ts';

/** A batch's rows as comparable values, in key order. */
function rowsOf(batch: RollupBatch): [string, Accumulator][] {
  return batch.entries()
    .map(({ key, acc }): [string, Accumulator] => [`${key.indicator}|${String(key.orgUnitId)}|${key.grain}|${key.bucketStart.toISOString()}`, acc])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The plain way: every event added at every grain. */
function referenceBatch(events: readonly { orgUnitId: number; event: IndicatorEvent }[], timeZone: string): RollupBatch {
  const batch = new RollupBatch();
  for (const { orgUnitId, event } of events) {
    for (const d of libraryDefinitions()) {
      const c = contributionsOf(d, event, timeZone);
      if (c.length > 0) batch.add(d.code, orgUnitId, c);
    }
  }
  return batch;
}

const MINUTE = 60_000;
// Around New York's autumn DST change (2026-11-01 06:00Z) and a month and year end.
const bases = [Date.parse('2026-11-01T03:00:00Z'), Date.parse('2026-12-31T14:00:00Z')];

const visit = fc.record({
  base: fc.constantFrom(...bases), offset: fc.integer({ min: 0, max: 8 * 60 }), waitMinutes: fc.integer({ min: 0, max: 240 }),
  org: fc.constantFrom(1, 2), patient: fc.constantFrom('p1', 'p2', 'p3', null), online: fc.boolean(),
});
const consultation = fc.record({
  base: fc.constantFrom(...bases), offset: fc.integer({ min: 0, max: 8 * 60 }), responseMinutes: fc.integer({ min: 0, max: 600 }), org: fc.constantFrom(1, 2),
});

describe('RollupBatch filled through hour rows', () => {
  it('equals adding every event at every grain, in any zone (property)', () => {
    fc.assert(fc.property(fc.array(visit, { maxLength: 25 }), fc.array(consultation, { maxLength: 15 }), fc.constantFrom('Asia/Shanghai', 'America/New_York', 'Asia/Kolkata'), (visits, consults, zone) => {
      const events = [
        ...visits.map((v, i) => {
          const at = v.base + v.offset * MINUTE;
          return {
            orgUnitId: v.org,
            event: {
              id: `v${String(i)}`, type: 'visit', occurredAt: new Date(at).toISOString(), patient: v.patient,
              attributes: {
                channel: v.online ? 'online' : 'offline', visitKind: 'first', arrivedAt: new Date(at - v.waitMinutes * MINUTE).toISOString(),
                startedAt: new Date(at).toISOString(), slotAt: new Date(at - v.waitMinutes * MINUTE).toISOString(), appointmentId: v.online ? null : `a${String(i)}`,
              },
            },
          };
        }),
        ...consults.map((c, i) => {
          const at = c.base + c.offset * MINUTE;
          return {
            orgUnitId: c.org,
            event: {
              id: `c${String(i)}`, type: 'consultation', occurredAt: new Date(at).toISOString(), patient: 'p1',
              attributes: { requestedAt: new Date(at).toISOString(), firstResponseAt: new Date(at + c.responseMinutes * MINUTE).toISOString() },
            },
          };
        }),
      ];
      const viaHours = new RollupBatch();
      addEvents(viaHours, libraryDefinitions(), events, zone);
      expect(rowsOf(viaHours)).toEqual(rowsOf(referenceBatch(events, zone)));
    }), { numRuns: 60 });
  });

  it('keeps only the contributions a rebuild asks for', () => {
    const at = '2026-11-23T01:30:00Z';
    const batch = new RollupBatch();
    addEvents(batch, libraryDefinitions(), [{ orgUnitId: 1, event: { type: 'visit', occurredAt: at, patient: 'p1', attributes: { channel: 'online', startedAt: at } } }], 'Asia/Shanghai', (c) => c.grain === 'month');
    expect(batch.size).toBeGreaterThan(0);
    expect(new Set(batch.entries().map((e) => e.key.grain))).toEqual(new Set(['month']));
  });
});
