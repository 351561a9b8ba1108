/**
 * SQL of one ingest batch. Every write is one statement per table per batch, rows passed as
 * parallel arrays through unnest(): the cost of a batch grows with its rows, not its round trips.
 */
import type { Queryable } from '../store/index.ts';

export interface EventRow {
  readonly sourceId: number;
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly orgUnitId: number;
  /** ISO 8601 UTC. */
  readonly occurredAt: string;
  readonly receivedAt: Date;
  readonly patient: string | null;
  /** JSON text of the attributes. */
  readonly attributes: string;
  readonly contentHash: string;
}

/** The key `insertEvents` answers by: a source's event id. */
export const storedEventKey = (sourceId: number, eventId: string): string => `${String(sourceId)}\u0000${eventId}`;

/**
 * Inserts the rows that are new (of any sources: a group commit's batches in one statement);
 * returns database id by `storedEventKey` for those inserted. The attributes travel as one JSON
 * array (their JSON texts joined, no per-element escaping as a text[] would need), zipped with the
 * other columns by ROWS FROM.
 */
export async function insertEvents(tx: Queryable, rows: readonly EventRow[]): Promise<Map<string, number>> {
  if (rows.length === 0) return new Map();
  const r = await tx.query<{ id: number; source_id: number; event_id: string }>(
    `INSERT INTO event (source_id, event_id, type, schema_version, org_unit_id, occurred_at, received_at, patient, attributes, content_hash)
     SELECT u.s, u.e, u.t, u.v, u.o, u.oc::timestamptz, u.r, u.p, u.a, u.h
       FROM ROWS FROM (unnest($1::int8[]), unnest($2::text[]), unnest($3::text[]), unnest($4::int[]), unnest($5::int8[]), unnest($6::text[]),
                       unnest($7::timestamptz[]), unnest($8::text[]), jsonb_array_elements($9::jsonb), unnest($10::text[])) AS u(s, e, t, v, o, oc, r, p, a, h)
     ON CONFLICT (source_id, event_id) DO NOTHING
     RETURNING id, source_id, event_id`,
    [
      rows.map((x) => x.sourceId), rows.map((x) => x.eventId), rows.map((x) => x.type), rows.map((x) => x.schemaVersion), rows.map((x) => x.orgUnitId),
      rows.map((x) => x.occurredAt), rows.map((x) => x.receivedAt), rows.map((x) => x.patient), `[${rows.map((x) => x.attributes).join(',')}]`, rows.map((x) => x.contentHash),
    ],
  );
  return new Map(r.rows.map((row) => [storedEventKey(row.source_id, row.event_id), row.id]));
}

/** Content hashes of already stored events of a source, by event id. */
export async function storedHashes(db: Queryable, sourceId: number, eventIds: readonly string[]): Promise<Map<string, string>> {
  if (eventIds.length === 0) return new Map();
  const r = await db.query<{ event_id: string; content_hash: string }>(
    'SELECT event_id, content_hash FROM event WHERE source_id = $1 AND event_id = ANY ($2::text[])',
    [sourceId, eventIds],
  );
  return new Map(r.rows.map((row) => [row.event_id, row.content_hash]));
}

export interface QualityDelta {
  readonly eventType: string;
  readonly received: number;
  readonly accepted: number;
  readonly duplicates: number;
  readonly conflicts: number;
  readonly rejected: number;
  readonly lagHist: readonly number[];
}

/**
 * Adds a batch to the hourly counters and records the batch itself. Rows are sorted by type so
 * concurrent batches of one source lock counter rows in the same order (no deadlock).
 */
export async function recordBatchQuality(
  tx: Queryable,
  sourceId: number,
  receivedAt: Date,
  hour: Date,
  batch: { records: number; accepted: number } | null,
  deltas: readonly QualityDelta[],
): Promise<void> {
  if (batch === null && deltas.length === 0) return;
  const sorted = [...deltas].sort((a, b) => (a.eventType < b.eventType ? -1 : a.eventType > b.eventType ? 1 : 0));
  await tx.query(
    `WITH b AS (INSERT INTO source_batch (source_id, received_at, records, accepted) SELECT $1, $3, $4, $5 WHERE $4::int IS NOT NULL)
     INSERT INTO source_quality_hour AS q (source_id, event_type, hour, received, accepted, duplicates, conflicts, rejected, lag_hist, last_received_at)
     SELECT $1, u.t, $2, u.r, u.a, u.d, u.c, u.x, string_to_array(u.h, ',')::bigint[], $3
       FROM unnest($6::text[], $7::int8[], $8::int8[], $9::int8[], $10::int8[], $11::int8[], $12::text[]) AS u(t, r, a, d, c, x, h)
     ON CONFLICT (source_id, event_type, hour) DO UPDATE SET
       received = q.received + EXCLUDED.received,
       accepted = q.accepted + EXCLUDED.accepted,
       duplicates = q.duplicates + EXCLUDED.duplicates,
       conflicts = q.conflicts + EXCLUDED.conflicts,
       rejected = q.rejected + EXCLUDED.rejected,
       lag_hist = ARRAY(SELECT l.x + r.y FROM unnest(q.lag_hist) WITH ORDINALITY AS l(x, i)
                          JOIN unnest(EXCLUDED.lag_hist) WITH ORDINALITY AS r(y, j) ON l.i = r.j ORDER BY l.i),
       last_received_at = GREATEST(q.last_received_at, EXCLUDED.last_received_at)`,
    [
      sourceId, hour, receivedAt, batch?.records ?? null, batch?.accepted ?? null,
      sorted.map((d) => d.eventType), sorted.map((d) => d.received), sorted.map((d) => d.accepted), sorted.map((d) => d.duplicates),
      sorted.map((d) => d.conflicts), sorted.map((d) => d.rejected), sorted.map((d) => d.lagHist.join(',')),
    ],
  );
}

export async function recordRejections(
  tx: Queryable,
  sourceId: number,
  hour: Date,
  counts: readonly { eventType: string; code: string; count: number }[],
): Promise<void> {
  if (counts.length === 0) return;
  const sorted = [...counts].sort((a, b) => `${a.eventType}\u0000${a.code}`.localeCompare(`${b.eventType}\u0000${b.code}`));
  await tx.query(
    `INSERT INTO source_rejection_hour AS r (source_id, event_type, hour, code, count)
     SELECT $1, u.t, $2, u.c, u.n FROM unnest($3::text[], $4::text[], $5::int8[]) AS u(t, c, n)
     ON CONFLICT (source_id, event_type, hour, code) DO UPDATE SET count = r.count + EXCLUDED.count`,
    [sourceId, hour, sorted.map((c) => c.eventType), sorted.map((c) => c.code), sorted.map((c) => c.count)],
  );
}
