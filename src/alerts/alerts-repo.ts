import type { Queryable } from '../store/index.ts';
import type { AlertState, AlertStatus } from './alert.ts';

/** SQL for alerts, their transition history, silences and mute windows. */
export interface AlertRow {
  readonly id: number;
  readonly fingerprint: string;
  readonly ruleId: number;
  readonly ruleCode: string;
  readonly orgUnitId: number;
  readonly orgUnitCode: string;
  readonly orgPath: string;
  readonly seriesKey: string;
  readonly periodKey: string;
  readonly periodStart: Date | null;
  readonly severity: 1 | 2 | 3 | 4;
  readonly category: string;
  readonly groupKey: string;
  readonly state: AlertState;
  readonly status: AlertStatus;
  readonly value: number | null;
  readonly bound: number | null;
  readonly messageZh: string;
  readonly messageEn: string;
  readonly notify: boolean;
  readonly suppressedBy: string | null;
  readonly suppressedRefs: readonly string[];
  readonly lastNotifiedState: AlertState | null;
  readonly silentSource: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** The incident's latest breaching period (its first is `periodKey`). */
  readonly lastPeriodKey: string;
  readonly lastPeriodStart: Date | null;
  readonly periodCount: number;
  /** When and why it resolved (null while open). */
  readonly endedAt: Date | null;
  readonly endReason: string | null;
  readonly messageTemplate: AlertMessageTemplate | null;
  readonly messageParams: Readonly<Record<string, MessageParam>> | null;
}

/** An alert text as stored: a template per language, rendered with the parameters when read. */
export interface AlertMessageTemplate {
  readonly zh: string;
  readonly en: string;
}
export type MessageParam = string | number | null;

const ALERT_COLUMNS = `a.id, a.fingerprint, a.rule_id AS "ruleId", a.rule_code AS "ruleCode", a.org_unit_id AS "orgUnitId", o.code AS "orgUnitCode",
  o.path AS "orgPath", a.series_key AS "seriesKey", a.period_key AS "periodKey", a.period_start AS "periodStart", a.severity, a.category,
  a.group_key AS "groupKey", a.state, a.status, a.value, a.bound, a.message_zh AS "messageZh", a.message_en AS "messageEn", a.notify,
  a.suppressed_by AS "suppressedBy", a.suppressed_refs AS "suppressedRefs", a.last_notified_state AS "lastNotifiedState",
  a.silent_source AS "silentSource", a.created_at AS "createdAt", a.updated_at AS "updatedAt", a.last_period_key AS "lastPeriodKey",
  a.last_period_start AS "lastPeriodStart", a.period_count AS "periodCount", a.ended_at AS "endedAt", a.end_reason AS "endReason",
  a.message_template AS "messageTemplate", a.message_params AS "messageParams"`;
const FROM = 'FROM alert a JOIN org_unit o ON o.id = a.org_unit_id';

export async function findAlertsByFingerprints(tx: Queryable, fingerprints: readonly string[], lock = false): Promise<AlertRow[]> {
  if (fingerprints.length === 0) return [];
  const { rows } = await tx.query<AlertRow>(`SELECT ${ALERT_COLUMNS} ${FROM} WHERE a.fingerprint = ANY($1)${lock ? ' FOR UPDATE OF a' : ''}`, [fingerprints]);
  return rows;
}

export async function findAlertById(db: Queryable, id: number): Promise<AlertRow | null> {
  const { rows } = await db.query<AlertRow>(`SELECT ${ALERT_COLUMNS} ${FROM} WHERE a.id = $1`, [id]);
  return rows[0] ?? null;
}

export interface AlertWrite {
  readonly fingerprint: string;
  readonly ruleId: number;
  readonly ruleCode: string;
  readonly orgUnitId: number;
  readonly seriesKey: string;
  readonly periodKey: string;
  readonly periodStart: Date | null;
  readonly severity: number;
  readonly category: string;
  readonly groupKey: string;
  readonly status: AlertStatus;
  readonly value: number | null;
  readonly bound: number | null;
  readonly messageZh: string;
  readonly messageEn: string;
  readonly notify: boolean;
  readonly suppressedBy: string | null;
  readonly suppressedRefs: readonly string[];
  readonly lastNotifiedState: AlertState | null;
  readonly silentSource: string | null;
  readonly at: Date;
  readonly lastPeriodKey: string;
  readonly lastPeriodStart: Date | null;
  readonly periodCount: number;
  readonly endedAt: Date | null;
  readonly endReason: string | null;
  readonly messageTemplate: AlertMessageTemplate;
  readonly messageParams: Readonly<Record<string, MessageParam>>;
}

/** A period an incident spans, written with the transition or extension that adds it. */
export interface PeriodWrite {
  readonly periodKey: string;
  readonly periodStart: Date | null;
  readonly value: number | null;
  readonly bound: number | null;
  readonly detail: unknown;
}

export interface HistoryWrite {
  readonly alertId: number;
  readonly from: AlertState | null;
  readonly to: AlertState;
  readonly reason: string;
  readonly trigger: 'evaluation' | 'late_data' | 'schedule';
  readonly at: Date;
  readonly periodKey: string;
  readonly closed: boolean;
  readonly value: number | null;
  readonly bound: number | null;
  readonly detail: unknown;
  readonly ruleVersion: number;
  readonly notify: boolean;
  readonly suppressedBy: string | null;
  readonly suppressedRefs: readonly string[];
}

export interface HistoryRow {
  readonly from: AlertState | null;
  readonly to: AlertState;
  readonly reason: string;
  readonly trigger: string;
  readonly at: Date;
  readonly periodKey: string;
  readonly closed: boolean;
  readonly value: number | null;
  readonly bound: number | null;
  readonly detail: Readonly<Record<string, unknown>>;
  readonly ruleVersion: number;
  readonly notify: boolean;
  readonly suppressedBy: string | null;
  readonly suppressedRefs: readonly string[];
}

export async function listHistory(db: Queryable, alertId: number): Promise<HistoryRow[]> {
  const { rows } = await db.query<HistoryRow>(
    `SELECT from_state AS "from", to_state AS "to", reason, trigger, at, period_key AS "periodKey", closed, value, bound, detail,
       rule_version AS "ruleVersion", notify, suppressed_by AS "suppressedBy", suppressed_refs AS "suppressedRefs"
     FROM alert_history WHERE alert_id = $1 ORDER BY id`,
    [alertId],
  );
  return rows;
}

export interface AlertQuery {
  readonly paths: readonly string[];
  readonly state?: AlertState;
  readonly severity?: number;
  readonly ruleCode?: string;
  /** Org subtree (materialised path prefix). */
  readonly orgPath?: string;
  readonly from?: Date;
  readonly to?: Date;
  readonly limit: number;
}

/** WHERE conditions over org subtrees (`o.path`), and `add` for one more with its `?` bound to the next parameter. */
export function scopedConditions(paths: readonly string[]): { params: unknown[]; where: string[]; add: (sql: string, value: unknown) => void } {
  const params: unknown[] = [paths.map((p) => `${p}%`)];
  const where = ['o.path LIKE ANY($1)'];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replaceAll('?', `$${String(params.length)}`));
  };
  return { params, where, add };
}

export async function queryAlerts(db: Queryable, q: AlertQuery): Promise<AlertRow[]> {
  const { params, where, add } = scopedConditions(q.paths);
  if (q.state !== undefined) add('a.state = ?', q.state);
  if (q.severity !== undefined) add('a.severity = ?', q.severity);
  if (q.ruleCode !== undefined) add('a.rule_code = ?', q.ruleCode);
  if (q.orgPath !== undefined) add('o.path LIKE ?', `${q.orgPath}%`);
  if (q.from !== undefined) add('a.updated_at >= ?', q.from);
  if (q.to !== undefined) add('a.created_at < ?', q.to);
  params.push(q.limit);
  const { rows } = await db.query<AlertRow>(`SELECT ${ALERT_COLUMNS} ${FROM} WHERE ${where.join(' AND ')} ORDER BY a.updated_at DESC, a.id DESC LIMIT $${params.length}`, params);
  return rows;
}

/** Alerts in a state per org unit (its path) and severity: exact counts however many there are. */
export async function countAlertsByUnit(db: Queryable, q: { paths: readonly string[]; state: AlertState }): Promise<{ orgPath: string; severity: number; count: number }[]> {
  const { rows } = await db.query<{ orgPath: string; severity: number; count: number }>(
    `SELECT o.path AS "orgPath", a.severity::int AS severity, count(*)::int AS count FROM alert a JOIN org_unit o ON o.id = a.org_unit_id
      WHERE o.path LIKE ANY($1) AND a.state = $2 GROUP BY o.path, a.severity`,
    [q.paths.map((p) => `${p}%`), q.state],
  );
  return rows;
}

export interface InhibitorRow {
  readonly fingerprint: string;
  readonly ruleCode: string;
  readonly category: string;
  readonly orgPath: string;
  readonly orgKind: string;
  readonly silentSource: string | null;
  readonly periodKey: string;
  readonly periodStart: Date | null;
}

/**
 * Firing alerts that may inhibit an alert at `orgPath`: those on its ancestors, and firing
 * source-silence alerts, with their periods (inhibition keeps those overlapping the alert's own).
 */
export async function listInhibitorCandidates(tx: Queryable, ancestorIds: readonly number[]): Promise<InhibitorRow[]> {
  const { rows } = await tx.query<InhibitorRow>(
    `SELECT a.fingerprint, a.rule_code AS "ruleCode", a.category, o.path AS "orgPath", o.kind AS "orgKind", a.silent_source AS "silentSource",
       a.period_key AS "periodKey", a.period_start AS "periodStart"
     FROM alert a JOIN org_unit o ON o.id = a.org_unit_id
     WHERE a.state = 'firing' AND (a.org_unit_id = ANY($1) OR a.silent_source IS NOT NULL)`,
    [ancestorIds],
  );
  return rows;
}

export interface SilenceRow {
  readonly id: number;
  readonly orgUnitId: number;
  readonly orgUnitCode: string;
  readonly orgPath: string;
  readonly matchers: readonly { name: string; op: '=' | '!=' | '=~' | '!~'; value: string }[];
  readonly startsAt: Date;
  readonly endsAt: Date;
  readonly createdBy: string;
  readonly reason: string;
  readonly createdAt: Date;
  readonly expiredAt: Date | null;
}

const SILENCE_COLUMNS = `s.id, s.org_unit_id AS "orgUnitId", o.code AS "orgUnitCode", o.path AS "orgPath", s.matchers, s.starts_at AS "startsAt",
  s.ends_at AS "endsAt", s.created_by AS "createdBy", s.reason, s.created_at AS "createdAt", s.expired_at AS "expiredAt"`;

export async function insertSilence(tx: Queryable, s: Omit<SilenceRow, 'id' | 'orgUnitCode' | 'orgPath' | 'expiredAt'>): Promise<number> {
  const { rows } = await tx.query<{ id: number }>(
    'INSERT INTO silence (org_unit_id, matchers, starts_at, ends_at, created_by, reason, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id',
    [s.orgUnitId, JSON.stringify(s.matchers), s.startsAt, s.endsAt, s.createdBy, s.reason, s.createdAt],
  );
  const id = rows[0]?.id;
  if (id === undefined) throw new Error('silence insert returned no id');
  return id;
}

export async function findSilence(db: Queryable, id: number): Promise<SilenceRow | null> {
  const { rows } = await db.query<SilenceRow>(`SELECT ${SILENCE_COLUMNS} FROM silence s JOIN org_unit o ON o.id = s.org_unit_id WHERE s.id = $1`, [id]);
  return rows[0] ?? null;
}

/** Silences in the subtrees; only those not yet over at `activeAt` when it is given. */
export async function listSilences(db: Queryable, paths: readonly string[] | null, activeAt?: Date): Promise<SilenceRow[]> {
  const params: unknown[] = [];
  const where: string[] = [];
  if (paths !== null) {
    params.push(paths.map((p) => `${p}%`));
    where.push(`o.path LIKE ANY($${params.length})`);
  }
  if (activeAt !== undefined) {
    params.push(activeAt);
    where.push(`s.expired_at IS NULL AND s.ends_at > $${params.length}`);
  }
  const { rows } = await db.query<SilenceRow>(
    `SELECT ${SILENCE_COLUMNS} FROM silence s JOIN org_unit o ON o.id = s.org_unit_id ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY s.id DESC`,
    params,
  );
  return rows;
}

export async function expireSilence(tx: Queryable, id: number, at: Date): Promise<void> {
  await tx.query('UPDATE silence SET expired_at = $2 WHERE id = $1 AND expired_at IS NULL', [id, at]);
}

export async function insertMuteWindow(tx: Queryable, name: string, definition: unknown, at: Date): Promise<number> {
  const { rows } = await tx.query<{ id: number }>('INSERT INTO mute_window (name, definition, created_at) VALUES ($1, $2, $3) RETURNING id', [name, JSON.stringify(definition), at]);
  const id = rows[0]?.id;
  if (id === undefined) throw new Error('mute window insert returned no id');
  return id;
}

export async function listMuteWindows(db: Queryable): Promise<{ id: number; name: string; definition: unknown }[]> {
  return (await db.query<{ id: number; name: string; definition: unknown }>('SELECT id, name, definition FROM mute_window ORDER BY id')).rows;
}

/** Status updates of many alerts (evaluations that changed no state) in one statement. */
export async function updateAlertStatuses(tx: Queryable, items: readonly { id: number; status: AlertStatus; value: number | null }[], at: Date): Promise<void> {
  const last = new Map(items.map((i) => [i.id, i]));
  if (last.size === 0) return;
  const rows = [...last.values()];
  await tx.query(
    `UPDATE alert a SET status = u.status, value = u.value, updated_at = $4
       FROM unnest($1::bigint[], $2::jsonb[], $3::float8[]) AS u(id, status, value) WHERE a.id = u.id`,
    [rows.map((r) => r.id), rows.map((r) => JSON.stringify(r.status)), rows.map((r) => r.value), at],
  );
}

/**
 * Saves many alerts and appends their transitions to the history in one statement, the history in
 * the order given, and the period each adds to its incident; returns the alert id of each
 * fingerprint. A fingerprint may appear once.
 */
export async function saveAlertTransitions(
  tx: Queryable,
  items: readonly { alert: AlertWrite; history: Omit<HistoryWrite, 'alertId'>; period?: PeriodWrite | undefined }[],
): Promise<Map<string, number>> {
  if (items.length === 0) return new Map();
  const input = items.map(({ alert: w, history: h, period: p }, ord) => ({
    ord, fingerprint: w.fingerprint, rule_id: w.ruleId, rule_code: w.ruleCode, org_unit_id: w.orgUnitId, series_key: w.seriesKey, period_key: w.periodKey,
    period_start: w.periodStart?.toISOString() ?? null, severity: w.severity, category: w.category, group_key: w.groupKey, state: w.status.state, status: w.status,
    value: w.value, bound: w.bound, message_zh: w.messageZh, message_en: w.messageEn, notify: w.notify, suppressed_by: w.suppressedBy,
    suppressed_refs: w.suppressedRefs, last_notified_state: w.lastNotifiedState, silent_source: w.silentSource, at: w.at.toISOString(),
    last_period_key: w.lastPeriodKey, last_period_start: w.lastPeriodStart?.toISOString() ?? null, period_count: w.periodCount,
    ended_at: w.endedAt?.toISOString() ?? null, end_reason: w.endReason, message_template: w.messageTemplate, message_params: w.messageParams,
    h_from: h.from, h_to: h.to, h_reason: h.reason, h_trigger: h.trigger, h_at: h.at.toISOString(), h_period_key: h.periodKey, h_closed: h.closed,
    h_value: h.value, h_bound: h.bound, h_detail: h.detail ?? null, h_rule_version: h.ruleVersion, h_notify: h.notify, h_suppressed_by: h.suppressedBy,
    h_suppressed_refs: h.suppressedRefs,
    p_key: p?.periodKey ?? null, p_start: p?.periodStart?.toISOString() ?? null, p_value: p?.value ?? null, p_bound: p?.bound ?? null, p_detail: p?.detail ?? null,
  }));
  const { rows } = await tx.query<{ id: number; fingerprint: string }>(
    `WITH input AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(ord int, fingerprint text, rule_id bigint, rule_code text, org_unit_id bigint, series_key text,
         period_key text, period_start timestamptz, severity smallint, category text, group_key text, state text, status jsonb, value float8, bound float8,
         message_zh text, message_en text, notify boolean, suppressed_by text, suppressed_refs jsonb, last_notified_state text, silent_source text,
         at timestamptz, last_period_key text, last_period_start timestamptz, period_count int, ended_at timestamptz, end_reason text,
         message_template jsonb, message_params jsonb, h_from text, h_to text, h_reason text, h_trigger text, h_at timestamptz, h_period_key text,
         h_closed boolean, h_value float8, h_bound float8, h_detail jsonb, h_rule_version int, h_notify boolean, h_suppressed_by text, h_suppressed_refs jsonb,
         p_key text, p_start timestamptz, p_value float8, p_bound float8, p_detail jsonb)
     ), saved AS (
       INSERT INTO alert (fingerprint, rule_id, rule_code, org_unit_id, series_key, period_key, period_start, severity, category, group_key,
         state, status, value, bound, message_zh, message_en, notify, suppressed_by, suppressed_refs, last_notified_state, silent_source, created_at, updated_at,
         last_period_key, last_period_start, period_count, ended_at, end_reason, message_template, message_params)
       SELECT fingerprint, rule_id, rule_code, org_unit_id, series_key, period_key, period_start, severity, category, group_key, state, status, value, bound,
         message_zh, message_en, notify, suppressed_by, suppressed_refs, last_notified_state, silent_source, at, at,
         last_period_key, last_period_start, period_count, ended_at, end_reason, message_template, message_params FROM input ORDER BY ord
       ON CONFLICT (fingerprint) DO UPDATE SET period_key = EXCLUDED.period_key, period_start = EXCLUDED.period_start, severity = EXCLUDED.severity, category = EXCLUDED.category, state = EXCLUDED.state,
         status = EXCLUDED.status, value = EXCLUDED.value, bound = EXCLUDED.bound, message_zh = EXCLUDED.message_zh,
         message_en = EXCLUDED.message_en, notify = EXCLUDED.notify, suppressed_by = EXCLUDED.suppressed_by,
         suppressed_refs = EXCLUDED.suppressed_refs, last_notified_state = EXCLUDED.last_notified_state,
         silent_source = EXCLUDED.silent_source, updated_at = EXCLUDED.updated_at, last_period_key = EXCLUDED.last_period_key,
         last_period_start = EXCLUDED.last_period_start, period_count = EXCLUDED.period_count, ended_at = EXCLUDED.ended_at,
         end_reason = EXCLUDED.end_reason, message_template = EXCLUDED.message_template, message_params = EXCLUDED.message_params
       RETURNING id, fingerprint
     ), history AS (
       INSERT INTO alert_history (alert_id, from_state, to_state, reason, trigger, at, period_key, closed, value, bound, detail, rule_version,
         notify, suppressed_by, suppressed_refs)
       SELECT saved.id, i.h_from, i.h_to, i.h_reason, i.h_trigger, i.h_at, i.h_period_key, i.h_closed, i.h_value, i.h_bound, coalesce(i.h_detail, 'null'::jsonb),
         i.h_rule_version, i.h_notify, i.h_suppressed_by, i.h_suppressed_refs
         FROM saved JOIN input i ON i.fingerprint = saved.fingerprint ORDER BY i.ord
       RETURNING alert_id
     ), periods AS (
       INSERT INTO alert_period (alert_id, period_key, period_start, value, bound, detail, first_at, last_at)
       SELECT saved.id, i.p_key, i.p_start, i.p_value, i.p_bound, coalesce(i.p_detail, '{}'::jsonb), i.at, i.at
         FROM saved JOIN input i ON i.fingerprint = saved.fingerprint WHERE i.p_key IS NOT NULL
       ON CONFLICT (alert_id, period_key) DO UPDATE SET value = EXCLUDED.value, bound = EXCLUDED.bound, detail = EXCLUDED.detail, last_at = EXCLUDED.last_at
       RETURNING alert_id
     )
     SELECT id, fingerprint FROM saved`,
    [JSON.stringify(input)],
  );
  return new Map(rows.map((r) => [r.fingerprint, r.id]));
}

/** One series of one rule: what an incident continues. */
export interface SeriesRef {
  readonly ruleId: number;
  readonly orgUnitId: number;
  readonly seriesKey: string;
}

export function seriesRefKey(s: SeriesRef): string {
  return `${String(s.ruleId)}|${String(s.orgUnitId)}|${s.seriesKey}`;
}

/** The latest alert (incident) of each series, locked when `lock` (the recording transaction). */
export async function findLatestAlertsBySeries(tx: Queryable, series: readonly SeriesRef[], lock = false): Promise<AlertRow[]> {
  const unique = [...new Map(series.map((s) => [seriesRefKey(s), s])).values()];
  if (unique.length === 0) return [];
  const { rows } = await tx.query<AlertRow>(
    `SELECT l.* FROM unnest($1::bigint[], $2::bigint[], $3::text[]) AS k(rule_id, org_unit_id, series_key)
     CROSS JOIN LATERAL (
       SELECT ${ALERT_COLUMNS} ${FROM}
       WHERE a.rule_id = k.rule_id AND a.org_unit_id = k.org_unit_id AND a.series_key = k.series_key
       ORDER BY a.id DESC LIMIT 1${lock ? ' FOR UPDATE OF a' : ''}
     ) l`,
    [unique.map((s) => s.ruleId), unique.map((s) => s.orgUnitId), unique.map((s) => s.seriesKey)],
  );
  return rows;
}

export interface AlertPeriodRow {
  readonly periodKey: string;
  readonly periodStart: Date | null;
  readonly value: number | null;
  readonly bound: number | null;
  readonly firstAt: Date;
  readonly lastAt: Date;
}

/** The periods an incident spans, oldest first. */
export async function listAlertPeriods(db: Queryable, alertId: number): Promise<AlertPeriodRow[]> {
  const { rows } = await db.query<AlertPeriodRow>(
    `SELECT period_key AS "periodKey", period_start AS "periodStart", value, bound, first_at AS "firstAt", last_at AS "lastAt"
     FROM alert_period WHERE alert_id = $1 ORDER BY period_start NULLS FIRST, period_key`,
    [alertId],
  );
  return rows;
}

/**
 * Open incidents whose latest period is older than their rule's cutoff (no later period was judged
 * while it was live), locked for the recording transaction that ends them.
 */
export async function listStaleIncidents(tx: Queryable, cutoffs: readonly { ruleId: number; cutoff: Date }[]): Promise<AlertRow[]> {
  if (cutoffs.length === 0) return [];
  const { rows } = await tx.query<AlertRow>(
    `SELECT ${ALERT_COLUMNS} ${FROM}
     JOIN unnest($1::bigint[], $2::timestamptz[]) AS c(rule_id, cutoff) ON c.rule_id = a.rule_id
     WHERE a.state <> 'resolved' AND a.last_period_key <> 'live' AND a.last_period_start < c.cutoff
     ORDER BY a.id FOR UPDATE OF a`,
    [cutoffs.map((c) => c.ruleId), cutoffs.map((c) => c.cutoff.toISOString())],
  );
  return rows;
}
