import type { ActionContext } from '../audit/index.ts';
import type { Source } from '../ingest/source-repo.ts';
import type { Runtime, Services } from '../main.ts';
import { defaultIncidentSchedule, generateEvents, simulatedSources, toNdjsonLine, type IncidentSpec } from '../simulator/index.ts';
import type { Clock } from '../shared/index.ts';
import { readSetting, writeSetting, type Db } from '../store/index.ts';
import { demoSeed } from './demo-seed.ts';

const DAY_MS = 86_400_000;
const cursorKey = 'demo_feed_cursor';
const batchSize = 1000;

export interface DemoFeedOptions {
  readonly days: number;
  readonly scale: number;
  readonly log: (line: string) => void;
  /** Stop once the backfill has caught up with now instead of feeding live (tests). */
  readonly backfillOnly?: boolean;
}

/** The demo's sources, registered once with a daytime cadence so a silent one shows. */
export async function ensureDemoSources(runtime: Runtime, services: Services, ctx: ActionContext): Promise<Map<string, Source>> {
  const existing = new Map((await runtime.sources.list(['/'])).map((s) => [s.name, s]));
  for (const spec of simulatedSources()) {
    if (existing.has(spec.code)) continue;
    const org = await services.orgs.require(spec.orgUnit);
    const { source } = await runtime.sources.register(ctx, org, {
      name: spec.code, allowedTypes: spec.eventTypes, cadence: { kind: 'batches', everyMinutes: 60, from: '08:00', to: '18:00' },
    }, null);
    existing.set(spec.code, source);
  }
  return existing;
}

/**
 * Incidents of the past (spread over the backfill) and a few under way now, so the first look
 * at the demo already has open alerts and work orders and live ones keep arriving.
 */
export function demoSchedule(from: Date, now: Date): readonly IncidentSpec[] {
  const local = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19) + '+08:00';
  const n = now.getTime();
  return [
    ...defaultIncidentSchedule(from, new Date(n - 3 * DAY_MS)),
    { kind: 'wait_surge', orgUnit: 'H1-OFF-CARD', from: local(n - 2 * DAY_MS), to: local(n + 2 * DAY_MS) },
    { kind: 'review_lapse', orgUnit: 'H1-ONL', from: local(n - DAY_MS), to: local(n + DAY_MS) },
    { kind: 'abandon_spike', orgUnit: 'YJ-CC', from: local(n - DAY_MS), to: local(n + DAY_MS) },
  ];
}

/**
 * Feeds the demo through the real ingest service, as the sources would: a backfill from the
 * saved cursor (or `days` back) up to now, then live at real time. Re-sending is harmless
 * (events are idempotent by id), so the cursor is saved after each simulated day.
 */
export function startDemoFeed(deps: { db: Db; clock: Clock; runtime: Runtime; services: Services; ctx: ActionContext }, options: DemoFeedOptions): { stop(): Promise<void>; readonly done: Promise<void> } {
  let stopped = false;
  const done = (async () => {
    const sources = await ensureDemoSources(deps.runtime, deps.services, deps.ctx);
    const saved = await readSetting<string>(deps.db, cursorKey);
    const now = deps.clock.now();
    const from = saved !== null ? new Date(saved) : new Date(now.getTime() - options.days * DAY_MS);
    options.log(`demo feed: ${saved !== null ? 'continuing' : 'backfilling'} from ${from.toISOString()} (scale ${options.scale})`);
    const records = generateEvents({ seed: demoSeed, from, scale: options.scale, schedule: demoSchedule(from, now) });
    const buffers = new Map<string, string[]>();
    let sent = 0;
    let dayEnd = from.getTime() + DAY_MS;
    const flush = async (code: string) => {
      const lines = buffers.get(code) ?? [];
      const source = sources.get(code);
      buffers.set(code, []);
      if (lines.length === 0 || !source) return;
      await deps.runtime.ingest.ingestEvents(source, 'ndjson', lines, deps.clock.now());
      sent += lines.length;
    };
    const flushAll = async () => { for (const code of buffers.keys()) await flush(code); };
    for (const record of records) {
      if (stopped) break;
      if (options.backfillOnly === true && record.atMs > now.getTime()) break;
      // Live: hold the record until its time has really come.
      while (!stopped && record.atMs > deps.clock.now().getTime()) {
        await flushAll();
        await new Promise((resolve) => setTimeout(resolve, Math.min(record.atMs - deps.clock.now().getTime(), 5000)));
      }
      if (stopped) break;
      if (record.atMs >= dayEnd) {
        await flushAll();
        await deps.db.transaction((tx) => writeSetting(tx, cursorKey, new Date(dayEnd).toISOString(), deps.clock.now()));
        if (dayEnd < now.getTime()) options.log(`demo feed: ${new Date(dayEnd).toISOString().slice(0, 10)} done, ${sent} events so far`);
        dayEnd += DAY_MS;
      }
      const lines = buffers.get(record.source) ?? [];
      lines.push(toNdjsonLine(record));
      buffers.set(record.source, lines);
      if (lines.length >= batchSize) await flush(record.source);
    }
    await flushAll();
  })().catch((error: unknown) => { options.log(`demo feed stopped: ${error instanceof Error ? error.message : String(error)}`); });
  return {
    done,
    async stop() {
      stopped = true;
      await done;
    },
  };
}
