/** Kinds of deviation the detector names in its explanation. */
export type AnomalyKind = 'spike' | 'dip' | 'level_shift' | 'trend_change' | 'none';

/** One observation of an indicator series. `holiday: true` compares it with the rest-day profile,
 * `holiday: false` forces the workday profile (an adjusted working weekend); absent = by weekday. */
export interface SeriesPoint {
  readonly timestamp: number;
  readonly value: number;
  readonly holiday?: boolean;
}

export interface DetectorConfig {
  /** Recent values kept for the robust rolling baseline (median / MAD). */
  readonly windowSize: number;
  /** Most recent points compared with the rest of the window to find a level shift. */
  readonly shortWindow: number;
  /** Points seen before any score is emitted (at most; see `warmupMs`). */
  readonly warmup: number;
  /** History that is enough to judge when it is fewer than `warmup` points (coarse grains). */
  readonly warmupMs: number;
  /** Points seen before any judgement, whatever `warmupMs` says. */
  readonly minWarmup: number;
  /** How long an alarm's episode lasts after its last abnormal point; its points score 0 (one alarm
   * per episode). A duration, not a count of points: at day or coarser grains it is shorter than
   * a period, so the first normal period ends the episode. */
  readonly quietMs: number;
  /** Score at or above which a point counts as an alarm (starts an episode, see `quietMs`). */
  readonly alarmScore: number;
  /** Robust z at which a point's deviation counts as half-way abnormal (sets the expected range). */
  readonly zHalf: number;
  /** Points of history the score is calibrated against. */
  readonly calibrationHorizon: number;
  /** Offset of local time from UTC, for hour-of-day and weekday profiles. */
  readonly utcOffsetMinutes: number;
  /** 'auto' uses hour-of-day × workday/rest-day profiles when the cadence is hourly or finer. */
  readonly seasonality: 'auto' | 'off';
  /** A value beyond everything seen so far by more than this share of the seen range is a new
   * extreme and scores `extremeScore` (0 disables). */
  readonly extremeTolerance: number;
  readonly extremeScore: number;
}

export interface ExpectedRange {
  readonly center: number;
  readonly low: number;
  readonly high: number;
}

/** Seasonal profile: one Huber-clipped running centre and spread per slot (hour × day type). */
export interface SeasonalProfile {
  readonly center: readonly number[];
  readonly spread: readonly number[];
  readonly count: readonly number[];
}

export interface DetectorState {
  readonly version: 3;
  readonly config: DetectorConfig;
  readonly count: number;
  readonly lastTimestamp: number | null;
  readonly cadenceMs: number | null;
  readonly window: readonly number[];
  readonly profile: SeasonalProfile;
  /** Hour-of-day profile over all days, used while the day-type slot is still young. */
  readonly pooled: SeasonalProfile;
  /** Huber-clipped running mean absolute error of the rolling-median baseline (null until warm). */
  readonly flatError: number | null;
  /** The same for the seasonal profile (null until its slots are ready). */
  readonly seasonalError: number | null;
  /** Recent points (times and values, at most `LAG_CYCLES` days of them) for the same-time-of-day
   * baseline at hourly or finer cadence (see lag.ts). */
  readonly lagTimes: readonly number[];
  readonly lagValues: readonly number[];
  /** The same running error for the same-time-of-day baseline (null until it could give one). */
  readonly lagError: number | null;
  /** The same per slot of the seasonal profile, to choose the better daily expectation slot by slot. */
  readonly lagSlotError: readonly (number | null)[];
  readonly profileSlotError: readonly (number | null)[];
  readonly rangeMin: number | null;
  readonly rangeMax: number | null;
  /** Last abnormal point of the open alarm episode (null: no episode open; see `quietMs`). */
  readonly episodeAt: number | null;
  /** Side the open episode alarmed on: 1 above, -1 below, 0 none. */
  readonly episodeSide: number;
  /** Decayed log-scale histogram of past deviation statistics (see surprise.ts). */
  readonly history: readonly number[];
}

export interface DetectorStep {
  readonly state: DetectorState;
  /** 0 (normal) … 1 (certainly anomalous); 0 within an alarm's episode. */
  readonly score: number;
  readonly expected: ExpectedRange;
  readonly observed: number;
  /** observed − expected.center */
  readonly deviation: number;
  /** The deviation in robust standard deviations of the baseline (the range is ± zHalf of them). */
  readonly z: number;
  readonly kind: AnomalyKind;
  /** False while the detector is still learning its minimum history: no judgement yet. */
  readonly judged: boolean;
}
