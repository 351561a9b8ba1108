/**
 * Rule kinds as the editor shows them: a starting definition per kind (what "new rule from a
 * template" fills in) and the fields the form renders, each addressed by the JSON pointer the
 * server uses in its validation errors, so an error lands beside its input.
 */
export const RULE_KINDS = ['threshold', 'target_deviation', 'change', 'consecutive', 'window', 'anomaly', 'compliance', 'source_quality'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];
export const GRAINS = ['hour', 'day', 'week', 'month', 'quarter', 'year'] as const;
const OPS = ['>', '>=', '<', '<=', '==', '!='] as const;

export type FieldType = 'text' | 'textarea' | 'number' | 'integer' | 'select' | 'checkbox' | 'json' | 'list' | 'org' | 'indicator';

export interface FieldSpec {
  /** JSON pointer into the definition ('/scope/orgUnit'). */
  readonly path: string;
  readonly type: FieldType;
  readonly options?: readonly string[];
  /** Left out of the definition when empty. */
  readonly optional?: boolean;
  /** A select whose options are numbers. */
  readonly numeric?: boolean;
}

export type Definition = Record<string, unknown>;

const COMMON_HEAD: readonly FieldSpec[] = [
  { path: '/nameZh', type: 'text' }, { path: '/nameEn', type: 'text' },
  { path: '/scope/orgUnit', type: 'org' }, { path: '/scope/includeDescendants', type: 'checkbox' },
  { path: '/severity', type: 'select', options: ['1', '2', '3', '4'], numeric: true }, { path: '/category', type: 'text' },
];
const COMMON_TAIL: readonly FieldSpec[] = [
  { path: '/messageZh', type: 'textarea' }, { path: '/messageEn', type: 'textarea' },
  { path: '/missingData', type: 'select', options: ['skip', 'zero', 'alert'] }, { path: '/evaluateOpenPeriod', type: 'checkbox' },
  { path: '/forPeriods', type: 'integer', optional: true }, { path: '/forMinutes', type: 'number', optional: true },
  { path: '/hysteresis', type: 'json', optional: true }, { path: '/labels', type: 'json', optional: true },
];
const SERIES: readonly FieldSpec[] = [{ path: '/indicator', type: 'indicator' }, { path: '/grain', type: 'select', options: GRAINS }];
const OP: FieldSpec = { path: '/op', type: 'select', options: OPS };
const BOUND: FieldSpec = { path: '/bound', type: 'number' };
const ABSOLUTE: FieldSpec = { path: '/absolute', type: 'checkbox', optional: true };

const KIND_FIELDS: Readonly<Record<RuleKind, readonly FieldSpec[]>> = {
  threshold: [...SERIES, OP, BOUND, ABSOLUTE],
  target_deviation: [...SERIES, { path: '/measure', type: 'select', options: ['rate', 'difference'] }, { path: '/direction', type: 'select', options: ['above', 'below', 'either'] }, BOUND],
  change: [
    ...SERIES, { path: '/compareTo', type: 'select', options: ['previous', 'year_ago'] }, { path: '/measure', type: 'select', options: ['rate', 'difference'] },
    { path: '/direction', type: 'select', options: ['rise', 'fall', 'either'] }, BOUND,
  ],
  consecutive: [...SERIES, OP, BOUND, { path: '/periods', type: 'integer' }, ABSOLUTE],
  window: [...SERIES, { path: '/aggregate', type: 'select', options: ['avg', 'sum', 'min', 'max', 'cumulative_deviation'] }, { path: '/periods', type: 'integer' }, OP, BOUND, ABSOLUTE],
  anomaly: [...SERIES, { path: '/minScore', type: 'number' }, { path: '/direction', type: 'select', options: ['above', 'below', 'either'] }],
  compliance: [{ path: '/eventTypes', type: 'list' }, { path: '/match', type: 'json', optional: true }, { path: '/violation', type: 'json' }],
  source_quality: [
    { path: '/metric', type: 'select', options: ['silent_minutes', 'success_rate', 'invalid_share', 'on_time_rate'] }, OP, BOUND,
    { path: '/sources', type: 'list', optional: true },
  ],
};

export function isRuleKind(v: unknown): v is RuleKind {
  return typeof v === 'string' && (RULE_KINDS as readonly string[]).includes(v);
}

export function fieldsOf(kind: RuleKind): readonly FieldSpec[] {
  return [...COMMON_HEAD, ...KIND_FIELDS[kind], ...COMMON_TAIL];
}

/** A starting definition of `kind`: every required field set to a plain, valid value to edit. */
export function ruleTemplate(kind: RuleKind, code: string, scopeOrg: string): Definition {
  const common: Definition = {
    kind, code, nameZh: '新规则', nameEn: 'New rule', enabled: false, scope: { orgUnit: scopeOrg, includeDescendants: true }, severity: 3, category: 'operations',
    labels: {}, messageZh: '{{orgUnit}} 的 {{value}} 触发规则（阈值 {{bound}}）', messageEn: '{{orgUnit}}: {{value}} triggered the rule (bound {{bound}})',
    missingData: 'skip', evaluateOpenPeriod: false,
  };
  const series = { indicator: 'outpatient_visits', grain: 'day' };
  switch (kind) {
    case 'threshold': return { ...common, ...series, op: '>', bound: 100 };
    case 'target_deviation': return { ...common, ...series, measure: 'rate', direction: 'below', bound: 0.1 };
    case 'change': return { ...common, ...series, compareTo: 'previous', measure: 'rate', direction: 'either', bound: 0.3 };
    case 'consecutive': return { ...common, ...series, op: '>', bound: 100, periods: 3 };
    case 'window': return { ...common, ...series, aggregate: 'avg', periods: 7, op: '>', bound: 100 };
    case 'anomaly': return { ...common, ...series, minScore: 0.9, direction: 'either' };
    case 'compliance': return { ...common, category: 'compliance', eventTypes: ['prescription'], violation: { field: 'channel', op: '=', value: 'online' } };
    case 'source_quality': return { ...common, category: 'data_quality', metric: 'silent_minutes', op: '>', bound: 120 };
  }
}

/** The value at a JSON pointer, or undefined. */
export function valueAt(def: Definition, path: string): unknown {
  let node: unknown = def;
  for (const part of path.split('/').slice(1)) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** A copy of `def` with the value at `path` set (undefined removes it), creating objects on the way. */
export function withValueAt(def: Definition, path: string, value: unknown): Definition {
  const [head, ...rest] = path.split('/').slice(1);
  if (head === undefined) return def;
  if (rest.length === 0) {
    return value === undefined ? Object.fromEntries(Object.entries(def).filter(([k]) => k !== head)) : { ...def, [head]: value };
  }
  const out: Definition = { ...def };
  const child = out[head];
  out[head] = withValueAt(typeof child === 'object' && child !== null && !Array.isArray(child) ? (child as Definition) : {}, `/${rest.join('/')}`, value);
  return out;
}
