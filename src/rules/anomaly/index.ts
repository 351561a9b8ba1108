/**
 * Statistical anomaly (异动) detection for indicator series: an online, explainable detector that
 * learns a robust baseline (rolling median/MAD, plus a seasonal profile when it proves better:
 * hour-of-day × workday/rest-day at hourly or finer cadence, day-of-week with public-holiday and
 * make-up-day slots at a daily cadence), and scores each new point for spikes, dips, level shifts
 * and trend changes, each weighted by how rare such a deviation has been in this series (so noisy
 * series need larger deviations than quiet ones), and treats a value beyond the whole range seen
 * so far as suspicious. Young slots fall back to a pooled one (the hour over all days, the day
 * type), so a holiday without history of its own is judged like a rest day. One alarm per
 * episode: after an alarm it stays quiet while the series is still abnormal and for a duration
 * after (`quietMs`). The state is a plain JSON value that the rule engine persists per series;
 * the module does no I/O and never reads the clock.
 */
export { createDetector, defaultDetectorConfig, DETECTOR_VERSION, stepDetector } from './detector.ts';
export type {
  AnomalyKind,
  DetectorConfig,
  DetectorState,
  DetectorStep,
  ExpectedRange,
  SeriesPoint,
} from './types.ts';
