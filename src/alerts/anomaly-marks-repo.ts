import type { Queryable } from '../store/index.ts';
import type { AnomalyTransitionRow } from '../indicators/anomaly-marks.ts';
import type { AnomalyTransitionQuery } from '../indicators/anomaly-marks-service.ts';

/**
 * SQL for the indicator explorer's anomaly marks: read-only over the rule engine's tables (rule,
 * alert, alert_history), so it lives with the alerts and is handed to the indicators module as a
 * function (see createAnomalyMarksService). An alert is keyed by (rule, org unit, series, period), so each row is one anomalous period
 * with the detail of its latest transition into pending or firing.
 */
export async function listAnomalyTransitions(
  db: Queryable,
  q: AnomalyTransitionQuery,
): Promise<AnomalyTransitionRow[]> {
  const { rows } = await db.query<AnomalyTransitionRow>(
    `SELECT a.id AS "alertId", a.rule_code AS "ruleCode", r.definition->>'nameZh' AS "ruleNameZh", r.definition->>'nameEn' AS "ruleNameEn",
       a.severity, a.state, a.period_key AS "periodKey", h.at, h.detail
     FROM alert a
     JOIN rule r ON r.id = a.rule_id
     JOIN LATERAL (
       SELECT at, detail FROM alert_history
       WHERE alert_id = a.id AND to_state IN ('pending', 'firing')
       ORDER BY id DESC LIMIT 1
     ) h ON true
     WHERE r.kind = 'anomaly' AND r.definition->>'indicator' = $1 AND r.definition->>'grain' = $2
       AND a.org_unit_id = $3 AND a.period_key >= $4 AND a.period_key <= $5
     ORDER BY a.period_key, a.id
     LIMIT $6`,
    [q.indicator, q.grain, q.orgUnitId, q.fromKey, q.toKey, q.limit],
  );
  return rows;
}
