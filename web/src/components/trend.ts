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
