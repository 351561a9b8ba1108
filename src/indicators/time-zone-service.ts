import { IANAZone } from 'luxon';
import { appendAudit, type ActionContext } from '../audit/index.ts';
import { AppError, parsePeriodKey, periodKey, type Clock } from '../shared/index.ts';
import { writeSetting, type Db, type Queryable } from '../store/index.ts';
import { reportingTimeZone, type IndicatorCatalog } from './catalog-service.ts';
import { countEvents, movePeriods, storedPeriods, type PeriodTable } from './rezone-repo.ts';
import { rebuildRollups } from './rollup-service.ts';

/**
 * The group's time zone gives every stored day, month and year its meaning: roll-up buckets,
 * manual values and targets are keyed by local period starts. A change therefore re-keys what
 * people entered (a value for 2026-11 stays a value for 2026-11) and rebuilds every roll-up from
 * the raw events, all in the transaction that writes the setting: readers see the old zone with
 * the old roll-ups until the commit and the new zone with the new ones after it, never a mix, and
 * ingest waits on the roll-up lock meanwhile. Progress of a running change is kept in memory.
 */

export interface TimeZoneChangeProgress {
  readonly state: 'idle' | 'running' | 'done' | 'failed';
  readonly from: string | null;
  readonly to: string | null;
  readonly eventsRead: number;
  readonly eventsTotal: number;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
}

export interface TimeZoneChangeResult {
  readonly timeZone: string;
  readonly previous: string;
  readonly eventsRead: number;
  readonly periodsMoved: number;
}

const IDLE: TimeZoneChangeProgress = { state: 'idle', from: null, to: null, eventsRead: 0, eventsTotal: 0, startedAt: null, finishedAt: null };
const PERIOD_TABLES: readonly PeriodTable[] = ['indicator_manual_value', 'indicator_target'];

/** Moves each stored period start of `table` to where its period key starts in zone `to`. */
async function rekeyPeriods(tx: Queryable, table: PeriodTable, from: string, to: string): Promise<number> {
  const moves = (await storedPeriods(tx, table)).map(({ grain, periodStart }) => {
    const parsed = parsePeriodKey(periodKey(periodStart, grain, from), to);
    // A key of zone `from` always parses in `to`; the fallback keeps the row where it is.
    return { grain, from: periodStart, to: parsed?.start ?? periodStart };
  });
  return movePeriods(tx, table, moves);
}

export function createTimeZoneService(deps: { db: Db; catalog: IndicatorCatalog; clock: Clock }) {
  let progress: TimeZoneChangeProgress = IDLE;
  return {
    current: (): Promise<string> => reportingTimeZone(deps.db),
    progress: (): TimeZoneChangeProgress => progress,

    async change(ctx: ActionContext, zone: string, rootOrgUnitId: number): Promise<TimeZoneChangeResult> {
      if (!IANAZone.isValidZone(zone)) throw new AppError('SETTING_INVALID_TIME_ZONE', 'Use an IANA zone such as Asia/Shanghai.', { field: '/body/timeZone' });
      if (progress.state === 'running') throw new AppError('SETTING_CHANGE_RUNNING', 'A time-zone change is being applied; wait for it to finish.', { field: '/body/timeZone' });
      const started = deps.clock.now();
      progress = { ...IDLE, state: 'running', to: zone, startedAt: started };
      try {
        const result = await deps.db.transaction(async (tx) => {
          const previous = await reportingTimeZone(tx);
          progress = { ...progress, from: previous, eventsTotal: await countEvents(tx) };
          let periodsMoved = 0;
          for (const table of PERIOD_TABLES) periodsMoved += await rekeyPeriods(tx, table, previous, zone);
          await writeSetting(tx, 'time_zone', zone, ctx.now);
          const rebuilt = await rebuildRollups(tx, deps.catalog, { onProgress: (eventsRead) => { progress = { ...progress, eventsRead }; } });
          await appendAudit(tx, ctx.actor, {
            action: 'setting.changed', targetKind: 'setting', targetId: 'time_zone', orgUnitId: rootOrgUnitId,
            summary: { before: previous, after: zone, eventsRebuilt: rebuilt.eventsRead, periodsMoved },
          }, ctx.now);
          return { timeZone: zone, previous, eventsRead: rebuilt.eventsRead, periodsMoved };
        });
        progress = { ...progress, state: 'done', eventsRead: result.eventsRead, finishedAt: deps.clock.now() };
        return result;
      } catch (error) {
        progress = { ...progress, state: 'failed', finishedAt: deps.clock.now() };
        throw error;
      }
    },
  };
}

export type TimeZoneService = ReturnType<typeof createTimeZoneService>;
