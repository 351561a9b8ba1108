import type { ActionContext } from '../audit/index.ts';
import type { Runtime, Services } from '../main.ts';
import type { Source } from '../ingest/source-repo.ts';
import { generateEvents, toNdjsonLine, type IncidentSpec, type SimulatedRecord } from '../simulator/index.ts';
import type { Clock } from '../shared/index.ts';
import { readSetting, writeSetting, type Db } from '../store/index.ts';
import { demoSchedule, localDayStart, silentAt, sourcesSilentAt } from './demo-schedule.ts';
import { demoSeed } from './demo-seed.ts';
import { enableDeferredRules, ensureDemoSources, readDemoPlan } from './demo-setup.ts';

const DAY_MS = 86_400_000;
const cursorKey = 'demo_feed_cursor';
const batchSize = 1000;
/** A source sends at least this often (an empty batch when it has nothing new), as a polling interface does. */
export const HEARTBEAT_MS = 30_000;
const LIVE_CURSOR_EVERY_MS = 60_000;

export interface DemoFeedOptions {
  readonly days: number;
  readonly scale: number;
  readonly log: (line: string) => void;
  /** Stop once the backfill has caught up with now instead of feeding live (tests). */
  readonly backfillOnly?: boolean;
}

type FeedDeps = { db: Db; clock: Clock; runtime: Runtime; services: Services; ctx: ActionContext };

/**
 * Batches per source, sent through the real ingest service as the sources would send them, with
 * a heartbeat: every source not in a scheduled outage sends at least every `HEARTBEAT_MS` (an
 * empty batch when it has nothing new), during the backfill and live.
 */
function createBatchSender(deps: FeedDeps, sources: ReadonlyMap<string, Source>, schedule: readonly IncidentSpec[]) {
  const buffers = new Map<string, string[]>();
  const lastSentAt = new Map<string, number>();
  let sent = 0;
  const ingest = async (code: string, lines: readonly string[]) => {
    const source = sources.get(code);
    if (!source) return;
    await deps.runtime.ingest.ingestEvents(source, 'ndjson', lines, deps.clock.now());
    lastSentAt.set(code, deps.clock.now().getTime());
    // The embedded database settles its promises without returning to the event loop: let
    // requests in between batches, or the console would not answer until the backfill ends.
    await new Promise((resolve) => setImmediate(resolve));
  };
  const heartbeat = async () => {
    const t = deps.clock.now().getTime();
    for (const code of sources.keys()) {
      if (t - (lastSentAt.get(code) ?? 0) >= HEARTBEAT_MS && !silentAt(schedule, code, t)) await ingest(code, []);
    }
  };
  const flush = async (code: string) => {
    const lines = buffers.get(code) ?? [];
    buffers.set(code, []);
    if (lines.length === 0) return;
    await ingest(code, lines);
    sent += lines.length;
    await heartbeat();
  };
  return {
    heartbeat,
    async buffer(record: SimulatedRecord) {
      const lines = buffers.get(record.source) ?? [];
      lines.push(toNdjsonLine(record));
      buffers.set(record.source, lines);
      if (lines.length >= batchSize) await flush(record.source);
    },
    async flushAll() {
      for (const code of buffers.keys()) await flush(code);
    },
    sent: () => sent,
  };
}

/**
 * Feeds the demo through the real ingest service: a backfill from the saved cursor (or the plan's
 * start, or `days` back) up to now, then live at real time.
 *
 * Sources in a scheduled outage when the demo was planned send their whole history first, on
 * their own, and then nothing until the outage ends: silence is measured in wall-clock time from a
 * source's last batch, so the outage shows minutes after that first pass, however long the others'
 * backfill takes. The others' backfill follows, day by day. When it has caught up, the monthly
 * rules held back during it are switched on. The cursor (all records before it were sent, the
 * first pass's included) is saved after each simulated day and once a minute live.
 */
export function startDemoFeed(deps: FeedDeps, options: DemoFeedOptions): { stop(): Promise<void>; readonly done: Promise<void> } {
  let stopped = false;
  const done = (async () => {
    const sources = await ensureDemoSources(deps);
    const plan = await readDemoPlan(deps.db);
    const saved = await readSetting<string>(deps.db, cursorKey);
    const now = deps.clock.now();
    const from = new Date(saved ?? plan?.from ?? localDayStart(now.getTime() - options.days * DAY_MS));
    const scale = plan?.scale ?? options.scale;
    const schedule = plan?.schedule ?? demoSchedule(from, now);
    // The first pass: the history before the plan's `now` of the sources silent then. A restart
    // with a saved cursor skips it (the cursor is saved only once the first pass is done).
    const firstPassUntil = Date.parse(plan?.now ?? now.toISOString());
    const firstPassSources = new Set(sourcesSilentAt(schedule, firstPassUntil));
    const inFirstPass = (record: SimulatedRecord) => firstPassSources.has(record.source) && record.atMs < firstPassUntil;
    const records = () => generateEvents({ seed: demoSeed, from, scale, schedule });
    const sender = createBatchSender(deps, sources, schedule);
    options.log(`demo feed: ${saved !== null ? 'continuing' : 'backfilling'} from ${from.toISOString()} (scale ${String(scale)})`);

    if (saved === null && firstPassSources.size > 0) {
      // A day at a time, as in the backfill (validation failures are counted per batch received).
      let firstPassDayEnd = from.getTime() + DAY_MS;
      for (const record of records()) {
        if (stopped || record.atMs >= firstPassUntil) break;
        if (record.atMs >= firstPassDayEnd) {
          await sender.flushAll();
          firstPassDayEnd += DAY_MS;
        }
        if (inFirstPass(record)) await sender.buffer(record);
      }
      await sender.flushAll();
      options.log(`demo feed: the history of ${[...firstPassSources].join(', ')} sent first (${String(sender.sent())} events); silent from now on`);
    }

    let sentThrough = from.getTime();
    let cursorSavedAt = 0;
    const saveCursor = async () => {
      await sender.flushAll();
      await deps.db.transaction((tx) => writeSetting(tx, cursorKey, new Date(sentThrough).toISOString(), deps.clock.now()));
      cursorSavedAt = deps.clock.now().getTime();
    };
    let caughtUp = false;
    const catchUp = async () => {
      caughtUp = true;
      await saveCursor();
      const enabled = await enableDeferredRules({ ...deps, ctx: { ...deps.ctx, now: deps.clock.now() } });
      await sender.heartbeat();
      options.log(`demo feed: caught up with now (${String(sender.sent())} events)${enabled.length > 0 ? `; monthly rules switched on: ${enabled.join(', ')}` : ''}`);
    };
    let dayEnd = from.getTime() + DAY_MS;
    for (const record of records()) {
      if (stopped) break;
      if (!caughtUp && record.atMs > now.getTime()) {
        await catchUp();
        if (options.backfillOnly === true) break;
      }
      // Live: hold the record until its time has really come.
      while (!stopped && record.atMs > deps.clock.now().getTime()) {
        await sender.flushAll();
        await sender.heartbeat();
        if (deps.clock.now().getTime() - cursorSavedAt >= LIVE_CURSOR_EVERY_MS) await saveCursor();
        await new Promise((resolve) => setTimeout(resolve, Math.min(record.atMs - deps.clock.now().getTime(), 5000)));
      }
      if (stopped) break;
      if (record.atMs >= dayEnd) {
        await saveCursor();
        if (dayEnd < now.getTime()) options.log(`demo feed: ${new Date(dayEnd).toISOString().slice(0, 10)} done, ${String(sender.sent())} events so far`);
        dayEnd += DAY_MS;
      }
      sentThrough = record.atMs + 1;
      if (!inFirstPass(record)) await sender.buffer(record);
    }
    await sender.flushAll();
  })().catch((error: unknown) => { options.log(`demo feed stopped: ${error instanceof Error ? error.message : String(error)}`); });
  return {
    done,
    async stop() {
      stopped = true;
      await done;
    },
  };
}
