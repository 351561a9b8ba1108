import type { IngestCommitConsumer, StoredEvent } from '../ingest/stored-event.ts';
import { pathIds } from '../orgs/index.ts';
import { GRAINS, bucketStart, periodEnd, type Grain } from '../shared/index.ts';
import type { Db, Queryable } from '../store/index.ts';
import { needsMergeableState, reportingTimeZone, type IndicatorCatalog } from './catalog-service.ts';
import type { IndicatorDefinition, RatioTerm } from './definition.ts';
import {
  completeTreeIndicators, deleteRollups, eventPage, listManualValues, lockRollupsExclusive, lockRollupsShared, markTreeComplete, orgPaths, readMergeableState,
  type EventRow, type RollupKey, type RollupRow, type RollupTable,
} from './indicator-repo.ts';
import { EMPTY_ACCUMULATOR, contributionsOf, keysNotIn, manualContributionsOf, mergeAccumulators, unionSorted, type Accumulator, type Contribution, type ManualEntry } from './rollup.ts';
import { lockMergeableRows, mergeKeyText, upsertRollupRows } from './rollup-repo.ts';
import type { IndicatorEvent } from './rows.ts';
import { parseSketch, type Sketch, type SketchBin } from './sketch.ts';

/**
 * Keeps `indicator_rollup` equal to a fold of the contributions of every stored event and manual
 * value under the current definitions. Incremental: the ingest consumer adds each batch's
 * contributions in the batch's own transaction. From scratch: `rebuild` deletes a range and
 * replays the raw events through the same code. A shared advisory lock held by every writer and
 * taken exclusively by a rebuild keeps the two from interleaving.
 */

/** Sketch bins and distinct keys of one batch row, collected unsorted and sorted once at the end. */
interface PendingState {
  zeros: number;
  readonly positive: Map<number, number>;
  readonly negative: Map<number, number>;
  hasSketch: boolean;
  distinct: Set<string> | null;
}

interface BatchEntry {
  readonly key: RollupKey;
  /** Summed in place while the batch is filled. */
  count: number;
  sum: number;
  numerator: number;
  denominator: number;
  state: PendingState | null;
}

function addBins(target: Map<number, number>, bins: readonly SketchBin[]): void {
  for (const [index, count] of bins) target.set(index, (target.get(index) ?? 0) + count);
}

const sortedBins = (bins: ReadonlyMap<number, number>): SketchBin[] => [...bins].sort((a, b) => a[0] - b[0]);

/**
 * In-memory sum of a batch's contributions, keyed by roll-up row. Hot in ingest (every event ×
 * matching definition × grain), so rows are found through a map per (indicator, org unit) keyed by
 * grain and epoch ms, additive columns are summed in place, and sketch bins and distinct keys are
 * gathered in maps and sets and sorted once in `entries()` (merging sorted arrays per event made a
 * month's distinct patients quadratic).
 */
export class RollupBatch {
  private readonly rows = new Map<string, Map<string, BatchEntry>>();
  private count = 0;

  add(indicator: string, orgUnitId: number, contributions: readonly Contribution[], sign: 1 | -1 = 1): void {
    const seriesKey = `${indicator}|${String(orgUnitId)}`;
    let series = this.rows.get(seriesKey);
    if (series === undefined) {
      series = new Map();
      this.rows.set(seriesKey, series);
    }
    for (const c of contributions) {
      const key = `${c.grain}${String(c.bucketStart.getTime())}`;
      let entry = series.get(key);
      if (entry === undefined) {
        entry = { key: { indicator, orgUnitId, grain: c.grain, bucketStart: c.bucketStart }, count: 0, sum: 0, numerator: 0, denominator: 0, state: null };
        series.set(key, entry);
        this.count++;
      }
      const a = c.accumulator;
      entry.count += sign * a.count;
      entry.sum += sign * a.sum;
      entry.numerator += sign * a.numerator;
      entry.denominator += sign * a.denominator;
      // Manual values (the only negative contributions) carry no sketch or distinct keys.
      if (sign === 1 && (a.sketch !== null || a.distinct !== null)) {
        entry.state ??= { zeros: 0, positive: new Map(), negative: new Map(), hasSketch: false, distinct: null };
        const st = entry.state;
        if (a.sketch !== null) {
          st.hasSketch = true;
          st.zeros += a.sketch.zeros;
          addBins(st.positive, a.sketch.positive);
          addBins(st.negative, a.sketch.negative);
        }
        if (a.distinct !== null) {
          st.distinct ??= new Set();
          for (const k of a.distinct) st.distinct.add(k);
        }
      }
    }
  }

  get size(): number {
    return this.count;
  }

  entries(): readonly { key: RollupKey; acc: Accumulator }[] {
    const out: { key: RollupKey; acc: Accumulator }[] = [];
    for (const series of this.rows.values()) {
      for (const e of series.values()) {
        const st = e.state;
        const sketch: Sketch | null = st?.hasSketch === true ? { zeros: st.zeros, positive: sortedBins(st.positive), negative: sortedBins(st.negative) } : null;
        const distinct = st?.distinct ? [...st.distinct].sort() : null;
        out.push({ key: e.key, acc: { count: e.count, sum: e.sum, numerator: e.numerator, denominator: e.denominator, sketch, distinct } });
      }
    }
    return out;
  }
}

function toIndicatorEvent(e: Pick<StoredEvent, 'eventId' | 'type' | 'occurredAt' | 'patient' | 'orgUnitCode' | 'attributes'>): IndicatorEvent {
  return { id: e.eventId, type: e.type, occurredAt: e.occurredAt, patient: e.patient, orgUnit: e.orgUnitCode, attributes: e.attributes };
}

/**
 * Writes a batch: one multi-row upsert, rows in key order (concurrent batches touching the same
 * rows lock them in the same order). Rows of percentile and distinct measures first merge their
 * JSON state with the stored one, under a lock per row (rollup-repo.ts).
 */
export async function writeRollupBatch(tx: Queryable, batch: RollupBatch, definitions: readonly IndicatorDefinition[], table: RollupTable = 'indicator_rollup'): Promise<void> {
  if (batch.size === 0) return;
  const byCode = new Map(definitions.map((d) => [d.code, d]));
  const entries = batch.entries().map((e) => ({ ...e, id: mergeKeyText(e.key) })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const mergeable = entries.filter(({ key, acc }) => {
    const d = byCode.get(key.indicator);
    return d !== undefined && (acc.sketch !== null || acc.distinct !== null) && (needsMergeableState(d).sketch || needsMergeableState(d).distinct);
  });
  const stored = new Map<string, Accumulator>();
  if (mergeable.length > 0) {
    await lockMergeableRows(tx, mergeable.map((m) => m.key), table);
    for (const s of await readMergeableState(tx, mergeable.map((m) => m.key), table)) {
      const sketch = s.sketch === null ? null : parseSketch(s.sketch);
      const distinct = Array.isArray(s.distinct) ? (s.distinct as string[]) : null;
      stored.set(mergeKeyText(s), { ...EMPTY_ACCUMULATOR, sketch, distinct });
    }
  }
  const rows: RollupRow[] = entries.map(({ key, acc, id }) => {
    const prior = stored.get(id);
    const sketch = prior ? mergeAccumulators(prior, { ...EMPTY_ACCUMULATOR, sketch: acc.sketch }).sketch : acc.sketch;
    return { ...key, count: acc.count, sum: acc.sum, numerator: acc.numerator, denominator: acc.denominator, sketch, distinct: mergedDistinct(prior?.distinct ?? null, acc.distinct) };
  });
  await upsertRollupRows(tx, rows, table);
}

/**
 * The distinct keys to store for a row, or null to keep the stored ones. A month's or a year's
 * set of patients mostly sees patients it already holds: those keys are found by binary search,
 * and the stored set is rewritten (and sent back) only when some key is new.
 */
function mergedDistinct(stored: readonly string[] | null, incoming: readonly string[] | null): readonly string[] | null {
  if (incoming === null || stored === null) return incoming;
  const fresh = keysNotIn(stored, incoming);
  return fresh.length === 0 ? null : unionSorted(stored, fresh);
}

/** The definitions computed from each event type, in definition order (an event matches no other). */
function definitionsByEventType(definitions: readonly IndicatorDefinition[]): ReadonlyMap<string, readonly IndicatorDefinition[]> {
  const out = new Map<string, IndicatorDefinition[]>();
  for (const d of definitions) {
    for (const type of eventTypesOf([d])) {
      const list = out.get(type) ?? [];
      list.push(d);
      out.set(type, list);
    }
  }
  return out;
}

/** Where an hour row goes besides its own batch: the subtree rows of some indicators, at every org unit on the path. */
export interface SubtreeTarget {
  readonly batch: RollupBatch;
  readonly indicators: ReadonlySet<string>;
  readonly placesOf: (orgUnitId: number) => readonly number[];
}

/**
 * Adds the contributions of events to a batch; `keep` drops contributions outside a rebuilt range.
 * Events are first summed per hour, then each hour row is added once at every grain: an hour lies
 * wholly inside one period of each coarser grain (local days start on a local hour) and merging is
 * exact and associative, so the result equals adding each event at every grain, for a sixth of the
 * bucketing work per event. The same hour rows also feed `subtree`, so an event is read once.
 */
export function addEvents(
  batch: RollupBatch,
  definitions: readonly IndicatorDefinition[],
  events: readonly { orgUnitId: number; event: IndicatorEvent }[],
  timeZone: string,
  keep: (c: Contribution) => boolean = () => true,
  subtree?: SubtreeTarget,
): void {
  const byType = definitionsByEventType(definitions);
  const hourly = new RollupBatch();
  for (const { orgUnitId, event } of events) {
    for (const d of byType.get(event.type) ?? []) {
      const contributions = contributionsOf(d, event, timeZone, HOUR_ONLY);
      if (contributions.length > 0) hourly.add(d.code, orgUnitId, contributions);
    }
  }
  for (const { key, acc } of hourly.entries()) {
    const contributions = GRAINS.map((grain): Contribution => ({
      grain, bucketStart: grain === 'hour' ? key.bucketStart : bucketStart(key.bucketStart, grain, timeZone), accumulator: acc,
    }));
    const kept = contributions.filter(keep);
    batch.add(key.indicator, key.orgUnitId, kept);
    if (subtree?.indicators.has(key.indicator) === true) {
      for (const place of subtree.placesOf(key.orgUnitId)) subtree.batch.add(key.indicator, place, kept);
    }
  }
}

/** Indicators that also keep subtree rows: percentiles, whose sketches are costly to merge per query and bounded in size. */
export function keepsSubtreeRows(definition: IndicatorDefinition): boolean {
  return definition.measure.kind === 'percentile';
}


const HOUR_ONLY: readonly Grain[] = ['hour'];

/** Adds (or with sign −1 takes back) a manual value's contributions to every definition reading it. */
export function addManualEntry(batch: RollupBatch, definitions: readonly IndicatorDefinition[], orgUnitId: number, entry: ManualEntry, timeZone: string, sign: 1 | -1 = 1, keep: (c: Contribution) => boolean = () => true): void {
  for (const d of definitions) {
    const contributions = manualContributionsOf(d, entry, timeZone).filter(keep);
    if (contributions.length > 0) batch.add(d.code, orgUnitId, contributions, sign);
  }
}

/** The roll-up consumer of ingest commits: contributions of every current definition, in the batch's transaction. */
export function createIndicatorRollupConsumer(deps: { catalog: IndicatorCatalog }): IngestCommitConsumer {
  return {
    name: 'indicator-rollups',
    async inTransaction(tx: Queryable, events: readonly StoredEvent[]): Promise<void> {
      if (events.length === 0) return;
      await lockRollupsShared(tx);
      const definitions = await deps.catalog.all(tx);
      const timeZone = await reportingTimeZone(tx);
      // Most groups touch no percentile indicator: the completeness read is skipped for them.
      const types = new Set(events.map((e) => e.type));
      const candidates = definitions.filter((d) => keepsSubtreeRows(d) && eventTypesOf([d]).some((t) => types.has(t)));
      const complete = candidates.length === 0 ? new Set<string>() : await completeTreeIndicators(tx);
      const treeDefinitions = candidates.filter((d) => complete.has(d.code));
      const paths = new Map(treeDefinitions.length === 0 ? [] : events.map((e) => [e.orgUnitId, pathIds(e.orgPath)] as const));
      const batch = new RollupBatch();
      const tree = new RollupBatch();
      addEvents(batch, definitions, events.map((e) => ({ orgUnitId: e.orgUnitId, event: toIndicatorEvent(e) })), timeZone, undefined, {
        batch: tree, indicators: new Set(treeDefinitions.map((d) => d.code)), placesOf: (id) => paths.get(id) ?? [id],
      });
      await writeRollupBatch(tx, batch, definitions);
      await writeRollupBatch(tx, tree, treeDefinitions, 'indicator_rollup_tree');
    },
  };
}

export interface RebuildOptions {
  /** Buckets of every grain overlapping [from, to) are recomputed; the whole history when absent. */
  readonly from?: Date;
  readonly to?: Date;
  /** Only these indicators (all when absent). */
  readonly indicators?: readonly string[];
  readonly pageSize?: number;
  /** Called after each page of events with the number read so far. */
  readonly onProgress?: (eventsRead: number) => void;
}

export interface RebuildResult {
  readonly deletedRows: number;
  readonly eventsRead: number;
  readonly manualValues: number;
}

function eventTypesOf(definitions: readonly IndicatorDefinition[]): string[] {
  const fromTerm = (t: RatioTerm): readonly string[] => (t.kind === 'events' ? t.source.eventTypes : []);
  const types = definitions.flatMap((d) => {
    const m = d.measure;
    if (m.kind === 'manual') return [];
    if (m.kind === 'ratio') return [...fromTerm(m.numerator), ...fromTerm(m.denominator)];
    return m.source.eventTypes;
  });
  return [...new Set(types)].sort();
}

/**
 * Recomputes roll-ups from the raw `event` table inside `tx`. For each grain the buckets touching
 * [from, to) are deleted, then every event is replayed through `contributionsOf` and only the
 * contributions landing in those buckets are kept: an event's time attribute (dischargedAt, slotAt)
 * may lie far from its occurredAt, so no event can be skipped by its own timestamp.
 */
export async function rebuildRollups(tx: Queryable, catalog: IndicatorCatalog, options: RebuildOptions = {}): Promise<RebuildResult> {
  await lockRollupsExclusive(tx);
  const timeZone = await reportingTimeZone(tx);
  const all = await catalog.all(tx);
  const wanted = options.indicators ? new Set(options.indicators) : null;
  const definitions = wanted ? all.filter((d) => wanted.has(d.code)) : all;
  const codes = wanted ? definitions.map((d) => d.code) : null;
  const ranges = new Map<Grain, { from: number; to: number }>();
  // Subtree rows: a whole-history rebuild recomputes them and makes them complete; one over a range
  // only keeps complete ones complete (an incomplete indicator's rows wait for a whole rebuild).
  const whole = options.from === undefined && options.to === undefined;
  const complete = await completeTreeIndicators(tx);
  const treeDefinitions = definitions.filter((d) => keepsSubtreeRows(d) && (whole || complete.has(d.code)));
  const treeCodes = treeDefinitions.map((d) => d.code);
  let deletedRows = 0;
  for (const grain of GRAINS) {
    const from = options.from ? bucketStart(options.from, grain, timeZone) : null;
    const to = options.to ? periodEnd(new Date(options.to.getTime() - 1), grain, timeZone) : null;
    ranges.set(grain, { from: from?.getTime() ?? -Infinity, to: to?.getTime() ?? Infinity });
    deletedRows += await deleteRollups(tx, grain, from, to, codes);
    if (treeCodes.length > 0) await deleteRollups(tx, grain, from, to, treeCodes, 'indicator_rollup_tree');
  }
  const paths = treeDefinitions.length === 0 ? new Map<number, number[]>() : await orgPaths(tx);
  const subtreeOf = (tree: RollupBatch): SubtreeTarget => ({ batch: tree, indicators: new Set(treeCodes), placesOf: (id) => paths.get(id) ?? [id] });
  const keep = (c: Contribution): boolean => {
    const range = ranges.get(c.grain);
    const t = c.bucketStart.getTime();
    return range !== undefined && t >= range.from && t < range.to;
  };
  if (definitions.length === 0) return { deletedRows, eventsRead: 0, manualValues: 0 };
  if (whole) await markTreeComplete(tx, treeCodes);
  const types = wanted ? eventTypesOf(definitions) : null;
  let eventsRead = 0;
  let afterId = 0;
  const pageSize = options.pageSize ?? 2000;
  for (;;) {
    if (types !== null && types.length === 0) break;
    const page: EventRow[] = await eventPage(tx, afterId, pageSize, types);
    if (page.length === 0) break;
    const batch = new RollupBatch();
    const tree = new RollupBatch();
    addEvents(batch, definitions, page.map((e) => ({ orgUnitId: e.orgUnitId, event: toIndicatorEvent({ ...e, orgUnitCode: e.orgUnitCode }) })), timeZone, keep, subtreeOf(tree));
    await writeRollupBatch(tx, batch, definitions);
    await writeRollupBatch(tx, tree, treeDefinitions, 'indicator_rollup_tree');
    eventsRead += page.length;
    afterId = page[page.length - 1]?.id ?? afterId;
    options.onProgress?.(eventsRead);
  }
  const manual = await listManualValues(tx, null);
  const batch = new RollupBatch();
  for (const v of manual) addManualEntry(batch, definitions, v.orgUnitId, { indicator: v.indicator, grain: v.grain, periodStart: v.periodStart, value: v.value }, timeZone, 1, keep);
  await writeRollupBatch(tx, batch, definitions);
  if (whole) await markTreeComplete(tx, treeCodes);
  return { deletedRows, eventsRead, manualValues: manual.length };
}

/** `yunjian indicators rebuild` and the definition service: a rebuild in a transaction of its own. */
export function createIndicatorRebuildService(deps: { db: Db; catalog: IndicatorCatalog }) {
  return {
    rebuild: (options: RebuildOptions = {}): Promise<RebuildResult> => deps.db.transaction((tx) => rebuildRollups(tx, deps.catalog, options)),
  };
}

export type IndicatorRebuildService = ReturnType<typeof createIndicatorRebuildService>;
