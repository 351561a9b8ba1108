import { randomBytes } from 'node:crypto';
import type { StoredEvent } from '../ingest/stored-event.ts';
import type { Queryable } from '../store/index.ts';

/**
 * Test and benchmark support: a registered source and events stored the way ingest stores them,
 * so the roll-up consumer can be exercised without the ingest pipeline. Not used in production.
 */
export async function insertFixtureSource(tx: Queryable, orgUnitId: number, name: string, types: readonly string[]): Promise<number> {
  const secret = randomBytes(12).toString('hex');
  const token = await tx.query<{ id: number }>(
    "INSERT INTO api_token (name, token_hash, token_prefix, role, org_unit_id) VALUES ($1, $2, $3, 'source', $4) RETURNING id",
    [name, secret, secret.slice(0, 6), orgUnitId],
  );
  const source = await tx.query<{ id: number }>(
    'INSERT INTO source (name, org_unit_id, allowed_types, token_id, created_at, updated_at) VALUES ($1, $2, $3, $4, now(), now()) RETURNING id',
    [name, orgUnitId, types, token.rows[0]?.id],
  );
  const id = source.rows[0]?.id;
  if (id === undefined) throw new Error('source insert returned no id');
  return id;
}

export interface FixtureEvent {
  readonly eventId: string;
  readonly type: string;
  readonly orgUnitId: number;
  readonly occurredAt: Date;
  readonly patient: string | null;
  readonly attributes: Readonly<Record<string, unknown>>;
}

/** Stores events with one multi-row insert and returns them as commit consumers see them. */
export async function insertFixtureEvents(tx: Queryable, sourceId: number, events: readonly FixtureEvent[]): Promise<StoredEvent[]> {
  if (events.length === 0) return [];
  const r = await tx.query<{ id: number; event_id: string; org_unit_id: number; code: string; path: string }>(
    `WITH ins AS (
       INSERT INTO event (source_id, event_id, type, schema_version, org_unit_id, occurred_at, received_at, patient, attributes, content_hash)
       SELECT $1, event_id, type, 1, org_unit_id, occurred_at, occurred_at, patient, attributes::jsonb, 'fixture'
         FROM unnest($2::text[], $3::text[], $4::bigint[], $5::timestamptz[], $6::text[], $7::text[])
           AS u(event_id, type, org_unit_id, occurred_at, patient, attributes)
       RETURNING id, event_id, org_unit_id)
     SELECT ins.id, ins.event_id, ins.org_unit_id, o.code, o.path FROM ins JOIN org_unit o ON o.id = ins.org_unit_id`,
    [
      sourceId,
      events.map((e) => e.eventId),
      events.map((e) => e.type),
      events.map((e) => e.orgUnitId),
      events.map((e) => e.occurredAt.toISOString()),
      events.map((e) => e.patient),
      events.map((e) => JSON.stringify(e.attributes)),
    ],
  );
  const byEventId = new Map(r.rows.map((row) => [row.event_id, row]));
  return events.map((e) => {
    const row = byEventId.get(e.eventId);
    if (!row) throw new Error(`event ${e.eventId} was not stored`);
    return {
      id: row.id, sourceId, eventId: e.eventId, type: e.type, schemaVersion: 1, orgUnitId: row.org_unit_id, orgUnitCode: row.code, orgPath: row.path,
      occurredAt: e.occurredAt, receivedAt: e.occurredAt, patient: e.patient, attributes: e.attributes,
    };
  });
}

/**
 * A full dump of the roll-up tables in a canonical order, for comparing two ways of computing
 * them: each org unit's own rows, then the subtree rows (prefixed `tree|`).
 */
export async function dumpRollups(q: Queryable): Promise<string[]> {
  const lines: string[] = [];
  for (const [table, prefix] of [['indicator_rollup', ''], ['indicator_rollup_tree', 'tree|']] as const) {
    const r = await q.query<{ line: string }>(
      `SELECT concat_ws('|', indicator, org_unit_id, grain, to_char(bucket_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI'), count, sum, numerator, denominator,
              sketch::text, distinct_keys::text) AS line
         FROM ${table} WHERE count <> 0 OR sum <> 0 OR numerator <> 0 OR denominator <> 0 OR sketch IS NOT NULL OR distinct_keys IS NOT NULL
        ORDER BY indicator, org_unit_id, grain, bucket_start`,
    );
    lines.push(...r.rows.map((row) => `${prefix}${row.line}`));
  }
  return lines;
}
