/**
 * SQL reading one source's hourly quality counters with their hour, for the figures over time
 * (quality-repo.ts reads the same table summed over a whole period).
 */
import type { Queryable } from '../store/index.ts';

export interface HourCounters {
  readonly hour: Date;
  readonly received: number;
  readonly accepted: number;
  readonly duplicates: number;
  readonly conflicts: number;
  readonly rejected: number;
  readonly lagHist: readonly number[];
}

/** One row per event type and hour in [from, to). */
export async function readHourCounters(db: Queryable, sourceId: number, from: Date, to: Date): Promise<HourCounters[]> {
  const r = await db.query<{ hour: Date; received: number; accepted: number; duplicates: number; conflicts: number; rejected: number; lag_hist: number[] }>(
    `SELECT hour, received, accepted, duplicates, conflicts, rejected, lag_hist
       FROM source_quality_hour WHERE source_id = $1 AND hour >= $2 AND hour < $3 ORDER BY hour`,
    [sourceId, from, to],
  );
  return r.rows.map((row) => ({
    hour: row.hour, received: row.received, accepted: row.accepted, duplicates: row.duplicates,
    conflicts: row.conflicts, rejected: row.rejected, lagHist: row.lag_hist.map(Number),
  }));
}
