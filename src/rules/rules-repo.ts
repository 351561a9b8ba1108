import type { Queryable } from '../store/index.ts';

/** SQL for rules, their versions and the engine's bookkeeping (detector state, rechecks). */
export interface RuleRow {
  readonly id: number;
  readonly code: string;
  readonly kind: string;
  readonly scopeOrgUnitId: number;
  readonly scopePath: string;
  readonly version: number;
  readonly enabled: boolean;
  readonly definition: unknown;
  readonly judgedThrough: Date | null;
  readonly lastError: string | null;
  readonly lastErrorAt: Date | null;
  readonly updatedAt: Date;
}

const RULE_COLUMNS = `r.id, r.code, r.kind, r.scope_org_unit_id AS "scopeOrgUnitId", o.path AS "scopePath", r.version, r.enabled,
  r.definition, r.judged_through AS "judgedThrough", r.last_error AS "lastError", r.last_error_at AS "lastErrorAt", r.updated_at AS "updatedAt"`;
const FROM = 'FROM rule r JOIN org_unit o ON o.id = r.scope_org_unit_id';

export async function findRuleByCode(db: Queryable, code: string): Promise<RuleRow | null> {
  const { rows } = await db.query<RuleRow>(`SELECT ${RULE_COLUMNS} ${FROM} WHERE r.code = $1`, [code]);
  return rows[0] ?? null;
}

export async function lockRuleByCode(tx: Queryable, code: string): Promise<RuleRow | null> {
  const { rows } = await tx.query<RuleRow>(`SELECT ${RULE_COLUMNS} ${FROM} WHERE r.code = $1 FOR UPDATE OF r`, [code]);
  return rows[0] ?? null;
}

/** Rules whose scope lies in one of the subtrees (all rules when `paths` is null). */
export async function listRules(db: Queryable, filter: { paths: readonly string[] | null; enabledOnly?: boolean; kind?: string }): Promise<RuleRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.paths !== null) {
    params.push(filter.paths.map((p) => `${p}%`));
    where.push(`o.path LIKE ANY($${params.length})`);
  }
  if (filter.enabledOnly === true) where.push('r.enabled');
  if (filter.kind !== undefined) {
    params.push(filter.kind);
    where.push(`r.kind = $${params.length}`);
  }
  const sql = `SELECT ${RULE_COLUMNS} ${FROM} ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY r.code`;
  return (await db.query<RuleRow>(sql, params)).rows;
}

/**
 * A cheap fingerprint of the rule table: changes whenever a rule is saved, enabled, disabled or
 * judged further. The timestamps alone are not enough (a rule enabled in the same millisecond it
 * was last changed keeps `max(updated_at)`), so a digest of every rule's version, enabled flag,
 * scope and definition is part of it.
 */
export async function rulesGeneration(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ n: number; latest: Date | null; judged: string | null; digest: string | null }>(
    `SELECT count(*)::int AS n, max(updated_at) AS latest, sum(extract(epoch FROM judged_through))::text AS judged,
       md5(string_agg(id::text || ':' || version::text || ':' || enabled::text || ':' || scope_org_unit_id::text || ':' || md5(definition::text), ',' ORDER BY id)) AS digest
     FROM rule`,
  );
  const row = rows[0];
  return `${String(row?.n ?? 0)}:${String(row?.latest?.getTime() ?? 0)}:${row?.judged ?? ''}:${row?.digest ?? ''}`;
}

export interface RuleWrite {
  readonly code: string;
  readonly kind: string;
  readonly scopeOrgUnitId: number;
  readonly version: number;
  readonly enabled: boolean;
  readonly definition: unknown;
  readonly savedBy: string;
  readonly at: Date;
}

export async function insertRule(tx: Queryable, w: RuleWrite): Promise<number> {
  const { rows } = await tx.query<{ id: number }>(
    `INSERT INTO rule (code, kind, scope_org_unit_id, version, enabled, definition, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
    [w.code, w.kind, w.scopeOrgUnitId, w.version, w.enabled, JSON.stringify(w.definition), w.at],
  );
  const id = rows[0]?.id;
  if (id === undefined) throw new Error('rule insert returned no id');
  await insertRuleVersion(tx, id, w);
  return id;
}

export async function updateRule(tx: Queryable, id: number, w: RuleWrite): Promise<void> {
  await tx.query(
    `UPDATE rule SET kind = $2, scope_org_unit_id = $3, version = $4, enabled = $5, definition = $6, updated_at = $7,
       last_error = NULL, last_error_at = NULL WHERE id = $1`,
    [id, w.kind, w.scopeOrgUnitId, w.version, w.enabled, JSON.stringify(w.definition), w.at],
  );
  await insertRuleVersion(tx, id, w);
}

/** Enabling or disabling is not a new version: the current definition's `enabled` flag changes in place. */
export async function setRuleEnabled(tx: Queryable, id: number, enabled: boolean, definition: unknown, at: Date): Promise<void> {
  await tx.query('UPDATE rule SET enabled = $2, definition = $3, updated_at = $4 WHERE id = $1', [id, enabled, JSON.stringify(definition), at]);
}

async function insertRuleVersion(tx: Queryable, ruleId: number, w: RuleWrite): Promise<void> {
  await tx.query('INSERT INTO rule_version (rule_id, version, definition, saved_at, saved_by) VALUES ($1, $2, $3, $4, $5)', [
    ruleId, w.version, JSON.stringify(w.definition), w.at, w.savedBy,
  ]);
}

export async function listRuleVersions(db: Queryable, ruleId: number): Promise<{ version: number; savedAt: Date; savedBy: string; definition: unknown }[]> {
  const { rows } = await db.query<{ version: number; savedAt: Date; savedBy: string; definition: unknown }>(
    'SELECT version, saved_at AS "savedAt", saved_by AS "savedBy", definition FROM rule_version WHERE rule_id = $1 ORDER BY version',
    [ruleId],
  );
  return rows;
}

export async function recordRuleError(db: Queryable, ruleId: number, message: string, at: Date): Promise<void> {
  await db.query('UPDATE rule SET last_error = $2, last_error_at = $3 WHERE id = $1', [ruleId, message.slice(0, 2000), at]);
}

/** Clears a recorded error once the rule evaluates again (no write when there is none). */
export async function clearRuleError(db: Queryable, ruleId: number): Promise<void> {
  await db.query('UPDATE rule SET last_error = NULL, last_error_at = NULL WHERE id = $1 AND last_error IS NOT NULL', [ruleId]);
}

export async function setJudgedThrough(tx: Queryable, ruleId: number, through: Date): Promise<void> {
  await tx.query('UPDATE rule SET judged_through = $2 WHERE id = $1', [ruleId, through]);
}

export interface DetectorStateRow {
  readonly state: unknown;
  readonly lastPeriodStart: Date;
}

export async function readDetectorState(tx: Queryable, ruleId: number, orgUnitId: number, seriesKey: string): Promise<DetectorStateRow | null> {
  const { rows } = await tx.query<DetectorStateRow>(
    'SELECT state, last_period_start AS "lastPeriodStart" FROM rule_detector_state WHERE rule_id = $1 AND org_unit_id = $2 AND series_key = $3',
    [ruleId, orgUnitId, seriesKey],
  );
  return rows[0] ?? null;
}

export async function writeDetectorState(tx: Queryable, ruleId: number, orgUnitId: number, seriesKey: string, state: unknown, lastPeriodStart: Date): Promise<void> {
  await tx.query(
    `INSERT INTO rule_detector_state (rule_id, org_unit_id, series_key, state, last_period_start) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (rule_id, org_unit_id, series_key) DO UPDATE SET state = EXCLUDED.state, last_period_start = EXCLUDED.last_period_start`,
    [ruleId, orgUnitId, seriesKey, JSON.stringify(state), lastPeriodStart],
  );
}

export interface RecheckRow {
  readonly id: number;
  readonly ruleId: number;
  readonly ruleCode: string;
  readonly subject: string;
  readonly kind: 'event' | 'series';
  readonly eventId: number | null;
  readonly orgUnitId: number;
  readonly periodStart: Date | null;
  readonly dueAt: Date;
}

export async function upsertRecheck(tx: Queryable, r: Omit<RecheckRow, 'id' | 'ruleCode'>): Promise<void> {
  await tx.query(
    `INSERT INTO rule_recheck (rule_id, subject, kind, event_id, org_unit_id, period_start, due_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (rule_id, subject) DO UPDATE SET due_at = EXCLUDED.due_at`,
    [r.ruleId, r.subject, r.kind, r.eventId, r.orgUnitId, r.periodStart, r.dueAt],
  );
}

/**
 * Queues closed periods to be judged once their data has settled: one row per (rule, org unit,
 * period), each new touch pushing its due time back (a backfill judges a period after its last batch).
 */
export async function upsertSettleRechecks(db: Queryable, items: readonly { ruleId: number; orgUnitId: number; periodStart: Date }[], dueAt: Date): Promise<void> {
  if (items.length === 0) return;
  await db.query(
    `INSERT INTO rule_recheck (rule_id, subject, kind, event_id, org_unit_id, period_start, due_at)
     SELECT u.rule_id, 'settle:' || u.org_unit_id::text || ':' || (extract(epoch FROM u.period_start) * 1000)::bigint::text, 'series', NULL, u.org_unit_id, u.period_start, $4
       FROM unnest($1::bigint[], $2::bigint[], $3::timestamptz[]) AS u(rule_id, org_unit_id, period_start)
     ON CONFLICT (rule_id, subject) DO UPDATE SET due_at = GREATEST(rule_recheck.due_at, EXCLUDED.due_at)`,
    [items.map((i) => i.ruleId), items.map((i) => i.orgUnitId), items.map((i) => i.periodStart.toISOString()), dueAt],
  );
}

/** Deletes the re-checks that are still due at the time they were read (a re-check moved later stays). */
export async function deleteRechecksIfDue(tx: Queryable, items: readonly { id: number; dueAt: Date }[]): Promise<void> {
  if (items.length === 0) return;
  await tx.query(
    'DELETE FROM rule_recheck k USING unnest($1::bigint[], $2::timestamptz[]) AS u(id, due_at) WHERE k.id = u.id AND k.due_at = u.due_at',
    [items.map((i) => i.id), items.map((i) => i.dueAt.toISOString())],
  );
}

export async function deleteRecheck(tx: Queryable, ruleId: number, subject: string): Promise<void> {
  await tx.query('DELETE FROM rule_recheck WHERE rule_id = $1 AND subject = $2', [ruleId, subject]);
}

export async function deleteRecheckIfDue(tx: Queryable, id: number, dueAt: Date): Promise<void> {
  await tx.query('DELETE FROM rule_recheck WHERE id = $1 AND due_at = $2', [id, dueAt]);
}

export async function listDueRechecks(db: Queryable, now: Date, limit: number): Promise<RecheckRow[]> {
  const { rows } = await db.query<RecheckRow>(
    `SELECT k.id, k.rule_id AS "ruleId", r.code AS "ruleCode", k.subject, k.kind, k.event_id AS "eventId", k.org_unit_id AS "orgUnitId",
       k.period_start AS "periodStart", k.due_at AS "dueAt"
     FROM rule_recheck k JOIN rule r ON r.id = k.rule_id WHERE k.due_at <= $1 ORDER BY k.due_at, k.id LIMIT $2`,
    [now, limit],
  );
  return rows;
}


/** Detector states of many (rule, org unit) pairs of one series key, by `ruleId:orgUnitId`. */
export async function readDetectorStates(db: Queryable, pairs: readonly { ruleId: number; orgUnitId: number }[], seriesKey: string): Promise<Map<string, DetectorStateRow>> {
  if (pairs.length === 0) return new Map();
  const { rows } = await db.query<DetectorStateRow & { ruleId: number; orgUnitId: number }>(
    `SELECT s.rule_id::int AS "ruleId", s.org_unit_id::int AS "orgUnitId", s.state, s.last_period_start AS "lastPeriodStart"
       FROM rule_detector_state s JOIN unnest($1::bigint[], $2::bigint[]) AS p(rule_id, org_unit_id) ON p.rule_id = s.rule_id AND p.org_unit_id = s.org_unit_id
      WHERE s.series_key = $3`,
    [pairs.map((p) => p.ruleId), pairs.map((p) => p.orgUnitId), seriesKey],
  );
  return new Map(rows.map((r) => [`${String(r.ruleId)}:${String(r.orgUnitId)}`, { state: r.state, lastPeriodStart: r.lastPeriodStart }]));
}

/** Many re-checks in one statement (the last one per rule and subject wins, as upsertRecheck one after the other). */
export async function upsertRechecks(tx: Queryable, items: readonly Omit<RecheckRow, 'id' | 'ruleCode'>[]): Promise<void> {
  const last = new Map(items.map((r) => [`${String(r.ruleId)}|${r.subject}`, r]));
  if (last.size === 0) return;
  const rows = [...last.values()];
  await tx.query(
    `INSERT INTO rule_recheck (rule_id, subject, kind, event_id, org_unit_id, period_start, due_at)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::timestamptz[], $7::timestamptz[])
     ON CONFLICT (rule_id, subject) DO UPDATE SET due_at = EXCLUDED.due_at`,
    [rows.map((r) => r.ruleId), rows.map((r) => r.subject), rows.map((r) => r.kind), rows.map((r) => r.eventId), rows.map((r) => r.orgUnitId),
      rows.map((r) => r.periodStart?.toISOString() ?? null), rows.map((r) => r.dueAt.toISOString())],
  );
}

/** Many learned detector states in one statement (the last one per rule, org unit and series key wins). */
export async function writeDetectorStates(tx: Queryable, items: readonly { ruleId: number; orgUnitId: number; seriesKey: string; state: unknown; lastPeriodStart: Date }[]): Promise<void> {
  const last = new Map(items.map((i) => [`${String(i.ruleId)}|${String(i.orgUnitId)}|${i.seriesKey}`, i]));
  if (last.size === 0) return;
  const rows = [...last.values()];
  await tx.query(
    `INSERT INTO rule_detector_state (rule_id, org_unit_id, series_key, state, last_period_start)
     SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::jsonb[], $5::timestamptz[])
     ON CONFLICT (rule_id, org_unit_id, series_key) DO UPDATE SET state = EXCLUDED.state, last_period_start = EXCLUDED.last_period_start`,
    [rows.map((r) => r.ruleId), rows.map((r) => r.orgUnitId), rows.map((r) => r.seriesKey), rows.map((r) => JSON.stringify(r.state)), rows.map((r) => r.lastPeriodStart.toISOString())],
  );
}
