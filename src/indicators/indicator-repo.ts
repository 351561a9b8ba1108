import { pathIds } from '../orgs/index.ts';
import type { Grain } from '../shared/index.ts';
import type { Queryable } from '../store/index.ts';

/**
 * SQL of the indicator module: versioned definitions, roll-up rows, manual values, targets, and
 * the event pages a rebuild replays. Roll-ups are stored per leaf org unit (the event's own unit);
 * subtree values are summed here at query time over `org_unit.path LIKE $path || '%'`.
 */

export type Origin = 'library' | 'custom';

export interface StoredDefinition {
  readonly code: string;
  readonly version: number;
  readonly origin: Origin;
  readonly definition: unknown;
  readonly createdAt: Date;
  readonly createdBy: string;
}

/** Additive delta (or, for sketch/distinct, the merged state) of one roll-up row. */
export interface RollupRow {
  readonly indicator: string;
  readonly orgUnitId: number;
  readonly grain: Grain;
  readonly bucketStart: Date;
  readonly count: number;
  readonly sum: number;
  readonly numerator: number;
  readonly denominator: number;
  /** When set, replaces the stored value (the caller merged it under the sketch lock). */
  readonly sketch: unknown;
  readonly distinct: unknown;
}

export interface RollupKey {
  readonly indicator: string;
  readonly orgUnitId: number;
  readonly grain: Grain;
  readonly bucketStart: Date;
}

/** Summed accumulator columns of one bucket (or one child subtree) as read back. */
export interface SummedRow {
  readonly count: number;
  readonly sum: number;
  readonly numerator: number;
  readonly denominator: number;
  /** Every stored sketch / distinct list of the group, to merge in the application. */
  readonly sketches: readonly unknown[] | null;
  readonly distincts: readonly unknown[] | null;
}

/** Two transaction-scoped advisory locks: rebuilds exclude ingest; sketch merges exclude each other. */
export const ROLLUP_REBUILD_LOCK = 7_310_041;
export const ROLLUP_SKETCH_LOCK = 7_310_042;

interface VersionRow {
  code: string; version: number; origin: Origin; definition: unknown; created_at: Date; created_by: string;
}

function toDefinition(r: VersionRow): StoredDefinition {
  return { code: r.code, version: r.version, origin: r.origin, definition: r.definition, createdAt: r.created_at, createdBy: r.created_by };
}

/** The current version of every definition (or of one code). */
export async function currentDefinitions(db: Queryable, code?: string): Promise<StoredDefinition[]> {
  const r = await db.query<VersionRow>(
    `SELECT v.code, v.version, v.origin, v.definition, v.created_at, v.created_by
       FROM indicator_definition d JOIN indicator_definition_version v ON v.code = d.code AND v.version = d.current_version
      WHERE $1::text IS NULL OR d.code = $1 ORDER BY d.code`,
    [code ?? null],
  );
  return r.rows.map(toDefinition);
}

export async function definitionVersions(db: Queryable, code: string): Promise<StoredDefinition[]> {
  const r = await db.query<VersionRow>(
    `SELECT code, version, origin, definition, created_at, created_by FROM indicator_definition_version WHERE code = $1 ORDER BY version`,
    [code],
  );
  return r.rows.map(toDefinition);
}

/**
 * The (code, current version, row version) triples, a cheap check of the parsed-definition cache.
 * `xmin` changes with every committed write of the row, so a version number reused after a rolled
 * back save never matches a stale cache entry.
 */
export async function definitionVersionsInUse(db: Queryable): Promise<{ code: string; version: number; stamp: string }[]> {
  const r = await db.query<{ code: string; current_version: number; stamp: string }>(
    'SELECT code, current_version, xmin::text AS stamp FROM indicator_definition ORDER BY code',
  );
  return r.rows.map((row) => ({ code: row.code, version: row.current_version, stamp: row.stamp }));
}

/** Saves a new version and makes it current (inserting the definition row the first time). */
export async function saveDefinitionVersion(tx: Queryable, d: Omit<StoredDefinition, 'definition'> & { definition: unknown }): Promise<void> {
  await tx.query(
    `INSERT INTO indicator_definition (code, current_version, origin, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
     ON CONFLICT (code) DO UPDATE SET current_version = EXCLUDED.current_version, origin = EXCLUDED.origin, updated_at = EXCLUDED.updated_at`,
    [d.code, d.version, d.origin, d.createdAt],
  );
  await tx.query(
    `INSERT INTO indicator_definition_version (code, version, definition, origin, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)`,
    [d.code, d.version, JSON.stringify(d.definition), d.origin, d.createdAt, d.createdBy],
  );
}

export async function lockRollupsShared(tx: Queryable): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock_shared($1)', [ROLLUP_REBUILD_LOCK]);
}

export async function lockRollupsExclusive(tx: Queryable): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [ROLLUP_REBUILD_LOCK]);
}

const keyArrays = (keys: readonly RollupKey[]) => [
  keys.map((k) => k.indicator),
  keys.map((k) => k.orgUnitId),
  keys.map((k) => k.grain),
  keys.map((k) => k.bucketStart.toISOString()),
];

/**
 * The roll-up tables: each org unit's own events, and (for percentile indicators) each org unit's
 * whole subtree (migration 008).
 */
export type RollupTable = 'indicator_rollup' | 'indicator_rollup_tree';

/** The stored sketch and distinct columns of the given rows (absent rows are omitted). */
export async function readMergeableState(tx: Queryable, keys: readonly RollupKey[], table: RollupTable = 'indicator_rollup'): Promise<(RollupKey & { sketch: unknown; distinct: unknown })[]> {
  if (keys.length === 0) return [];
  const r = await tx.query<{ indicator: string; org_unit_id: number; grain: Grain; bucket_start: Date; sketch: unknown; distinct_keys: unknown }>(
    `SELECT t.indicator, t.org_unit_id, t.grain, t.bucket_start, t.sketch, t.distinct_keys
       FROM unnest($1::text[], $2::bigint[], $3::text[], $4::timestamptz[]) AS k(indicator, org_unit_id, grain, bucket_start)
       JOIN ${table} t ON t.indicator = k.indicator AND t.grain = k.grain AND t.bucket_start = k.bucket_start AND t.org_unit_id = k.org_unit_id`,
    keyArrays(keys),
  );
  return r.rows.map((row) => ({
    indicator: row.indicator, orgUnitId: row.org_unit_id, grain: row.grain, bucketStart: row.bucket_start, sketch: row.sketch, distinct: row.distinct_keys,
  }));
}

/** Deletes the roll-ups of one grain whose bucket starts in [from, to) (all indicators when null). */
export async function deleteRollups(tx: Queryable, grain: Grain, from: Date | null, to: Date | null, indicators: readonly string[] | null, table: RollupTable = 'indicator_rollup'): Promise<number> {
  const r = await tx.query(
    `DELETE FROM ${table} WHERE grain = $1 AND ($2::timestamptz IS NULL OR bucket_start >= $2) AND ($3::timestamptz IS NULL OR bucket_start < $3)
        AND ($4::text[] IS NULL OR indicator = ANY($4))`,
    [grain, from, to, indicators],
  );
  return r.rowCount;
}

interface SummedDbRow { count: unknown; sum: unknown; numerator: unknown; denominator: unknown; sketches: unknown[] | null; distincts: unknown[] | null }

function summed(r: SummedDbRow): SummedRow {
  return { count: Number(r.count), sum: Number(r.sum), numerator: Number(r.numerator), denominator: Number(r.denominator), sketches: r.sketches, distincts: r.distincts };
}

const SUMS = `coalesce(sum(r.count), 0) AS count, coalesce(sum(r.sum), 0) AS sum, coalesce(sum(r.numerator), 0) AS numerator,
  coalesce(sum(r.denominator), 0) AS denominator`;

function jsonAggs(withSketch: boolean, withDistinct: boolean): string {
  return `${withSketch ? 'jsonb_agg(r.sketch) FILTER (WHERE r.sketch IS NOT NULL)' : 'NULL::jsonb'} AS sketches,
    ${withDistinct ? 'jsonb_agg(r.distinct_keys) FILTER (WHERE r.distinct_keys IS NOT NULL)' : 'NULL::jsonb'} AS distincts`;
}

export interface SeriesQuery {
  readonly indicator: string;
  readonly grain: Grain;
  readonly from: Date;
  readonly to: Date;
  /** Path of the org unit whose subtree is summed. */
  readonly path: string;
  readonly withSketch: boolean;
  readonly withDistinct: boolean;
}

/** Per bucket in [from, to): the roll-ups of the subtree under `path`, summed. */
export async function sumSeries(db: Queryable, q: SeriesQuery): Promise<Map<number, SummedRow>> {
  const r = await db.query<SummedDbRow & { bucket_start: Date }>(
    `SELECT r.bucket_start, ${SUMS}, ${jsonAggs(q.withSketch, q.withDistinct)}
       FROM indicator_rollup r JOIN org_unit o ON o.id = r.org_unit_id
      WHERE r.indicator = $1 AND r.grain = $2 AND r.bucket_start >= $3 AND r.bucket_start < $4 AND o.path LIKE $5 || '%'
      GROUP BY r.bucket_start`,
    [q.indicator, q.grain, q.from, q.to, q.path],
  );
  return new Map(r.rows.map((row) => [row.bucket_start.getTime(), summed(row)]));
}

/** Every org unit's path as ids from the root ('/1/4/9/' → [1, 4, 9]), by id. */
export async function orgPaths(db: Queryable): Promise<Map<number, number[]>> {
  const r = await db.query<{ id: number | string; path: string }>('SELECT id, path FROM org_unit');
  return new Map(r.rows.map((row) => [Number(row.id), pathIds(row.path)]));
}

/** The indicators whose subtree rows are complete (migration 008). */
export async function completeTreeIndicators(db: Queryable): Promise<Set<string>> {
  const r = await db.query<{ indicator: string }>('SELECT indicator FROM indicator_rollup_tree_complete');
  return new Set(r.rows.map((row) => row.indicator));
}

export async function markTreeComplete(tx: Queryable, indicators: readonly string[]): Promise<void> {
  if (indicators.length === 0) return;
  await tx.query('INSERT INTO indicator_rollup_tree_complete (indicator) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING', [indicators]);
}

const TREE_COLUMNS = `r.count, r.sum, r.numerator, r.denominator,
  CASE WHEN r.sketch IS NULL THEN NULL ELSE jsonb_build_array(r.sketch) END AS sketches,
  CASE WHEN r.distinct_keys IS NULL THEN NULL ELSE jsonb_build_array(r.distinct_keys) END AS distincts`;

/** As `sumSeries`, from the subtree rows of one org unit: one row per bucket, nothing to sum. */
export async function treeSeries(db: Queryable, q: Omit<SeriesQuery, 'path'> & { readonly orgUnitId: number }): Promise<Map<number, SummedRow>> {
  const r = await db.query<SummedDbRow & { bucket_start: Date }>(
    `SELECT r.bucket_start, ${TREE_COLUMNS} FROM indicator_rollup_tree r
      WHERE r.indicator = $1 AND r.grain = $2 AND r.bucket_start >= $3 AND r.bucket_start < $4 AND r.org_unit_id = $5`,
    [q.indicator, q.grain, q.from, q.to, q.orgUnitId],
  );
  return new Map(r.rows.map((row) => [row.bucket_start.getTime(), summed(row)]));
}

/** As `sumByChild`, from the subtree rows of the parent's children. */
export async function treeByChild(db: Queryable, q: BreakdownQuery): Promise<Map<number, SummedRow>> {
  const r = await db.query<SummedDbRow & { child_id: number }>(
    `SELECT c.id AS child_id, ${TREE_COLUMNS} FROM org_unit c
       JOIN indicator_rollup_tree r ON r.org_unit_id = c.id
      WHERE c.parent_id = $4 AND r.indicator = $1 AND r.grain = $2 AND r.bucket_start = $3`,
    [q.indicator, q.grain, q.bucketStart, q.parentId],
  );
  return new Map(r.rows.map((row) => [row.child_id, summed(row)]));
}

export interface BreakdownQuery {
  readonly indicator: string;
  readonly grain: Grain;
  readonly bucketStart: Date;
  readonly parentId: number;
  readonly withSketch: boolean;
  readonly withDistinct: boolean;
}

/** Per child of the parent: the roll-ups of the child's subtree for one bucket (children without data omitted). */
export async function sumByChild(db: Queryable, q: BreakdownQuery): Promise<Map<number, SummedRow>> {
  const r = await db.query<SummedDbRow & { child_id: number }>(
    `SELECT c.id AS child_id, ${SUMS}, ${jsonAggs(q.withSketch, q.withDistinct)}
       FROM org_unit c
       JOIN org_unit o ON o.path LIKE c.path || '%'
       JOIN indicator_rollup r ON r.org_unit_id = o.id
      WHERE c.parent_id = $4 AND r.indicator = $1 AND r.grain = $2 AND r.bucket_start = $3
      GROUP BY c.id`,
    [q.indicator, q.grain, q.bucketStart, q.parentId],
  );
  return new Map(r.rows.map((row) => [row.child_id, summed(row)]));
}

export interface EventRow {
  readonly id: number;
  readonly eventId: string;
  readonly type: string;
  readonly orgUnitId: number;
  readonly orgUnitCode: string;
  readonly occurredAt: Date;
  readonly patient: string | null;
  readonly attributes: Readonly<Record<string, unknown>>;
}

/** A page of the raw event table in id order (keyset pagination), optionally of some types only. */
export async function eventPage(db: Queryable, afterId: number, limit: number, types: readonly string[] | null): Promise<EventRow[]> {
  const r = await db.query<{ id: number; event_id: string; type: string; org_unit_id: number; code: string; occurred_at: Date; patient: string | null; attributes: Record<string, unknown> }>(
    `SELECT e.id, e.event_id, e.type, e.org_unit_id, o.code, e.occurred_at, e.patient, e.attributes
       FROM event e JOIN org_unit o ON o.id = e.org_unit_id
      WHERE e.id > $1 AND ($3::text[] IS NULL OR e.type = ANY($3))
      ORDER BY e.id LIMIT $2`,
    [afterId, limit, types],
  );
  return r.rows.map((row) => ({
    id: row.id, eventId: row.event_id, type: row.type, orgUnitId: row.org_unit_id, orgUnitCode: row.code, occurredAt: row.occurred_at,
    patient: row.patient, attributes: row.attributes,
  }));
}

export interface ManualValueRow {
  readonly indicator: string;
  readonly orgUnitId: number;
  readonly grain: Grain;
  readonly periodStart: Date;
  readonly value: number;
  readonly enteredBy: string;
  readonly enteredAt: Date;
}

interface ManualDbRow { indicator: string; org_unit_id: number; grain: Grain; period_start: Date; value: unknown; entered_by: string; entered_at: Date }

function toManual(r: ManualDbRow): ManualValueRow {
  return { indicator: r.indicator, orgUnitId: r.org_unit_id, grain: r.grain, periodStart: r.period_start, value: Number(r.value), enteredBy: r.entered_by, enteredAt: r.entered_at };
}

/** Stores a manual value, returning the one it replaces (locked until commit), or null. */
export async function upsertManualValue(tx: Queryable, v: ManualValueRow): Promise<number | null> {
  const prior = await tx.query<{ value: unknown }>(
    'SELECT value FROM indicator_manual_value WHERE indicator = $1 AND org_unit_id = $2 AND grain = $3 AND period_start = $4 FOR UPDATE',
    [v.indicator, v.orgUnitId, v.grain, v.periodStart],
  );
  await tx.query(
    `INSERT INTO indicator_manual_value (indicator, org_unit_id, grain, period_start, value, entered_by, entered_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (indicator, org_unit_id, grain, period_start) DO UPDATE SET value = EXCLUDED.value, entered_by = EXCLUDED.entered_by, entered_at = EXCLUDED.entered_at`,
    [v.indicator, v.orgUnitId, v.grain, v.periodStart, v.value, v.enteredBy, v.enteredAt],
  );
  const p = prior.rows[0];
  return p ? Number(p.value) : null;
}

/** Manual values (all indicators when null), in a stable order. */
export async function listManualValues(db: Queryable, indicators: readonly string[] | null): Promise<ManualValueRow[]> {
  const r = await db.query<ManualDbRow>(
    `SELECT indicator, org_unit_id, grain, period_start, value, entered_by, entered_at FROM indicator_manual_value
      WHERE $1::text[] IS NULL OR indicator = ANY($1) ORDER BY indicator, org_unit_id, grain, period_start`,
    [indicators],
  );
  return r.rows.map(toManual);
}

export interface TargetRow {
  readonly indicator: string;
  readonly orgUnitId: number;
  readonly grain: Grain;
  readonly periodStart: Date;
  readonly value: number;
  readonly setBy: string;
  readonly setAt: Date;
}

/** Stores a target (replacing one for the same key), returning the previous value or null. */
export async function upsertTarget(tx: Queryable, t: TargetRow): Promise<number | null> {
  const prior = await tx.query<{ value: unknown }>(
    'SELECT value FROM indicator_target WHERE indicator = $1 AND grain = $2 AND period_start = $3 AND org_unit_id = $4 FOR UPDATE',
    [t.indicator, t.grain, t.periodStart, t.orgUnitId],
  );
  await tx.query(
    `INSERT INTO indicator_target (indicator, org_unit_id, grain, period_start, value, set_by, set_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (indicator, grain, period_start, org_unit_id) DO UPDATE SET value = EXCLUDED.value, set_by = EXCLUDED.set_by, set_at = EXCLUDED.set_at`,
    [t.indicator, t.orgUnitId, t.grain, t.periodStart, t.value, t.setBy, t.setAt],
  );
  const p = prior.rows[0];
  return p ? Number(p.value) : null;
}

/** Targets of one indicator and grain for the given org units, with periods in [from, to). */
export async function listTargets(db: Queryable, q: { indicator: string; grain: Grain; from: Date; to: Date; orgUnitIds: readonly number[] }): Promise<TargetRow[]> {
  const r = await db.query<{ indicator: string; org_unit_id: number; grain: Grain; period_start: Date; value: unknown; set_by: string; set_at: Date }>(
    `SELECT indicator, org_unit_id, grain, period_start, value, set_by, set_at FROM indicator_target
      WHERE indicator = $1 AND grain = $2 AND period_start >= $3 AND period_start < $4 AND org_unit_id = ANY($5::bigint[])
      ORDER BY period_start, org_unit_id`,
    [q.indicator, q.grain, q.from, q.to, q.orgUnitIds],
  );
  return r.rows.map((row) => ({
    indicator: row.indicator, orgUnitId: row.org_unit_id, grain: row.grain, periodStart: row.period_start, value: Number(row.value), setBy: row.set_by, setAt: row.set_at,
  }));
}
