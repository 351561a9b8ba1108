import type { Queryable } from '../store/index.ts';
import type { CostCategory } from './paf.ts';

/**
 * SQL of the quality-cost ledger: manual entries, and sums by org unit, year, month and category
 * of the entries, of `quality_event` costs (attributes cost and costType) and of charge revenue,
 * months in the group's time zone.
 */
export interface AmountByMonth {
  readonly orgUnitId: number;
  readonly year: number;
  readonly month: number;
  readonly amount: number;
}

export interface EntryRow {
  readonly id: number;
  readonly orgUnitId: number;
  readonly periodMonth: string;
  readonly category: CostCategory;
  readonly amount: number;
  readonly description: string;
  readonly enteredBy: string;
  readonly enteredAt: Date;
}

const inScope = (param: string) => `(${param}::text[] IS NULL OR o.path LIKE ANY (SELECT p || '%' FROM unnest(${param}::text[]) AS p))`;

export async function insertEntry(tx: Queryable, w: { orgUnitId: number; periodMonth: string; category: CostCategory; amount: number; description: string; by: string; at: Date }): Promise<number> {
  const { rows } = await tx.query<{ id: number }>(
    'INSERT INTO quality_cost_entry (org_unit_id, period_month, category, amount, description, entered_by, entered_at) VALUES ($1, $2::date, $3, $4, $5, $6, $7) RETURNING id',
    [w.orgUnitId, w.periodMonth, w.category, w.amount, w.description, w.by, w.at],
  );
  const id = rows[0]?.id;
  if (id === undefined) throw new Error('quality cost entry insert returned no id');
  return id;
}

export async function listEntries(db: Queryable, from: string, to: string, paths: readonly string[] | null): Promise<EntryRow[]> {
  return (await db.query<EntryRow>(
    `SELECT e.id, e.org_unit_id AS "orgUnitId", to_char(e.period_month, 'YYYY-MM') AS "periodMonth", e.category, e.amount::float8 AS amount, e.description,
       e.entered_by AS "enteredBy", e.entered_at AS "enteredAt"
     FROM quality_cost_entry e JOIN org_unit o ON o.id = e.org_unit_id WHERE e.period_month >= $1::date AND e.period_month < $2::date AND ${inScope('$3')} ORDER BY e.period_month, e.id`,
    [from, to, paths],
  )).rows;
}

export async function sumEntries(db: Queryable, from: string, to: string, paths: readonly string[] | null): Promise<(AmountByMonth & { category: CostCategory })[]> {
  return (await db.query<AmountByMonth & { category: CostCategory }>(
    `SELECT e.org_unit_id AS "orgUnitId", extract(year FROM e.period_month)::int AS year, extract(month FROM e.period_month)::int AS month, e.category, sum(e.amount)::float8 AS amount
     FROM quality_cost_entry e JOIN org_unit o ON o.id = e.org_unit_id WHERE e.period_month >= $1::date AND e.period_month < $2::date AND ${inScope('$3')}
     GROUP BY 1, 2, 3, 4`,
    [from, to, paths],
  )).rows;
}

/** Sets an org unit's failure-cost target of a year (replacing an earlier one). */
export async function upsertTarget(tx: Queryable, w: { orgUnitId: number; fiscalYear: number; failureChange: number; by: string; at: Date }): Promise<void> {
  await tx.query(
    `INSERT INTO quality_cost_target (org_unit_id, fiscal_year, failure_change, set_by, set_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (org_unit_id, fiscal_year) DO UPDATE SET failure_change = EXCLUDED.failure_change, set_by = EXCLUDED.set_by, set_at = EXCLUDED.set_at`,
    [w.orgUnitId, w.fiscalYear, w.failureChange, w.by, w.at],
  );
}

export interface TargetRow {
  readonly orgUnitId: number;
  readonly failureChange: number;
  readonly setBy: string;
  readonly setAt: Date;
}

/** The target that applies to the unit at `path` in a year: its own, else its nearest ancestor's. */
export async function findTarget(db: Queryable, fiscalYear: number, path: string): Promise<TargetRow | null> {
  return (await db.query<TargetRow>(
    `SELECT t.org_unit_id AS "orgUnitId", t.failure_change::float8 AS "failureChange", t.set_by AS "setBy", t.set_at AS "setAt"
     FROM quality_cost_target t JOIN org_unit o ON o.id = t.org_unit_id
     WHERE t.fiscal_year = $1 AND $2 LIKE o.path || '%' ORDER BY length(o.path) DESC LIMIT 1`,
    [fiscalYear, path],
  )).rows[0] ?? null;
}

/** `quality_event` costs with a cost type, in [from, to). */
export async function sumQualityEvents(db: Queryable, from: Date, to: Date, timeZone: string, paths: readonly string[] | null): Promise<(AmountByMonth & { category: CostCategory })[]> {
  return (await db.query<AmountByMonth & { category: CostCategory }>(
    `SELECT e.org_unit_id AS "orgUnitId", extract(year FROM e.occurred_at AT TIME ZONE $3)::int AS year, extract(month FROM e.occurred_at AT TIME ZONE $3)::int AS month,
       e.attributes->>'costType' AS category, sum((e.attributes->>'cost')::numeric)::float8 AS amount
     FROM event e JOIN org_unit o ON o.id = e.org_unit_id
     WHERE e.type = 'quality_event' AND e.occurred_at >= $1 AND e.occurred_at < $2 AND jsonb_typeof(e.attributes->'cost') = 'number'
       AND e.attributes->>'costType' IN ('prevention', 'appraisal', 'internal_failure', 'external_failure') AND ${inScope('$4')}
     GROUP BY 1, 2, 3, 4`,
    [from, to, timeZone, paths],
  )).rows;
}

/** Revenue: the amounts of charges in [from, to). */
export async function sumRevenue(db: Queryable, from: Date, to: Date, timeZone: string, paths: readonly string[] | null): Promise<AmountByMonth[]> {
  return (await db.query<AmountByMonth>(
    `SELECT e.org_unit_id AS "orgUnitId", extract(year FROM e.occurred_at AT TIME ZONE $3)::int AS year, extract(month FROM e.occurred_at AT TIME ZONE $3)::int AS month,
       sum((e.attributes->>'amount')::numeric)::float8 AS amount
     FROM event e JOIN org_unit o ON o.id = e.org_unit_id
     WHERE e.type = 'charge' AND e.occurred_at >= $1 AND e.occurred_at < $2 AND jsonb_typeof(e.attributes->'amount') = 'number' AND ${inScope('$4')}
     GROUP BY 1, 2, 3`,
    [from, to, timeZone, paths],
  )).rows;
}
