import type { Grain } from '../shared/period.ts';
import type { Direction } from './definition.ts';

/**
 * Targets per indicator × org unit × period, inherited down the org tree: a unit without its own
 * target for a period takes the nearest ancestor's. Comparison respects the indicator's direction.
 */
export interface Target {
  readonly indicator: string;
  readonly orgUnit: string;
  readonly grain: Grain;
  readonly periodStart: Date;
  readonly value: number;
}

export interface ResolvedTarget {
  readonly value: number;
  /** The org unit that set it: the unit itself or the ancestor it is inherited from. */
  readonly fromOrgUnit: string;
  readonly inherited: boolean;
}

/**
 * The target that applies to `ancestry[0]` for an indicator and period. `ancestry` is the unit
 * followed by its ancestors up to the root (nearest first).
 */
export function resolveTarget(
  targets: readonly Target[],
  indicator: string,
  ancestry: readonly string[],
  grain: Grain,
  periodStart: Date,
): ResolvedTarget | null {
  const forPeriod = targets.filter(
    (t) => t.indicator === indicator && t.grain === grain && t.periodStart.getTime() === periodStart.getTime(),
  );
  for (const [depth, orgUnit] of ancestry.entries()) {
    const own = forPeriod.find((t) => t.orgUnit === orgUnit);
    if (own) return { value: own.value, fromOrgUnit: orgUnit, inherited: depth > 0 };
  }
  return null;
}

export type TargetStatus = 'met' | 'missed' | 'not_applicable' | 'no_value' | 'no_target';

export interface TargetComparison {
  readonly status: TargetStatus;
  /** value − target (null without both). */
  readonly gap: number | null;
  /** (value − target) / |target| (null without both or when the target is 0). */
  readonly gapRatio: number | null;
}

/**
 * Higher-better indicators meet a target at or above it, lower-better at or below it; neutral
 * indicators are reported with their gap but never judged.
 */
export function compareToTarget(value: number | null, target: number | null, direction: Direction): TargetComparison {
  if (target === null) return { status: 'no_target', gap: null, gapRatio: null };
  if (value === null) return { status: 'no_value', gap: null, gapRatio: null };
  const gap = value - target;
  const gapRatio = target === 0 ? null : gap / Math.abs(target);
  switch (direction) {
    case 'higher_better':
      return { status: value >= target ? 'met' : 'missed', gap, gapRatio };
    case 'lower_better':
      return { status: value <= target ? 'met' : 'missed', gap, gapRatio };
    case 'neutral':
      return { status: 'not_applicable', gap, gapRatio };
  }
}
