import { round2, type Condition, type GradeBand, type Scheme, type SchemeItem, type ScoringMethod } from './scheme.ts';

/**
 * Scoring one org unit for one period (pure). Each scored item turns its value into points
 * (0–100) by its method; points × weight / 100 is its contribution to the total; the total plus
 * manual adjustments, clamped to 0–100 and rounded to hundredths, picks the grade band. Then
 * downgrade items lower the grade (by the most levels any triggered item asks for) and a veto
 * item makes it the lowest grade whatever the score: veto beats downgrade beats score.
 *
 * A scored item without a value scores no points (数据缺失不得分) and marks the result
 * incomplete; a deduction item without a value counted no occurrence. Veto and downgrade items
 * without a value do not trigger.
 */
export interface ItemTrace {
  readonly key: string;
  readonly role: SchemeItem['role'];
  readonly indicator: string;
  readonly value: number | null;
  /** 0–100; null for observed, veto and downgrade items. */
  readonly points: number | null;
  /** Points of the total the item carries; null when it is not scored. */
  readonly weight: number | null;
  /** points × weight / 100. */
  readonly contribution: number | null;
  /** Veto and downgrade items: whether the condition held. */
  readonly triggered: boolean;
  /** Deduction items: the points deducted (after the cap). */
  readonly deducted: number | null;
  readonly noData: boolean;
}

export interface Adjustment {
  readonly points: number;
  readonly reason: string;
}

export interface ScoreResult {
  readonly score: number;
  /** Σ contributions before adjustments. */
  readonly itemScore: number;
  readonly adjustment: number;
  /** The grade the score alone earns. */
  readonly scoreGrade: string;
  readonly grade: string;
  readonly vetoedBy: readonly string[];
  readonly downgradedBy: readonly { readonly key: string; readonly levels: number }[];
  readonly categories: readonly { readonly key: string; readonly weight: number; readonly contribution: number }[];
  readonly items: readonly ItemTrace[];
  /** Every scored item had a value. */
  readonly complete: boolean;
}

/** The points (0–100) a value earns by a linear or band method; deductions are scored by count. */
export function pointsOf(method: ScoringMethod, value: number, weight: number): number {
  switch (method.kind) {
    case 'linear': {
      const { floor, target, floorPoints } = method;
      const progress = method.direction === 'higher_better' ? (value - floor) / (target - floor) : (floor - value) / (floor - target);
      if (progress >= 1) return 100;
      if (progress <= 0) return floorPoints;
      return floorPoints + (100 - floorPoints) * progress;
    }
    case 'bands': {
      let best = method.otherwise;
      for (const band of method.bands) {
        const reached = method.direction === 'higher_better' ? value >= band.bound : value <= band.bound;
        // The best band reached: a better value reaches every band a worse one does, so it never scores less.
        if (reached && band.points > best) best = band.points;
      }
      return best;
    }
    case 'deduction':
      return weight === 0 ? 100 : ((weight - deductionOf(method, value)) / weight) * 100;
  }
}

function deductionOf(method: Extract<ScoringMethod, { kind: 'deduction' }>, count: number): number {
  return Math.min(method.cap, method.perOccurrence * Math.max(0, count));
}

export function holds(condition: Condition, value: number | null): boolean {
  if (value === null) return false;
  switch (condition.op) {
    case 'gt': return value > condition.value;
    case 'gte': return value >= condition.value;
    case 'lt': return value < condition.value;
    case 'lte': return value <= condition.value;
  }
}

/** The grade band a (rounded) score falls in; bands are best first and the last starts at 0. */
export function gradeOf(score: number, grades: readonly GradeBand[]): string {
  for (const g of grades) if (score >= g.min) return g.key;
  return grades.at(-1)?.key ?? '';
}

/** The grade `levels` bands below `grade`, never past the lowest. */
export function lowerGrade(grade: string, levels: number, grades: readonly GradeBand[]): string {
  const index = grades.findIndex((g) => g.key === grade);
  const lowered = grades[Math.min(grades.length - 1, Math.max(0, index) + levels)];
  return lowered?.key ?? grade;
}

function traceItem(item: SchemeItem, value: number | null): ItemTrace {
  const base = { key: item.key, role: item.role, indicator: item.indicator, value, noData: value === null };
  switch (item.role) {
    case 'scored': {
      if (item.method.kind === 'deduction') {
        const deducted = deductionOf(item.method, value ?? 0);
        const contribution = item.weight - deducted;
        return { ...base, noData: false, points: pointsOf(item.method, value ?? 0, item.weight), weight: item.weight, contribution, triggered: false, deducted };
      }
      const points = value === null ? 0 : pointsOf(item.method, value, item.weight);
      return { ...base, points, weight: item.weight, contribution: (points * item.weight) / 100, triggered: false, deducted: null };
    }
    case 'observed':
      return { ...base, points: null, weight: null, contribution: null, triggered: false, deducted: null };
    case 'veto':
    case 'downgrade':
      return { ...base, points: null, weight: null, contribution: null, triggered: holds(item.when, value), deducted: null };
  }
}

/** Scores one unit: `values` by indicator code (a missing code is no data). */
export function scoreUnit(scheme: Scheme, values: ReadonlyMap<string, number | null>, adjustments: readonly Adjustment[] = []): ScoreResult {
  const items = scheme.items.map((item) => traceItem(item, values.get(item.indicator) ?? null));
  const itemScore = items.reduce((s, t) => s + (t.contribution ?? 0), 0);
  const adjustment = adjustments.reduce((s, a) => s + a.points, 0);
  const score = round2(Math.min(100, Math.max(0, itemScore + adjustment)));
  const scoreGrade = gradeOf(score, scheme.grades);
  const vetoedBy = items.filter((t) => t.role === 'veto' && t.triggered).map((t) => t.key);
  const downgradedBy = scheme.items.flatMap((item, i) => (item.role === 'downgrade' && items[i]?.triggered ? [{ key: item.key, levels: item.levels }] : []));
  const levels = Math.max(0, ...downgradedBy.map((d) => d.levels));
  const grade = vetoedBy.length > 0 ? (scheme.grades.at(-1)?.key ?? scoreGrade) : lowerGrade(scoreGrade, levels, scheme.grades);
  const categories = scheme.categories.map((c) => ({
    key: c.key, weight: c.weight,
    contribution: round2(scheme.items.reduce((s, item, i) => s + (item.role === 'scored' && item.category === c.key ? (items[i]?.contribution ?? 0) : 0), 0)),
  }));
  const complete = items.every((t) => t.role !== 'scored' || !t.noData);
  return { score, itemScore: round2(itemScore), adjustment: round2(adjustment), scoreGrade, grade, vetoedBy, downgradedBy, categories, items, complete };
}
