import type { AlertOutcome } from '../alerts/index.ts';

/**
 * What evaluators take and give. A series rule reads an indicator series for one (org unit, series
 * key) and judges its last point; the outcome is keyed by (org unit, series key, period) and carries
 * the values and baseline that produced it, so an alert's history can show why it changed.
 */
export interface SeriesPointInput {
  readonly periodStart: string;
  readonly periodKey: string;
  readonly value: number | null;
  readonly closed: boolean;
  readonly target?: number | null;
  readonly previous?: number | null;
  readonly yearAgo?: number | null;
}

/** Points in ascending period order, contiguous (a gap is a point with `value: null`). */
export interface SeriesInput {
  readonly orgUnit: string;
  readonly seriesKey: string;
  readonly points: readonly SeriesPointInput[];
}

/** The anomaly detector's verdict for one point (see rules/anomaly). */
export interface AnomalyVerdict {
  readonly score: number;
  readonly expected: { readonly center: number; readonly low: number; readonly high: number };
  readonly observed: number;
  readonly deviation: number;
  readonly kind: string;
  /** The deviation in robust standard deviations of the baseline. */
  readonly z?: number;
}

export interface AnomalyInput {
  readonly orgUnit: string;
  readonly seriesKey: string;
  readonly periodKey: string;
  readonly periodStart: string;
  readonly closed: boolean;
  /** null when the detector had no value for the period (missing data) or is still warming up. */
  readonly verdict: AnomalyVerdict | null;
}

/** Per source and period: counts from ingest and the time of the last record received. */
export interface SourceQualityInput {
  readonly orgUnit: string;
  readonly sourceId: string;
  readonly periodKey: string;
  readonly periodStart: string;
  readonly closed: boolean;
  readonly lastReceivedAt: string | null;
  /** When the source was registered (silence is not measured from before it); unknown when absent. */
  readonly registeredAt?: string | null;
  readonly received: number;
  readonly accepted: number;
  readonly invalid: number;
  readonly onTime: number;
}

export type OutcomeKind = 'breach' | 'ok' | 'no_data' | 'skipped' | 'pending';

export type OutcomeReason =
  | 'open_period'
  | 'missing_data'
  | 'insufficient_history'
  | 'zero_baseline'
  /** Anomaly: the period was learned already; late data in it made the detector relearn the stored history. */
  | 'baseline_relearned'
  | 'not_applicable'
  | 'window_open'
  | 'disabled';

export interface OutcomeDetail {
  readonly reason?: OutcomeReason;
  /** The observed inputs (value, window members, counts…). */
  readonly values?: Readonly<Record<string, number | null>>;
  /** What the value was compared with (target, previous, expected range…). */
  readonly baseline?: Readonly<Record<string, number | null>>;
  /** Anomaly: what kind of deviation the detector saw (spike, dip, level_shift, trend_change). */
  readonly anomalyKind?: string;
  /** Compliance: the event fields the predicate read. */
  readonly facts?: Readonly<Record<string, unknown>>;
}

/** An outcome is what the alerts module records (alerts/alert.ts), with the evaluation's time and its detail typed. */
export interface RuleOutcome extends AlertOutcome {
  readonly kind: OutcomeKind;
  readonly evaluatedAt: string;
  readonly detail: OutcomeDetail;
}
