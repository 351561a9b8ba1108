import { GRAINS, bucketStart, type Grain } from '../shared/period.ts';
import { parseIndicatorDefinition, type IndicatorDefinition } from './definition.ts';
import { EMPTY_ACCUMULATOR, contributionKey, contributionsOf, foldContributions, manualContributionsOf, valueOf, type Accumulator, type ManualEntry } from './rollup.ts';
import type { IndicatorEvent } from './rows.ts';

/** Helpers shared by this module's tests: building events and computing values from scratch. */
export const SH = 'Asia/Shanghai';

export function event(type: string, occurredAt: string, attributes: Record<string, unknown> = {}, patient?: string): IndicatorEvent {
  return { type, occurredAt: new Date(occurredAt), attributes, ...(patient === undefined ? {} : { patient }) };
}

export function definitionOf(json: unknown): IndicatorDefinition {
  const result = parseIndicatorDefinition(json);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.definition;
}

/** Rebuilds every bucket of one org unit from scratch. */
export function rebuild(
  definition: IndicatorDefinition,
  events: readonly IndicatorEvent[],
  manual: readonly ManualEntry[] = [],
  grains: readonly Grain[] = GRAINS,
): ReadonlyMap<string, Accumulator> {
  let state: ReadonlyMap<string, Accumulator> = new Map();
  for (const e of events) state = foldContributions(state, contributionsOf(definition, e, SH, grains));
  for (const m of manual) state = foldContributions(state, manualContributionsOf(definition, m, SH, grains));
  return state;
}

/** The value of the bucket of `grain` containing `at`, computed from scratch. */
export function valueAt(
  definition: IndicatorDefinition,
  events: readonly IndicatorEvent[],
  grain: Grain,
  at: string,
  manual: readonly ManualEntry[] = [],
): number | null {
  const state = rebuild(definition, events, manual, [grain]);
  const acc = state.get(contributionKey(grain, bucketStart(new Date(at), grain, SH))) ?? EMPTY_ACCUMULATOR;
  return valueOf(definition, acc);
}

export interface LibraryFixture {
  readonly events: readonly IndicatorEvent[];
  readonly manual?: readonly ManualEntry[];
  /** November 2026 (Shanghai) unless given. */
  readonly grain?: Grain;
  readonly at?: string;
  readonly expected: number | null;
  /** Percentiles are answered within the sketch's 1 % relative accuracy. */
  readonly approx?: boolean;
}

/** The value a library indicator takes on a fixture (by default the month of November 2026). */
export function libraryValue(definition: IndicatorDefinition, fixture: LibraryFixture): number | null {
  return valueAt(definition, fixture.events, fixture.grain ?? 'month', fixture.at ?? '2026-11-15T00:00:00Z', fixture.manual ?? []);
}
