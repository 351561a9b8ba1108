import type { OrgUnit } from '../orgs/index.ts';
import { periodKey, type Grain } from '../shared/index.ts';
import type { Queryable } from '../store/index.ts';
import { anomalyMarks, type AnomalyMark, type AnomalyTransitionRow } from './anomaly-marks.ts';
import { reportingTimeZone } from './catalog-service.ts';

/**
 * The anomaly marks of one indicator series (org unit × grain × range) for the explorer's chart.
 * Period keys of one grain sort as their periods do, so the range is a key range.
 */
export const MAX_ANOMALY_MARKS = 1500;

/** One indicator series' anomaly-rule alerts over a period-key range (both ends included). */
export interface AnomalyTransitionQuery {
  readonly indicator: string;
  readonly grain: string;
  readonly orgUnitId: number;
  readonly fromKey: string;
  readonly toKey: string;
  readonly limit: number;
}

/**
 * Reads the alerts behind the marks. The alert tables belong to the alerts module, downstream of
 * this one, so the reader is passed in (main.ts wires alerts/anomaly-marks-repo.ts).
 */
export type ListAnomalyTransitions = (q: AnomalyTransitionQuery) => Promise<AnomalyTransitionRow[]>;

export function createAnomalyMarksService(deps: { db: Queryable; listTransitions: ListAnomalyTransitions }) {
  const { db, listTransitions } = deps;
  return {
    async list(code: string, org: OrgUnit, grain: Grain, from: Date, to: Date): Promise<AnomalyMark[]> {
      const timeZone = await reportingTimeZone(db);
      // `to` is exclusive: the last period is the one holding the instant just before it.
      const fromKey = periodKey(from, grain, timeZone);
      const toKey = periodKey(new Date(to.getTime() - 1), grain, timeZone);
      const rows = await listTransitions({ indicator: code, grain, orgUnitId: org.id, fromKey, toKey, limit: MAX_ANOMALY_MARKS });
      return anomalyMarks(rows);
    },
  };
}

export type AnomalyMarksService = ReturnType<typeof createAnomalyMarksService>;
