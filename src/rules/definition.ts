import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { checkPredicate, PredicateSchema, type PathError, type Predicate } from './predicate.ts';
import { templatePlaceholders, PLACEHOLDERS } from './message.ts';

/**
 * Rule definitions (监控规则) as users write them: JSON validated once, when saved, into a
 * discriminated union on `kind`. Every rule carries the common fields (identity, names, scope,
 * severity, routing category, messages, missing-data policy, `for` and hysteresis); series rules add
 * the indicator and grain they watch.
 */
const strict = { additionalProperties: false } as const;
const CODE = Type.String({ pattern: '^[a-z][a-z0-9_]{1,63}$' });
const Op = Type.Union(['>', '>=', '<', '<=', '==', '!='].map((o) => Type.Literal(o)));
export type CompareOp = '>' | '>=' | '<' | '<=' | '==' | '!=';
const OpSchema = Type.Unsafe<CompareOp>(Op);
const Severity = Type.Unsafe<1 | 2 | 3 | 4>(Type.Integer({ minimum: 1, maximum: 4 }));
const Grain = Type.Union(['hour', 'day', 'week', 'month', 'quarter', 'year'].map((g) => Type.Literal(g)));
export type RuleGrain = 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year';
/** The windows compliance cases are grouped by. */
export type CaseWindow = 'hour' | 'day' | 'week' | 'month';
const literals = (values: readonly string[]): TSchema => Type.Union(values.map((v) => Type.Literal(v)));
const oneOf = <T extends string>(values: readonly T[]) => Type.Unsafe<T>(literals(values));

export const RULE_KINDS = ['threshold', 'target_deviation', 'change', 'consecutive', 'window', 'anomaly', 'compliance', 'source_quality'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];
export type MissingDataPolicy = 'zero' | 'skip' | 'alert';

const common = {
  code: CODE,
  version: Type.Integer({ minimum: 1 }),
  nameZh: Type.String({ minLength: 1, maxLength: 200 }),
  nameEn: Type.String({ minLength: 1, maxLength: 200 }),
  enabled: Type.Boolean(),
  scope: Type.Object({ orgUnit: Type.String({ minLength: 1 }), includeDescendants: Type.Boolean() }, strict),
  severity: Severity,
  category: Type.String({ minLength: 1, maxLength: 64 }),
  labels: Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }), Type.String({ maxLength: 200 })),
  messageZh: Type.String({ minLength: 1, maxLength: 1000 }),
  messageEn: Type.String({ minLength: 1, maxLength: 1000 }),
  missingData: oneOf<MissingDataPolicy>(['zero', 'skip', 'alert']),
  evaluateOpenPeriod: Type.Boolean(),
  /**
   * Periods of the rule's grain that are live, the current one included (default 2: the current and
   * the previous one). Older periods (a backfill, a late history load) are judged as findings: they
   * open no alert, notification or work order.
   */
  liveHorizonPeriods: Type.Optional(Type.Integer({ minimum: 1, maximum: 366 })),
  /** Consecutive breaching evaluations of the same alert before it fires (default 1). */
  forPeriods: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  /** Minutes the breach must have lasted before it fires (default 0). */
  forMinutes: Type.Optional(Type.Number({ minimum: 0, maximum: 525_600 })),
  hysteresis: Type.Optional(
    Type.Object(
      {
        /** A firing alert resolves only once the compared value is on the ok side of this bound. */
        recoveryBound: Type.Optional(Type.Number()),
        /** …and has stayed there this many minutes. */
        keepFiringMinutes: Type.Optional(Type.Number({ minimum: 0, maximum: 525_600 })),
      },
      strict,
    ),
  ),
};
const series = { indicator: CODE, grain: Type.Unsafe<RuleGrain>(Grain) };
const rule = <K extends RuleKind, P extends Record<string, TSchema>>(kind: K, props: P) =>
  Type.Object({ kind: Type.Literal(kind), ...common, ...props }, strict);

export const ThresholdRuleSchema = rule('threshold', { ...series, op: OpSchema, bound: Type.Number(), absolute: Type.Optional(Type.Boolean()) });
export const TargetDeviationRuleSchema = rule('target_deviation', {
  ...series,
  measure: oneOf(['rate', 'difference'] as const),
  direction: oneOf(['above', 'below', 'either'] as const),
  bound: Type.Number({ minimum: 0 }),
});
export const ChangeRuleSchema = rule('change', {
  ...series,
  compareTo: oneOf(['previous', 'year_ago'] as const),
  measure: oneOf(['rate', 'difference'] as const),
  direction: oneOf(['rise', 'fall', 'either'] as const),
  bound: Type.Number({ minimum: 0 }),
});
export const ConsecutiveRuleSchema = rule('consecutive', {
  ...series,
  op: OpSchema,
  bound: Type.Number(),
  absolute: Type.Optional(Type.Boolean()),
  periods: Type.Integer({ minimum: 2, maximum: 366 }),
});
export const WindowRuleSchema = rule('window', {
  ...series,
  /** avg/sum/min/max of the values; cumulative_deviation = (Σvalue − Σtarget) / |Σtarget|. */
  aggregate: oneOf(['avg', 'sum', 'min', 'max', 'cumulative_deviation'] as const),
  periods: Type.Integer({ minimum: 2, maximum: 366 }),
  op: OpSchema,
  bound: Type.Number(),
  absolute: Type.Optional(Type.Boolean()),
});
export const AnomalyRuleSchema = rule('anomaly', {
  ...series,
  minScore: Type.Number({ exclusiveMinimum: 0, maximum: 1 }),
  direction: oneOf(['above', 'below', 'either'] as const),
});
export const ComplianceRuleSchema = rule('compliance', {
  eventTypes: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
  /** Which events of those types are checked at all; all of them when absent. */
  match: Type.Optional(Type.Unsafe<Predicate>(PredicateSchema)),
  /** True means the event breaks the rule. */
  violation: Type.Unsafe<Predicate>(PredicateSchema),
  /**
   * How violating events (cases, 违规案例) become alerts: one alert per org unit and window (a day
   * when absent), firing once the window holds `minCases` cases (default 1) and, when `minShare` is
   * set, once they are at least that share of the events of the rule's types at the unit in the window.
   */
  grouping: Type.Optional(Type.Object({
    window: Type.Optional(oneOf<CaseWindow>(['hour', 'day', 'week', 'month'])),
    minCases: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    minShare: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
  }, strict)),
});
export const SourceQualityRuleSchema = rule('source_quality', {
  /** silent_minutes since the last record; success = accepted/received; invalid = failed validation/received; on_time = timely/received. */
  metric: oneOf(['silent_minutes', 'success_rate', 'invalid_share', 'on_time_rate'] as const),
  op: OpSchema,
  bound: Type.Number(),
  /** Sources to watch; every source in scope when absent. */
  sources: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
});

export const RuleDefinitionSchema = Type.Union([
  ThresholdRuleSchema,
  TargetDeviationRuleSchema,
  ChangeRuleSchema,
  ConsecutiveRuleSchema,
  WindowRuleSchema,
  AnomalyRuleSchema,
  ComplianceRuleSchema,
  SourceQualityRuleSchema,
]);

type DeepReadonly<T> = T extends (infer U)[] ? readonly DeepReadonly<U>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;
export type ThresholdRule = DeepReadonly<Static<typeof ThresholdRuleSchema>>;
export type TargetDeviationRule = DeepReadonly<Static<typeof TargetDeviationRuleSchema>>;
export type ChangeRule = DeepReadonly<Static<typeof ChangeRuleSchema>>;
export type ConsecutiveRule = DeepReadonly<Static<typeof ConsecutiveRuleSchema>>;
export type WindowRule = DeepReadonly<Static<typeof WindowRuleSchema>>;
export type AnomalyRule = DeepReadonly<Static<typeof AnomalyRuleSchema>>;
export type ComplianceRule = DeepReadonly<Static<typeof ComplianceRuleSchema>>;
export type SourceQualityRule = DeepReadonly<Static<typeof SourceQualityRuleSchema>>;
export type RuleDefinition =
  | ThresholdRule
  | TargetDeviationRule
  | ChangeRule
  | ConsecutiveRule
  | WindowRule
  | AnomalyRule
  | ComplianceRule
  | SourceQualityRule;
export type SeriesRule = Exclude<RuleDefinition, ComplianceRule | SourceQualityRule>;

export type RuleDefinitionError = PathError;
export type ParseRuleResult = { readonly ok: true; readonly rule: RuleDefinition } | { readonly ok: false; readonly errors: readonly RuleDefinitionError[] };

const CHECKERS: Readonly<Record<RuleKind, TypeCheck<TSchema>>> = {
  threshold: TypeCompiler.Compile(ThresholdRuleSchema),
  target_deviation: TypeCompiler.Compile(TargetDeviationRuleSchema),
  change: TypeCompiler.Compile(ChangeRuleSchema),
  consecutive: TypeCompiler.Compile(ConsecutiveRuleSchema),
  window: TypeCompiler.Compile(WindowRuleSchema),
  anomaly: TypeCompiler.Compile(AnomalyRuleSchema),
  compliance: TypeCompiler.Compile(ComplianceRuleSchema),
  source_quality: TypeCompiler.Compile(SourceQualityRuleSchema),
};

const DEFAULTS = { enabled: true, evaluateOpenPeriod: false, labels: {} } as const;

function isRecord(v: unknown): v is Readonly<Record<string, unknown>> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isRuleKind(v: unknown): v is RuleKind {
  return typeof v === 'string' && (RULE_KINDS as readonly string[]).includes(v);
}

/**
 * Validates user JSON into a rule. `enabled` (true), `evaluateOpenPeriod` (false) and `labels` ({})
 * may be omitted; everything else is explicit. Errors carry JSON-pointer paths, one per path.
 */
export function parseRuleDefinition(json: unknown): ParseRuleResult {
  if (!isRecord(json)) return { ok: false, errors: [{ path: '', message: 'a rule definition must be an object' }] };
  if (!isRuleKind(json.kind)) return { ok: false, errors: [{ path: '/kind', message: `kind must be one of ${RULE_KINDS.join(', ')}` }] };
  const candidate: unknown = { ...DEFAULTS, ...json };
  const checker = CHECKERS[json.kind];
  if (!checker.Check(candidate)) {
    const seen = new Map<string, string>();
    for (const e of checker.Errors(candidate)) if (!seen.has(e.path)) seen.set(e.path, e.message);
    return { ok: false, errors: [...seen].map(([path, message]) => ({ path, message })) };
  }
  const parsed = candidate as RuleDefinition;
  const errors = semanticErrors(parsed);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, rule: parsed };
}

function semanticErrors(r: RuleDefinition): readonly RuleDefinitionError[] {
  const errors: RuleDefinitionError[] = [];
  for (const field of ['messageZh', 'messageEn'] as const) {
    for (const name of templatePlaceholders(r[field])) {
      if (!PLACEHOLDERS.includes(name)) errors.push({ path: `/${field}`, message: `unknown placeholder {{${name}}}` });
    }
  }
  if (r.kind === 'compliance') {
    if (r.match) errors.push(...checkPredicate(r.match, '/match'));
    errors.push(...checkPredicate(r.violation, '/violation'));
  }
  const recovery = r.hysteresis?.recoveryBound;
  if (recovery !== undefined) errors.push(...recoveryErrors(r, recovery));
  return errors;
}

/** The recovery bound must lie on the ok side of the breach bound, or the alert could never resolve. */
function recoveryErrors(r: RuleDefinition, recovery: number): readonly RuleDefinitionError[] {
  const path = '/hysteresis/recoveryBound';
  switch (r.kind) {
    case 'threshold':
    case 'consecutive':
    case 'window':
    case 'source_quality':
      if (r.op === '==' || r.op === '!=') return [{ path, message: `a recovery bound needs an ordering operator, not ${r.op}` }];
      if ((r.op === '>' || r.op === '>=') && recovery > r.bound) return [{ path, message: 'must not exceed bound for a rule that breaches above it' }];
      if ((r.op === '<' || r.op === '<=') && recovery < r.bound) return [{ path, message: 'must not be below bound for a rule that breaches below it' }];
      return [];
    case 'target_deviation':
    case 'change':
      return recovery > r.bound || recovery < 0 ? [{ path, message: 'must lie between 0 and bound' }] : [];
    case 'anomaly':
      return recovery > r.minScore || recovery < 0 ? [{ path, message: 'must lie between 0 and minScore' }] : [];
    case 'compliance':
      return [{ path, message: 'compliance rules judge single events and take no recovery bound' }];
  }
}
