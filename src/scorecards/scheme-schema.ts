import { Type, type Static } from '@sinclair/typebox';

/**
 * The stored, admin-edited scorecard scheme format (考评方案, JSON). The shape is checked here;
 * the cross-field rules (weights summing to 100 %, floors below targets, grade bands in order,
 * keys that exist) are checked by `parseScheme`, which reports each error at its JSON pointer.
 */
const Key = Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$', description: 'snake_case key' });
const IndicatorCode = Type.String({ pattern: '^[a-z][a-z0-9_]{1,63}$', description: 'indicator code (work-order and complaint statistics are indicators too)' });
const Name = Type.String({ minLength: 1, maxLength: 100 });
const Points = Type.Number({ minimum: 0, maximum: 100 });
const Direction = Type.Union([Type.Literal('higher_better'), Type.Literal('lower_better')]);

export const SCHEME_GRAINS = ['month', 'quarter', 'year'] as const;
export const ITEM_ROLES = ['scored', 'observed', 'veto', 'downgrade'] as const;
export const CONDITION_OPS = ['gt', 'gte', 'lt', 'lte'] as const;

export const LinearMethodSchema = Type.Object({
  kind: Type.Literal('linear'),
  direction: Direction,
  floor: Type.Number({ description: 'value at or past which the item scores floorPoints' }),
  target: Type.Number({ description: 'value at or better than which the item scores 100' }),
  floorPoints: Type.Optional(Points),
}, { additionalProperties: false, description: 'points rise linearly from floor (floorPoints, default 0) to target (100)' });

export const BandsMethodSchema = Type.Object({
  kind: Type.Literal('bands'),
  direction: Direction,
  bands: Type.Array(Type.Object({ bound: Type.Number(), points: Points }, { additionalProperties: false }), { minItems: 1, maxItems: 20 }),
  otherwise: Type.Optional(Points),
}, { additionalProperties: false, description: 'the best band the value reaches (≥ bound when higher is better, ≤ bound when lower is better)' });

export const DeductionMethodSchema = Type.Object({
  kind: Type.Literal('deduction'),
  perOccurrence: Type.Number({ exclusiveMinimum: 0, maximum: 100, description: 'points of the total deducted per counted occurrence' }),
  cap: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100, description: 'most points deducted (default and at most the item weight)' })),
}, { additionalProperties: false, description: 'full marks minus perOccurrence × count, at most cap' });

export const MethodSchema = Type.Union([LinearMethodSchema, BandsMethodSchema, DeductionMethodSchema]);

export const ConditionSchema = Type.Object({
  op: Type.Union(CONDITION_OPS.map((o) => Type.Literal(o))),
  value: Type.Number(),
}, { additionalProperties: false });

export const SchemeItemSchema = Type.Object({
  key: Key,
  nameZh: Name,
  nameEn: Name,
  indicator: IndicatorCode,
  role: Type.Union(ITEM_ROLES.map((r) => Type.Literal(r))),
  category: Type.Optional(Key),
  weight: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100, description: 'points of the total (scored items of a category sum to its weight)' })),
  method: Type.Optional(MethodSchema),
  when: Type.Optional(ConditionSchema),
  levels: Type.Optional(Type.Union([Type.Literal(1), Type.Literal(2)])),
}, { additionalProperties: false });

export const GradeSchema = Type.Object({ key: Key, nameZh: Name, nameEn: Name, min: Points }, { additionalProperties: false });

export const HonourRuleSchema = Type.Union([
  Type.Object({ kind: Type.Literal('top'), n: Type.Integer({ minimum: 1, maximum: 100 }) }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('grade_streak'), grade: Key, periods: Type.Integer({ minimum: 1, maximum: 24 }) }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('red_flag') }, { additionalProperties: false }),
]);

export const WatchRuleSchema = Type.Union([
  Type.Object({ kind: Type.Literal('grade'), grade: Key }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('bottom'), n: Type.Integer({ minimum: 1, maximum: 100 }) }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('worsening'), periods: Type.Integer({ minimum: 1, maximum: 24 }) }, { additionalProperties: false }),
]);

export const SchemeDefinitionSchema = Type.Object({
  code: Key,
  nameZh: Name,
  nameEn: Name,
  grain: Type.Union(SCHEME_GRAINS.map((g) => Type.Literal(g))),
  settleDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 90, description: 'days after the period end before its results are final (default 3)' })),
  categories: Type.Array(Type.Object({ key: Key, nameZh: Name, nameEn: Name, weight: Type.Number({ exclusiveMinimum: 0, maximum: 100 }) }, { additionalProperties: false }), { minItems: 1, maxItems: 20 }),
  items: Type.Array(SchemeItemSchema, { minItems: 1, maxItems: 200 }),
  grades: Type.Optional(Type.Array(GradeSchema, { minItems: 2, maxItems: 10 })),
  boards: Type.Optional(Type.Object({
    honour: Type.Array(HonourRuleSchema, { maxItems: 10 }),
    watch: Type.Array(WatchRuleSchema, { maxItems: 10 }),
  }, { additionalProperties: false })),
}, { additionalProperties: false });

export type SchemeDefinitionInput = Static<typeof SchemeDefinitionSchema>;
