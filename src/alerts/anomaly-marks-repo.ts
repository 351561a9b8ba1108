import type { Queryable } from '../store/index.ts';
import type { AnomalyTransitionRow } from '../indicators/anomaly-marks.ts';
import type { AnomalyTransitionQuery } from '../indicators/anomaly-marks-service.ts';

/**
 * SQL for the indicator explorer's anomaly marks: read-only over the rule engine's tables (rule,
 * alert, alert_history), so it lives with the alerts and is handed to the indicators module as a
 * function (see createAnomalyMarksService). An alert is an incident spanning periods (alert_period),
 * so each row is one anomalous period of one, with the detail it was judged with when it joined.
 */
export async function listAnomalyTransitions(
  db: Queryable,
  q: AnomalyTransitionQuery,
): Promise<AnomalyTransitionRow[]> {
  const { rows } = await db.query<AnomalyTransitionRow>(
    `SELECT a.id AS "alertId", a.rule_code AS "ruleCode", r.definition->>'nameZh' AS "ruleNameZh", r.definition->>'nameEn' AS "ruleNameEn",
       a.severity, a.state, p.period_key AS "periodKey", p.first_at AS at, p.detail
     FROM alert a
     JOIN alert_period p ON p.alert_id = a.id
     JOIN rule r ON r.id = a.rule_id
     WHERE r.kind = 'anomaly' AND r.definition->>'indicator' = $1 AND r.definition->>'grain' = $2
       AND a.org_unit_id = $3 AND p.period_key >= $4 AND p.period_key <= $5
     ORDER BY p.period_key, a.id
     LIMIT $6`,
    [q.indicator, q.grain, q.orgUnitId, q.fromKey, q.toKey, q.limit],
  );
  return rows;
}
