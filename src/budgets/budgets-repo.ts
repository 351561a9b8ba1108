import type { Queryable } from '../store/index.ts';
import type { CarryRule } from './carry-forward.ts';
import type { BudgetItem } from './items.ts';

/**
 * SQL of the budget ledger: the item tree and its event mapping, budgets with their lines,
 * imports, hand-entered and imported actuals (actuals from `expense` and `charge` events are
 * summed from the event table through the mapping); adjustments and out-of-budget requests are
 * in requests-repo.ts. Amounts are numeric(16, 2) in the database and numbers here.
 */

/** A budget item as stored (items.ts holds the type). */
export type ItemRow = BudgetItem;

export interface MappingRow {
  readonly eventType: 'expense' | 'charge';
  readonly matchValue: string;
  readonly itemId: number;
}

export type BudgetStatus = 'draft' | 'submitted' | 'approved';

export interface BudgetRow {
  readonly id: number;
  readonly fiscalYear: number;
  readonly orgUnitId: number;
  readonly status: BudgetStatus;
  readonly carryRule: CarryRule;
  readonly submittedBy: string | null;
  readonly submittedAt: Date | null;
  readonly approvedBy: string | null;
  readonly approvedAt: Date | null;
}

export interface LineRow {
  readonly budgetId: number;
  readonly orgUnitId: number;
  readonly itemId: number;
  readonly month: number;
  readonly amount: number;
  readonly originalAmount: number | null;
}

export interface AmountRow {
  readonly orgUnitId: number;
  readonly itemId: number;
  readonly month: number;
  readonly amount: number;
}

const ITEM_COLUMNS = 'id, code, name_zh AS "nameZh", name_en AS "nameEn", kind, parent_id AS "parentId", sort_order AS "sortOrder"';
const BUDGET_COLUMNS = `b.id, b.fiscal_year AS "fiscalYear", b.org_unit_id AS "orgUnitId", b.status, b.carry_rule AS "carryRule",
  b.submitted_by AS "submittedBy", b.submitted_at AS "submittedAt", b.approved_by AS "approvedBy", b.approved_at AS "approvedAt"`;

/** `org_unit o` lies in one of the subtrees (`paths` null = everywhere). */
const inScope = (param: string) => `(${param}::text[] IS NULL OR o.path LIKE ANY (SELECT p || '%' FROM unnest(${param}::text[]) AS p))`;

export async function listItems(db: Queryable): Promise<ItemRow[]> {
  return (await db.query<ItemRow>(`SELECT ${ITEM_COLUMNS} FROM budget_item ORDER BY sort_order, code`)).rows;
}

export async function insertItem(tx: Queryable, item: Omit<ItemRow, 'id'>, at: Date): Promise<number> {
  const { rows } = await tx.query<{ id: number }>(
    'INSERT INTO budget_item (code, name_zh, name_en, kind, parent_id, sort_order, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id',
    [item.code, item.nameZh, item.nameEn, item.kind, item.parentId, item.sortOrder, at],
  );
  const id = rows[0]?.id;
  if (id === undefined) throw new Error('budget item insert returned no id');
  return id;
}

export async function listMappings(db: Queryable): Promise<MappingRow[]> {
  return (await db.query<MappingRow>('SELECT event_type AS "eventType", match_value AS "matchValue", item_id AS "itemId" FROM budget_item_mapping ORDER BY event_type, match_value')).rows;
}

export async function replaceMappings(tx: Queryable, mappings: readonly MappingRow[]): Promise<void> {
  await tx.query('DELETE FROM budget_item_mapping');
  if (mappings.length === 0) return;
  await tx.query(
    'INSERT INTO budget_item_mapping (event_type, match_value, item_id) SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])',
    [mappings.map((m) => m.eventType), mappings.map((m) => m.matchValue), mappings.map((m) => m.itemId)],
  );
}

export async function findBudget(db: Queryable, fiscalYear: number, orgUnitId: number, forUpdate = false): Promise<BudgetRow | null> {
  const { rows } = await db.query<BudgetRow>(`SELECT ${BUDGET_COLUMNS} FROM budget b WHERE b.fiscal_year = $1 AND b.org_unit_id = $2${forUpdate ? ' FOR UPDATE' : ''}`, [fiscalYear, orgUnitId]);
  return rows[0] ?? null;
}

export async function findBudgetById(db: Queryable, id: number): Promise<BudgetRow | null> {
  const { rows } = await db.query<BudgetRow>(`SELECT ${BUDGET_COLUMNS} FROM budget b WHERE b.id = $1`, [id]);
  return rows[0] ?? null;
}

/** The budgets of a year whose org unit lies in the subtrees. */
export async function listBudgets(db: Queryable, fiscalYear: number, paths: readonly string[] | null): Promise<BudgetRow[]> {
  return (await db.query<BudgetRow>(
    `SELECT ${BUDGET_COLUMNS} FROM budget b JOIN org_unit o ON o.id = b.org_unit_id WHERE b.fiscal_year = $1 AND ${inScope('$2')} ORDER BY o.path`,
    [fiscalYear, paths],
  )).rows;
}

/** The draft budget of (year, org unit), created when missing; locked for the caller's transaction. */
export async function lockOrCreateBudget(tx: Queryable, fiscalYear: number, orgUnitId: number, at: Date): Promise<BudgetRow> {
  await tx.query(
    `INSERT INTO budget (fiscal_year, org_unit_id, status, created_at, updated_at) VALUES ($1, $2, 'draft', $3, $3)
     ON CONFLICT (fiscal_year, org_unit_id) DO NOTHING`,
    [fiscalYear, orgUnitId, at],
  );
  const row = await findBudget(tx, fiscalYear, orgUnitId, true);
  if (!row) throw new Error('budget vanished after insert');
  return row;
}

export async function setBudgetStatus(tx: Queryable, id: number, status: BudgetStatus, by: string, at: Date): Promise<void> {
  // Submitting and approving record who and when; returning to draft clears the submission.
  const sets = status === 'submitted' ? 'submitted_by = $3, submitted_at = $4' : status === 'approved' ? 'approved_by = $3, approved_at = $4' : 'submitted_by = NULL, submitted_at = NULL, approved_by = NULL, approved_at = NULL';
  await tx.query(`UPDATE budget SET status = $2, updated_at = $4, ${sets} WHERE id = $1 AND $3::text IS NOT NULL`, [id, status, by, at]);
}

export async function setCarryRule(tx: Queryable, id: number, rule: CarryRule, at: Date): Promise<void> {
  await tx.query('UPDATE budget SET carry_rule = $2, updated_at = $3 WHERE id = $1', [id, rule, at]);
}

/** Replaces every line of a budget (amounts of 0 are kept: an explicit zero budget). */
export async function replaceLines(tx: Queryable, budgetId: number, lines: readonly { itemId: number; month: number; amount: number }[]): Promise<void> {
  await tx.query('DELETE FROM budget_line WHERE budget_id = $1', [budgetId]);
  if (lines.length === 0) return;
  await tx.query(
    `INSERT INTO budget_line (budget_id, item_id, month, amount)
     SELECT $1, i, m, a FROM unnest($2::bigint[], $3::smallint[], $4::numeric[]) AS t (i, m, a)`,
    [budgetId, lines.map((l) => l.itemId), lines.map((l) => l.month), lines.map((l) => l.amount)],
  );
}

/** Sets lines of an approved budget to adjusted amounts, keeping the approved amount the first time. */
export async function adjustLines(tx: Queryable, budgetId: number, lines: readonly { itemId: number; month: number; amount: number }[]): Promise<void> {
  if (lines.length === 0) return;
  await tx.query(
    `INSERT INTO budget_line (budget_id, item_id, month, amount, original_amount)
     SELECT $1, i, m, a, 0 FROM unnest($2::bigint[], $3::smallint[], $4::numeric[]) AS t (i, m, a)
     ON CONFLICT (budget_id, item_id, month) DO UPDATE SET amount = EXCLUDED.amount, original_amount = coalesce(budget_line.original_amount, budget_line.amount)`,
    [budgetId, lines.map((l) => l.itemId), lines.map((l) => l.month), lines.map((l) => l.amount)],
  );
}

/** Lines of the year's budgets in the subtrees; `approvedOnly` for what counts. */
export async function listLines(db: Queryable, fiscalYear: number, paths: readonly string[] | null, approvedOnly: boolean, budgetId?: number): Promise<LineRow[]> {
  return (await db.query<LineRow>(
    `SELECT l.budget_id AS "budgetId", b.org_unit_id AS "orgUnitId", l.item_id AS "itemId", l.month, l.amount::float8 AS amount, l.original_amount::float8 AS "originalAmount"
     FROM budget_line l JOIN budget b ON b.id = l.budget_id JOIN org_unit o ON o.id = b.org_unit_id
     WHERE b.fiscal_year = $1 AND ${inScope('$2')} AND (NOT $3 OR b.status = 'approved') AND ($4::bigint IS NULL OR b.id = $4)
     ORDER BY b.org_unit_id, l.item_id, l.month`,
    [fiscalYear, paths, approvedOnly, budgetId ?? null],
  )).rows;
}

export async function insertImport(tx: Queryable, w: { kind: 'budget' | 'actual'; fiscalYear: number; format: 'csv' | 'xlsx'; fileName: string | null; lineCount: number; by: string; at: Date }): Promise<number> {
  const { rows } = await tx.query<{ id: number }>(
    'INSERT INTO budget_import (kind, fiscal_year, format, file_name, line_count, imported_by, imported_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id',
    [w.kind, w.fiscalYear, w.format, w.fileName, w.lineCount, w.by, w.at],
  );
  const id = rows[0]?.id;
  if (id === undefined) throw new Error('budget import insert returned no id');
  return id;
}

export async function insertActuals(tx: Queryable, fiscalYear: number, rows: readonly AmountRow[], source: { kind: 'manual' | 'import'; importId: number | null; note: string | null; by: string; at: Date }): Promise<number[]> {
  if (rows.length === 0) return [];
  const { rows: ids } = await tx.query<{ id: number }>(
    `INSERT INTO budget_actual (org_unit_id, item_id, fiscal_year, month, amount, source, import_id, note, entered_by, entered_at)
     SELECT o, i, $5, m, a, $6, $7, $8, $9, $10 FROM unnest($1::bigint[], $2::bigint[], $3::smallint[], $4::numeric[]) AS t (o, i, m, a)
     RETURNING id`,
    [rows.map((r) => r.orgUnitId), rows.map((r) => r.itemId), rows.map((r) => r.month), rows.map((r) => r.amount), fiscalYear, source.kind, source.importId, source.note, source.by, source.at],
  );
  return ids.map((r) => r.id);
}

/** Entered and imported actuals of the year, summed per org unit, item and month. */
export async function sumLedgerActuals(db: Queryable, fiscalYear: number, paths: readonly string[] | null): Promise<AmountRow[]> {
  return (await db.query<AmountRow>(
    `SELECT a.org_unit_id AS "orgUnitId", a.item_id AS "itemId", a.month, sum(a.amount)::float8 AS amount
     FROM budget_actual a JOIN org_unit o ON o.id = a.org_unit_id WHERE a.fiscal_year = $1 AND ${inScope('$2')}
     GROUP BY 1, 2, 3`,
    [fiscalYear, paths],
  )).rows;
}

/** Approved out-of-budget spending (预算外支出) of a year, per org unit, item and month. */
export async function sumApprovedExceptions(db: Queryable, fiscalYear: number, paths: readonly string[] | null): Promise<AmountRow[]> {
  return (await db.query<AmountRow>(
    `SELECT x.org_unit_id AS "orgUnitId", x.item_id AS "itemId", x.month, sum(x.amount)::float8 AS amount
     FROM budget_exception x JOIN org_unit o ON o.id = x.org_unit_id WHERE x.fiscal_year = $1 AND x.status = 'approved' AND ${inScope('$2')}
     GROUP BY 1, 2, 3`,
    [fiscalYear, paths],
  )).rows;
}

const EVENT_ITEM = `JOIN budget_item_mapping m ON m.event_type = e.type
  AND m.match_value = CASE e.type WHEN 'expense' THEN e.attributes->>'item' ELSE e.attributes->>'category' END`;

/**
 * Actuals from `expense` and `charge` events in [from, to), summed per org unit, mapped item and
 * month of the group's time zone (an event whose amount is not a number is left out).
 */
export async function sumEventActuals(db: Queryable, from: Date, to: Date, timeZone: string, paths: readonly string[] | null): Promise<(AmountRow & { events: number })[]> {
  return (await db.query<AmountRow & { events: number }>(
    `SELECT e.org_unit_id AS "orgUnitId", m.item_id AS "itemId", extract(month FROM e.occurred_at AT TIME ZONE $3)::int AS month,
       sum((e.attributes->>'amount')::numeric)::float8 AS amount, count(*)::int AS events
     FROM event e ${EVENT_ITEM} JOIN org_unit o ON o.id = e.org_unit_id
     WHERE e.type IN ('expense', 'charge') AND e.occurred_at >= $1 AND e.occurred_at < $2 AND jsonb_typeof(e.attributes->'amount') = 'number' AND ${inScope('$4')}
     GROUP BY 1, 2, 3`,
    [from, to, timeZone, paths],
  )).rows;
}

export interface ActualSource {
  readonly kind: 'event' | 'manual' | 'import';
  /** The event's id (event), the actual's id (manual), the import batch's id (import). */
  readonly ref: string;
  readonly eventType: string | null;
  readonly occurredAt: Date | null;
  readonly amount: number;
  readonly note: string | null;
}

/** Where one cell's actuals come from: the events (up to `limit`) and the ledger entries. */
export async function listActualSources(db: Queryable, q: { orgUnitId: number; itemId: number; fiscalYear: number; month: number; from: Date; to: Date; timeZone: string; limit: number }): Promise<ActualSource[]> {
  const events = await db.query<ActualSource>(
    `SELECT 'event' AS kind, e.id::text AS ref, e.type AS "eventType", e.occurred_at AS "occurredAt", (e.attributes->>'amount')::float8 AS amount, e.event_id AS note
     FROM event e ${EVENT_ITEM}
     WHERE e.org_unit_id = $1 AND m.item_id = $2 AND e.type IN ('expense', 'charge') AND e.occurred_at >= $3 AND e.occurred_at < $4
       AND jsonb_typeof(e.attributes->'amount') = 'number'
     ORDER BY e.occurred_at, e.id LIMIT $5`,
    [q.orgUnitId, q.itemId, q.from, q.to, q.limit],
  );
  const ledger = await db.query<ActualSource>(
    `SELECT a.source AS kind, CASE a.source WHEN 'import' THEN a.import_id::text ELSE a.id::text END AS ref, NULL AS "eventType", a.entered_at AS "occurredAt",
       a.amount::float8 AS amount, a.note
     FROM budget_actual a WHERE a.org_unit_id = $1 AND a.item_id = $2 AND a.fiscal_year = $3 AND a.month = $4 ORDER BY a.id`,
    [q.orgUnitId, q.itemId, q.fiscalYear, q.month],
  );
  return [...events.rows, ...ledger.rows];
}

export interface OrgRef {
  readonly id: number;
  readonly code: string;
  readonly name: string;
  readonly nameEn: string | null;
  readonly parentId: number | null;
  readonly path: string;
  readonly kind: string;
}

/** Active org units in the subtrees (`paths` null = all), in tree order. */
export async function listOrgsInScope(db: Queryable, paths: readonly string[] | null): Promise<OrgRef[]> {
  return (await db.query<OrgRef>(
    `SELECT o.id, o.code, o.name, o.name_en AS "nameEn", o.parent_id AS "parentId", o.path, o.kind FROM org_unit o WHERE o.active AND ${inScope('$1')} ORDER BY o.path`,
    [paths],
  )).rows;
}
