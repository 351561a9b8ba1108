import type { Grain } from '../shared/index.ts';
import type { Queryable } from '../store/index.ts';

/** SQL of a time-zone change: periods people entered (manual values, targets) move to the new zone's starts. */

/** A period start as stored, and where the same period key starts in the new zone. */
export interface PeriodMove {
  readonly grain: Grain;
  readonly from: Date;
  readonly to: Date;
}

export type PeriodTable = 'indicator_manual_value' | 'indicator_target';

const WHO: Record<PeriodTable, { by: string; at: string }> = {
  indicator_manual_value: { by: 'entered_by', at: 'entered_at' },
  indicator_target: { by: 'set_by', at: 'set_at' },
};

/** The distinct (grain, period start) pairs of a table. */
export async function storedPeriods(q: Queryable, table: PeriodTable): Promise<{ grain: Grain; periodStart: Date }[]> {
  const r = await q.query<{ grain: Grain; period_start: Date }>(`SELECT DISTINCT grain, period_start FROM ${table} ORDER BY grain, period_start`);
  return r.rows.map((row) => ({ grain: row.grain, periodStart: row.period_start }));
}

/**
 * Moves every row of the given periods to its new start. Rows are taken out and put back in two
 * statements, so a new start equal to another period's old one (zones 24 h apart) never collides.
 */
export async function movePeriods(tx: Queryable, table: PeriodTable, moves: readonly PeriodMove[]): Promise<number> {
  const changed = moves.filter((m) => m.from.getTime() !== m.to.getTime());
  if (changed.length === 0) return 0;
  const { by, at } = WHO[table];
  const gone = await tx.query<{ indicator: string; org_unit_id: number; grain: string; new_start: Date; value: unknown; who: string; at: Date }>(
    `DELETE FROM ${table} t USING unnest($1::text[], $2::timestamptz[], $3::timestamptz[]) AS m(grain, old_start, new_start)
      WHERE t.grain = m.grain AND t.period_start = m.old_start
      RETURNING t.indicator, t.org_unit_id, t.grain, m.new_start, t.value, t.${by} AS who, t.${at} AS at`,
    [changed.map((m) => m.grain), changed.map((m) => m.from), changed.map((m) => m.to)],
  );
  const rows = gone.rows;
  if (rows.length === 0) return 0;
  await tx.query(
    `INSERT INTO ${table} (indicator, org_unit_id, grain, period_start, value, ${by}, ${at})
     SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::timestamptz[], $5::numeric[], $6::text[], $7::timestamptz[])`,
    [rows.map((r) => r.indicator), rows.map((r) => r.org_unit_id), rows.map((r) => r.grain), rows.map((r) => r.new_start), rows.map((r) => String(r.value)), rows.map((r) => r.who), rows.map((r) => r.at)],
  );
  return rows.length;
}

/** How many events a rebuild will read (its progress denominator). */
export async function countEvents(q: Queryable): Promise<number> {
  const r = await q.query<{ n: string | number }>('SELECT count(*) AS n FROM event');
  return Number(r.rows[0]?.n ?? 0);
}
