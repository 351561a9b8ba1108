/**
 * The roll-up write of a batch and the locks of its merge. Sketch and distinct-key columns are merged read-modify-write, so
 * two transactions merging the same roll-up row must not interleave; a lock per row (a
 * transaction-scoped advisory lock on a hash of the row key, in the two-integer key space under
 * ROLLUP_SKETCH_LOCK) lets batches touching different rows — other org units, other periods —
 * merge at the same time. Locks are taken in one statement in ascending order, so two batches can
 * never wait on each other; a hash collision only makes a batch wait, never merge wrongly.
 */
import type { Grain } from '../shared/index.ts';
import type { Queryable } from '../store/index.ts';
import { ROLLUP_SKETCH_LOCK, type RollupRow, type RollupTable } from './indicator-repo.ts';

export interface MergeKey {
  readonly indicator: string;
  readonly orgUnitId: number;
  readonly grain: Grain;
  readonly bucketStart: Date;
}

/** The text a row's lock is hashed from (also a stable sort key for the batch's rows). */
export function mergeKeyText(k: MergeKey): string {
  return `${k.indicator}|${String(k.orgUnitId)}|${k.grain}|${String(k.bucketStart.getTime())}`;
}

export async function lockMergeableRows(tx: Queryable, keys: readonly MergeKey[], table: RollupTable = 'indicator_rollup'): Promise<void> {
  if (keys.length === 0) return;
  const prefix = table === 'indicator_rollup' ? '' : `${table}|`;
  await tx.query(
    `SELECT pg_advisory_xact_lock($1::int4, d.h) FROM (SELECT DISTINCT hashtext(k) AS h FROM unnest($2::text[]) AS k) AS d ORDER BY d.h`,
    [ROLLUP_SKETCH_LOCK, keys.map((k) => `${prefix}${mergeKeyText(k)}`)],
  );
}

/** A JSON array of the values (SQL NULL where absent), as one parameter: no per-element text[] escaping. */
function jsonArray(values: readonly unknown[]): string {
  return `[${values.map((v) => (v === null || v === undefined ? 'null' : JSON.stringify(v))).join(',')}]`;
}

/**
 * One multi-row upsert for a whole batch (unique keys, in the order given): the numeric columns
 * add up, the JSON columns (when given) replace the stored ones, merged by the caller under
 * `lockMergeableRows`. Bucket starts travel as epoch ms and the JSON columns as one JSON array
 * each, which keeps the parameters cheap to encode for the thousand rows of a typical batch.
 */
export async function upsertRollupRows(tx: Queryable, rows: readonly RollupRow[], table: RollupTable = 'indicator_rollup'): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO ${table} AS t (indicator, org_unit_id, grain, bucket_start, count, sum, numerator, denominator, sketch, distinct_keys)
     SELECT u.indicator, u.org_unit_id, u.grain, 'epoch'::timestamptz + u.bucket_ms * interval '1 millisecond', u.count, u.sum, u.numerator, u.denominator,
            NULLIF(u.sketch, 'null'::jsonb), NULLIF(u.distinct_keys, 'null'::jsonb)
       FROM ROWS FROM (unnest($1::text[]), unnest($2::bigint[]), unnest($3::text[]), unnest($4::bigint[]), unnest($5::bigint[]), unnest($6::bigint[]),
                       unnest($7::bigint[]), unnest($8::bigint[]), jsonb_array_elements($9::jsonb), jsonb_array_elements($10::jsonb))
         AS u(indicator, org_unit_id, grain, bucket_ms, count, sum, numerator, denominator, sketch, distinct_keys)
     ON CONFLICT (indicator, grain, bucket_start, org_unit_id) DO UPDATE SET
       count = t.count + EXCLUDED.count,
       sum = t.sum + EXCLUDED.sum,
       numerator = t.numerator + EXCLUDED.numerator,
       denominator = t.denominator + EXCLUDED.denominator,
       sketch = COALESCE(EXCLUDED.sketch, t.sketch),
       distinct_keys = COALESCE(EXCLUDED.distinct_keys, t.distinct_keys)`,
    [
      rows.map((r) => r.indicator), rows.map((r) => r.orgUnitId), rows.map((r) => r.grain), rows.map((r) => r.bucketStart.getTime()),
      rows.map((r) => r.count), rows.map((r) => r.sum), rows.map((r) => r.numerator), rows.map((r) => r.denominator),
      jsonArray(rows.map((r) => r.sketch)), jsonArray(rows.map((r) => r.distinct)),
    ],
  );
}
