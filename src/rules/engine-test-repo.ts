import { insertFixtureSource } from '../indicators/event-fixture-repo.ts';
import type { StoredEvent } from '../ingest/stored-event.ts';
import type { Db } from '../store/index.ts';

/**
 * Test and benchmark support for the engine: a registered source and events stored the way
 * ingest stores them (the engine's tests must not depend on the ingest pipeline being wired).
 */
export function createTestSource(db: Db, orgUnitId: number, name: string, types: readonly string[] = ['visit', 'prescription', 'consultation']): Promise<number> {
  return db.transaction((tx) => insertFixtureSource(tx, orgUnitId, name, types));
}

export interface TestEvent {
  readonly sourceId: number;
  readonly type: string;
  readonly orgCode: string;
  readonly occurredAt: Date;
  readonly receivedAt?: Date;
  readonly patient?: string | null;
  readonly attributes?: Readonly<Record<string, unknown>>;
}

let counter = 0;

/** Stores the events in one transaction (one statement) and returns them as the commit consumers see them. */
export async function insertTestEvents(db: Db, events: readonly TestEvent[]): Promise<StoredEvent[]> {
  const rows = events.map((e) => {
    counter += 1;
    return {
      source_id: e.sourceId, event_id: `t-${String(Date.now())}-${String(counter)}`, type: e.type, org_code: e.orgCode, occurred_at: e.occurredAt.toISOString(),
      received_at: (e.receivedAt ?? e.occurredAt).toISOString(), patient: e.patient ?? null, attributes: e.attributes ?? {},
    };
  });
  const inserted = await db.transaction(async (tx) => (await tx.query<{ id: number; eventId: string; orgUnitId: number; orgPath: string }>(
    `INSERT INTO event (source_id, event_id, type, schema_version, org_unit_id, occurred_at, received_at, patient, attributes, content_hash)
     SELECT x.source_id, x.event_id, x.type, 1, o.id, x.occurred_at, x.received_at, x.patient, x.attributes, 'test'
     FROM jsonb_to_recordset($1::jsonb) AS x(source_id bigint, event_id text, type text, org_code text, occurred_at timestamptz, received_at timestamptz, patient text, attributes jsonb)
     JOIN org_unit o ON o.code = x.org_code
     RETURNING id, event_id AS "eventId", org_unit_id AS "orgUnitId", (SELECT path FROM org_unit p WHERE p.id = org_unit_id) AS "orgPath"`,
    [JSON.stringify(rows)],
  )).rows);
  const byEventId = new Map(inserted.map((r) => [r.eventId, r]));
  return rows.map((r, i) => {
    const row = byEventId.get(r.event_id);
    const e = events[i];
    if (!row || !e) throw new Error(`event for unknown org unit ${r.org_code}`);
    return {
      id: row.id, sourceId: e.sourceId, eventId: r.event_id, type: e.type, schemaVersion: 1, orgUnitId: row.orgUnitId, orgUnitCode: e.orgCode, orgPath: row.orgPath,
      occurredAt: e.occurredAt, receivedAt: e.receivedAt ?? e.occurredAt, patient: e.patient ?? null, attributes: e.attributes ?? {},
    };
  });
}
