import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../test/support/test-db.ts';
import type { StoredEvent } from '../ingest/stored-event.ts';
import { createOrgsService } from '../orgs/index.ts';
import { eventField } from './predicate.ts';
import { toRuleEvent } from './engine-evaluate.ts';
import { findRelatedEventsMany, type RelatedEventsQuery } from './engine-repo.ts';
import { systemCtx } from './engine-support.test-data.ts';
import { createTestSource, insertTestEvents } from './engine-test-repo.ts';

let t: TestDb;
const T0 = Date.parse('2026-11-23T08:00:00Z');
const minutes = (n: number) => new Date(T0 + n * 60_000);
const at = (n: number) => minutes(n).toISOString();
let stored: StoredEvent[] = [];

const ENVELOPE = new Set(['patient', 'type', 'sourceId', 'orgUnit']);

const scalarText = (v: unknown): string | null => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : null);

/** What a lookup must answer, worked out over the stored events in memory (the ids, sorted). */
function expected(q: RelatedEventsQuery): number[] {
  return stored
    .filter((e) => q.types.includes(e.type) && e.occurredAt.getTime() >= Date.parse(q.from) && e.occurredAt.getTime() <= Date.parse(q.to) && e.id !== q.excludeId)
    .filter((e) => {
      const v = eventField(toRuleEvent(e), q.joinField);
      if (q.joinValue === null || q.joinValue === undefined) return false;
      // Envelope fields compare as text (their columns), attributes as JSON (a number never equals its digits).
      return ENVELOPE.has(q.joinField) ? scalarText(v) !== null && scalarText(v) === scalarText(q.joinValue) : JSON.stringify(v) === JSON.stringify(q.joinValue);
    })
    .map((e) => e.id)
    .sort((a, b) => a - b);
}

beforeAll(async () => {
  t = await createTestDb();
  const svc = createOrgsService({ db: t.db });
  const ctx = systemCtx(new Date(T0));
  const group = await svc.create(ctx, { code: 'G', name: 'G', kind: 'group' });
  await svc.create(ctx, { code: 'H', name: 'H', kind: 'hospital', parentCode: 'G' });
  const sourceId = await createTestSource(t.db, group.id, 'his', ['visit', 'prescription', 'review']);
  const events = [];
  for (let i = 0; i < 60; i++) {
    events.push({
      sourceId, type: ['visit', 'prescription', 'review'][i % 3] ?? 'visit', orgCode: i % 2 === 0 ? 'G' : 'H', occurredAt: minutes(i * 2),
      patient: i % 7 === 0 ? null : `p${String(i % 5)}`, attributes: { order: { id: `o${String(i % 4)}` }, doctor: `d${String(i % 3)}`, seq: i % 6 },
    });
  }
  stored = await insertTestEvents(t.db, events);
});

afterAll(async () => {
  await t.drop();
});

describe('related-event lookups, many at once', () => {
  it('answers each lookup by envelope column or attribute path, inside its window, without the event itself', async () => {
    const [first, second] = stored;
    if (!first || !second) throw new Error('no events');
    const queries: RelatedEventsQuery[] = [
      { types: ['review'], joinField: 'patient', joinValue: 'p1', from: at(0), to: at(60), excludeId: first.id },
      { types: ['visit', 'prescription'], joinField: 'attributes.order.id', joinValue: 'o2', from: at(10), to: at(40), excludeId: second.id },
      { types: ['visit'], joinField: 'patient', joinValue: null, from: at(0), to: at(200), excludeId: 0 },
      { types: ['prescription'], joinField: 'doctor', joinValue: 'd1', from: at(2), to: at(2), excludeId: 0 },
      { types: ['prescription'], joinField: 'seq', joinValue: 1, from: at(0), to: at(200), excludeId: 0 },
      { types: ['review'], joinField: 'orgUnit', joinValue: 'H', from: at(0), to: at(30), excludeId: 0 },
    ];
    const answers = await findRelatedEventsMany(t.db, queries);
    expect(answers).toHaveLength(queries.length);
    const ids = answers.map((a) => a.map((e) => e.id).sort((x, y) => x - y));
    expect(ids).toEqual(queries.map(expected));
    // Not vacuous: the lookups with a join value find something, the null one nothing.
    expect(ids.map((a) => a.length > 0)).toEqual([true, true, false, true, true, true]);
    const found = answers[0]?.[0];
    expect(found).toMatchObject({ type: 'review', patient: 'p1', orgUnitCode: expect.any(String) as string, attributes: expect.any(Object) as object });
    expect(found?.occurredAt).toBeInstanceOf(Date);
  });

  it('equals the lookups answered one by one for any mix of fields, values and windows', async () => {
    const fields = ['patient', 'attributes.order.id', 'doctor', 'seq', 'orgUnit'] as const;
    const values: Record<(typeof fields)[number], unknown[]> = {
      patient: ['p0', 'p3', null], 'attributes.order.id': ['o0', 'o3', 'none'], doctor: ['d0', 'd2'], seq: [0, 5, '5'], orgUnit: ['G', 'H'],
    };
    const query = fc.record({
      types: fc.subarray(['visit', 'prescription', 'review'], { minLength: 1 }),
      field: fc.constantFrom(...fields),
      pick: fc.nat(),
      from: fc.integer({ min: -10, max: 130 }),
      span: fc.integer({ min: 0, max: 60 }),
      exclude: fc.nat({ max: 59 }),
    }).map((r): RelatedEventsQuery => {
      const options = values[r.field];
      return {
        types: r.types, joinField: r.field, joinValue: options[r.pick % options.length], from: at(r.from), to: at(r.from + r.span), excludeId: stored[r.exclude]?.id ?? 0,
      };
    });
    await fc.assert(fc.asyncProperty(fc.array(query, { maxLength: 12 }), async (queries) => {
      const answers = await findRelatedEventsMany(t.db, queries);
      expect(answers.map((a) => a.map((e) => e.id).sort((x, y) => x - y))).toEqual(queries.map(expected));
    }), { numRuns: 40 });
  });
});
