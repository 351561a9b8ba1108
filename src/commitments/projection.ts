/**
 * Early warning for a service commitment (pure): does the period-to-date, completed by the usual
 * profile of the rest of the period, project a breach of the target? The usual value of each day
 * is the median of the same day of the previous periods; the rest of the period is that profile
 * shifted by how far the last few days ran from their own usual values, so a trend inside the
 * period is carried forward while a steady series projects its usual self.
 *
 * `sum` commitments (at most N complaints a month) add the days up and are breached for good as
 * soon as the period-to-date passes the target; `mean` commitments (on-time rate ≥ 95 %) average
 * the days and are judged breached only when the period has ended.
 */
export type ProjectionState = 'ok' | 'warning' | 'breached' | 'no_data';

export interface ProjectionInput {
  readonly aggregate: 'mean' | 'sum';
  readonly direction: 'higher_better' | 'lower_better';
  readonly target: number;
  /** Values of the period's completed days so far. */
  readonly elapsed: readonly (number | null)[];
  /** The usual value of every day of the period (its length is the period's length in days). */
  readonly usual: readonly (number | null)[];
  /** Days whose deviation from usual is carried into the rest (default 3). */
  readonly trendDays?: number;
}

export interface Projection {
  readonly periodToDate: number | null;
  readonly projected: number | null;
  readonly state: ProjectionState;
}

function combine(values: readonly number[], aggregate: 'mean' | 'sum'): number | null {
  if (values.length === 0) return aggregate === 'sum' ? 0 : null;
  const total = values.reduce((s, v) => s + v, 0);
  return aggregate === 'sum' ? total : total / values.length;
}

const misses = (value: number, target: number, direction: ProjectionInput['direction']) => (direction === 'higher_better' ? value < target : value > target);

/** The median of each day index over previous periods (days a period lacks are skipped). */
export function usualProfile(previous: readonly (readonly (number | null)[])[], length: number): (number | null)[] {
  return Array.from({ length }, (_, day) => {
    const values = previous.map((p) => p[day]).filter((v): v is number => v !== null && v !== undefined).sort((a, b) => a - b);
    if (values.length === 0) return null;
    const mid = Math.floor(values.length / 2);
    return values.length % 2 === 1 ? (values[mid] ?? null) : ((values[mid - 1] ?? 0) + (values[mid] ?? 0)) / 2;
  });
}

export function projectCommitment(input: ProjectionInput): Projection {
  const { aggregate, direction, target, elapsed, usual } = input;
  const seen = elapsed.filter((v): v is number => v !== null);
  const periodToDate = seen.length === 0 && aggregate === 'mean' ? null : combine(seen, aggregate);
  const trendDays = input.trendDays ?? 3;
  const recent: number[] = [];
  for (let i = elapsed.length - 1; i >= 0 && recent.length < trendDays; i -= 1) {
    const v = elapsed[i];
    const u = usual[i];
    if (v !== null && v !== undefined && u !== null && u !== undefined) recent.push(v - u);
  }
  const deviation = recent.length === 0 ? 0 : recent.reduce((s, d) => s + d, 0) / recent.length;
  const rest = usual.slice(elapsed.length).filter((u): u is number => u !== null).map((u) => (aggregate === 'sum' ? Math.max(0, u + deviation) : u + deviation));
  const ended = elapsed.length >= usual.length;
  if (periodToDate === null && rest.length === 0) return { periodToDate: null, projected: null, state: 'no_data' };
  const projected = combine([...seen, ...rest], aggregate);
  if (projected === null) return { periodToDate, projected: null, state: 'no_data' };
  // A sum past its ceiling cannot come back; a mean is only judged once its period is over.
  const breachedForGood = aggregate === 'sum' && direction === 'lower_better' && periodToDate !== null && periodToDate > target;
  const breachedAtEnd = ended && periodToDate !== null && misses(periodToDate, target, direction);
  if (breachedForGood || breachedAtEnd) return { periodToDate, projected, state: 'breached' };
  if (!ended && misses(projected, target, direction)) return { periodToDate, projected, state: 'warning' };
  return { periodToDate, projected, state: 'ok' };
}
