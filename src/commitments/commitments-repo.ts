import type { Queryable } from '../store/index.ts';

/** SQL for service commitments and their early warnings. */
export interface Commitment {
  readonly id: number;
  readonly code: string;
  readonly parentId: number | null;
  readonly level: number;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly ownerId: number;
  readonly ownerCode: string;
  readonly ownerPath: string;
  readonly indicator: string;
  readonly direction: 'higher_better' | 'lower_better';
  readonly aggregate: 'mean' | 'sum';
  readonly target: number;
  readonly promise: string | null;
}

/** What is written: the commitment without its id and the owner's code and path (read by join). */
export type CommitmentInput = Omit<Commitment, 'id' | 'ownerCode' | 'ownerPath'>;

interface Row {
  id: number; code: string; parent_id: number | null; level: number; name_zh: string; name_en: string; owner_org_unit_id: number; owner_code: string; owner_path: string;
  indicator: string; direction: Commitment['direction']; aggregate: Commitment['aggregate']; target: number; promise: string | null;
}

const SELECT = 'SELECT c.*, o.code AS owner_code, o.path AS owner_path FROM commitment c JOIN org_unit o ON o.id = c.owner_org_unit_id';

function toCommitment(r: Row): Commitment {
  return {
    id: r.id, code: r.code, parentId: r.parent_id, level: r.level, nameZh: r.name_zh, nameEn: r.name_en, ownerId: r.owner_org_unit_id, ownerCode: r.owner_code,
    ownerPath: r.owner_path, indicator: r.indicator, direction: r.direction, aggregate: r.aggregate, target: r.target, promise: r.promise,
  };
}

export async function listCommitments(db: Queryable): Promise<Commitment[]> {
  return (await db.query<Row>(`${SELECT} ORDER BY c.level, c.code`)).rows.map(toCommitment);
}

export async function findCommitment(db: Queryable, code: string): Promise<Commitment | null> {
  const row = (await db.query<Row>(`${SELECT} WHERE c.code = $1`, [code])).rows[0];
  return row ? toCommitment(row) : null;
}

export async function insertCommitment(tx: Queryable, c: CommitmentInput, now: Date): Promise<number> {
  const r = await tx.query<{ id: number }>(
    `INSERT INTO commitment (code, parent_id, level, name_zh, name_en, owner_org_unit_id, indicator, direction, aggregate, target, promise, created_at, updated_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$12) RETURNING id`,
    [c.code, c.parentId, c.level, c.nameZh, c.nameEn, c.ownerId, c.indicator, c.direction, c.aggregate, c.target, c.promise, now]);
  return Number(r.rows[0]?.id);
}

export async function updateCommitment(tx: Queryable, id: number, c: CommitmentInput, now: Date): Promise<void> {
  await tx.query(
    `UPDATE commitment SET parent_id = $2, level = $3, name_zh = $4, name_en = $5, owner_org_unit_id = $6, indicator = $7, direction = $8, aggregate = $9,
       target = $10, promise = $11, updated_at = $12 WHERE id = $1`,
    [id, c.parentId, c.level, c.nameZh, c.nameEn, c.ownerId, c.indicator, c.direction, c.aggregate, c.target, c.promise, now]);
}

export interface Warning {
  readonly id: number;
  readonly commitmentId: number;
  readonly periodStart: Date;
  readonly state: 'warning' | 'breached' | 'resolved';
  readonly projected: number | null;
  readonly periodToDate: number | null;
  readonly raisedAt: Date;
  readonly updatedAt: Date;
}

interface WarningRow { id: number; commitment_id: number; period_start: Date; state: Warning['state']; projected: number | null; period_to_date: number | null; raised_at: Date; updated_at: Date }

const toWarning = (w: WarningRow): Warning => ({
  id: w.id, commitmentId: w.commitment_id, periodStart: w.period_start, state: w.state, projected: w.projected, periodToDate: w.period_to_date, raisedAt: w.raised_at, updatedAt: w.updated_at,
});

export async function warningsOf(db: Queryable, periodStart: Date): Promise<Map<number, Warning>> {
  const r = await db.query<WarningRow>('SELECT * FROM commitment_warning WHERE period_start = $1', [periodStart]);
  return new Map(r.rows.map((w) => [w.commitment_id, toWarning(w)]));
}

/** Inserts or moves the warning of (commitment, period) and returns its id. */
export async function upsertWarning(tx: Queryable, w: { commitmentId: number; periodStart: Date; state: Warning['state']; projected: number | null; periodToDate: number | null; now: Date }): Promise<number> {
  const r = await tx.query<{ id: number }>(
    `INSERT INTO commitment_warning (commitment_id, period_start, state, projected, period_to_date, raised_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$6)
     ON CONFLICT (commitment_id, period_start) DO UPDATE SET state = excluded.state, projected = excluded.projected, period_to_date = excluded.period_to_date,
       updated_at = excluded.updated_at RETURNING id`,
    [w.commitmentId, w.periodStart, w.state, w.projected, w.periodToDate, w.now]);
  return Number(r.rows[0]?.id);
}
