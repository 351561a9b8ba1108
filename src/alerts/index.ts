/**
 * Alerts: identity and fingerprint of an alert (rule, org unit, series key, period), its lifecycle
 * (pending → firing → resolved, with `for`, hysteresis, dedup and late-data retraction), and the
 * notification pipeline's pure stages — grouping by rule and parent org unit, inhibition by a firing
 * hospital-level or source-silent alert, silences, recurring mute windows. Every function here is
 * pure; the engine records each transition and each suppression, and sends nothing itself.
 */
export { alertIdentity, alertKey, alertFingerprint, type AlertIdentity, type AlertOutcome, type AlertState, type AlertStatus } from './alert.ts';
export { alertPeriodOf, LIVE_PERIOD } from './alert-period.ts';
export {
  nextAlertState,
  type AlertPolicy,
  type AlertStep,
  type AlertTransition,
  type AlertEffect,
  type TransitionReason,
  type StepOptions,
} from './state-machine.ts';
export {
  groupKey,
  groupAlerts,
  parentOrgUnit,
  groupFlushDecision,
  DEFAULT_GROUP_TIMING,
  type GroupableAlert,
  type GroupState,
  type GroupTiming,
  type FlushDecision,
} from './grouping.ts';
export { findInhibitors, DEFAULT_INHIBITION, type InhibitableAlert, type InhibitionOptions } from './inhibition.ts';
export {
  parseSilence,
  SilenceSchema,
  alertLabels,
  matchesAll,
  isSilenceActive,
  isSilenced,
  silencedBy,
  type Silence,
  type Matcher,
  type MatchOp,
  type SilenceableAlert,
  type ParseSilenceResult,
} from './silence.ts';
export { parseMuteWindow, MuteWindowSchema, isMuted, muteRangeEnd, mutedUntil, type MuteWindow, type TimeRange, type HolidayPredicate, type ParseMuteWindowResult } from './mute-window.ts';
export {
  decideNotification,
  dedupStage,
  inhibitionStage,
  silenceStage,
  muteWindowStage,
  groupWaitStage,
  NOTIFICATION_STAGES,
  type NotifiableAlert,
  type NotificationContext,
  type NotificationDecision,
  type SuppressionReason,
  type Stage,
} from './pipeline.ts';
export type { AlertTransitionConsumer, AlertTransitionEvent } from './alert-transition.ts';
export { tellConsumer } from './alert-transition.ts';
export {
  createAlertRecorder, seriesOf, type AlertRecorder, type AlertMessage, type JudgedAlert, type NotificationInputs, type RecheckRequest, type RecorderDeps,
  type RecordingOrg, type RecordingRule, type Trigger,
} from './recorder.ts';
export { seriesRefKey, type AlertRow, type AlertMessageTemplate, type MessageParam, type SeriesRef } from './alerts-repo.ts';
export {
  planIncident, placeOutcome, liveHorizonStart, isHistory, DEFAULT_LIVE_PERIODS, type IncidentHead, type IncidentPlan, type Placement,
} from './incident.ts';
