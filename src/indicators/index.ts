/**
 * Indicators (指标): the declarative, versioned definition format and its validation; the pure
 * incremental roll-up (per event or manual entry, a mergeable accumulator per grain and bucket,
 * merged along time and the org tree); target resolution with inheritance; and the shipped library
 * of §11 indicators. Everything here is pure: storing accumulators and definitions is the job of
 * the indicator repository and service, which call these functions.
 */
export {
  CATEGORIES,
  DURATION_UNITS,
  FILTER_OPS,
  IndicatorDefinitionSchema,
  MEASURE_KINDS,
  type IndicatorDefinitionInput,
} from './definition-schema.ts';
export {
  manualInputsOf,
  parseIndicatorDefinition,
  type Category,
  type Condition,
  type DefinitionError,
  type Direction,
  type DurationUnit,
  type FilterOp,
  type IndicatorDefinition,
  type Measure,
  type MeasureKind,
  type ParseResult,
  type RatioTerm,
  type Scalar,
  type Source,
  type ValueExpr,
} from './definition.ts';
export { type IndicatorEvent } from './rows.ts';
export { createTimeZoneService, type TimeZoneChangeProgress, type TimeZoneChangeResult, type TimeZoneService } from './time-zone-service.ts';
export { SKETCH_RELATIVE_ACCURACY, mergeSketches, parseSketch, sketchQuantile, type Sketch, type SketchBin } from './sketch.ts';
export {
  EMPTY_ACCUMULATOR,
  MILLI,
  contributionKey,
  contributionsOf,
  foldContributions,
  manualContributionsOf,
  mergeAccumulators,
  parseAccumulator,
  valueOf,
  type Accumulator,
  type Contribution,
  type ManualEntry,
} from './rollup.ts';
export { compareToTarget, resolveTarget, type ResolvedTarget, type Target, type TargetComparison, type TargetStatus } from './targets.ts';
export { LIBRARY, libraryDefinitions, libraryMarkdown, withLibraryList } from './library/index.ts';
export type { SeriesPoint, SeriesReader, SeriesRequest } from './series-reader.ts';
export { toCsv, type Cell, type ExportColumn, type ExportTable } from './export.ts';
export { toXlsx } from './export-xlsx.ts';
