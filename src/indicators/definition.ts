import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import {
  CATEGORIES,
  DefinitionHeaderSchema,
  DURATION_UNITS,
  FILTER_OPS,
  MEASURE_KINDS,
  MEASURE_SCHEMAS,
} from './definition-schema.ts';

/**
 * Parsed indicator definitions: a discriminated union by measure kind with every default applied.
 * `parseIndicatorDefinition` is the only way to obtain one from stored JSON; it refuses an invalid
 * definition with errors that each point at a field (JSON pointer) and say what is allowed.
 */
export type FilterOp = (typeof FILTER_OPS)[number];
export type DurationUnit = (typeof DURATION_UNITS)[number];
export type Scalar = string | number | boolean;
export type Direction = 'higher_better' | 'lower_better' | 'neutral';
export type Category = (typeof CATEGORIES)[number];

export type ValueExpr =
  | { readonly kind: 'attribute'; readonly attribute: string }
  | { readonly kind: 'duration'; readonly from: string; readonly to: string; readonly unit: DurationUnit };

export interface Condition {
  readonly subject: ValueExpr;
  readonly op: FilterOp;
  /** Absent for exists/missing; an array for in/nin; a scalar otherwise. */
  readonly value: Scalar | readonly Scalar[] | null;
}

/** Which events (or array elements, with forEach) are rows, and which timestamp places them in time. */
export interface Source {
  readonly eventTypes: readonly string[];
  readonly filter: readonly Condition[];
  readonly timeAttribute: string;
  readonly forEach: string | null;
}

export type RatioTerm =
  | { readonly kind: 'events'; readonly aggregate: 'count' | 'sum'; readonly source: Source; readonly of: ValueExpr | null }
  | { readonly kind: 'manual'; readonly indicator: string };

export type Measure =
  | { readonly kind: 'count'; readonly source: Source }
  | { readonly kind: 'sum'; readonly source: Source; readonly of: ValueExpr }
  | { readonly kind: 'average'; readonly source: Source; readonly of: ValueExpr }
  | { readonly kind: 'distinct'; readonly source: Source; readonly key: string }
  | { readonly kind: 'percentile'; readonly source: Source; readonly of: ValueExpr; readonly quantile: number }
  | { readonly kind: 'ratio'; readonly numerator: RatioTerm; readonly denominator: RatioTerm; readonly factor: number }
  | { readonly kind: 'manual'; readonly rollup: 'sum' | 'avg' | 'none' };

export type MeasureKind = Measure['kind'];

export interface IndicatorDefinition {
  readonly code: string;
  readonly version: number;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly unit: string;
  readonly direction: Direction;
  readonly category: Category;
  readonly description: string;
  readonly formula: string;
  readonly measure: Measure;
}

export interface DefinitionError {
  /** JSON pointer to the offending field, e.g. '/measure/numerator/filter/0/op'. */
  readonly path: string;
  readonly message: string;
}

export type ParseResult =
  | { readonly ok: true; readonly definition: IndicatorDefinition }
  | { readonly ok: false; readonly errors: readonly DefinitionError[] };

const ENUM_MESSAGES: Readonly<Record<string, string>> = {
  op: `must be one of ${FILTER_OPS.join(', ')}`,
  unit: `must be one of ${DURATION_UNITS.join(', ')}`,
  direction: 'must be one of higher_better, lower_better, neutral',
  category: `must be one of ${CATEGORIES.join(', ')}`,
  rollup: 'must be one of sum, avg, none',
  aggregate: 'must be one of count, sum',
};

type Json = Readonly<Record<string, unknown>>;

function schemaErrors(schema: TSchema, value: unknown, prefix: string): DefinitionError[] {
  const seen = new Set<string>();
  const out: DefinitionError[] = [];
  for (const error of Value.Errors(schema, value)) {
    const path = prefix + error.path;
    if (seen.has(path)) continue;
    seen.add(path);
    const field = error.path.split('/').pop() ?? '';
    out.push({ path, message: ENUM_MESSAGES[field] ?? error.message });
  }
  return out;
}

function valueExprOf(raw: Json, path: string, errors: DefinitionError[]): ValueExpr | null {
  const attribute = raw['attribute'];
  const duration = raw['duration'] as Json | undefined;
  if ((attribute === undefined) === (duration === undefined)) {
    errors.push({ path, message: 'must have exactly one of attribute or duration' });
    return null;
  }
  if (typeof attribute === 'string') return { kind: 'attribute', attribute };
  const d = duration ?? {};
  return { kind: 'duration', from: String(d['from']), to: String(d['to']), unit: d['unit'] as DurationUnit };
}

function conditionOf(raw: Json, path: string, errors: DefinitionError[]): Condition | null {
  const subject = valueExprOf(raw, path, errors);
  const op = raw['op'] as FilterOp;
  const value = raw['value'] as Scalar | readonly Scalar[] | undefined;
  const needsNoValue = op === 'exists' || op === 'missing';
  const needsList = op === 'in' || op === 'nin' || op === 'none_in';
  const needsOrdered = op === 'gt' || op === 'gte' || op === 'lt' || op === 'lte';
  if (needsNoValue && value !== undefined) errors.push({ path: `${path}/value`, message: `must be absent for op ${op}` });
  else if (!needsNoValue && value === undefined) errors.push({ path: `${path}/value`, message: `is required for op ${op}` });
  else if (needsList && !Array.isArray(value)) errors.push({ path: `${path}/value`, message: `must be a non-empty array for op ${op}` });
  else if (!needsList && Array.isArray(value)) errors.push({ path: `${path}/value`, message: `must be a single value for op ${op}` });
  else if (needsOrdered && typeof value === 'boolean') errors.push({ path: `${path}/value`, message: `must be a number or string for op ${op}` });
  if (subject?.kind === 'duration' && value !== undefined && !needsNoValue && [value].flat().some((v) => typeof v !== 'number')) {
    errors.push({ path: `${path}/value`, message: 'must be numeric when comparing a duration' });
  }
  return subject ? { subject, op, value: value ?? null } : null;
}

function sourceOf(raw: Json, path: string, errors: DefinitionError[]): Source {
  const forEach = typeof raw['forEach'] === 'string' ? raw['forEach'] : null;
  if (forEach?.includes('[]')) errors.push({ path: `${path}/forEach`, message: "must name the array itself, without '[]'" });
  const rawFilter = (raw['filter'] ?? []) as readonly Json[];
  const filter = rawFilter.flatMap((c, i) => conditionOf(c, `${path}/filter/${i}`, errors) ?? []);
  return {
    eventTypes: raw['eventTypes'] as readonly string[],
    filter,
    timeAttribute: typeof raw['timeAttribute'] === 'string' ? raw['timeAttribute'] : 'occurredAt',
    forEach,
  };
}

function ratioTermOf(raw: Json, path: string, errors: DefinitionError[]): RatioTerm | null {
  const manual = raw['manualIndicator'];
  const eventKeys = ['aggregate', 'eventTypes', 'filter', 'timeAttribute', 'forEach', 'of'].filter((k) => raw[k] !== undefined);
  if (typeof manual === 'string') {
    if (eventKeys.length > 0) errors.push({ path: `${path}/${eventKeys[0] ?? ''}`, message: 'must be absent when manualIndicator is set' });
    return { kind: 'manual', indicator: manual };
  }
  const aggregate = raw['aggregate'] as 'count' | 'sum' | undefined;
  if (aggregate === undefined) errors.push({ path: `${path}/aggregate`, message: 'is required (count or sum) unless manualIndicator is set' });
  if (raw['eventTypes'] === undefined) errors.push({ path: `${path}/eventTypes`, message: 'is required unless manualIndicator is set' });
  if (aggregate === 'sum' && raw['of'] === undefined) errors.push({ path: `${path}/of`, message: 'is required when aggregate is sum' });
  if (aggregate === 'count' && raw['of'] !== undefined) errors.push({ path: `${path}/of`, message: 'must be absent when aggregate is count' });
  if (aggregate === undefined || raw['eventTypes'] === undefined) return null;
  const of = raw['of'] === undefined ? null : valueExprOf(raw['of'] as Json, `${path}/of`, errors);
  return { kind: 'events', aggregate, source: sourceOf(raw, path, errors), of };
}

function measureOf(raw: Json, errors: DefinitionError[]): Measure | null {
  const kind = raw['kind'] as MeasureKind;
  const source = (): Source => sourceOf(raw, '/measure', errors);
  const of = (): ValueExpr | null => valueExprOf(raw['of'] as Json, '/measure/of', errors);
  switch (kind) {
    case 'count':
      return { kind, source: source() };
    case 'sum':
    case 'average': {
      const value = of();
      return value ? { kind, source: source(), of: value } : null;
    }
    case 'distinct':
      return { kind, source: source(), key: raw['key'] as string };
    case 'percentile': {
      const value = of();
      return value ? { kind, source: source(), of: value, quantile: raw['quantile'] as number } : null;
    }
    case 'ratio': {
      const numerator = ratioTermOf(raw['numerator'] as Json, '/measure/numerator', errors);
      const denominator = ratioTermOf(raw['denominator'] as Json, '/measure/denominator', errors);
      const factor = typeof raw['factor'] === 'number' ? raw['factor'] : 1;
      return numerator && denominator ? { kind, numerator, denominator, factor } : null;
    }
    case 'manual':
      return { kind, rollup: raw['rollup'] as 'sum' | 'avg' | 'none' };
  }
}

/** Validates stored JSON into a definition, or lists every problem with the field it concerns. */
export function parseIndicatorDefinition(json: unknown): ParseResult {
  const headerErrors = schemaErrors(DefinitionHeaderSchema, json, '');
  const root = (typeof json === 'object' && json !== null ? json : {}) as Json;
  const rawMeasure = root['measure'];
  if (typeof rawMeasure !== 'object' || rawMeasure === null || Array.isArray(rawMeasure)) {
    return { ok: false, errors: [...headerErrors.filter((e) => e.path !== '/measure'), { path: '/measure', message: 'must be an object' }] };
  }
  const measureJson = rawMeasure as Json;
  const kind = measureJson['kind'];
  if (typeof kind !== 'string' || !(MEASURE_KINDS as readonly string[]).includes(kind)) {
    return { ok: false, errors: [...headerErrors, { path: '/measure/kind', message: `must be one of ${MEASURE_KINDS.join(', ')}` }] };
  }
  const shapeErrors = schemaErrors(MEASURE_SCHEMAS[kind as MeasureKind], measureJson, '/measure');
  if (shapeErrors.length > 0) return { ok: false, errors: [...headerErrors, ...shapeErrors] };
  // The measure's shape is valid, so its cross-field rules can be checked even if the header is not.
  const semanticErrors: DefinitionError[] = [];
  const measure = measureOf(measureJson, semanticErrors);
  if (!measure || headerErrors.length > 0 || semanticErrors.length > 0) return { ok: false, errors: [...headerErrors, ...semanticErrors] };
  const header = root as Omit<IndicatorDefinition, 'measure'>;
  return {
    ok: true,
    definition: {
      code: header.code,
      version: header.version,
      nameZh: header.nameZh,
      nameEn: header.nameEn,
      unit: header.unit,
      direction: header.direction,
      category: header.category,
      description: header.description,
      formula: header.formula,
      measure,
    },
  };
}

/** The codes of manual indicators a definition reads (a ratio with a manual denominator, say). */
export function manualInputsOf(definition: IndicatorDefinition): readonly string[] {
  const m = definition.measure;
  if (m.kind === 'manual') return [definition.code];
  if (m.kind !== 'ratio') return [];
  return [m.numerator, m.denominator].flatMap((t) => (t.kind === 'manual' ? [t.indicator] : []));
}
