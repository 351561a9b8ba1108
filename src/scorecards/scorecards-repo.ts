import type { Queryable } from '../store/index.ts';

/** SQL for scorecard schemes, results, adjustments, published periods and appeals. */
export interface StoredScheme {
  readonly id: number;
  readonly code: string;
  readonly version: number;
  readonly definition: unknown;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly updatedBy: string;
  readonly unitIds: readonly number[];
}

interface SchemeRow { id: number; code: string; version: number; definition: unknown; created_at: Date; updated_at: Date; created_by: string; unit_ids: number[] | null }

const SCHEME_SELECT = `
  SELECT s.id, s.code, s.created_at, v.version, v.definition, v.created_at AS updated_at, v.created_by,
         (SELECT array_agg(u.org_unit_id ORDER BY u.org_unit_id) FROM scorecard_scheme_unit u WHERE u.scheme_id = s.id) AS unit_ids
  FROM scorecard_scheme s
  JOIN LATERAL (SELECT * FROM scorecard_scheme_version v WHERE v.scheme_id = s.id ORDER BY v.version DESC LIMIT 1) v ON true`;

function toScheme(r: SchemeRow): StoredScheme {
  return {
    id: r.id, code: r.code, version: r.version, definition: r.definition, createdAt: r.created_at, updatedAt: r.updated_at,
    updatedBy: r.created_by, unitIds: r.unit_ids ?? [],
  };
}

export async function listSchemes(db: Queryable): Promise<StoredScheme[]> {
  return (await db.query<SchemeRow>(`${SCHEME_SELECT} ORDER BY s.code`)).rows.map(toScheme);
}

export async function findScheme(db: Queryable, code: string, forUpdate = false): Promise<StoredScheme | null> {
  if (forUpdate) await db.query('SELECT id FROM scorecard_scheme WHERE code = $1 FOR UPDATE', [code]);
  const row = (await db.query<SchemeRow>(`${SCHEME_SELECT} WHERE s.code = $1`, [code])).rows[0];
  return row ? toScheme(row) : null;
}

export async function schemeVersions(db: Queryable, schemeId: number): Promise<{ version: number; createdAt: Date; createdBy: string; definition: unknown }[]> {
  const r = await db.query<{ version: number; created_at: Date; created_by: string; definition: unknown }>(
    'SELECT version, created_at, created_by, definition FROM scorecard_scheme_version WHERE scheme_id = $1 ORDER BY version DESC', [schemeId]);
  return r.rows.map((v) => ({ version: v.version, createdAt: v.created_at, createdBy: v.created_by, definition: v.definition }));
}

export async function insertScheme(tx: Queryable, code: string, now: Date): Promise<number> {
  const r = await tx.query<{ id: number }>('INSERT INTO scorecard_scheme (code, created_at) VALUES ($1, $2) RETURNING id', [code, now]);
  return Number(r.rows[0]?.id);
}

export async function insertSchemeVersion(tx: Queryable, v: { schemeId: number; version: number; definition: unknown; now: Date; by: string }): Promise<void> {
  await tx.query('INSERT INTO scorecard_scheme_version (scheme_id, version, definition, created_at, created_by) VALUES ($1, $2, $3, $4, $5)',
    [v.schemeId, v.version, JSON.stringify(v.definition), v.now, v.by]);
}

export async function replaceSchemeUnits(tx: Queryable, schemeId: number, unitIds: readonly number[]): Promise<void> {
  await tx.query('DELETE FROM scorecard_scheme_unit WHERE scheme_id = $1 AND NOT (org_unit_id = ANY($2::bigint[]))', [schemeId, unitIds]);
  await tx.query('INSERT INTO scorecard_scheme_unit (scheme_id, org_unit_id) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING', [schemeId, unitIds]);
}

// ---- results ----

export interface StoredResult {
  readonly orgUnitId: number;
  readonly periodStart: Date;
  readonly schemeVersion: number;
  readonly score: number;
  readonly grade: string;
  readonly complete: boolean;
  readonly computedAt: Date;
  readonly publishedScore: number | null;
  readonly publishedGrade: string | null;
  readonly pendingRevision: boolean;
}

export interface StoredResultDetail extends StoredResult {
  readonly current: unknown;
  readonly published: unknown;
}

interface ResultRow {
  org_unit_id: number; period_start: Date; scheme_version: number; score: number; grade: string; complete: boolean; computed_at: Date;
  published_score: number | null; published_grade: string | null; pending_revision: boolean; current?: unknown; published?: unknown;
}

function toResult(r: ResultRow): StoredResult {
  return {
    orgUnitId: r.org_unit_id, periodStart: r.period_start, schemeVersion: r.scheme_version, score: r.score, grade: r.grade,
    complete: r.complete, computedAt: r.computed_at, publishedScore: r.published_score,
    publishedGrade: r.published_grade, pendingRevision: r.pending_revision,
  };
}

const RESULT_COLUMNS = 'r.org_unit_id, r.period_start, r.scheme_version, r.score, r.grade, r.complete, r.computed_at, r.published_score, r.published_grade, r.pending_revision';

/** One period's results for the units under the scope paths (without the traces). */
export async function listResults(db: Queryable, q: { schemeId: number; periodStarts: readonly Date[]; scopePaths: readonly string[] }): Promise<StoredResult[]> {
  const r = await db.query<ResultRow>(
    `SELECT ${RESULT_COLUMNS} FROM scorecard_result r JOIN org_unit o ON o.id = r.org_unit_id
     WHERE r.scheme_id = $1 AND r.period_start = ANY($2::timestamptz[]) AND o.path LIKE ANY($3::text[])
     ORDER BY r.period_start, r.org_unit_id`,
    [q.schemeId, q.periodStarts, q.scopePaths.map((p) => `${p}%`)],
  );
  return r.rows.map(toResult);
}

export async function findResult(db: Queryable, schemeId: number, orgUnitId: number, periodStart: Date): Promise<StoredResultDetail | null> {
  const r = await db.query<ResultRow>(`SELECT ${RESULT_COLUMNS}, r.current, r.published FROM scorecard_result r WHERE r.scheme_id = $1 AND r.org_unit_id = $2 AND r.period_start = $3`,
    [schemeId, orgUnitId, periodStart]);
  const row = r.rows[0];
  return row ? { ...toResult(row), current: row.current, published: row.published ?? null } : null;
}

/** The current traces of a scheme's results in the periods (to compare before writing). */
export async function currentTraces(db: Queryable, schemeId: number, periodStarts: readonly Date[]): Promise<Map<string, { version: number; current: unknown }>> {
  const r = await db.query<{ org_unit_id: number; period_start: Date; scheme_version: number; current: unknown }>(
    'SELECT org_unit_id, period_start, scheme_version, current FROM scorecard_result WHERE scheme_id = $1 AND period_start = ANY($2::timestamptz[])',
    [schemeId, periodStarts]);
  return new Map(r.rows.map((row) => [resultKey(row.org_unit_id, row.period_start), { version: row.scheme_version, current: row.current }]));
}

export function resultKey(orgUnitId: number, periodStart: Date): string {
  return `${String(orgUnitId)}@${String(periodStart.getTime())}`;
}

/** A computed result to store: its trace (`current`) and the columns read without it. */
export type ResultWrite = Pick<StoredResult, 'orgUnitId' | 'periodStart' | 'schemeVersion' | 'score' | 'grade' | 'complete'> & { readonly current: unknown };

/** Upserts results (the published copy is left as it is). */
export async function upsertResults(tx: Queryable, schemeId: number, rows: readonly ResultWrite[], now: Date): Promise<void> {
  const chunk = 500;
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk);
    await tx.query(
      `INSERT INTO scorecard_result (scheme_id, org_unit_id, period_start, scheme_version, score, grade, complete, current, computed_at)
       SELECT $1, x.org_unit_id, x.period_start, x.scheme_version, x.score, x.grade, x.complete, x.current, $2
       FROM jsonb_to_recordset($3::jsonb) AS x(org_unit_id bigint, period_start timestamptz, scheme_version integer, score numeric, grade text, complete boolean, current jsonb)
       ON CONFLICT (scheme_id, period_start, org_unit_id) DO UPDATE SET scheme_version = excluded.scheme_version, score = excluded.score,
         grade = excluded.grade, complete = excluded.complete, current = excluded.current, computed_at = excluded.computed_at`,
      [schemeId, now, JSON.stringify(part.map((r) => ({
        org_unit_id: r.orgUnitId, period_start: r.periodStart.toISOString(), scheme_version: r.schemeVersion, score: r.score, grade: r.grade, complete: r.complete, current: r.current,
      })))],
    );
  }
}

export async function deleteResults(tx: Queryable, schemeId: number): Promise<void> {
  await tx.query('DELETE FROM scorecard_result WHERE scheme_id = $1', [schemeId]);
}

/** Freezes the current results of a period as published (also accepting pending revisions). */
export async function publishResults(tx: Queryable, schemeId: number, periodStart: Date, by: string, now: Date): Promise<number> {
  await tx.query(`INSERT INTO scorecard_period (scheme_id, period_start, published_at, published_by) VALUES ($1, $2, $3, $4)
    ON CONFLICT (scheme_id, period_start) DO UPDATE SET published_at = excluded.published_at, published_by = excluded.published_by`, [schemeId, periodStart, now, by]);
  const r = await tx.query('UPDATE scorecard_result SET published = current, published_score = score, published_grade = grade WHERE scheme_id = $1 AND period_start = $2', [schemeId, periodStart]);
  return r.rowCount;
}

export async function publishedPeriods(db: Queryable, schemeId: number): Promise<Map<number, { at: Date; by: string }>> {
  const r = await db.query<{ period_start: Date; published_at: Date; published_by: string }>(
    'SELECT period_start, published_at, published_by FROM scorecard_period WHERE scheme_id = $1', [schemeId]);
  return new Map(r.rows.map((p) => [p.period_start.getTime(), { at: p.published_at, by: p.published_by }]));
}

// ---- adjustments and appeals ----

export interface StoredAdjustment {
  readonly id: number;
  readonly orgUnitId: number;
  readonly periodStart: Date;
  readonly points: number;
  readonly reason: string;
  readonly appealId: number | null;
  readonly createdAt: Date;
  readonly createdBy: string;
}

export async function listAdjustments(db: Queryable, schemeId: number, periodStarts: readonly Date[], orgUnitId?: number): Promise<StoredAdjustment[]> {
  const r = await db.query<{ id: number; org_unit_id: number; period_start: Date; points: number; reason: string; appeal_id: number | null; created_at: Date; created_by: string }>(
    `SELECT * FROM scorecard_adjustment WHERE scheme_id = $1 AND period_start = ANY($2::timestamptz[]) AND ($3::bigint IS NULL OR org_unit_id = $3) ORDER BY id`,
    [schemeId, periodStarts, orgUnitId ?? null]);
  return r.rows.map((a) => ({
    id: a.id, orgUnitId: a.org_unit_id, periodStart: a.period_start, points: a.points, reason: a.reason,
    appealId: a.appeal_id, createdAt: a.created_at, createdBy: a.created_by,
  }));
}

export async function insertAdjustment(tx: Queryable, a: { schemeId: number; orgUnitId: number; periodStart: Date; points: number; reason: string; appealId: number | null; now: Date; by: string }): Promise<number> {
  const r = await tx.query<{ id: number }>(
    'INSERT INTO scorecard_adjustment (scheme_id, org_unit_id, period_start, points, reason, appeal_id, created_at, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id',
    [a.schemeId, a.orgUnitId, a.periodStart, a.points, a.reason, a.appealId, a.now, a.by]);
  return Number(r.rows[0]?.id);
}

export interface StoredAppeal {
  readonly id: number;
  readonly schemeId: number;
  readonly schemeCode: string;
  readonly orgUnitId: number;
  readonly orgPath: string;
  readonly periodStart: Date;
  readonly itemKey: string | null;
  readonly reason: string;
  readonly filedAt: Date;
  readonly filedBy: string;
  readonly state: 'pending' | 'upheld' | 'rejected';
  readonly decision: string | null;
  readonly decidedAt: Date | null;
  readonly decidedBy: string | null;
}

interface AppealRow {
  id: number; scheme_id: number; code: string; org_unit_id: number; path: string; period_start: Date; item_key: string | null; reason: string; filed_at: Date;
  filed_by: string; state: StoredAppeal['state']; decision: string | null; decided_at: Date | null; decided_by: string | null;
}

const APPEAL_SELECT = 'SELECT a.*, s.code, o.path FROM scorecard_appeal a JOIN scorecard_scheme s ON s.id = a.scheme_id JOIN org_unit o ON o.id = a.org_unit_id';

function toAppeal(a: AppealRow): StoredAppeal {
  return {
    id: a.id, schemeId: a.scheme_id, schemeCode: a.code, orgUnitId: a.org_unit_id, orgPath: a.path, periodStart: a.period_start,
    itemKey: a.item_key, reason: a.reason, filedAt: a.filed_at, filedBy: a.filed_by, state: a.state, decision: a.decision, decidedAt: a.decided_at, decidedBy: a.decided_by,
  };
}

export async function findAppeal(db: Queryable, id: number, forUpdate = false): Promise<StoredAppeal | null> {
  const row = (await db.query<AppealRow>(`${APPEAL_SELECT} WHERE a.id = $1${forUpdate ? ' FOR UPDATE OF a' : ''}`, [id])).rows[0];
  return row ? toAppeal(row) : null;
}

export async function listAppeals(db: Queryable, q: { schemeId?: number; orgUnitId?: number; periodStarts?: readonly Date[]; scopePaths: readonly string[] }): Promise<StoredAppeal[]> {
  const r = await db.query<AppealRow>(
    `${APPEAL_SELECT} WHERE ($1::bigint IS NULL OR a.scheme_id = $1) AND ($2::bigint IS NULL OR a.org_unit_id = $2)
       AND ($3::timestamptz[] IS NULL OR a.period_start = ANY($3::timestamptz[])) AND o.path LIKE ANY($4::text[]) ORDER BY a.id DESC LIMIT 500`,
    [q.schemeId ?? null, q.orgUnitId ?? null, q.periodStarts ?? null, q.scopePaths.map((p) => `${p}%`)]);
  return r.rows.map(toAppeal);
}

export async function insertAppeal(tx: Queryable, a: { schemeId: number; orgUnitId: number; periodStart: Date; itemKey: string | null; reason: string; now: Date; by: string }): Promise<number> {
  const r = await tx.query<{ id: number }>(
    `INSERT INTO scorecard_appeal (scheme_id, org_unit_id, period_start, item_key, reason, filed_at, filed_by, state) VALUES ($1,$2,$3,$4,$5,$6,$7,'pending') RETURNING id`,
    [a.schemeId, a.orgUnitId, a.periodStart, a.itemKey, a.reason, a.now, a.by]);
  return Number(r.rows[0]?.id);
}

export async function decideAppeal(tx: Queryable, d: { id: number; state: 'upheld' | 'rejected'; decision: string; now: Date; by: string }): Promise<void> {
  await tx.query('UPDATE scorecard_appeal SET state = $2, decision = $3, decided_at = $4, decided_by = $5 WHERE id = $1', [d.id, d.state, d.decision, d.now, d.by]);
}
