import type { SeriesPoint, SeriesReader } from '../indicators/index.ts';
import { bucketStart, isPeriodOpen, nextPeriod, periodKey, previousPeriod, type Grain } from '../shared/index.ts';
import type { Queryable } from '../store/index.ts';
import { createDetector, stepDetector, type DetectorConfig, type DetectorState } from './anomaly/index.ts';
import type { AnomalyRule, ComplianceRule, SourceQualityRule } from './definition.ts';
import { evaluateAnomaly } from './evaluate/anomaly.ts';
import { complianceOutcome, complianceVerdict, relatedEventQueries } from './evaluate/compliance.ts';
import { evaluateIndicatorRule, type IndicatorRule } from './evaluate/series.ts';
import { evaluateSourceQuality } from './evaluate/source-quality.ts';
import { findRelatedEventsMany, type EngineEvent, type EngineOrg, type RelatedEventsQuery } from './engine-repo.ts';
import type { AnomalyVerdict, RuleOutcome, SeriesPointInput } from './outcome.ts';
import { evaluatePredicate, relatedLookups, type RuleEvent } from './predicate.ts';

/**
 * The reading half of an evaluation: gather what a rule judges (a series through the SeriesReader,
 * an event and its related events, a source's quality counts) and call the pure evaluator. Runs
 * outside the recording transaction, so readers may use the database freely.
 */
export const SERIES_KEY = 'all';

export interface SeriesContext {
  readonly seriesReader: SeriesReader;
  readonly timeZone: string;
  /** Points already read in this pass, by `pointsKey` (rules on one indicator and grain share them). */
  readonly memo?: Map<string, Promise<SeriesPointInput[]>>;
}

function shift(start: Date, grain: Grain, periods: number, tz: string): Date {
  let t = start;
  for (let i = 0; i < periods; i++) t = previousPeriod(t, grain, tz);
  return t;
}

/** The memo key of a read: one indicator, grain and org unit over [from, periodStart]. */
export function pointsKey(indicator: string, grain: Grain, orgUnitId: number, from: Date, periodStart: Date): string {
  return `${indicator}|${grain}|${String(orgUnitId)}|${String(from.getTime())}|${String(periodStart.getTime())}`;
}

/** The points of [from, periodStart] from what a reader returned: contiguous, a null point for every period it left out. */
export function pointsOf(read: readonly SeriesPoint[], grain: Grain, from: Date, periodStart: Date, timeZone: string, now: Date): SeriesPointInput[] {
  const byStart = new Map(read.map((p) => [Date.parse(p.periodStart), p]));
  const out: SeriesPointInput[] = [];
  for (let t = from; t.getTime() <= periodStart.getTime(); t = nextPeriod(t, grain, timeZone)) {
    const p = byStart.get(t.getTime());
    out.push(p
      ? { periodStart: p.periodStart, periodKey: p.periodKey, value: p.value, closed: p.closed, target: p.target, previous: p.previous, yearAgo: p.yearAgo }
      : { periodStart: t.toISOString(), periodKey: periodKey(t, grain, timeZone), value: null, closed: !isPeriodOpen(t, grain, timeZone, now) });
  }
  return out;
}

/** The points of [from, periodStart], contiguous, with a null point for every period the reader left out (from the pass's memo when read already). */
export function readPoints(ctx: SeriesContext, indicator: string, grain: Grain, orgUnitId: number, from: Date, periodStart: Date, now: Date): Promise<SeriesPointInput[]> {
  const key = pointsKey(indicator, grain, orgUnitId, from, periodStart);
  const hit = ctx.memo?.get(key);
  if (hit) return hit;
  const read = ctx.seriesReader.readSeries({ indicator, orgUnitId, grain, from, to: nextPeriod(periodStart, grain, ctx.timeZone) })
    .then((points) => pointsOf(points, grain, from, periodStart, ctx.timeZone, now));
  ctx.memo?.set(key, read);
  return read;
}

/** How many periods before the judged one a series rule reads. */
export function historyOf(rule: IndicatorRule): number {
  return rule.kind === 'consecutive' || rule.kind === 'window' ? rule.periods - 1 : 0;
}

/** The first period a series rule reads when judging the period starting at `start`. */
export function readFrom(rule: IndicatorRule, start: Date, timeZone: string): Date {
  return shift(start, rule.grain, historyOf(rule), timeZone);
}

export async function judgeIndicator(ctx: SeriesContext, rule: IndicatorRule, org: EngineOrg, periodStart: Date, now: Date): Promise<RuleOutcome> {
  const start = bucketStart(periodStart, rule.grain, ctx.timeZone);
  const points = await readPoints(ctx, rule.indicator, rule.grain, org.id, readFrom(rule, start, ctx.timeZone), start, now);
  return evaluateIndicatorRule(rule, { orgUnit: org.code, seriesKey: SERIES_KEY, points }, now);
}

/** Where an anomaly judgement starts reading: after the last period the detector learned, or a window of history for a new one. */
export function anomalyReadFrom(rule: AnomalyRule, start: Date, stored: { readonly state: DetectorState; readonly lastPeriodStart: Date } | null, config: Partial<DetectorConfig>, timeZone: string): Date | null {
  if (stored && stored.lastPeriodStart.getTime() >= start.getTime()) return null;
  const windowSize = (stored?.state ?? createDetector(config)).config.windowSize;
  return stored ? nextPeriod(stored.lastPeriodStart, rule.grain, timeZone) : shift(start, rule.grain, windowSize, timeZone);
}

export interface AnomalyJudgement {
  readonly outcome: RuleOutcome;
  /** The detector state to persist (absent for an open period, which is judged but not learned from). */
  readonly state?: DetectorState;
}

/**
 * Steps the detector through the closed periods after `stored` up to `periodStart` (seeding a new
 * detector with up to `windowSize` periods of history) and judges the last one. Null when the
 * period was already stepped: a detector learns each period once, so late data does not re-judge it.
 */
export async function judgeAnomaly(
  ctx: SeriesContext,
  rule: AnomalyRule,
  org: EngineOrg,
  periodStart: Date,
  stored: { readonly state: DetectorState; readonly lastPeriodStart: Date } | null,
  config: Partial<DetectorConfig>,
  now: Date,
): Promise<AnomalyJudgement | null> {
  const start = bucketStart(periodStart, rule.grain, ctx.timeZone);
  const seedFrom = anomalyReadFrom(rule, start, stored, config, ctx.timeZone);
  if (seedFrom === null) return null;
  let state = stored?.state ?? createDetector(config);
  const points = await readPoints(ctx, rule.indicator, rule.grain, org.id, seedFrom, start, now);
  const last = points.at(-1);
  let verdict: AnomalyVerdict | null = null;
  for (const p of points) {
    if (p.value === null || (p !== last && !p.closed)) continue;
    const step = stepDetector(state, { timestamp: Date.parse(p.periodStart), value: p.value });
    if (p === last) verdict = step.state.count > state.config.warmup ? { score: step.score, expected: step.expected, observed: step.observed, deviation: step.deviation, kind: step.kind } : null;
    if (p !== last || p.closed) state = step.state;
  }
  const closed = last?.closed ?? false;
  const outcome = evaluateAnomaly(rule, {
    orgUnit: org.code, seriesKey: SERIES_KEY, periodKey: last?.periodKey ?? periodKey(start, rule.grain, ctx.timeZone), periodStart: start.toISOString(), closed, verdict,
  }, now);
  return closed ? { outcome, state } : { outcome };
}

const ruleEvents = new WeakMap<EngineEvent, RuleEvent>();

/** The event as rules read it, built once per event however many rules judge it. */
export function toRuleEvent(e: EngineEvent): RuleEvent {
  let r = ruleEvents.get(e);
  if (r === undefined) {
    r = { id: String(e.id), type: e.type, orgUnit: e.orgUnitCode, occurredAt: e.occurredAt.toISOString(), patient: e.patient, sourceId: String(e.sourceId), attributes: e.attributes };
    ruleEvents.set(e, r);
  }
  return r;
}

/**
 * Whether a compliance rule is about an event at all: of one of its types, and matching its
 * `match` when that needs no related events. Most events of a busy type are not (an offline
 * prescription for an online-only check): they are left out before anything is read or built,
 * as their outcome would be 'skipped', which changes no alert.
 */
function eventApplies(rule: ComplianceRule, event: EngineEvent, now: Date): boolean {
  if (!rule.eventTypes.includes(event.type)) return false;
  if (rule.match === undefined || relatedLookups(rule.match).length > 0) return true;
  return evaluatePredicate(rule.match, toRuleEvent(event), [], now) !== false;
}

export interface JudgedEvent {
  readonly event: EngineEvent;
  readonly outcome: RuleOutcome;
}

/**
 * Judges events against one compliance rule; the related events of them all are looked up in a
 * few index-backed queries. `keepCompliant(event)` false leaves out an event found compliant (a
 * first judgement that finds nothing wrong changes no alert, and most events are compliant), so no
 * outcome is built for it.
 */
export async function judgeEvents(db: Queryable, rule: ComplianceRule, events: readonly EngineEvent[], now: Date, keepCompliant: (event: EngineEvent) => boolean = () => true): Promise<JudgedEvent[]> {
  // A rule that looks related events up leaves out the events it is not about before any look-up;
  // one that needs none judges its match once, in the verdict, and drops what it is not about then.
  const looksUp = relatedLookups(rule.violation).length > 0 || (rule.match !== undefined && relatedLookups(rule.match).length > 0);
  const candidates = events.filter((e) => (looksUp ? eventApplies(rule, e, now) : rule.eventTypes.includes(e.type)));
  const subjects = candidates.map(toRuleEvent);
  const queries: RelatedEventsQuery[] = [];
  const ranges = subjects.map((subject, i) => {
    const start = queries.length;
    const excludeId = candidates[i]?.id ?? 0;
    for (const q of relatedEventQueries(rule, subject)) queries.push({ ...q, excludeId });
    return [start, queries.length] as const;
  });
  const answers = queries.length === 0 ? [] : await findRelatedEventsMany(db, queries);
  const out: JudgedEvent[] = [];
  subjects.forEach((subject, i) => {
    const event = candidates[i];
    const [from, to] = ranges[i] ?? [0, 0];
    if (!event) return;
    const related = answers.slice(from, to).flat().map(toRuleEvent);
    const verdict = complianceVerdict(rule, subject, related, now);
    if (verdict.kind === 'skipped' && verdict.reason === 'not_applicable' && !looksUp) return;
    if (verdict.kind === 'judged' && verdict.truth === false && !keepCompliant(event)) return;
    out.push({ event, outcome: complianceOutcome(rule, subject, verdict, now) });
  });
  return out;
}

/** A registered source as the engine needs it. */
export interface SourceRef {
  readonly id: number;
  readonly code: string;
  readonly orgUnitId: number;
}

export interface SourceQualityCounts {
  readonly lastReceivedAt: Date | null;
  readonly received: number;
  readonly accepted: number;
  readonly invalid: number;
  readonly onTime: number;
}

export type ReadSourceQuality = (sourceId: number, from: Date, to: Date) => Promise<SourceQualityCounts>;

/** Quality rules judge a day; source silence is a live condition with one alert per source. */
export const SOURCE_GRAIN: Grain = 'day';
export const LIVE_PERIOD = 'live';
const SILENCE_LOOKBACK_MS = 90 * 24 * 3_600_000;

export function watchesSource(rule: SourceQualityRule, source: SourceRef): boolean {
  return rule.sources === undefined || rule.sources.includes(source.code) || rule.sources.includes(String(source.id));
}

/** Judges one source: its silence now, or its counts in the day starting at `periodStart`. */
export async function judgeSource(read: ReadSourceQuality, rule: SourceQualityRule, source: SourceRef, org: EngineOrg, periodStart: Date | null, tz: string, now: Date): Promise<RuleOutcome> {
  const live = rule.metric === 'silent_minutes' || periodStart === null;
  const from = live ? new Date(now.getTime() - SILENCE_LOOKBACK_MS) : bucketStart(periodStart, SOURCE_GRAIN, tz);
  const to = live ? now : nextPeriod(from, SOURCE_GRAIN, tz);
  const c = await read(source.id, from, to);
  return evaluateSourceQuality(rule, {
    orgUnit: org.code, sourceId: source.code, periodKey: live ? LIVE_PERIOD : periodKey(from, SOURCE_GRAIN, tz), periodStart: from.toISOString(),
    closed: live ? false : !isPeriodOpen(from, SOURCE_GRAIN, tz, now), lastReceivedAt: c.lastReceivedAt?.toISOString() ?? null,
    received: c.received, accepted: c.accepted, invalid: c.invalid, onTime: c.onTime,
  }, now);
}
