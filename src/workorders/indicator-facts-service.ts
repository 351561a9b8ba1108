import type { ActionContext } from '../audit/index.ts';
import type { WorkingCalendar } from '../calendar/index.ts';
import type { IngestService } from '../ingest/ingest-service.ts';
import type { Source } from '../ingest/source-repo.ts';
import type { SourcesService } from '../ingest/sources-service.ts';
import type { OrgsService } from '../orgs/index.ts';
import type { ScheduledJob } from '../scheduler/index.ts';
import { advanceCursor, AppError, awaitedIds, startCursor, type IdCursor } from '../shared/index.ts';
import { readSetting, writeSetting, type Db } from '../store/index.ts';
import {
  MISS_PATIENCE_MS, pendingMissIds, toNdjsonLine, WORK_ORDER_EVENT_SCHEMA, WORK_ORDER_EVENT_TYPE, WORK_ORDER_FACTS_SOURCE, workOrderFacts, type MilestoneEvent,
} from './indicator-facts.ts';
import { readTimelineAfter, storedEventIds, type TimelineRef } from './indicator-facts-repo.ts';
import { readCalendar, rootIdOf } from './workorder-config-service.ts';
import * as repo from './workorder-repo.ts';

/**
 * Feeds work-order milestones to the indicators as events (see indicator-facts.ts), through the
 * real ingest service of the internal source `yunjian-workorders` (registered at the root org
 * unit, with the `work_order` type, on the first run). Each run reads the timeline entries after
 * a durable cursor (setting `workorder_facts_cursor`; entries committed out of id order are
 * awaited like the live feed does), derives the facts of the orders they touch, adds the misses
 * of open orders whose deadlines have passed, leaves out the facts already stored, ingests the
 * rest and only then moves the cursor. Event ids are deterministic, so a crash between the ingest
 * commit and the cursor write, or a second run, stores nothing twice (ingest answers duplicate).
 * A run that sends nothing sends an empty batch, so the source's silence means the feed stopped.
 * An administrator pauses the feed by deactivating the source.
 */
export const FACTS_CURSOR_SETTING = 'workorder_facts_cursor';
const PAGE = 500;
const BATCH = 1000;

export interface WorkOrderFactsDeps {
  readonly db: Db;
  readonly sources: Pick<SourcesService, 'list' | 'find' | 'register' | 'listSchemas' | 'putSchema'>;
  readonly ingest: Pick<IngestService, 'ingestEvents'>;
  readonly orgs: Pick<OrgsService, 'listRoots'>;
  readonly log?: { warn(obj: object, msg: string): void };
}

export interface FactsRunReport {
  /** False when there is no org tree yet or the source is deactivated. */
  readonly ran: boolean;
  readonly sent: number;
  readonly accepted: number;
  readonly duplicates: number;
  readonly conflicts: number;
  readonly rejected: number;
  /** Every timeline entry at or below this was read (or is awaited). */
  readonly cursor: number;
}

const systemContext = (now: Date): ActionContext => ({ actor: { kind: 'system', id: null, name: 'yunjian' }, now });

async function findSource(deps: WorkOrderFactsDeps): Promise<Source | null> {
  return (await deps.sources.list(['/'])).find((s) => s.name === WORK_ORDER_FACTS_SOURCE) ?? null;
}

/** The feed's source with its declared type, registered at the root org unit when missing. */
export async function ensureWorkOrderSource(deps: WorkOrderFactsDeps, now: Date): Promise<Source | null> {
  const ctx = systemContext(now);
  let source = await findSource(deps);
  if (source === null) {
    const root = (await deps.orgs.listRoots())[0];
    if (root === undefined) return null;
    try {
      source = (await deps.sources.register(ctx, root, { name: WORK_ORDER_FACTS_SOURCE, allowedTypes: [WORK_ORDER_EVENT_TYPE], cadence: null }, null)).source;
    } catch (error) {
      // Another process registered it a moment ago.
      if (!(error instanceof AppError && error.code === 'SOURCE_NAME_TAKEN')) throw error;
      source = await findSource(deps);
      if (source === null) throw error;
    }
  }
  const declared = (await deps.sources.listSchemas(source)).find((s) => s.typeName === WORK_ORDER_EVENT_TYPE);
  if (declared === undefined || declared.version < WORK_ORDER_EVENT_SCHEMA.version) {
    await deps.sources.putSchema(ctx, source, WORK_ORDER_EVENT_SCHEMA);
    source = (await deps.sources.find(source.id)) ?? source;
  }
  return source;
}

function parseCursor(value: unknown): IdCursor {
  const v = value as { after?: unknown; gaps?: unknown } | null;
  const gaps = Array.isArray(v?.gaps) ? v.gaps.filter((g): g is [number, number] => Array.isArray(g) && g.length === 2 && g.every(Number.isFinite)) : [];
  // A missing or unreadable cursor starts over: re-reading is harmless, the event ids dedupe.
  return typeof v?.after === 'number' && Number.isInteger(v.after) ? { after: v.after, gaps: new Map(gaps) } : startCursor(0);
}

async function saveCursor(db: Db, cursor: IdCursor, now: Date): Promise<void> {
  await db.transaction((tx) => writeSetting(tx, FACTS_CURSOR_SETTING, { after: cursor.after, gaps: [...cursor.gaps.entries()] }, now));
}

interface Feed {
  readonly deps: WorkOrderFactsDeps;
  readonly source: Source;
  readonly now: Date;
  /** Misses are judged as of this instant: entries before it are committed. */
  readonly settledBefore: Date;
  readonly calendars: Map<number, WorkingCalendar>;
  totals: { sent: number; accepted: number; duplicates: number; conflicts: number; rejected: number };
}

async function calendarOf(feed: Feed, orgPath: string): Promise<WorkingCalendar> {
  const root = rootIdOf(orgPath);
  const known = feed.calendars.get(root) ?? (await readCalendar(feed.deps.db, root));
  feed.calendars.set(root, known);
  return known;
}

/** The facts of the listed entries, and every miss, of each order; orders outside the source's subtree are not its to report. */
async function factsOf(feed: Feed, entries: ReadonlyMap<string, ReadonlySet<number> | null>): Promise<MilestoneEvent[]> {
  const out: MilestoneEvent[] = [];
  for (const [orderId, wanted] of entries) {
    const stored = await repo.findOrder(feed.deps.db, orderId);
    if (!stored?.orgPath.startsWith(feed.source.orgPath)) continue;
    const timeline = await repo.listTimeline(feed.deps.db, orderId);
    const facts = workOrderFacts(stored.order, timeline, await calendarOf(feed, stored.orgPath), feed.settledBefore);
    out.push(...facts.filter((f) => f.timelineId === null || wanted?.has(f.timelineId) === true).map((f) => f.event));
  }
  return out;
}

/** Ingests the events not stored yet, in batches; each batch is one ingest commit. */
async function send(feed: Feed, events: readonly MilestoneEvent[]): Promise<void> {
  const unique = [...new Map(events.map((e) => [e.id, e])).values()];
  const stored = await storedEventIds(feed.deps.db, feed.source.id, unique.map((e) => e.id));
  const fresh = unique.filter((e) => !stored.has(e.id));
  for (let i = 0; i < fresh.length; i += BATCH) {
    const lines = fresh.slice(i, i + BATCH).map(toNdjsonLine);
    const report = await feed.deps.ingest.ingestEvents(feed.source, 'ndjson', lines, feed.now);
    const t = feed.totals;
    feed.totals = {
      sent: t.sent + report.received, accepted: t.accepted + report.accepted, duplicates: t.duplicates + report.duplicates,
      conflicts: t.conflicts + report.conflicts, rejected: t.rejected + report.rejected,
    };
    if (report.rejected + report.conflicts > 0) feed.deps.log?.warn({ issues: report.issues.slice(0, 10) }, 'work-order facts not stored (see the source quarantine)');
  }
}

/** Reads the timeline after the cursor page by page; the cursor moves after each page's commit. */
async function followTimeline(feed: Feed): Promise<number> {
  let cursor = parseCursor(await readSetting<unknown>(feed.deps.db, FACTS_CURSOR_SETTING));
  for (;;) {
    const page: TimelineRef[] = await readTimelineAfter(feed.deps.db, cursor.after, awaitedIds(cursor), PAGE);
    const entries = new Map<string, Set<number>>();
    for (const ref of page) entries.set(ref.orderId, (entries.get(ref.orderId) ?? new Set()).add(ref.id));
    await send(feed, await factsOf(feed, entries));
    cursor = advanceCursor(cursor, page.map((r) => r.id), feed.now.getTime());
    await saveCursor(feed.deps.db, cursor, feed.now);
    if (page.length < PAGE) return cursor.after;
  }
}

/** Open orders past a deadline whose miss is not stored yet (checked from the order alone first). */
async function sendPendingMisses(feed: Feed): Promise<void> {
  const candidates = new Map<string, string[]>();
  for (const stored of await repo.listEscalatable(feed.deps.db)) {
    if (!stored.orgPath.startsWith(feed.source.orgPath)) continue;
    const ids = pendingMissIds(stored.order, await calendarOf(feed, stored.orgPath), feed.settledBefore);
    if (ids.length > 0) candidates.set(stored.order.id, ids);
  }
  const stored = await storedEventIds(feed.deps.db, feed.source.id, [...candidates.values()].flat());
  const missing = [...candidates].filter(([, ids]) => ids.some((id) => !stored.has(id)));
  await send(feed, await factsOf(feed, new Map(missing.map(([orderId]) => [orderId, null]))));
}

/** One run of the feed at `now`. */
export async function runWorkOrderFacts(deps: WorkOrderFactsDeps, now: Date): Promise<FactsRunReport> {
  const source = await ensureWorkOrderSource(deps, now);
  const idle = { sent: 0, accepted: 0, duplicates: 0, conflicts: 0, rejected: 0 };
  if (source === null || !source.active) return { ran: false, ...idle, cursor: 0 };
  const feed: Feed = { deps, source, now, settledBefore: new Date(now.getTime() - MISS_PATIENCE_MS), calendars: new Map(), totals: idle };
  const cursor = await followTimeline(feed);
  await sendPendingMisses(feed);
  // Silence is measured from the last batch: an idle feed still says it is alive.
  if (feed.totals.sent === 0) await deps.ingest.ingestEvents(source, 'ndjson', [], now);
  return { ran: true, ...feed.totals, cursor };
}

export function createWorkOrderFactsJob(deps: WorkOrderFactsDeps & { readonly everyMs?: number }): ScheduledJob {
  return {
    name: 'workorders.indicatorFacts',
    everyMs: deps.everyMs ?? 60_000,
    run: async (now) => {
      await runWorkOrderFacts(deps, now);
    },
  };
}
