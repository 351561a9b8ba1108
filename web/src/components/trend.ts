/** The data TrendChart draws: named series of points in time (indicator values per period). */
export interface TrendPoint {
  readonly at: string | number | Date;
  readonly value: number | null;
}

export interface TrendSeries {
  readonly name: string;
  readonly points: readonly TrendPoint[];
  readonly color?: string;
  /** Fill under the line. */
  readonly area?: boolean;
}

/**
 * A deterministic illustrative series (a weekly rhythm on a slow trend) for the placeholder
 * chart until indicator series are wired; seeded so screenshots do not change between runs.
 */
export function sampleSeries(days: number, end: Date, seed: number): TrendPoint[] {
  let x = seed;
  const random = () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x / 2_147_483_648;
  };
  const points: TrendPoint[] = [];
  for (let i = days - 1; i >= 0; i--) {
    const at = new Date(end.getTime() - i * 86_400_000);
    const weekday = at.getDay();
    const weekly = weekday === 0 ? 0.55 : weekday === 6 ? 0.7 : 1;
    points.push({ at, value: Math.round((1000 + (days - i) * 3) * weekly * (0.94 + random() * 0.12)) });
  }
  return points;
}
