/**
 * Statistical anomaly (异动) detection for indicator series: an online, explainable detector that
 * learns a robust baseline (rolling median/MAD, plus hour-of-day × workday/rest-day profiles when
 * the cadence is hourly or finer), and scores each new point for spikes, dips, level shifts and
 * trend changes, each weighted by how rare such a deviation has been in this series (so noisy
 * series need larger deviations than quiet ones), and treats a value beyond the whole range seen
 * so far as suspicious. Day-type hour slots that are still young fall back to an hour profile
 * pooled over all days. After an alarm it stays quiet for a refractory period so one change
 * raises one alarm. The state is a plain JSON value that
 * the rule engine persists per series; the module does no I/O and never reads the clock.
 */
export { createDetector, defaultDetectorConfig, stepDetector } from './detector.ts';
export type {
  AnomalyKind,
  DetectorConfig,
  DetectorState,
  DetectorStep,
  ExpectedRange,
  SeriesPoint,
} from './types.ts';
