/**
 * Anomaly marks on an indicator series: the periods where an anomaly (异动) rule on this indicator
 * and org unit raised an alert, with what the rule engine stored at that transition — the observed
 * value, the expected range learned from the baseline, the deviation and the detector's score.
 * Pure: turns stored transition rows into marks, skipping rows without a usable expected range
 * (a missing-data alert, say), and keeps one mark per period (the strongest, when several anomaly
 * rules watch the same series).
 */
export interface AnomalyTransitionRow {
  readonly alertId: number;
  readonly ruleCode: string;
  readonly ruleNameZh: string;
  readonly ruleNameEn: string;
  readonly severity: number;
  /** The alert's current state: it may have resolved since. */
  readonly state: string;
  readonly periodKey: string;
  /** When the alert entered pending or firing for this period. */
  readonly at: Date;
  readonly detail: unknown;
}

export interface AnomalyMark {
  readonly alertId: number;
  readonly ruleCode: string;
  readonly ruleNameZh: string;
  readonly ruleNameEn: string;
  readonly severity: number;
  readonly state: string;
  readonly periodKey: string;
  readonly at: Date;
  readonly observed: number;
  readonly expected: { readonly low: number; readonly center: number; readonly high: number };
  readonly deviation: number | null;
  readonly score: number | null;
}

function record(value: unknown): Readonly<Record<string, unknown>> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function finite(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** The mark a transition row describes, or null when its detail has no observed value and expected range. */
export function markOf(row: AnomalyTransitionRow): AnomalyMark | null {
  const detail = record(row.detail);
  const values = record(detail?.['values']);
  const baseline = record(detail?.['baseline']);
  const observed = finite(values?.['observed']);
  const low = finite(baseline?.['low']);
  const high = finite(baseline?.['high']);
  const center = finite(baseline?.['center']);
  if (observed === null || low === null || high === null) return null;
  return {
    alertId: row.alertId, ruleCode: row.ruleCode, ruleNameZh: row.ruleNameZh, ruleNameEn: row.ruleNameEn, severity: row.severity, state: row.state,
    periodKey: row.periodKey, at: row.at, observed, expected: { low, center: center ?? (low + high) / 2, high },
    deviation: finite(values?.['deviation']), score: finite(values?.['score']),
  };
}

/** Usable marks, one per period (highest score, then most severe), in period order. */
export function anomalyMarks(rows: readonly AnomalyTransitionRow[]): AnomalyMark[] {
  const byPeriod = new Map<string, AnomalyMark>();
  for (const row of rows) {
    const mark = markOf(row);
    if (!mark) continue;
    const held = byPeriod.get(mark.periodKey);
    if (!held || stronger(mark, held)) byPeriod.set(mark.periodKey, mark);
  }
  return [...byPeriod.values()].sort((a, b) => (a.periodKey < b.periodKey ? -1 : a.periodKey > b.periodKey ? 1 : 0));
}

function stronger(a: AnomalyMark, b: AnomalyMark): boolean {
  const sa = a.score ?? 0;
  const sb = b.score ?? 0;
  return sa !== sb ? sa > sb : a.severity < b.severity;
}
