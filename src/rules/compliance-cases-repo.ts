import type { Queryable } from '../store/index.ts';

/** Compliance cases (违规案例): SQL only. */
export interface CaseWrite {
  readonly ruleId: number;
  readonly eventId: number;
  readonly orgUnitId: number;
  readonly occurredAt: Date;
  readonly windowStart: Date;
  readonly windowKey: string;
  readonly evidence: Readonly<Record<string, unknown>>;
  readonly ruleVersion: number;
}

/** Records cases in one statement; an event already recorded as a case of the rule keeps its first record. */
export async function insertCases(tx: Queryable, rows: readonly CaseWrite[], now: Date): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO compliance_case (rule_id, event_id, org_unit_id, occurred_at, window_start, window_key, evidence, rule_version, created_at)
     SELECT u.rule_id, u.event_id, u.org_unit_id, u.occurred_at, u.window_start, u.window_key, u.evidence, u.rule_version, $9
       FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::timestamptz[], $5::timestamptz[], $6::text[], $7::jsonb[], $8::int[])
         AS u(rule_id, event_id, org_unit_id, occurred_at, window_start, window_key, evidence, rule_version)
     ON CONFLICT (rule_id, event_id) DO NOTHING`,
    [rows.map((r) => r.ruleId), rows.map((r) => r.eventId), rows.map((r) => r.orgUnitId), rows.map((r) => r.occurredAt.toISOString()),
      rows.map((r) => r.windowStart.toISOString()), rows.map((r) => r.windowKey), rows.map((r) => JSON.stringify(r.evidence)), rows.map((r) => r.ruleVersion), now],
  );
}

/** Withdraws the cases of events a later judgement found compliant. */
export async function deleteCases(tx: Queryable, ruleId: number, eventIds: readonly number[]): Promise<void> {
  if (eventIds.length === 0) return;
  await tx.query('DELETE FROM compliance_case WHERE rule_id = $1 AND event_id = ANY($2::bigint[])', [ruleId, eventIds]);
}

export interface WindowRef {
  readonly orgUnitId: number;
  readonly start: Date;
  readonly end: Date;
}

const windowKeyOf = (w: { orgUnitId: number; start: Date }): string => `${String(w.orgUnitId)}|${String(w.start.getTime())}`;

/** Cases of the rule per window, keyed `orgUnitId|startMs`. */
export async function countCases(tx: Queryable, ruleId: number, windows: readonly WindowRef[]): Promise<Map<string, number>> {
  if (windows.length === 0) return new Map();
  const { rows } = await tx.query<{ org_unit_id: number; start: Date | string; n: number }>(
    `SELECT w.org_unit_id::int AS org_unit_id, w.start, (SELECT count(*)::int FROM compliance_case c
              WHERE c.rule_id = $1 AND c.org_unit_id = w.org_unit_id AND c.occurred_at >= w.start AND c.occurred_at < w.stop) AS n
       FROM unnest($2::bigint[], $3::timestamptz[], $4::timestamptz[]) AS w(org_unit_id, start, stop)`,
    [ruleId, windows.map((w) => w.orgUnitId), windows.map((w) => w.start.toISOString()), windows.map((w) => w.end.toISOString())],
  );
  return new Map(rows.map((r) => [windowKeyOf({ orgUnitId: r.org_unit_id, start: new Date(r.start) }), r.n]));
}

/** Events of the given types at the unit in each window (a share threshold's denominator), keyed `orgUnitId|startMs`. */
export async function countEvents(tx: Queryable, types: readonly string[], windows: readonly WindowRef[]): Promise<Map<string, number>> {
  if (windows.length === 0) return new Map();
  const { rows } = await tx.query<{ org_unit_id: number; start: Date | string; n: number }>(
    `SELECT w.org_unit_id::int AS org_unit_id, w.start, (SELECT count(*)::int FROM event e
              WHERE e.org_unit_id = w.org_unit_id AND e.occurred_at >= w.start AND e.occurred_at < w.stop AND e.type = ANY($1::text[])) AS n
       FROM unnest($2::bigint[], $3::timestamptz[], $4::timestamptz[]) AS w(org_unit_id, start, stop)`,
    [types, windows.map((w) => w.orgUnitId), windows.map((w) => w.start.toISOString()), windows.map((w) => w.end.toISOString())],
  );
  return new Map(rows.map((r) => [windowKeyOf({ orgUnitId: r.org_unit_id, start: new Date(r.start) }), r.n]));
}

export { windowKeyOf };

export interface CaseRow {
  readonly id: number;
  readonly eventId: number;
  readonly sourceEventId: string;
  readonly eventType: string;
  readonly orgUnitCode: string;
  readonly occurredAt: Date;
  readonly evidence: Readonly<Record<string, unknown>>;
  readonly ruleVersion: number;
  readonly createdAt: Date;
}

export interface CaseQuery {
  readonly ruleId: number;
  /** The org unit's path: its cases and those of its sub-units. */
  readonly orgPath: string;
  readonly from: Date;
  readonly to: Date;
  /** Evidence field equal to a value (as text), e.g. doctor = D-12. */
  readonly field?: { readonly name: string; readonly value: string };
  readonly eventType?: string;
  /** Cases with an id above this (keyset paging). */
  readonly afterId?: number;
  readonly limit: number;
}

/** Cases in a time range, oldest first, with the event's own id and type. */
export async function listCases(db: Queryable, q: CaseQuery): Promise<CaseRow[]> {
  const { rows } = await db.query<CaseRow>(
    `SELECT c.id::int AS id, c.event_id::int AS "eventId", e.event_id AS "sourceEventId", e.type AS "eventType", o.code AS "orgUnitCode",
            c.occurred_at AS "occurredAt", c.evidence, c.rule_version AS "ruleVersion", c.created_at AS "createdAt"
       FROM compliance_case c JOIN event e ON e.id = c.event_id JOIN org_unit o ON o.id = c.org_unit_id
      WHERE c.rule_id = $1 AND o.path LIKE $2 || '%' AND c.occurred_at >= $3 AND c.occurred_at < $4
        AND ($5::text IS NULL OR c.evidence ->> $5 = $6) AND ($7::text IS NULL OR e.type = $7) AND c.id > $8
      ORDER BY c.id LIMIT $9`,
    [q.ruleId, q.orgPath, q.from.toISOString(), q.to.toISOString(), q.field?.name ?? null, q.field?.value ?? null, q.eventType ?? null, q.afterId ?? 0, q.limit],
  );
  return rows;
}

/** How many cases `listCases` would find without paging. */
export async function countCasesMatching(db: Queryable, q: Omit<CaseQuery, 'afterId' | 'limit'>): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM compliance_case c JOIN event e ON e.id = c.event_id JOIN org_unit o ON o.id = c.org_unit_id
      WHERE c.rule_id = $1 AND o.path LIKE $2 || '%' AND c.occurred_at >= $3 AND c.occurred_at < $4
        AND ($5::text IS NULL OR c.evidence ->> $5 = $6) AND ($7::text IS NULL OR e.type = $7)`,
    [q.ruleId, q.orgPath, q.from.toISOString(), q.to.toISOString(), q.field?.name ?? null, q.field?.value ?? null, q.eventType ?? null],
  );
  return rows[0]?.n ?? 0;
}
