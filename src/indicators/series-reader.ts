import type { Grain } from '../shared/index.ts';

/**
 * What the rule engine and the web console read: an indicator's series for one org unit, with
 * the comparisons rules judge (target, previous period 环比, same period last year 同比) and
 * whether each period is still open. Implemented by the indicator query service.
 */
export interface SeriesRequest {
  readonly indicator: string;
  readonly orgUnitId: number;
  readonly grain: Grain;
  /** Inclusive start and exclusive end, as instants; periods are aligned in the group's time zone. */
  readonly from: Date;
  readonly to: Date;
}

export interface SeriesPoint {
  /** ISO instant of the period start. */
  readonly periodStart: string;
  readonly periodKey: string;
  readonly value: number | null;
  readonly closed: boolean;
  readonly target: number | null;
  readonly previous: number | null;
  readonly yearAgo: number | null;
}

export interface SeriesReader {
  readSeries(request: SeriesRequest): Promise<readonly SeriesPoint[]>;
}
