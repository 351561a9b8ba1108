/**
 * The indicator benchmark's reference: an indicator definition written as one plain SQL aggregate
 * over the raw `event` table (events of the subtree joined to org_unit, the definition's event
 * types, filters, time attribute, forEach and measure translated to SQL, grouped by the local
 * period), i.e. the query one would run with no roll-ups to answer the same question. Only the
 * definition features the benchmark's indicators use are translated; anything else throws, so the
 * reference never silently answers a different question. The benchmark checks its answers against
 * the product's series.
 */
import type { Condition, IndicatorDefinition, RatioTerm, Source, ValueExpr } from '../src/indicators/definition.ts';
import type { Grain } from '../src/shared/index.ts';

export interface ReferenceQuery {
  readonly sql: string;
  readonly params: readonly unknown[];
}

const ENVELOPE_COLUMNS: Readonly<Record<string, string>> = { patient: 'e.patient', id: 'e.event_id', type: 'e.type' };
const UNIT_SECONDS = { seconds: 1, minutes: 60, hours: 3600, days: 86_400 } as const;
const SCALAR = "('string','number','boolean')";

class Params {
  readonly values: unknown[] = [];
  add(value: unknown, cast: string): string {
    this.values.push(value);
    return `$${String(this.values.length)}::${cast}`;
  }
}

/** A path as a jsonb expression, or null when it crosses an array outside forEach (handled by `anyOf`). */
function jsonOf(path: string, forEach: string | null): string | null {
  const segments = path.split('.');
  const [head, ...rest] = segments;
  if (head === undefined) throw new Error(`empty path`);
  if (forEach !== null && head === `${forEach}[]`) return rest.reduce((acc, s) => `(${acc} -> ${literal(s)})`, 'x.el');
  if (segments.some((s) => s.endsWith('[]'))) return null;
  if (rest.length === 0 && head === 'occurredAt') return "to_jsonb(to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'))";
  const column = rest.length === 0 ? ENVELOPE_COLUMNS[head] : undefined;
  if (column !== undefined) return `to_jsonb(${column})`;
  return segments.reduce((acc, s) => `(${acc} -> ${literal(s)})`, 'e.attributes');
}

function literal(s: string): string {
  if (!/^[A-Za-z0-9_]+$/.test(s)) throw new Error(`unsupported path segment ${s}`);
  return `'${s}'`;
}

const instantOf = (json: string): string => `(CASE WHEN jsonb_typeof(${json}) = 'string' THEN (${json} #>> '{}')::timestamptz END)`;

function requireSingle(path: string, forEach: string | null): string {
  const json = jsonOf(path, forEach);
  if (json === null) throw new Error(`reference: path ${path} crosses an array outside forEach`);
  return json;
}

/** A numeric SQL expression for a value expression (NULL where the product finds no single number). */
function numericOf(expr: ValueExpr, forEach: string | null, timeZone?: string): string {
  if (expr.kind === 'duration') {
    const from = instantOf(requireSingle(expr.from, forEach));
    const to = instantOf(requireSingle(expr.to, forEach));
    if (expr.unit !== 'bed_days') return `(extract(epoch FROM ${to} - ${from}) / ${String(UNIT_SECONDS[expr.unit])})`;
    if (timeZone === undefined || !/^[A-Za-z0-9_/+-]+$/.test(timeZone)) throw new Error('reference: bed_days needs the time zone');
    const local = (t: string) => `(${t} AT TIME ZONE '${timeZone}')::date`;
    return `(CASE WHEN ${to} >= ${from} THEN GREATEST(1, ${local(to)} - ${local(from)}) END)`;
  }
  const json = requireSingle(expr.attribute, forEach);
  return `(CASE WHEN jsonb_typeof(${json}) = 'number' THEN (${json})::numeric END)`;
}

/** A predicate on one jsonb value `v` (the product's `holds`). */
function holdsOn(v: string, c: Condition, p: Params): string {
  const { op, value } = c;
  switch (op) {
    case 'eq':
      return `${v} = ${p.add(JSON.stringify(value), 'jsonb')}`;
    case 'ne':
      return `(jsonb_typeof(${v}) IN ${SCALAR} AND ${v} <> ${p.add(JSON.stringify(value), 'jsonb')})`;
    case 'in':
      return `${v} = ANY(${p.add((value as readonly unknown[]).map((x) => JSON.stringify(x)), 'jsonb[]')})`;
    case 'nin':
      return `(jsonb_typeof(${v}) IN ${SCALAR} AND NOT ${v} = ANY(${p.add((value as readonly unknown[]).map((x) => JSON.stringify(x)), 'jsonb[]')}))`;
    case 'none_in':
      return `NOT coalesce(${v} = ANY(${p.add((value as readonly unknown[]).map((x) => JSON.stringify(x)), 'jsonb[]')}), false)`;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const sqlOp = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[op];
      if (typeof value !== 'number') throw new Error(`reference: ${op} on a non-number is not translated`);
      return `(jsonb_typeof(${v}) = 'number' AND (${v})::numeric ${sqlOp} ${p.add(value, 'numeric')})`;
    }
    case 'exists':
      return `(${v} IS NOT NULL AND jsonb_typeof(${v}) <> 'null')`;
    case 'missing':
      return `NOT (${v} IS NOT NULL AND jsonb_typeof(${v}) <> 'null')`;
  }
}

/** A filter condition (the product's `matches`: any reached value satisfies it; `missing` when none is reached). */
function conditionSql(c: Condition, forEach: string | null, p: Params): string {
  if (c.subject.kind === 'duration') {
    const d = numericOf(c.subject, forEach);
    if (c.op === 'exists') return `${d} IS NOT NULL`;
    if (c.op === 'missing') return `${d} IS NULL`;
    const sqlOp = { eq: '=', ne: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' }[c.op as 'eq'];
    if (typeof c.value !== 'number' || sqlOp === undefined) throw new Error(`reference: duration ${c.op} is not translated`);
    return `${d} ${sqlOp} ${p.add(c.value, 'numeric')}`;
  }
  const path = c.subject.attribute;
  const single = jsonOf(path, forEach);
  if (single !== null) return holdsOn(single, c, p);
  // items[].x outside forEach: any element's value.
  if (c.op === 'none_in') throw new Error(`reference: none_in across an array (${path}) is not translated`);
  const [arrayName, ...rest] = path.split('.');
  if (arrayName === undefined || !arrayName.endsWith('[]') || rest.some((s) => s.endsWith('[]'))) throw new Error(`reference: path ${path} is not translated`);
  const array = `(e.attributes -> ${literal(arrayName.slice(0, -2))})`;
  const element = rest.reduce((acc, s) => `(${acc} -> ${literal(s)})`, 'a.el');
  const elements = `jsonb_array_elements(CASE WHEN jsonb_typeof(${array}) = 'array' THEN ${array} ELSE '[]'::jsonb END) AS a(el)`;
  const anyHolds = `EXISTS (SELECT 1 FROM ${elements} WHERE ${holdsOn(element, { ...c, op: c.op === 'missing' ? 'exists' : c.op }, p)})`;
  return c.op === 'missing' ? `NOT ${anyHolds}` : anyHolds;
}

interface Scope {
  readonly grain: Grain;
  readonly timeZone: string;
  readonly path: string;
  readonly from: Date;
  readonly to: Date;
}

/** The rows of one source in the scope, grouped by period: `SELECT bucket, <aggregate> AS v …`. */
function sourceSql(source: Source, aggregate: (forEach: string | null) => string, scope: Scope, p: Params): string {
  const forEach = source.forEach;
  const at = source.timeAttribute === 'occurredAt' ? 'e.occurred_at' : instantOf(requireSingle(source.timeAttribute, forEach));
  const elements = forEach === null
    ? ''
    : ` CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(e.attributes -> ${literal(forEach)}) = 'array' THEN e.attributes -> ${literal(forEach)} ELSE '[]'::jsonb END) AS x(el)`;
  const where = [
    `o.path LIKE ${p.add(scope.path, 'text')} || '%'`,
    `e.type = ANY(${p.add(source.eventTypes, 'text[]')})`,
    `${at} >= ${p.add(scope.from.toISOString(), 'timestamptz')}`,
    `${at} < ${p.add(scope.to.toISOString(), 'timestamptz')}`,
    ...source.filter.map((c) => conditionSql(c, forEach, p)),
  ];
  const bucket = `date_trunc(${p.add(scope.grain, 'text')}, ${at}, ${p.add(scope.timeZone, 'text')})`;
  return `SELECT ${bucket} AS bucket, ${aggregate(forEach)} AS v
            FROM event e JOIN org_unit o ON o.id = e.org_unit_id${elements}
           WHERE ${where.join(' AND ')}
           GROUP BY 1`;
}

function termSql(term: RatioTerm, scope: Scope, p: Params): string {
  if (term.kind === 'manual') throw new Error('reference: manual ratio terms are not translated');
  const of = term.of;
  return sourceSql(term.source, (forEach) => (term.aggregate === 'count' ? 'count(*)::float8' : `coalesce(sum(${numericOf(of as ValueExpr, forEach, scope.timeZone)}), 0)::float8`), scope, p);
}

/**
 * The plain SQL computing `definition`'s value per period of `scope.grain` over [from, to) for the
 * subtree at `scope.path`; rows `(bucket timestamptz, value float8)`, periods without rows absent.
 */
export function referenceQuery(definition: IndicatorDefinition, scope: Scope): ReferenceQuery {
  const p = new Params();
  const m = definition.measure;
  let sql: string;
  switch (m.kind) {
    case 'count':
      sql = sourceSql(m.source, () => 'count(*)::float8', scope, p);
      break;
    case 'sum':
      sql = `SELECT bucket, v FROM (${sourceSql(m.source, (f) => `sum(${numericOf(m.of, f, scope.timeZone)})::float8`, scope, p)}) s WHERE v IS NOT NULL`;
      break;
    case 'average':
      sql = `SELECT bucket, v FROM (${sourceSql(m.source, (f) => `avg(${numericOf(m.of, f, scope.timeZone)})::float8`, scope, p)}) s WHERE v IS NOT NULL`;
      break;
    case 'distinct':
      sql = sourceSql(m.source, (f) => `count(DISTINCT ${requireSingle(m.key, f)} #>> '{}')::float8`, scope, p);
      break;
    case 'percentile': {
      const q = p.add(m.quantile, 'float8');
      sql = `SELECT bucket, v FROM (${sourceSql(m.source, (f) => `percentile_disc(${q}) WITHIN GROUP (ORDER BY ${numericOf(m.of, f, scope.timeZone)})::float8`, scope, p)}) s WHERE v IS NOT NULL`;
      break;
    }
    case 'ratio': {
      const num = termSql(m.numerator, scope, p);
      const den = termSql(m.denominator, scope, p);
      sql = `SELECT d.bucket, coalesce(n.v, 0) / d.v * ${p.add(m.factor, 'float8')} AS v
               FROM (${den}) d LEFT JOIN (${num}) n ON n.bucket = d.bucket
              WHERE d.v <> 0`;
      break;
    }
    case 'manual':
      throw new Error('reference: manual indicators have no events');
  }
  return { sql, params: p.values };
}
