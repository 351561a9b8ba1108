import { bucketStart, DEFAULT_TIME_ZONE } from '../shared/period.ts';
import type { Condition, Scalar, Source, ValueExpr } from './definition.ts';

/**
 * Turning one event into the rows an indicator source counts: filter matching, attribute paths,
 * durations and the timestamp that places a row in time. The event shape is structural so any
 * module's normalised event fits: the envelope fields (type, occurredAt, patient, orgUnit, id) are
 * read first, everything else from `attributes`.
 */
export interface IndicatorEvent {
  readonly type: string;
  /** A Date, or the canonical UTC ISO-8601 string ingest stores. */
  readonly occurredAt: Date | string;
  readonly patient?: string | null;
  readonly orgUnit?: string;
  readonly id?: string;
  readonly attributes: Readonly<Record<string, unknown>>;
}

export interface Row {
  readonly event: IndicatorEvent;
  /** The current array element when the source has forEach. */
  readonly element: unknown;
}

const ENVELOPE = new Set(['type', 'occurredAt', 'patient', 'orgUnit', 'id']);

const UNIT_MS = { seconds: 1_000, minutes: 60_000, hours: 3_600_000, days: 86_400_000 } as const;
const DAY_MS = 86_400_000;

/**
 * Bed-days of a stay (出院者占用床日数): discharge date − admission date in local dates of the
 * group's zone, a stay admitted and discharged on the same day counting one; null when the
 * discharge precedes the admission.
 */
export function bedDays(from: Date, to: Date, timeZone: string): number | null {
  if (to.getTime() < from.getTime()) return null;
  // Local midnights are whole days apart except across a DST change, which rounding absorbs.
  const days = Math.round((bucketStart(to, 'day', timeZone).getTime() - bucketStart(from, 'day', timeZone).getTime()) / DAY_MS);
  return Math.max(1, days);
}

interface Segment {
  readonly name: string;
  readonly each: boolean;
}

const segmentCache = new Map<string, readonly Segment[]>();

function segmentsOf(path: string): readonly Segment[] {
  let segments = segmentCache.get(path);
  if (!segments) {
    segments = path.split('.').map((s) => (s.endsWith('[]') ? { name: s.slice(0, -2), each: true } : { name: s, each: false }));
    segmentCache.set(path, segments);
  }
  return segments;
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[name] : undefined;
}

function walk(values: readonly unknown[], segments: readonly Segment[]): readonly unknown[] {
  let current = values;
  for (const segment of segments) {
    const next: unknown[] = [];
    for (const value of current) {
      const child = field(value, segment.name);
      if (segment.each) {
        if (Array.isArray(child)) next.push(...(child as unknown[]));
      } else if (child !== undefined && child !== null) {
        next.push(child);
      }
    }
    current = next;
  }
  return current;
}

/** Every value a path reaches in a row (several when it crosses an array outside forEach). */
export function resolvePath(row: Row, path: string, forEach: string | null): readonly unknown[] {
  const segments = segmentsOf(path);
  const [head, ...rest] = segments;
  if (!head) return [];
  if (forEach !== null && head.each && head.name === forEach) return walk([row.element], rest);
  if (rest.length === 0 && !head.each && ENVELOPE.has(head.name)) {
    const value = (row.event as unknown as Record<string, unknown>)[head.name];
    return value === undefined || value === null ? [] : [value];
  }
  return walk([row.event.attributes], segments);
}

/** A timestamp attribute as an instant: a Date or an ISO-8601 string; null otherwise. */
export function toInstant(value: unknown): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value !== 'string') return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms);
}

function single(row: Row, path: string, forEach: string | null): unknown {
  const values = resolvePath(row, path, forEach);
  return values.length === 1 ? values[0] : undefined;
}

/** The values of an expression in a row: numbers only; a duration needs both timestamps. */
function valuesOf(row: Row, expr: ValueExpr, forEach: string | null, timeZone: string): readonly unknown[] {
  if (expr.kind === 'attribute') return resolvePath(row, expr.attribute, forEach);
  const from = toInstant(single(row, expr.from, forEach));
  const to = toInstant(single(row, expr.to, forEach));
  if (!from || !to) return [];
  if (expr.unit !== 'bed_days') return [(to.getTime() - from.getTime()) / UNIT_MS[expr.unit]];
  const days = bedDays(from, to, timeZone);
  return days === null ? [] : [days];
}

/** The single numeric value of an expression, or null (missing, several, or not a finite number). */
export function numericValue(row: Row, expr: ValueExpr, forEach: string | null, timeZone: string = DEFAULT_TIME_ZONE): number | null {
  const values = valuesOf(row, expr, forEach, timeZone);
  const [value] = values;
  return values.length === 1 && typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function comparable(value: unknown): number | string | boolean | null {
  if (value instanceof Date) return value.getTime();
  return typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean' ? value : null;
}

function compare(actual: number | string | boolean, expected: Scalar): number | null {
  if (typeof actual === 'number' && typeof expected === 'string') {
    const ms = Date.parse(expected);
    return Number.isNaN(ms) ? null : actual - ms;
  }
  if (typeof actual !== typeof expected || typeof actual === 'boolean') return null;
  if (actual === expected) return 0;
  return actual < expected ? -1 : 1;
}

function holds(actual: unknown, condition: Condition): boolean {
  const a = comparable(actual);
  if (a === null) return false;
  const { op, value } = condition;
  const list = Array.isArray(value) ? (value as readonly Scalar[]) : [];
  switch (op) {
    case 'eq':
      return a === value;
    case 'ne':
      return a !== value;
    case 'in':
      return list.includes(a);
    case 'nin':
      return !list.includes(a);
    case 'none_in':
      return !list.includes(a);
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const c = compare(a, value as Scalar);
      if (c === null) return false;
      return op === 'gt' ? c > 0 : op === 'gte' ? c >= 0 : op === 'lt' ? c < 0 : c <= 0;
    }
    case 'exists':
    case 'missing':
      return true;
  }
}

/**
 * A condition holds when ANY value its path reaches satisfies it; `missing` holds when none is
 * reached, `exists` when at least one is. A row lacking the attribute fails every other op
 * (including `ne` and `nin`), so "ne x" means "present and different"; `none_in` holds when no
 * value reached is in the list, so a row lacking the attribute passes it.
 */
export function matches(row: Row, condition: Condition, forEach: string | null, timeZone: string = DEFAULT_TIME_ZONE): boolean {
  const values = valuesOf(row, condition.subject, forEach, timeZone);
  if (condition.op === 'missing') return values.length === 0;
  if (condition.op === 'none_in') return values.every((v) => holds(v, condition));
  return values.some((v) => holds(v, condition));
}

/** The rows of an event for a source, each with the instant that places it in time. */
export function rowsOf(source: Source, event: IndicatorEvent, timeZone: string = DEFAULT_TIME_ZONE): readonly { readonly row: Row; readonly at: Date }[] {
  if (!source.eventTypes.includes(event.type)) return [];
  const base: Row = { event, element: undefined };
  const elements = source.forEach === null ? [undefined] : resolvePath(base, `${source.forEach}[]`, null);
  const out: { row: Row; at: Date }[] = [];
  for (const element of elements) {
    const row: Row = { event, element };
    if (!source.filter.every((c) => matches(row, c, source.forEach, timeZone))) continue;
    const at = toInstant(single(row, source.timeAttribute, source.forEach));
    if (at) out.push({ row, at });
  }
  return out;
}
