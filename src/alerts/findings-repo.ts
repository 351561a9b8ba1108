import type { Queryable } from '../store/index.ts';
import { scopedConditions, type AlertMessageTemplate, type MessageParam } from './alerts-repo.ts';

/**
 * SQL for findings: breaches judged on periods older than a rule's live horizon (history). One row
 * per (rule, org unit, series key, period), replaced when the period is judged again and removed
 * when late data makes it no longer breach.
 */
export interface FindingWrite {
  readonly ruleId: number;
  readonly ruleCode: string;
  readonly orgUnitId: number;
  readonly seriesKey: string;
  readonly periodKey: string;
  readonly periodStart: Date | null;
  readonly kind: 'breach' | 'no_data';
  readonly value: number | null;
  readonly bound: number | null;
  readonly detail: unknown;
  readonly messageTemplate: AlertMessageTemplate;
  readonly messageParams: Readonly<Record<string, MessageParam>>;
  readonly at: Date;
}

export interface FindingRow extends Omit<FindingWrite, 'at'> {
  readonly id: number;
  readonly orgUnitCode: string;
  readonly ruleNameZh: string;
  readonly ruleNameEn: string;
  readonly severity: number;
  readonly judgedAt: Date;
}

export async function upsertFindings(tx: Queryable, items: readonly FindingWrite[]): Promise<void> {
  const last = [...new Map(items.map((f) => [`${String(f.ruleId)}|${String(f.orgUnitId)}|${f.seriesKey}|${f.periodKey}`, f])).values()];
  if (last.length === 0) return;
  await tx.query(
    `INSERT INTO rule_finding (rule_id, rule_code, org_unit_id, series_key, period_key, period_start, kind, value, bound, detail, message_template,
       message_params, judged_at)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(rule_id bigint, rule_code text, org_unit_id bigint, series_key text, period_key text,
       period_start timestamptz, kind text, value float8, bound float8, detail jsonb, message_template jsonb, message_params jsonb, judged_at timestamptz)
     ON CONFLICT (rule_id, org_unit_id, series_key, period_key) DO UPDATE SET kind = EXCLUDED.kind, value = EXCLUDED.value, bound = EXCLUDED.bound,
       detail = EXCLUDED.detail, message_template = EXCLUDED.message_template, message_params = EXCLUDED.message_params, judged_at = EXCLUDED.judged_at`,
    [JSON.stringify(last.map((f) => ({
      rule_id: f.ruleId, rule_code: f.ruleCode, org_unit_id: f.orgUnitId, series_key: f.seriesKey, period_key: f.periodKey,
      period_start: f.periodStart?.toISOString() ?? null, kind: f.kind, value: f.value, bound: f.bound, detail: f.detail ?? {},
      message_template: f.messageTemplate, message_params: f.messageParams, judged_at: f.at.toISOString(),
    })))],
  );
}

export async function deleteFindings(tx: Queryable, keys: readonly { ruleId: number; orgUnitId: number; seriesKey: string; periodKey: string }[]): Promise<void> {
  if (keys.length === 0) return;
  await tx.query(
    `DELETE FROM rule_finding f USING unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) AS k(rule_id, org_unit_id, series_key, period_key)
     WHERE f.rule_id = k.rule_id AND f.org_unit_id = k.org_unit_id AND f.series_key = k.series_key AND f.period_key = k.period_key`,
    [keys.map((k) => k.ruleId), keys.map((k) => k.orgUnitId), keys.map((k) => k.seriesKey), keys.map((k) => k.periodKey)],
  );
}

export interface FindingQuery {
  /** Org subtrees the reader may see (materialised path prefixes). */
  readonly paths: readonly string[];
  readonly ruleCode?: string;
  readonly orgUnitId?: number;
  /** Rules watching this indicator (the explorer's marks). */
  readonly indicator?: string;
  readonly grain?: string;
  readonly from?: Date;
  readonly to?: Date;
  readonly limit: number;
}

export async function listFindings(db: Queryable, q: FindingQuery): Promise<FindingRow[]> {
  const { params, where, add } = scopedConditions(q.paths);
  if (q.ruleCode !== undefined) add('f.rule_code = ?', q.ruleCode);
  if (q.orgUnitId !== undefined) add('f.org_unit_id = ?', q.orgUnitId);
  if (q.indicator !== undefined) add("r.definition->>'indicator' = ?", q.indicator);
  if (q.grain !== undefined) add("r.definition->>'grain' = ?", q.grain);
  if (q.from !== undefined) add('f.period_start >= ?', q.from);
  if (q.to !== undefined) add('f.period_start < ?', q.to);
  params.push(q.limit);
  const { rows } = await db.query<FindingRow>(
    `SELECT f.id, f.rule_id AS "ruleId", f.rule_code AS "ruleCode", f.org_unit_id AS "orgUnitId", o.code AS "orgUnitCode", f.series_key AS "seriesKey",
       f.period_key AS "periodKey", f.period_start AS "periodStart", f.kind, f.value, f.bound, f.detail, f.message_template AS "messageTemplate",
       f.message_params AS "messageParams", f.judged_at AS "judgedAt", r.definition->>'nameZh' AS "ruleNameZh", r.definition->>'nameEn' AS "ruleNameEn",
       (r.definition->>'severity')::int AS severity
     FROM rule_finding f JOIN org_unit o ON o.id = f.org_unit_id JOIN rule r ON r.id = f.rule_id
     WHERE ${where.join(' AND ')}
     ORDER BY f.period_start DESC NULLS LAST, f.id DESC LIMIT $${String(params.length)}`,
    params,
  );
  return rows;
}

/** How many findings each rule has (the rules list and a rule's history). */
export async function countFindings(db: Queryable, ruleId: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM rule_finding WHERE rule_id = $1', [ruleId]);
  return rows[0]?.n ?? 0;
}
