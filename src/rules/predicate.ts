import { Type, type TSchema } from '@sinclair/typebox';

/**
 * The small predicate language of compliance rules (事中控制). A predicate is judged against one
 * event, with the related events the engine fetched for it, at `now`. The answer is three-valued:
 * true, false, or pending until an instant, because "no pharmacist review 30 minutes after issue"
 * cannot be decided before those 30 minutes have passed.
 */
export type Scalar = string | number | boolean;

export type ComparisonOp = '=' | '!=' | '>' | '>=' | '<' | '<=' | 'in' | 'not_in' | 'exists' | 'not_exists';

export interface Comparison {
  readonly field: string;
  readonly op: ComparisonOp;
  readonly value?: Scalar | readonly Scalar[];
}

export interface MissingWithin {
  /** Time field that must be present and not later than `from` + `minutes`. */
  readonly field: string;
  readonly minutes: number;
  /** Time field the window starts at; `occurredAt` when absent. */
  readonly from?: string;
}

export interface RelatedExists {
  readonly type: string;
  /** Field whose value must be equal on both events; `patient` when absent. */
  readonly join?: string;
  readonly beforeMinutes?: number;
  readonly afterMinutes?: number;
  readonly where?: Predicate;
}

export type Predicate =
  | Comparison
  | { readonly all: readonly Predicate[] }
  | { readonly any: readonly Predicate[] }
  | { readonly not: Predicate }
  | { readonly some: { readonly field: string; readonly where: Predicate } }
  | { readonly missingWithin: MissingWithin }
  | { readonly relatedExists: RelatedExists };

/** The event shape rules read; ingest's Event is assignable to it. */
export interface RuleEvent {
  readonly id: string;
  readonly type: string;
  readonly orgUnit: string;
  readonly occurredAt: string;
  readonly patient?: string | null;
  readonly sourceId?: string;
  readonly attributes: Readonly<Record<string, unknown>>;
}

/** true / false, or undecided until the instant (ms since epoch) when the scheduler should re-check. */
export type Truth = boolean | { readonly pendingUntil: number };

const OPS: readonly ComparisonOp[] = ['=', '!=', '>', '>=', '<', '<=', 'in', 'not_in', 'exists', 'not_exists'];
const FIELD = Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*$' });
const SCALAR = Type.Union([Type.String(), Type.Number(), Type.Boolean()]);
const MINUTES = Type.Number({ minimum: 0, maximum: 5_256_000 });
const strict = { additionalProperties: false } as const;

/** JSON schema of a predicate (recursive), for the API and for saving rules. */
export const PredicateSchema = Type.Recursive(
  (self: TSchema) =>
    Type.Union([
      Type.Object(
        {
          field: FIELD,
          op: Type.Union(OPS.map((op) => Type.Literal(op))),
          value: Type.Optional(Type.Union([SCALAR, Type.Array(SCALAR, { minItems: 1 })])),
        },
        strict,
      ),
      Type.Object({ all: Type.Array(self, { minItems: 1 }) }, strict),
      Type.Object({ any: Type.Array(self, { minItems: 1 }) }, strict),
      Type.Object({ not: self }, strict),
      Type.Object({ some: Type.Object({ field: FIELD, where: self }, strict) }, strict),
      Type.Object(
        { missingWithin: Type.Object({ field: FIELD, minutes: Type.Number({ exclusiveMinimum: 0, maximum: 5_256_000 }), from: Type.Optional(FIELD) }, strict) },
        strict,
      ),
      Type.Object(
        {
          relatedExists: Type.Object(
            {
              type: Type.String({ minLength: 1 }),
              join: Type.Optional(FIELD),
              beforeMinutes: Type.Optional(MINUTES),
              afterMinutes: Type.Optional(MINUTES),
              where: Type.Optional(self),
            },
            strict,
          ),
        },
        strict,
      ),
    ]),
  { $id: 'RulePredicate' },
);

export interface PathError {
  readonly path: string;
  readonly message: string;
}

/** Checks what the schema cannot: the value's shape must fit the operator. Assumes a schema-valid predicate. */
export function checkPredicate(p: Predicate, path: string): readonly PathError[] {
  if ('all' in p) return p.all.flatMap((q, i) => checkPredicate(q, `${path}/all/${i}`));
  if ('any' in p) return p.any.flatMap((q, i) => checkPredicate(q, `${path}/any/${i}`));
  if ('not' in p) return checkPredicate(p.not, `${path}/not`);
  if ('some' in p) return checkPredicate(p.some.where, `${path}/some/where`);
  if ('missingWithin' in p) return [];
  if ('relatedExists' in p) return p.relatedExists.where ? checkPredicate(p.relatedExists.where, `${path}/relatedExists/where`) : [];
  const isList = Array.isArray(p.value);
  if (p.op === 'exists' || p.op === 'not_exists') {
    return p.value === undefined ? [] : [{ path: `${path}/value`, message: `operator ${p.op} takes no value` }];
  }
  if (p.op === 'in' || p.op === 'not_in') {
    return isList ? [] : [{ path: `${path}/value`, message: `operator ${p.op} needs a list of values` }];
  }
  if (p.value === undefined || isList) return [{ path: `${path}/value`, message: `operator ${p.op} needs one value` }];
  return [];
}

const TOP_LEVEL = new Set(['id', 'type', 'orgUnit', 'occurredAt', 'patient', 'sourceId']);

function getPath(root: unknown, path: string): unknown {
  let cur: unknown = root;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Readonly<Record<string, unknown>>)[part];
  }
  return cur;
}

/** Reads an event field: the envelope fields by name, anything else from attributes (`attributes.` optional). */
export function eventField(event: RuleEvent, path: string): unknown {
  if (TOP_LEVEL.has(path)) return (event as unknown as Readonly<Record<string, unknown>>)[path];
  return getPath(event.attributes, path.startsWith('attributes.') ? path.slice('attributes.'.length) : path);
}

function isMissing(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

function compareScalar(actual: unknown, op: ComparisonOp, expected: Scalar | readonly Scalar[] | undefined): boolean {
  // Missing fields satisfy only the negative operators: a check on an absent attribute never passes.
  if (isMissing(actual)) return op === '!=' || op === 'not_in' || op === 'not_exists';
  switch (op) {
    case 'exists':
      return true;
    case 'not_exists':
      return false;
    case 'in':
    case 'not_in': {
      const hit = Array.isArray(expected) && expected.includes(actual);
      return op === 'in' ? hit : !hit;
    }
    case '=':
      return actual === expected;
    case '!=':
      return actual !== expected;
    case '>':
    case '>=':
    case '<':
    case '<=':
      return ordered(actual, op, expected);
  }
}

function ordered(a: unknown, op: '>' | '>=' | '<' | '<=', b: unknown): boolean {
  let sign: number;
  if (typeof a === 'number' && typeof b === 'number') sign = Math.sign(a - b);
  else if (typeof a === 'string' && typeof b === 'string') sign = a < b ? -1 : a > b ? 1 : 0;
  else return false;
  if (op === '>') return sign > 0;
  if (op === '>=') return sign >= 0;
  if (op === '<') return sign < 0;
  return sign <= 0;
}

export function timeOf(v: unknown): number | null {
  if (typeof v !== 'string' && typeof v !== 'number') return null;
  const t = typeof v === 'number' ? v : Date.parse(v);
  return Number.isFinite(t) ? t : null;
}

function and(parts: readonly Truth[]): Truth {
  if (parts.includes(false)) return false;
  const pending = parts.filter((p): p is { pendingUntil: number } => typeof p === 'object');
  return pending.length === 0 ? true : { pendingUntil: Math.min(...pending.map((p) => p.pendingUntil)) };
}

function or(parts: readonly Truth[]): Truth {
  if (parts.includes(true)) return true;
  const pending = parts.filter((p): p is { pendingUntil: number } => typeof p === 'object');
  return pending.length === 0 ? false : { pendingUntil: Math.min(...pending.map((p) => p.pendingUntil)) };
}

interface Subject {
  readonly read: (path: string) => unknown;
  readonly event: RuleEvent;
}

function judge(p: Predicate, s: Subject, related: readonly RuleEvent[], now: number): Truth {
  if ('all' in p) return and(p.all.map((q) => judge(q, s, related, now)));
  if ('any' in p) return or(p.any.map((q) => judge(q, s, related, now)));
  if ('not' in p) {
    const t = judge(p.not, s, related, now);
    return typeof t === 'boolean' ? !t : t;
  }
  if ('some' in p) {
    const items = s.read(p.some.field);
    if (!Array.isArray(items)) return false;
    return or(items.map((item: unknown) => judge(p.some.where, { read: (path) => getPath(item, path), event: s.event }, related, now)));
  }
  if ('missingWithin' in p) return judgeMissingWithin(p.missingWithin, s, now);
  if ('relatedExists' in p) return judgeRelated(p.relatedExists, s.event, related, now);
  return compareScalar(s.read(p.field), p.op, p.value);
}

function judgeMissingWithin(m: MissingWithin, s: Subject, now: number): Truth {
  const start = timeOf(s.read(m.from ?? 'occurredAt'));
  if (start === null) return false;
  const deadline = start + m.minutes * 60_000;
  const done = timeOf(s.read(m.field));
  if (done !== null) return done > deadline;
  return now < deadline ? { pendingUntil: deadline } : true;
}

function judgeRelated(r: RelatedExists, event: RuleEvent, related: readonly RuleEvent[], now: number): Truth {
  const join = r.join ?? 'patient';
  const key = eventField(event, join);
  const at = timeOf(event.occurredAt);
  if (isMissing(key) || at === null) return false;
  const from = at - (r.beforeMinutes ?? 0) * 60_000;
  const to = at + (r.afterMinutes ?? 0) * 60_000;
  const found = related.some((e) => {
    const t = timeOf(e.occurredAt);
    if (e.id === event.id || e.type !== r.type || t === null || t < from || t > to) return false;
    if (eventField(e, join) !== key) return false;
    return r.where === undefined || judge(r.where, { read: (path) => eventField(e, path), event: e }, [], now) === true;
  });
  if (found) return true;
  return now < to ? { pendingUntil: to } : false;
}

/** Judges `p` on `event`; `related` holds the events the engine fetched for relatedExists clauses. */
export function evaluatePredicate(p: Predicate, event: RuleEvent, related: readonly RuleEvent[], now: Date): Truth {
  return judge(p, { read: (path) => eventField(event, path), event }, related, now.getTime());
}

/** The related-event lookups a predicate needs, so the engine can fetch exactly those. */
export function relatedLookups(p: Predicate): readonly RelatedExists[] {
  if ('all' in p) return p.all.flatMap(relatedLookups);
  if ('any' in p) return p.any.flatMap(relatedLookups);
  if ('not' in p) return relatedLookups(p.not);
  if ('relatedExists' in p) return [p.relatedExists];
  return [];
}
