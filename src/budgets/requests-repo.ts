import type { Queryable } from '../store/index.ts';
import type { ApprovalLevel } from './approval.ts';

/**
 * SQL of the requests around an approved budget: the once-a-year adjustment (its proposed lines
 * kept as JSON until decided), out-of-budget spending requests and their approval levels.
 */
export type RequestStatus = 'pending' | 'approved' | 'rejected';

export interface AdjustmentRow {
  readonly id: number;
  readonly budgetId: number;
  readonly fiscalYear: number;
  readonly orgUnitId: number;
  readonly orgPath: string;
  readonly status: RequestStatus;
  readonly reason: string;
  readonly lines: readonly { item: string; month: number; amount: number }[];
  readonly requestedBy: string;
  readonly requestedAt: Date;
  readonly decidedBy: string | null;
  readonly decidedAt: Date | null;
  readonly decisionNote: string | null;
}

export interface ExceptionRow {
  readonly id: number;
  readonly orgUnitId: number;
  readonly orgPath: string;
  readonly itemId: number;
  readonly fiscalYear: number;
  readonly month: number;
  readonly amount: number;
  readonly reason: string;
  readonly level: string;
  readonly status: RequestStatus;
  readonly requestedBy: string;
  readonly requestedAt: Date;
  readonly decidedBy: string | null;
  readonly decidedAt: Date | null;
  readonly decisionNote: string | null;
}

const inScope = `($2::text[] IS NULL OR o.path LIKE ANY (SELECT p || '%' FROM unnest($2::text[]) AS p))`;
const ADJ = `a.id, a.budget_id AS "budgetId", b.fiscal_year AS "fiscalYear", b.org_unit_id AS "orgUnitId", o.path AS "orgPath", a.status, a.reason, a.lines,
  a.requested_by AS "requestedBy", a.requested_at AS "requestedAt", a.decided_by AS "decidedBy", a.decided_at AS "decidedAt", a.decision_note AS "decisionNote"
  FROM budget_adjustment a JOIN budget b ON b.id = a.budget_id JOIN org_unit o ON o.id = b.org_unit_id`;
const EXC = `e.id, e.org_unit_id AS "orgUnitId", o.path AS "orgPath", e.item_id AS "itemId", e.fiscal_year AS "fiscalYear", e.month, e.amount::float8 AS amount, e.reason, e.level, e.status,
  e.requested_by AS "requestedBy", e.requested_at AS "requestedAt", e.decided_by AS "decidedBy", e.decided_at AS "decidedAt", e.decision_note AS "decisionNote"
  FROM budget_exception e JOIN org_unit o ON o.id = e.org_unit_id`;

export async function insertAdjustment(tx: Queryable, w: { budgetId: number; reason: string; lines: AdjustmentRow['lines']; by: string; at: Date }): Promise<number> {
  const { rows } = await tx.query<{ id: number }>(
    "INSERT INTO budget_adjustment (budget_id, status, reason, lines, requested_by, requested_at) VALUES ($1, 'pending', $2, $3, $4, $5) RETURNING id",
    [w.budgetId, w.reason, JSON.stringify(w.lines), w.by, w.at],
  );
  const id = rows[0]?.id;
  if (id === undefined) throw new Error('adjustment insert returned no id');
  return id;
}

export async function findAdjustment(db: Queryable, id: number, forUpdate = false): Promise<AdjustmentRow | null> {
  const { rows } = await db.query<AdjustmentRow>(`SELECT ${ADJ} WHERE a.id = $1${forUpdate ? ' FOR UPDATE OF a' : ''}`, [id]);
  return rows[0] ?? null;
}

export async function listAdjustments(db: Queryable, fiscalYear: number, paths: readonly string[] | null): Promise<AdjustmentRow[]> {
  return (await db.query<AdjustmentRow>(`SELECT ${ADJ} WHERE b.fiscal_year = $1 AND ${inScope} ORDER BY a.id`, [fiscalYear, paths])).rows;
}

/** Decides a pending request (adjustment or exception); false when it was no longer pending. */
export async function decideRequest(tx: Queryable, table: 'budget_adjustment' | 'budget_exception', id: number, status: 'approved' | 'rejected', by: string, note: string | null, at: Date): Promise<boolean> {
  const r = await tx.query(`UPDATE ${table} SET status = $2, decided_by = $3, decision_note = $4, decided_at = $5 WHERE id = $1 AND status = 'pending'`, [id, status, by, note, at]);
  return (r.rowCount ?? 0) > 0;
}

export async function insertException(tx: Queryable, w: { orgUnitId: number; itemId: number; fiscalYear: number; month: number; amount: number; reason: string; level: string; by: string; at: Date }): Promise<number> {
  const { rows } = await tx.query<{ id: number }>(
    `INSERT INTO budget_exception (org_unit_id, item_id, fiscal_year, month, amount, reason, level, status, requested_by, requested_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9) RETURNING id`,
    [w.orgUnitId, w.itemId, w.fiscalYear, w.month, w.amount, w.reason, w.level, w.by, w.at],
  );
  const id = rows[0]?.id;
  if (id === undefined) throw new Error('exception insert returned no id');
  return id;
}

export async function findException(db: Queryable, id: number, forUpdate = false): Promise<ExceptionRow | null> {
  const { rows } = await db.query<ExceptionRow>(`SELECT ${EXC} WHERE e.id = $1${forUpdate ? ' FOR UPDATE OF e' : ''}`, [id]);
  return rows[0] ?? null;
}

export async function listExceptions(db: Queryable, fiscalYear: number, paths: readonly string[] | null): Promise<ExceptionRow[]> {
  return (await db.query<ExceptionRow>(`SELECT ${EXC} WHERE e.fiscal_year = $1 AND ${inScope} ORDER BY e.id`, [fiscalYear, paths])).rows;
}

export async function listApprovalLevels(db: Queryable): Promise<ApprovalLevel[]> {
  return (await db.query<ApprovalLevel>(
    'SELECT code, name_zh AS "nameZh", name_en AS "nameEn", max_amount::float8 AS "maxAmount", approver_role AS "approverRole" FROM budget_approval_level ORDER BY max_amount NULLS LAST',
  )).rows;
}

export async function replaceApprovalLevels(tx: Queryable, levels: readonly ApprovalLevel[]): Promise<void> {
  await tx.query('DELETE FROM budget_approval_level');
  await tx.query(
    `INSERT INTO budget_approval_level (code, name_zh, name_en, max_amount, approver_role)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::numeric[], $5::text[])`,
    [levels.map((l) => l.code), levels.map((l) => l.nameZh), levels.map((l) => l.nameEn), levels.map((l) => l.maxAmount), levels.map((l) => l.approverRole)],
  );
}
