import type { OrgUnit } from '../orgs/index.ts';
import { periodKey, type Grain } from '../shared/index.ts';
import type { Queryable } from '../store/index.ts';
import { anomalyMarks, type AnomalyMark } from './anomaly-marks.ts';
import { listAnomalyTransitions } from './anomaly-marks-repo.ts';
import { reportingTimeZone } from './catalog-service.ts';

/**
 * The anomaly marks of one indicator series (org unit × grain × range) for the explorer's chart.
 * Period keys of one grain sort as their periods do, so the range is a key range.
 */
export const MAX_ANOMALY_MARKS = 1500;

export function createAnomalyMarksService(deps: { db: Queryable }) {
  const { db } = deps;
  return {
    async list(code: string, org: OrgUnit, grain: Grain, from: Date, to: Date): Promise<AnomalyMark[]> {
      const timeZone = await reportingTimeZone(db);
      // `to` is exclusive: the last period is the one holding the instant just before it.
      const fromKey = periodKey(from, grain, timeZone);
      const toKey = periodKey(new Date(to.getTime() - 1), grain, timeZone);
      const rows = await listAnomalyTransitions(db, { indicator: code, grain, orgUnitId: org.id, fromKey, toKey, limit: MAX_ANOMALY_MARKS });
      return anomalyMarks(rows);
    },
  };
}

export type AnomalyMarksService = ReturnType<typeof createAnomalyMarksService>;
