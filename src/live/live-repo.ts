import type { Queryable } from '../store/index.ts';
import type { AlertTransitionChange, DataArrival, LiveAlertState, WorkOrderChange } from './live.ts';

/**
 * SQL of the live feed: the newest ids of the tables it follows, and the rows after a position.
 * It reads the alert history, the work-order timeline and the event table as they are written
 * by any process sharing the database (read-only; those tables belong to their modules).
 */
export interface LatestIds {
  readonly alert: number;
  readonly workorder: number;
  readonly event: number;
}

export async function readLatestIds(db: Queryable): Promise<LatestIds> {
  const { rows } = await db.query<LatestIds>(
    `SELECT (SELECT coalesce(max(id), 0) FROM alert_history) AS alert,
            (SELECT coalesce(max(id), 0) FROM work_order_event) AS workorder,
            (SELECT coalesce(max(id), 0) FROM event) AS event`,
  );
  return rows[0] ?? { alert: 0, workorder: 0, event: 0 };
}

interface AlertRow {
  id: number; alert_id: number; rule_code: string; org_code: string; org_path: string; severity: number; from_state: LiveAlertState | null;
  to_state: LiveAlertState; at: Date; value: number | null; message_zh: string; message_en: string;
}

/** Alert transitions with id above `after` or among `awaited`, in id order. */
export async function readAlertTransitions(db: Queryable, after: number, awaited: readonly number[], limit: number): Promise<AlertTransitionChange[]> {
  const { rows } = await db.query<AlertRow>(
    `SELECT h.id, h.alert_id, a.rule_code, o.code AS org_code, o.path AS org_path, a.severity, h.from_state, h.to_state, h.at, h.value,
            a.message_zh, a.message_en
     FROM alert_history h JOIN alert a ON a.id = h.alert_id JOIN org_unit o ON o.id = a.org_unit_id
     WHERE h.id > $1 OR h.id = ANY($2::bigint[])
     ORDER BY h.id LIMIT $3`,
    [after, awaited, limit],
  );
  return rows.map((r) => ({
    kind: 'alert', id: r.id, alertId: r.alert_id, ruleCode: r.rule_code, orgUnit: r.org_code, orgPath: r.org_path, severity: r.severity,
    from: r.from_state, to: r.to_state, at: new Date(r.at), value: r.value, messageZh: r.message_zh, messageEn: r.message_en,
  }));
}

interface OrderRow {
  id: number; order_id: number; title: string; severity: number; org_code: string; org_path: string; action: string; from_state: string; to_state: string; at: Date;
}

/** Work-order timeline entries with id above `after` or among `awaited`, in id order. */
export async function readWorkOrderChanges(db: Queryable, after: number, awaited: readonly number[], limit: number): Promise<WorkOrderChange[]> {
  const { rows } = await db.query<OrderRow>(
    `SELECT e.id, e.order_id, w.title, w.severity, o.code AS org_code, o.path AS org_path, e.action, e.from_state, e.to_state, e.at
     FROM work_order_event e JOIN work_order w ON w.id = e.order_id JOIN org_unit o ON o.id = w.org_unit_id
     WHERE e.id > $1 OR e.id = ANY($2::bigint[])
     ORDER BY e.id LIMIT $3`,
    [after, awaited, limit],
  );
  return rows.map((r) => ({
    kind: 'workorder', id: r.id, orderId: r.order_id, title: r.title, severity: r.severity, orgUnit: r.org_code, orgPath: r.org_path,
    action: r.action, from: r.from_state, to: r.to_state, at: new Date(r.at),
  }));
}

/** Org units that received events with id above `after` (at most `limit` events read), and the highest id read. */
export async function readDataArrivals(db: Queryable, after: number, limit: number): Promise<{ arrivals: DataArrival[]; last: number }> {
  const { rows } = await db.query<{ org_code: string; org_path: string; events: number; last: number }>(
    `SELECT o.code AS org_code, o.path AS org_path, count(*)::int AS events, max(e.id) AS last
     FROM (SELECT id, org_unit_id FROM event WHERE id > $1 ORDER BY id LIMIT $2) e JOIN org_unit o ON o.id = e.org_unit_id
     GROUP BY o.code, o.path`,
    [after, limit],
  );
  return {
    arrivals: rows.map((r) => ({ kind: 'data', orgUnit: r.org_code, orgPath: r.org_path, events: r.events })),
    last: rows.reduce((m, r) => Math.max(m, r.last), after),
  };
}
