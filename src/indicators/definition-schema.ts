import { Type, type Static, type TSchema } from '@sinclair/typebox';

/**
 * The stored, user-editable indicator definition format (JSON). Each piece is its own schema so
 * the parser can validate piece by piece and report the exact field; `IndicatorDefinitionSchema`
 * composes them into the one JSON schema published for editors and the API.
 *
 * Attribute paths: `name`, `a.b` (nested object), and `items[].drug` (an element of an array).
 * In a filter, a path with `[]` holds when ANY element satisfies the condition. When a source sets
 * `forEach: 'items'`, each element is one row instead, and `items[].x` means the current element's x.
 */
const Code = Type.String({ pattern: '^[a-z][a-z0-9_]{1,63}$', description: 'snake_case identifier' });
const Path = Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*(\\[\\])?(\\.[A-Za-z_][A-Za-z0-9_]*(\\[\\])?)*$' });

export const FILTER_OPS = ['eq', 'ne', 'in', 'nin', 'none_in', 'gt', 'gte', 'lt', 'lte', 'exists', 'missing'] as const;
/** `bed_days`: local calendar dates in the group's time zone, to − from, a same-day stay counting 1 (出院者占用床日). */
export const DURATION_UNITS = ['seconds', 'minutes', 'hours', 'days', 'bed_days'] as const;
export const MEASURE_KINDS = ['count', 'sum', 'average', 'ratio', 'distinct', 'percentile', 'manual'] as const;

const Scalar = Type.Union([Type.String(), Type.Number(), Type.Boolean()]);

export const DurationSchema = Type.Object(
  {
    from: Path,
    to: Path,
    unit: Type.Union(DURATION_UNITS.map((u) => Type.Literal(u))),
  },
  { additionalProperties: false, description: 'to − from, in unit; the row is skipped when either is missing' },
);

/** A numeric value of a row: one attribute, or the time between two timestamp attributes. */
export const ValueExprSchema = Type.Object(
  { attribute: Type.Optional(Path), duration: Type.Optional(DurationSchema) },
  { additionalProperties: false, description: 'exactly one of attribute or duration' },
);

export const ConditionSchema = Type.Object(
  {
    attribute: Type.Optional(Path),
    duration: Type.Optional(DurationSchema),
    op: Type.Union(FILTER_OPS.map((o) => Type.Literal(o))),
    value: Type.Optional(Type.Union([Scalar, Type.Array(Scalar, { minItems: 1 })])),
  },
  { additionalProperties: false, description: 'exactly one of attribute or duration; value unless op is exists/missing' },
);

const sourceFields = {
  eventTypes: Type.Array(Code, { minItems: 1, uniqueItems: true }),
  filter: Type.Optional(Type.Array(ConditionSchema)),
  timeAttribute: Type.Optional(Path),
  forEach: Type.Optional(Path),
};

export const CountMeasureSchema = Type.Object({ kind: Type.Literal('count'), ...sourceFields }, { additionalProperties: false });
export const SumMeasureSchema = Type.Object(
  { kind: Type.Literal('sum'), ...sourceFields, of: ValueExprSchema },
  { additionalProperties: false },
);
export const AverageMeasureSchema = Type.Object(
  { kind: Type.Literal('average'), ...sourceFields, of: ValueExprSchema },
  { additionalProperties: false },
);
export const DistinctMeasureSchema = Type.Object(
  { kind: Type.Literal('distinct'), ...sourceFields, key: Path },
  { additionalProperties: false },
);
export const PercentileMeasureSchema = Type.Object(
  {
    kind: Type.Literal('percentile'),
    ...sourceFields,
    of: ValueExprSchema,
    quantile: Type.Number({ minimum: 0, maximum: 1 }),
  },
  { additionalProperties: false },
);

/** One side of a ratio: a count or sum over events, or the values of a manual indicator. */
export const RatioTermSchema = Type.Object(
  {
    aggregate: Type.Optional(Type.Union([Type.Literal('count'), Type.Literal('sum')])),
    eventTypes: Type.Optional(sourceFields.eventTypes),
    filter: sourceFields.filter,
    timeAttribute: sourceFields.timeAttribute,
    forEach: sourceFields.forEach,
    of: Type.Optional(ValueExprSchema),
    manualIndicator: Type.Optional(Code),
  },
  { additionalProperties: false, description: 'either { aggregate, eventTypes, … } or { manualIndicator }' },
);

export const RatioMeasureSchema = Type.Object(
  {
    kind: Type.Literal('ratio'),
    numerator: RatioTermSchema,
    denominator: RatioTermSchema,
    factor: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  },
  { additionalProperties: false },
);

export const ManualMeasureSchema = Type.Object(
  {
    kind: Type.Literal('manual'),
    rollup: Type.Union([Type.Literal('sum'), Type.Literal('avg'), Type.Literal('none')]),
  },
  { additionalProperties: false, description: 'values entered per org unit and period; how parents combine children' },
);

export const MEASURE_SCHEMAS: Readonly<Record<(typeof MEASURE_KINDS)[number], TSchema>> = {
  count: CountMeasureSchema,
  sum: SumMeasureSchema,
  average: AverageMeasureSchema,
  ratio: RatioMeasureSchema,
  distinct: DistinctMeasureSchema,
  percentile: PercentileMeasureSchema,
  manual: ManualMeasureSchema,
};

export const CATEGORIES = ['access', 'inpatient', 'money', 'pharmacy', 'service', 'call_center', 'online_offline', 'equipment', 'quality_cost', 'other'] as const;

const headerFields = {
  code: Code,
  version: Type.Integer({ minimum: 1 }),
  nameZh: Type.String({ minLength: 1, maxLength: 100 }),
  nameEn: Type.String({ minLength: 1, maxLength: 200 }),
  unit: Type.String({ minLength: 1, maxLength: 40 }),
  direction: Type.Union([Type.Literal('higher_better'), Type.Literal('lower_better'), Type.Literal('neutral')]),
  category: Type.Union(CATEGORIES.map((c) => Type.Literal(c))),
  description: Type.String({ maxLength: 2000 }),
  formula: Type.String({ minLength: 1, maxLength: 500 }),
};

/** The definition without its measure, validated first. */
export const DefinitionHeaderSchema = Type.Object({ ...headerFields, measure: Type.Unknown() }, { additionalProperties: false });

export const IndicatorDefinitionSchema = Type.Object(
  {
    ...headerFields,
    measure: Type.Union([
      CountMeasureSchema,
      SumMeasureSchema,
      AverageMeasureSchema,
      RatioMeasureSchema,
      DistinctMeasureSchema,
      PercentileMeasureSchema,
      ManualMeasureSchema,
    ]),
  },
  { $id: 'https://yunjian.dev/schema/indicator-definition.json', additionalProperties: false, title: 'Indicator definition' },
);

/** The definition as written (defaults not applied). */
export type IndicatorDefinitionInput = Static<typeof IndicatorDefinitionSchema>;
