/**
 * SQL reading the per-source quality counters (never the event table).
 */
import type { Queryable } from '../store/index.ts';

export interface CounterRow {
  readonly sourceId: number;
  readonly eventType: string;
  readonly received: number;
  readonly accepted: number;
  readonly duplicates: number;
  readonly conflicts: number;
  readonly rejected: number;
  readonly lagHist: readonly number[];
}

/** Counter rows of the hours in [from, to), one per source, type and hour. */
export async function readCounters(db: Queryable, sourceIds: readonly number[], from: Date, to: Date): Promise<CounterRow[]> {
  if (sourceIds.length === 0) return [];
  const r = await db.query<{
    source_id: number; event_type: string; received: number; accepted: number; duplicates: number; conflicts: number; rejected: number; lag_hist: number[];
  }>(
    `SELECT source_id, event_type, received, accepted, duplicates, conflicts, rejected, lag_hist
       FROM source_quality_hour WHERE source_id = ANY ($1::int8[]) AND hour >= $2 AND hour < $3`,
    [sourceIds, from, to],
  );
  return r.rows.map((row) => ({
    sourceId: row.source_id, eventType: row.event_type, received: row.received, accepted: row.accepted, duplicates: row.duplicates,
    conflicts: row.conflicts, rejected: row.rejected, lagHist: row.lag_hist.map(Number),
  }));
}

export async function readRejectionCounts(db: Queryable, sourceIds: readonly number[], from: Date, to: Date): Promise<{ sourceId: number; eventType: string; code: string; count: number }[]> {
  if (sourceIds.length === 0) return [];
  const r = await db.query<{ source_id: number; event_type: string; code: string; count: number }>(
    `SELECT source_id, event_type, code, sum(count)::int8 AS count FROM source_rejection_hour
      WHERE source_id = ANY ($1::int8[]) AND hour >= $2 AND hour < $3 GROUP BY source_id, event_type, code`,
    [sourceIds, from, to],
  );
  return r.rows.map((row) => ({ sourceId: row.source_id, eventType: row.event_type, code: row.code, count: row.count }));
}

/** Distinct minutes in [from, to) in which a batch of the source was committed. */
export async function readBatchMinutes(db: Queryable, sourceId: number, from: Date, to: Date): Promise<Date[]> {
  const r = await db.query<{ minute: Date }>(
    `SELECT DISTINCT date_trunc('minute', received_at) AS minute FROM source_batch
      WHERE source_id = $1 AND received_at >= $2 AND received_at < $3 ORDER BY minute`,
    [sourceId, from, to],
  );
  return r.rows.map((row) => row.minute);
}

export async function readLastSeen(db: Queryable, sourceIds: readonly number[]): Promise<Map<number, Date>> {
  if (sourceIds.length === 0) return new Map();
  const r = await db.query<{ source_id: number; last: Date }>(
    'SELECT source_id, max(received_at) AS last FROM source_batch WHERE source_id = ANY ($1::int8[]) GROUP BY source_id',
    [sourceIds],
  );
  return new Map(r.rows.map((row) => [row.source_id, row.last]));
}
