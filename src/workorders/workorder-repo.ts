import { parseDeadlinePolicy, type SeverityDeadlines } from './deadlines.ts';
import { parseEscalationPolicy, type EscalationPolicy } from './escalation.ts';
import type { WorkOrderDeadlines } from './deadlines.ts';
import type { Queryable } from '../store/index.ts';
import {
  HOLD_REASONS,
  WORK_ORDER_STATES,
  type HoldPeriod,
  type HoldReason,
  type PausePeriod,
  type SentEscalation,
  type Severity,
  type WorkOrder,
  type WorkOrderAttachment,
  type WorkOrderComment,
  type WorkOrderState,
} from './work-order.ts';

/** SQL for work orders, their timeline, comments, attachments and source alerts. */
export interface StoredWorkOrder {
  readonly order: WorkOrder;
  readonly orgUnitId: number;
  readonly orgPath: string;
  readonly ruleCode: string | null;
  readonly acknowledgeBy: Date;
  readonly resolveBy: Date;
}

interface OrderRow {
  id: number; title: string; description: string; severity: number; category: string; org_unit_id: number; org_code: string; org_path: string;
  related_org_units: string[]; origin_kind: 'alert' | 'manual'; group_key: string | null; rule_code: string | null; source_alerts: string[];
  originator: string; assignees: string[]; watchers: string[]; state: string; created_at: Date; acknowledged_at: Date | null;
  acknowledged_by: string | null; resolved_at: Date | null; closed_at: Date | null; closed_by: string | null; close_outcome: 'verified' | 'cancelled' | null;
  close_note: string | null; resolve_clock_started_at: Date; hold: unknown; pauses: unknown; root_cause: string | null; action_taken: string | null;
  reopen_count: number; last_reopened_at: Date | null; recurrence_count: number; recurrence_of: number | null; indicator_recovered_at: Date | null;
  sla: unknown; escalation_policy: unknown; escalations: unknown; acknowledge_by: Date; resolve_by: Date;
}

const SELECT = `SELECT w.*, o.code AS org_code, o.path AS org_path FROM work_order w JOIN org_unit o ON o.id = w.org_unit_id`;

function corrupt(id: number, what: string): Error {
  return new Error(`work_order ${String(id)}: stored ${what} is malformed`);
}

function date(value: unknown, id: number, what: string): Date {
  const d = typeof value === 'string' ? new Date(value) : null;
  if (!d || Number.isNaN(d.getTime())) throw corrupt(id, what);
  return d;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function reason(value: unknown, id: number): HoldReason {
  const found = HOLD_REASONS.find((r) => r === value);
  if (found === undefined) throw corrupt(id, 'hold reason');
  return found;
}

function parseHold(value: unknown, id: number): HoldPeriod | null {
  if (value === null) return null;
  if (!isRecord(value) || typeof value.note !== 'string' || (value.resumeTo !== 'acknowledged' && value.resumeTo !== 'in_progress')) throw corrupt(id, 'hold');
  return { reason: reason(value.reason, id), note: value.note, since: date(value.since, id, 'hold'), resumeTo: value.resumeTo };
}

function parsePauses(value: unknown, id: number): PausePeriod[] {
  if (!Array.isArray(value)) throw corrupt(id, 'pauses');
  return value.map((p: unknown) => {
    if (!isRecord(p)) throw corrupt(id, 'pauses');
    return { start: date(p.start, id, 'pauses'), end: date(p.end, id, 'pauses'), reason: reason(p.reason, id) };
  });
}

function parseEscalations(value: unknown, id: number): SentEscalation[] {
  if (!Array.isArray(value)) throw corrupt(id, 'escalations');
  return value.map((e: unknown) => {
    if (!isRecord(e) || (e.track !== 'acknowledge' && e.track !== 'resolve') || typeof e.index !== 'number' || typeof e.round !== 'number') {
      throw corrupt(id, 'escalations');
    }
    return { track: e.track, index: e.index, round: e.round, at: date(e.at, id, 'escalations') };
  });
}

function parseSla(value: unknown, id: number): SeverityDeadlines {
  const parsed = parseDeadlinePolicy({ bySeverity: { '1': value, '2': value, '3': value, '4': value } });
  if (!parsed.ok) throw corrupt(id, 'sla');
  return parsed.policy.bySeverity['1'];
}

function parsePolicy(value: unknown, id: number): EscalationPolicy {
  const parsed = parseEscalationPolicy(value);
  if (!parsed.ok) throw corrupt(id, 'escalation policy');
  return parsed.policy;
}

function toStored(row: OrderRow, comments: readonly WorkOrderComment[], attachments: readonly WorkOrderAttachment[]): StoredWorkOrder {
  const state = WORK_ORDER_STATES.find((s) => s === row.state);
  if (state === undefined || ![1, 2, 3, 4].includes(row.severity)) throw corrupt(row.id, 'state or severity');
  const order: WorkOrder = {
    id: String(row.id), title: row.title, description: row.description, severity: row.severity as Severity, category: row.category,
    orgUnit: row.org_code, relatedOrgUnits: row.related_org_units,
    origin: row.origin_kind === 'alert' && row.group_key !== null ? { kind: 'alert', groupKey: row.group_key } : { kind: 'manual' },
    sourceAlerts: row.source_alerts, originator: row.originator, assignees: row.assignees, watchers: row.watchers, state,
    createdAt: row.created_at, acknowledgedAt: row.acknowledged_at, acknowledgedBy: row.acknowledged_by, resolvedAt: row.resolved_at,
    closedAt: row.closed_at, closedBy: row.closed_by, closeOutcome: row.close_outcome, closeNote: row.close_note,
    resolveClockStartedAt: row.resolve_clock_started_at, hold: parseHold(row.hold, row.id), pauses: parsePauses(row.pauses, row.id),
    rootCause: row.root_cause, actionTaken: row.action_taken, reopenCount: row.reopen_count, lastReopenedAt: row.last_reopened_at,
    recurrenceCount: row.recurrence_count, recurrenceOf: row.recurrence_of === null ? null : String(row.recurrence_of),
    indicatorRecoveredAt: row.indicator_recovered_at, comments, attachments, sla: parseSla(row.sla, row.id),
    escalationPolicy: parsePolicy(row.escalation_policy, row.id), escalations: parseEscalations(row.escalations, row.id),
  };
  return { order, orgUnitId: row.org_unit_id, orgPath: row.org_path, ruleCode: row.rule_code, acknowledgeBy: row.acknowledge_by, resolveBy: row.resolve_by };
}

async function hydrate(db: Queryable, rows: readonly OrderRow[]): Promise<StoredWorkOrder[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const comments = await db.query<{ order_id: number; author: string; at: Date; body: string }>(
    'SELECT order_id, author, at, body FROM work_order_comment WHERE order_id = ANY($1::bigint[]) ORDER BY id', [ids]);
  const files = await db.query<{ id: number; order_id: number; file_name: string; content_type: string; size_bytes: number; uploaded_by: string; at: Date }>(
    'SELECT id, order_id, file_name, content_type, size_bytes, uploaded_by, at FROM work_order_attachment WHERE order_id = ANY($1::bigint[]) ORDER BY id', [ids]);
  return rows.map((row) => toStored(
    row,
    comments.rows.filter((c) => c.order_id === row.id).map((c) => ({ author: c.author, at: c.at, text: c.body })),
    files.rows.filter((f) => f.order_id === row.id).map((f) => ({
      id: String(f.id), fileName: f.file_name, contentType: f.content_type, sizeBytes: f.size_bytes, uploadedBy: f.uploaded_by, at: f.at,
    })),
  ));
}

export async function nextOrderId(tx: Queryable): Promise<string> {
  const r = await tx.query<{ id: number }>(`SELECT nextval(pg_get_serial_sequence('work_order', 'id')) AS id`);
  return String(r.rows[0]?.id);
}

export async function findOrder(db: Queryable, id: string, forUpdate = false): Promise<StoredWorkOrder | null> {
  if (!/^\d{1,18}$/.test(id)) return null;
  const r = await db.query<OrderRow>(`${SELECT} WHERE w.id = $1${forUpdate ? ' FOR UPDATE OF w' : ''}`, [id]);
  return (await hydrate(db, r.rows))[0] ?? null;
}

/** The latest order of an alert group (locked, so two alerts of a group never open two orders). */
export async function latestOrderOfGroup(tx: Queryable, groupKey: string): Promise<StoredWorkOrder | null> {
  const r = await tx.query<OrderRow>(`${SELECT} WHERE w.group_key = $1 ORDER BY w.created_at DESC, w.id DESC LIMIT 1 FOR UPDATE OF w`, [groupKey]);
  return (await hydrate(tx, r.rows))[0] ?? null;
}

/**
 * The latest order of each of the alert groups, locked (in id order), in one query: the batch
 * form of `latestOrderOfGroup` for the alert consumer.
 */
export async function latestOrdersOfGroups(tx: Queryable, groupKeys: readonly string[]): Promise<Map<string, StoredWorkOrder>> {
  if (groupKeys.length === 0) return new Map();
  const r = await tx.query<OrderRow>(
    `${SELECT} WHERE w.id IN (
       SELECT DISTINCT ON (l.group_key) l.id FROM work_order l WHERE l.group_key = ANY($1::text[]) ORDER BY l.group_key, l.created_at DESC, l.id DESC
     ) ORDER BY w.id FOR UPDATE OF w`, [[...new Set(groupKeys)]]);
  const stored = await hydrate(tx, r.rows);
  const byGroup = new Map<string, StoredWorkOrder>();
  r.rows.forEach((row, i) => {
    const order = stored[i];
    if (row.group_key !== null && order !== undefined) byGroup.set(row.group_key, order);
  });
  return byGroup;
}

export interface OrderFilter {
  /** Org subtrees (materialised paths); the order's unit must be inside one. */
  readonly scopePaths: readonly string[];
  readonly states?: readonly WorkOrderState[];
  readonly createdFrom?: Date;
  readonly createdTo?: Date;
  readonly severities?: readonly number[];
  /** Orders with this user among the assignees. */
  readonly assignee?: string;
  /** Orders that carry this alert among their source alerts. */
  readonly alertId?: string;
  readonly limit?: number;
}

/** Orders in the given states per org unit (its path) and state: exact counts however many there are. */
export async function countOrdersByUnit(db: Queryable, f: { scopePaths: readonly string[]; states: readonly WorkOrderState[] }): Promise<{ orgPath: string; state: WorkOrderState; count: number }[]> {
  if (f.scopePaths.length === 0) return [];
  const { rows } = await db.query<{ orgPath: string; state: WorkOrderState; count: number }>(
    `SELECT o.path AS "orgPath", w.state, count(*)::int AS count FROM work_order w JOIN org_unit o ON o.id = w.org_unit_id
      WHERE o.path LIKE ANY($1::text[]) AND w.state = ANY($2::text[]) GROUP BY o.path, w.state`,
    [f.scopePaths.map((p) => `${p}%`), f.states],
  );
  return rows;
}

export async function listOrders(db: Queryable, f: OrderFilter): Promise<StoredWorkOrder[]> {
  if (f.scopePaths.length === 0) return [];
  const params: unknown[] = [f.scopePaths.map((p) => `${p}%`)];
  const where = ['o.path LIKE ANY($1::text[])'];
  const add = (sql: string, value: unknown): void => {
    params.push(value);
    where.push(sql.replace('?', `$${String(params.length)}`));
  };
  if (f.states) add('w.state = ANY(?::text[])', f.states);
  if (f.createdFrom) add('w.created_at >= ?', f.createdFrom);
  if (f.createdTo) add('w.created_at < ?', f.createdTo);
  if (f.severities) add('w.severity = ANY(?::int[])', f.severities);
  if (f.assignee !== undefined) add('? = ANY(w.assignees)', f.assignee);
  // work_order_alert holds a row for every source alert (written with the order by the alert
  // consumer) and is indexed by alert id; the source_alerts array has no index to search.
  if (f.alertId !== undefined) add('w.id IN (SELECT l.order_id FROM work_order_alert l WHERE l.alert_id = ?)', f.alertId);
  params.push(f.limit ?? 10_000);
  const r = await db.query<OrderRow>(`${SELECT} WHERE ${where.join(' AND ')} ORDER BY w.id DESC LIMIT $${String(params.length)}`, params);
  return hydrate(db, r.rows);
}

/** Orders whose escalation tracks may still run (new, acknowledged, in progress), oldest first. */
export async function listEscalatable(db: Queryable): Promise<StoredWorkOrder[]> {
  const r = await db.query<OrderRow>(`${SELECT} WHERE w.state IN ('new', 'acknowledged', 'in_progress') ORDER BY w.id`);
  return hydrate(db, r.rows);
}

function orderParams(order: WorkOrder, deadlines: WorkOrderDeadlines, now: Date): unknown[] {
  return [
    order.id, order.title, order.description, order.severity, order.category, order.relatedOrgUnits, order.sourceAlerts, order.assignees,
    order.watchers, order.state, order.acknowledgedAt, order.acknowledgedBy, order.resolvedAt, order.closedAt, order.closedBy, order.closeOutcome,
    order.closeNote, order.resolveClockStartedAt, order.hold === null ? null : JSON.stringify(order.hold), JSON.stringify(order.pauses),
    order.rootCause, order.actionTaken, order.reopenCount, order.lastReopenedAt, order.recurrenceCount, order.indicatorRecoveredAt,
    JSON.stringify(order.escalations), deadlines.acknowledgeBy, deadlines.resolveBy, now,
  ];
}

export async function insertOrder(
  tx: Queryable,
  order: WorkOrder,
  extra: { orgUnitId: number; ruleCode: string | null; deadlines: WorkOrderDeadlines },
  now: Date,
): Promise<void> {
  await tx.query(
    `INSERT INTO work_order (id, title, description, severity, category, related_org_units, source_alerts, assignees, watchers, state,
       acknowledged_at, acknowledged_by, resolved_at, closed_at, closed_by, close_outcome, close_note, resolve_clock_started_at, hold, pauses,
       root_cause, action_taken, reopen_count, last_reopened_at, recurrence_count, indicator_recovered_at, escalations, acknowledge_by, resolve_by,
       updated_at, org_unit_id, origin_kind, group_key, rule_code, originator, created_at, recurrence_of, sla, escalation_policy)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26,$27,$28,$29,$30,
       $31,$32,$33,$34,$35,$36,$37,$38,$39)`,
    [
      ...orderParams(order, extra.deadlines, now), extra.orgUnitId, order.origin.kind, order.origin.kind === 'alert' ? order.origin.groupKey : null,
      extra.ruleCode, order.originator, order.createdAt, order.recurrenceOf, JSON.stringify(order.sla), JSON.stringify(order.escalationPolicy),
    ],
  );
}

/** Writes the order's mutable fields; comments are appended separately (`insertComments`). */
export async function updateOrder(tx: Queryable, order: WorkOrder, deadlines: WorkOrderDeadlines, now: Date): Promise<void> {
  await tx.query(
    `UPDATE work_order SET title = $2, description = $3, severity = $4, category = $5, related_org_units = $6, source_alerts = $7,
       assignees = $8, watchers = $9, state = $10, acknowledged_at = $11, acknowledged_by = $12, resolved_at = $13, closed_at = $14,
       closed_by = $15, close_outcome = $16, close_note = $17, resolve_clock_started_at = $18, hold = $19, pauses = $20, root_cause = $21,
       action_taken = $22, reopen_count = $23, last_reopened_at = $24, recurrence_count = $25, indicator_recovered_at = $26,
       escalations = $27, acknowledge_by = $28, resolve_by = $29, updated_at = $30
     WHERE id = $1`,
    orderParams(order, deadlines, now),
  );
}

export async function insertComments(tx: Queryable, orderId: string, comments: readonly WorkOrderComment[]): Promise<void> {
  for (const c of comments) {
    await tx.query('INSERT INTO work_order_comment (order_id, author, at, body) VALUES ($1,$2,$3,$4)', [orderId, c.author, c.at, c.text]);
  }
}

export interface TimelineEntry {
  readonly id: number;
  readonly at: Date;
  readonly actor: string;
  readonly action: string;
  readonly from: string;
  readonly to: string;
  readonly details: Record<string, unknown>;
}

/** Several timeline entries of one order in one statement; their ids in the order given. */
export async function insertTimelineEntries(tx: Queryable, orderId: string, entries: readonly Omit<TimelineEntry, 'id'>[]): Promise<number[]> {
  if (entries.length === 0) return [];
  const r = await tx.query<{ id: number | string }>(
    `INSERT INTO work_order_event (order_id, at, actor, action, from_state, to_state, details)
     SELECT $1, x.at, x.actor, x.action, x.from_state, x.to_state, x.details
       FROM jsonb_to_recordset($2::jsonb) AS x(ord int, at timestamptz, actor text, action text, from_state text, to_state text, details jsonb)
      ORDER BY x.ord
     RETURNING id`,
    [orderId, JSON.stringify(entries.map((e, ord) => ({ ord, at: e.at.toISOString(), actor: e.actor, action: e.action, from_state: e.from, to_state: e.to, details: e.details })))],
  );
  // Ids come from one sequence in insertion order, so sorting them restores the given order.
  return r.rows.map((row) => Number(row.id)).sort((a, b) => a - b);
}

export async function listTimeline(db: Queryable, orderId: string): Promise<TimelineEntry[]> {
  const r = await db.query<{ id: number; at: Date; actor: string; action: string; from_state: string; to_state: string; details: Record<string, unknown> }>(
    'SELECT * FROM work_order_event WHERE order_id = $1 ORDER BY id', [orderId]);
  return r.rows.map((x) => ({ id: x.id, at: x.at, actor: x.actor, action: x.action, from: x.from_state, to: x.to_state, details: x.details }));
}

export async function insertAttachment(
  tx: Queryable,
  a: { orderId: string; fileName: string; contentType: string; content: Uint8Array; uploadedBy: string; at: Date },
): Promise<string> {
  const r = await tx.query<{ id: number }>(
    `INSERT INTO work_order_attachment (order_id, file_name, content_type, size_bytes, content, uploaded_by, at)
     VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id`,
    [a.orderId, a.fileName, a.contentType, a.content.byteLength, a.content, a.uploadedBy, a.at],
  );
  return String(r.rows[0]?.id);
}

export async function readAttachment(
  db: Queryable,
  orderId: string,
  attachmentId: string,
): Promise<{ fileName: string; contentType: string; content: Uint8Array } | null> {
  if (!/^\d{1,18}$/.test(attachmentId)) return null;
  const r = await db.query<{ file_name: string; content_type: string; content: Uint8Array }>(
    'SELECT file_name, content_type, content FROM work_order_attachment WHERE order_id = $1 AND id = $2', [orderId, attachmentId]);
  const row = r.rows[0];
  return row ? { fileName: row.file_name, contentType: row.content_type, content: row.content } : null;
}

export interface OrderAlertRow {
  readonly orderId: string;
  readonly alertId: string;
  readonly state: 'firing' | 'resolved';
  readonly resolvedAt: Date | null;
  readonly periodMs: number;
}

export async function upsertOrderAlert(
  tx: Queryable,
  a: { orderId: string; alertId: string; orgUnitCode: string; state: 'firing' | 'resolved'; at: Date; periodMs: number },
): Promise<void> {
  await tx.query(
    `INSERT INTO work_order_alert (order_id, alert_id, org_unit_code, state, fired_at, resolved_at, period_ms)
     VALUES ($1,$2,$3,$4,$5,$6,$7)
     ON CONFLICT (order_id, alert_id) DO UPDATE SET state = EXCLUDED.state, resolved_at = EXCLUDED.resolved_at,
       fired_at = CASE WHEN EXCLUDED.state = 'firing' THEN EXCLUDED.fired_at ELSE work_order_alert.fired_at END`,
    [a.orderId, a.alertId, a.orgUnitCode, a.state, a.at, a.state === 'resolved' ? a.at : null, a.periodMs],
  );
}

/**
 * Writes alert links as they stand after a batch of transitions (each fired in the batch, so its
 * firing time is the batch's): one multi-row upsert.
 */
export async function upsertOrderLinks(
  tx: Queryable,
  links: readonly { orderId: string; alertId: string; orgUnitCode: string; state: 'firing' | 'resolved'; firedAt: Date; resolvedAt: Date | null; periodMs: number }[],
): Promise<void> {
  if (links.length === 0) return;
  await tx.query(
    `INSERT INTO work_order_alert (order_id, alert_id, org_unit_code, state, fired_at, resolved_at, period_ms)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::bigint[])
     ON CONFLICT (order_id, alert_id) DO UPDATE SET state = EXCLUDED.state, resolved_at = EXCLUDED.resolved_at, fired_at = EXCLUDED.fired_at`,
    [links.map((l) => l.orderId), links.map((l) => l.alertId), links.map((l) => l.orgUnitCode), links.map((l) => l.state),
      links.map((l) => l.firedAt), links.map((l) => l.resolvedAt), links.map((l) => l.periodMs)],
  );
}

/** Marks each alert resolved (at its own time) on every order that holds it firing: one update. */
export async function resolveOrderAlerts(tx: Queryable, alerts: readonly { alertId: string; at: Date }[]): Promise<void> {
  if (alerts.length === 0) return;
  await tx.query(
    `UPDATE work_order_alert a SET state = 'resolved', resolved_at = r.at
     FROM unnest($1::text[], $2::timestamptz[]) AS r(alert_id, at)
     WHERE a.alert_id = r.alert_id AND a.state = 'firing'`,
    [alerts.map((a) => a.alertId), alerts.map((a) => a.at)],
  );
}

/** Marks an alert resolved on every order that holds it; returns how many rows changed. */
export async function resolveOrderAlert(tx: Queryable, alertId: string, at: Date): Promise<number> {
  const r = await tx.query(`UPDATE work_order_alert SET state = 'resolved', resolved_at = $2 WHERE alert_id = $1 AND state = 'firing'`, [alertId, at]);
  return r.rowCount;
}

export async function listOrderAlerts(db: Queryable, orderIds: readonly string[]): Promise<OrderAlertRow[]> {
  if (orderIds.length === 0) return [];
  const r = await db.query<{ order_id: number; alert_id: string; state: 'firing' | 'resolved'; resolved_at: Date | null; period_ms: number }>(
    'SELECT order_id, alert_id, state, resolved_at, period_ms FROM work_order_alert WHERE order_id = ANY($1::bigint[])', [orderIds]);
  return r.rows.map((x) => ({ orderId: String(x.order_id), alertId: x.alert_id, state: x.state, resolvedAt: x.resolved_at, periodMs: x.period_ms }));
}

/** Orders not yet marked recovered whose alerts have all resolved (candidates for recovery). */
export async function listRecoveryCandidates(db: Queryable): Promise<StoredWorkOrder[]> {
  const r = await db.query<OrderRow>(
    `${SELECT} WHERE w.state <> 'closed' AND w.indicator_recovered_at IS NULL
       AND EXISTS (SELECT 1 FROM work_order_alert a WHERE a.order_id = w.id)
       AND NOT EXISTS (SELECT 1 FROM work_order_alert a WHERE a.order_id = w.id AND a.state = 'firing')
     ORDER BY w.id`);
  return hydrate(db, r.rows);
}
