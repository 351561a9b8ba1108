/**
 * Monitoring rules (监控规则): the validated, versioned definitions users write (one kind per
 * discriminant: threshold, deviation from target, 环比/同比 change, N consecutive periods, rolling
 * window, anomaly, per-event compliance, source data quality), the pure evaluators that judge a
 * series, detector verdict, source or event into a RuleOutcome keyed by (org unit, series key,
 * period), message rendering in zh/en, the shipped rule packs and the dry run over past data. The
 * engine loop that loads data and stores outcomes is I/O and lives outside these pure files.
 */
export {
  parseRuleDefinition,
  RuleDefinitionSchema,
  ThresholdRuleSchema,
  TargetDeviationRuleSchema,
  ChangeRuleSchema,
  ConsecutiveRuleSchema,
  WindowRuleSchema,
  AnomalyRuleSchema,
  ComplianceRuleSchema,
  SourceQualityRuleSchema,
  RULE_KINDS,
  type RuleDefinition,
  type RuleKind,
  type SeriesRule,
  type ThresholdRule,
  type TargetDeviationRule,
  type ChangeRule,
  type ConsecutiveRule,
  type WindowRule,
  type AnomalyRule,
  type ComplianceRule,
  type SourceQualityRule,
  type CompareOp,
  type RuleGrain,
  type MissingDataPolicy,
  type ParseRuleResult,
  type RuleDefinitionError,
} from './definition.ts';
export {
  PredicateSchema,
  evaluatePredicate,
  eventField,
  type Predicate,
  type Comparison,
  type ComparisonOp,
  type MissingWithin,
  type RelatedExists,
  type RuleEvent,
  type Truth,
} from './predicate.ts';
export type {
  SeriesInput,
  SeriesPointInput,
  AnomalyInput,
  AnomalyVerdict,
  SourceQualityInput,
  RuleOutcome,
  OutcomeKind,
  OutcomeReason,
  OutcomeDetail,
} from './outcome.ts';
export { evaluateThreshold } from './evaluate/threshold.ts';
export { evaluateTargetDeviation } from './evaluate/target-deviation.ts';
export { evaluateChange } from './evaluate/change.ts';
export { evaluateConsecutive } from './evaluate/consecutive.ts';
export { evaluateWindow } from './evaluate/window.ts';
export { evaluateAnomaly } from './evaluate/anomaly.ts';
export { evaluateSourceQuality, sourceSeriesKey } from './evaluate/source-quality.ts';
export { evaluateCompliance, complianceKey, relatedEventQueries, type RelatedEventQuery } from './evaluate/compliance.ts';
export { evaluateIndicatorRule, evaluateIndicatorHistory, type IndicatorRule } from './evaluate/series.ts';
export { renderMessage, formatValue, PLACEHOLDERS } from './message.ts';
export { renderOutcomeMessage, messageValues, type Locale, type MessageNames } from './render.ts';
export { compliancePack, dataQualityRules, type PackScope } from './packs/compliance-pack.ts';
export { defaultRulePack } from './packs/default-pack.ts';
export { dryRun, type DryRunData, type DryRunOptions, type DryRunResult, type DryRunExample } from './dry-run.ts';
