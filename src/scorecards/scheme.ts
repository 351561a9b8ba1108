import { Value } from '@sinclair/typebox/value';
import { SchemeDefinitionSchema, type SchemeDefinitionInput } from './scheme-schema.ts';

/**
 * Parsed scorecard schemes: every default applied, every cross-field rule checked. `parseScheme`
 * is the only way to obtain a `Scheme` from stored or submitted JSON; an invalid one is refused
 * with errors that each point at a field.
 */
export type SchemeGrain = SchemeDefinitionInput['grain'];
export type ScoreDirection = 'higher_better' | 'lower_better';
export type ConditionOp = 'gt' | 'gte' | 'lt' | 'lte';

export type ScoringMethod =
  | { readonly kind: 'linear'; readonly direction: ScoreDirection; readonly floor: number; readonly target: number; readonly floorPoints: number }
  | { readonly kind: 'bands'; readonly direction: ScoreDirection; readonly bands: readonly { readonly bound: number; readonly points: number }[]; readonly otherwise: number }
  | { readonly kind: 'deduction'; readonly perOccurrence: number; readonly cap: number };

export interface Condition {
  readonly op: ConditionOp;
  readonly value: number;
}

interface ItemBase {
  readonly key: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly indicator: string;
}

export type SchemeItem =
  | (ItemBase & { readonly role: 'scored'; readonly category: string; readonly weight: number; readonly method: ScoringMethod })
  | (ItemBase & { readonly role: 'observed' })
  | (ItemBase & { readonly role: 'veto'; readonly when: Condition })
  | (ItemBase & { readonly role: 'downgrade'; readonly when: Condition; readonly levels: 1 | 2 });

export interface Category {
  readonly key: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly weight: number;
}

export interface GradeBand {
  readonly key: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly min: number;
}

export type HonourRule = { readonly kind: 'top'; readonly n: number } | { readonly kind: 'grade_streak'; readonly grade: string; readonly periods: number } | { readonly kind: 'red_flag' };
export type WatchRule = { readonly kind: 'grade'; readonly grade: string } | { readonly kind: 'bottom'; readonly n: number } | { readonly kind: 'worsening'; readonly periods: number };

export interface Scheme {
  readonly code: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly grain: SchemeGrain;
  readonly settleDays: number;
  readonly categories: readonly Category[];
  readonly items: readonly SchemeItem[];
  /** Best first; the last band starts at 0. */
  readonly grades: readonly GradeBand[];
  readonly boards: { readonly honour: readonly HonourRule[]; readonly watch: readonly WatchRule[] };
}

export interface SchemeError {
  readonly path: string;
  readonly message: string;
}

export type ParseSchemeResult = { readonly ok: true; readonly scheme: Scheme } | { readonly ok: false; readonly errors: readonly SchemeError[] };

/** 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 70, 基本合格 ≥ 60, 不合格 < 60. */
export const DEFAULT_GRADES: readonly GradeBand[] = [
  { key: 'excellent', nameZh: '优秀', nameEn: 'Excellent', min: 90 },
  { key: 'good', nameZh: '良好', nameEn: 'Good', min: 80 },
  { key: 'pass', nameZh: '合格', nameEn: 'Pass', min: 70 },
  { key: 'basic', nameZh: '基本合格', nameEn: 'Basic pass', min: 60 },
  { key: 'fail', nameZh: '不合格', nameEn: 'Fail', min: 0 },
];

/** Top 3, the best grade 3 periods in a row and the red flag; the lowest grade, bottom 3 and 2 periods of decline. */
export function defaultBoards(grades: readonly GradeBand[]): Scheme['boards'] {
  return {
    honour: [{ kind: 'top', n: 3 }, { kind: 'grade_streak', grade: grades[0]?.key ?? 'excellent', periods: 3 }, { kind: 'red_flag' }],
    watch: [{ kind: 'grade', grade: grades.at(-1)?.key ?? 'fail' }, { kind: 'bottom', n: 3 }, { kind: 'worsening', periods: 2 }],
  };
}

/** Weights are compared at a hundredth of a point: 33.33 + 33.33 + 33.34 is 100. */
const WEIGHT_TOLERANCE = 1e-6;

function shapeErrors(json: unknown): SchemeError[] {
  const seen = new Set<string>();
  const out: SchemeError[] = [];
  for (const error of Value.Errors(SchemeDefinitionSchema, json)) {
    if (seen.has(error.path)) continue;
    seen.add(error.path);
    out.push({ path: error.path === '' ? '/' : error.path, message: error.message });
  }
  return out;
}

function methodOf(raw: NonNullable<SchemeDefinitionInput['items'][number]['method']>, weight: number, path: string, errors: SchemeError[]): ScoringMethod {
  switch (raw.kind) {
    case 'linear': {
      const better = raw.direction === 'higher_better' ? raw.target > raw.floor : raw.target < raw.floor;
      if (!better) errors.push({ path: `${path}/target`, message: `must be ${raw.direction === 'higher_better' ? 'above' : 'below'} the floor (${raw.direction})` });
      return { kind: 'linear', direction: raw.direction, floor: raw.floor, target: raw.target, floorPoints: raw.floorPoints ?? 0 };
    }
    case 'bands': {
      const bounds = raw.bands.map((b) => b.bound);
      if (new Set(bounds).size !== bounds.length) errors.push({ path: `${path}/bands`, message: 'bounds must differ' });
      return { kind: 'bands', direction: raw.direction, bands: raw.bands.map((b) => ({ bound: b.bound, points: b.points })), otherwise: raw.otherwise ?? 0 };
    }
    case 'deduction': {
      const cap = raw.cap ?? weight;
      if (cap > weight + WEIGHT_TOLERANCE) errors.push({ path: `${path}/cap`, message: `must not exceed the item weight (${String(weight)})` });
      return { kind: 'deduction', perOccurrence: raw.perOccurrence, cap: Math.min(cap, weight) };
    }
  }
}

function itemOf(raw: SchemeDefinitionInput['items'][number], i: number, categories: ReadonlySet<string>, errors: SchemeError[]): SchemeItem {
  const path = `/items/${String(i)}`;
  const base = { key: raw.key, nameZh: raw.nameZh, nameEn: raw.nameEn, indicator: raw.indicator };
  const refuse = (field: string, message: string) => errors.push({ path: `${path}/${field}`, message });
  const notFor = (fields: readonly ('category' | 'weight' | 'method' | 'when' | 'levels')[]) => {
    for (const f of fields) if (raw[f] !== undefined) refuse(f, `is not used by a ${raw.role} item`);
  };
  switch (raw.role) {
    case 'scored': {
      notFor(['when', 'levels']);
      if (raw.category === undefined) refuse('category', 'is required for a scored item');
      else if (!categories.has(raw.category)) refuse('category', `must be one of the scheme's categories (${[...categories].join(', ')})`);
      if (raw.weight === undefined) refuse('weight', 'is required for a scored item');
      if (raw.method === undefined) refuse('method', 'is required for a scored item');
      const weight = raw.weight ?? 0;
      const method = raw.method ? methodOf(raw.method, weight, `${path}/method`, errors) : { kind: 'deduction' as const, perOccurrence: 1, cap: 0 };
      return { ...base, role: 'scored', category: raw.category ?? '', weight, method };
    }
    case 'observed':
      notFor(['category', 'weight', 'method', 'when', 'levels']);
      return { ...base, role: 'observed' };
    case 'veto':
      notFor(['category', 'weight', 'method', 'levels']);
      if (raw.when === undefined) refuse('when', 'is required for a veto item');
      return { ...base, role: 'veto', when: raw.when ?? { op: 'gt', value: 0 } };
    case 'downgrade':
      notFor(['category', 'weight', 'method']);
      if (raw.when === undefined) refuse('when', 'is required for a downgrade item');
      return { ...base, role: 'downgrade', when: raw.when ?? { op: 'gt', value: 0 }, levels: raw.levels ?? 1 };
  }
}

function gradesOf(raw: SchemeDefinitionInput['grades'], errors: SchemeError[]): readonly GradeBand[] {
  if (raw === undefined) return DEFAULT_GRADES;
  raw.forEach((g, i) => {
    const prev = raw[i - 1];
    if (prev && g.min >= prev.min) errors.push({ path: `/grades/${String(i)}/min`, message: 'grades must be listed best first with strictly decreasing minimums' });
  });
  const last = raw.at(-1);
  if (last && last.min !== 0) errors.push({ path: `/grades/${String(raw.length - 1)}/min`, message: 'the lowest grade must start at 0' });
  return raw.map((g) => ({ ...g }));
}

function uniqueKeys(keys: readonly string[], path: string, errors: SchemeError[]): void {
  const seen = new Set<string>();
  keys.forEach((k, i) => {
    if (seen.has(k)) errors.push({ path: `${path}/${String(i)}/key`, message: `duplicate key "${k}"` });
    seen.add(k);
  });
}

/** Parses and checks a scheme; weights must add up to 100 at both levels. */
export function parseScheme(json: unknown): ParseSchemeResult {
  const shape = shapeErrors(json);
  if (shape.length > 0) return { ok: false, errors: shape };
  const raw = json as SchemeDefinitionInput;
  const errors: SchemeError[] = [];
  uniqueKeys(raw.categories.map((c) => c.key), '/categories', errors);
  uniqueKeys(raw.items.map((c) => c.key), '/items', errors);
  const categoryTotal = raw.categories.reduce((s, c) => s + c.weight, 0);
  if (Math.abs(categoryTotal - 100) > WEIGHT_TOLERANCE) errors.push({ path: '/categories', message: `category weights must add up to 100 (they add up to ${String(round2(categoryTotal))})` });
  const categoryKeys = new Set(raw.categories.map((c) => c.key));
  const items = raw.items.map((item, i) => itemOf(item, i, categoryKeys, errors));
  raw.categories.forEach((c, i) => {
    const total = items.reduce((s, item) => s + (item.role === 'scored' && item.category === c.key ? item.weight : 0), 0);
    if (Math.abs(total - c.weight) > WEIGHT_TOLERANCE) {
      errors.push({ path: `/categories/${String(i)}/weight`, message: `the weights of the scored items of "${c.key}" add up to ${String(round2(total))}, not ${String(c.weight)}` });
    }
  });
  const grades = gradesOf(raw.grades, errors);
  const boards = raw.boards ?? defaultBoards(grades);
  const gradeKeys = new Set(grades.map((g) => g.key));
  boards.honour.forEach((r, i) => {
    if (r.kind === 'grade_streak' && !gradeKeys.has(r.grade)) errors.push({ path: `/boards/honour/${String(i)}/grade`, message: 'must be one of the grades' });
  });
  boards.watch.forEach((r, i) => {
    if (r.kind === 'grade' && !gradeKeys.has(r.grade)) errors.push({ path: `/boards/watch/${String(i)}/grade`, message: 'must be one of the grades' });
  });
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    scheme: {
      code: raw.code, nameZh: raw.nameZh, nameEn: raw.nameEn, grain: raw.grain, settleDays: raw.settleDays ?? 3,
      categories: raw.categories.map((c) => ({ ...c })), items, grades, boards,
    },
  };
}

export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** The indicator codes a scheme reads (each once). */
export function indicatorsOf(scheme: Scheme): string[] {
  return [...new Set(scheme.items.map((i) => i.indicator))];
}
