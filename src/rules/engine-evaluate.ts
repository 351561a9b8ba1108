import { calendarDayKind, type WorkingCalendar } from '../calendar/index.ts';
import type { SeriesPoint, SeriesReader } from '../indicators/index.ts';
import { LIVE_PERIOD } from '../alerts/index.ts';
import { bucketStart, isPeriodOpen, nextPeriod, periodKey, previousPeriod, type Grain } from '../shared/index.ts';
import type { Queryable } from '../store/index.ts';
import { createDetector, stepDetector, type DetectorConfig, type DetectorState, type SeriesPoint as DetectorPoint } from './anomaly/index.ts';
import type { AnomalyRule, ComplianceRule, SourceQualityRule } from './definition.ts';
import { evaluateAnomaly } from './evaluate/anomaly.ts';
import { outcomeOf } from './evaluate/common.ts';
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
  /** The working calendar's verdict on a period's day (anomaly baselines): true a public holiday, false a make-up working day, undefined an ordinary day. */
  readonly holidayOf?: HolidayOf;
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

/** A period's day in the working calendar: true a public holiday, false a make-up working day (调休上班), undefined an ordinary day. */
export type HolidayOf = (periodStart: Date) => boolean | undefined;

/** The anomaly baselines' view of a working calendar: its holidays and make-up working days. */
export function holidaysOf(calendar: WorkingCalendar): HolidayOf {
  return (periodStart) => {
    const kind = calendarDayKind(calendar, periodStart);
    return kind === 'off' ? true : kind === 'work' ? false : undefined;
  };
}

/**
 * Periods of stored history a new detector learns from before its first judgement (warm start),
 * per grain: a rule created over a year of daily data judges the next day with that year's baseline.
 */
export const WARM_START_PERIODS: Readonly<Record<Grain, number>> = { hour: 24 * 56, day: 3 * 366, week: 5 * 53, month: 10 * 12, quarter: 40, year: 20 };

export type StoredDetector = { readonly state: DetectorState; readonly lastPeriodStart: Date } | null;

/** The first period of the warm-start history of a detector judging (or relearning through) `start`. */
export function warmStartFrom(grain: Grain, start: Date, timeZone: string): Date {
  return shift(start, grain, WARM_START_PERIODS[grain], timeZone);
}

/**
 * Where an anomaly judgement starts reading: after the last period the detector learned, or the
 * warm-start history for a new one; for a period learned already (a backfill, late data), the
 * warm-start history before the last period learned, which the detector relearns.
 */
export function anomalyReadFrom(rule: AnomalyRule, start: Date, stored: StoredDetector, timeZone: string): Date {
  if (stored === null) return warmStartFrom(rule.grain, start, timeZone);
  if (stored.lastPeriodStart.getTime() >= start.getTime()) return warmStartFrom(rule.grain, stored.lastPeriodStart, timeZone);
  return nextPeriod(stored.lastPeriodStart, rule.grain, timeZone);
}

/** The period an anomaly read ends with: the judged one, or the last learned one when relearning. */
export function anomalyReadTo(start: Date, stored: StoredDetector): Date {
  return stored && stored.lastPeriodStart.getTime() >= start.getTime() ? stored.lastPeriodStart : start;
}

/** The detector's input for a stored point, with the calendar's verdict on its day (day and hour grains). */
function detectorPoint(p: SeriesPointInput & { readonly value: number }, grain: Grain, holidayOf: HolidayOf | undefined): DetectorPoint {
  const start = new Date(p.periodStart);
  const holiday = holidayOf && (grain === 'day' || grain === 'hour') ? holidayOf(start) : undefined;
  return { timestamp: start.getTime(), value: p.value, ...(holiday === undefined ? {} : { holiday }) };
}

export interface ReplayedPoint {
  readonly point: SeriesPointInput;
  /** null: missing, before the series' first data, or the detector still learning its minimum history. */
  readonly verdict: AnomalyVerdict | null;
}

/**
 * Feeds stored points to a detector in order, the one way the engine and the dry run both learn:
 * a missing value is skipped, and so are the periods before the series' first data (a count
 * reads 0 before its first event: that is no data, not a zero day). Closed periods are learned
 * from; an open period (only ever the last) is judged but not learned from. Returns the learned
 * state and each point's verdict.
 */
export function replayDetector(state: DetectorState, points: readonly SeriesPointInput[], grain: Grain, holidayOf?: HolidayOf): { state: DetectorState; replayed: ReplayedPoint[] } {
  let s = state;
  const replayed: ReplayedPoint[] = [];
  points.forEach((p, i) => {
    const last = i === points.length - 1;
    const beforeData = s.count === 0 && (p.value === null || p.value === 0);
    if (p.value === null || beforeData || (!last && !p.closed)) {
      replayed.push({ point: p, verdict: null });
      return;
    }
    const step = stepDetector(s, detectorPoint({ ...p, value: p.value }, grain, holidayOf));
    const verdict = step.judged ? { score: step.score, expected: step.expected, observed: step.observed, deviation: step.deviation, kind: step.kind, z: step.z } : null;
    replayed.push({ point: p, verdict });
    if (p.closed) s = step.state;
  });
  return { state: s, replayed };
}

export interface AnomalyJudgement {
  readonly outcome: RuleOutcome;
  /** The detector state to persist and the last period it learned (absent for an open period, which is judged but not learned from). */
  readonly state?: DetectorState;
  readonly learnedThrough?: Date;
}

/**
 * Steps the detector through the closed periods after `stored` up to `periodStart` (a new
 * detector first learns the warm-start history) and judges the last one. A period learned already
 * is not judged again; with `relearn`, data that arrived in it since (a backfill) makes the
 * detector relearn the stored history up to the last period it learned, so its baseline includes
 * what arrived. Null when the period was learned already and `relearn` is off.
 */
export async function judgeAnomaly(
  ctx: SeriesContext,
  rule: AnomalyRule,
  org: EngineOrg,
  periodStart: Date,
  stored: StoredDetector,
  config: Partial<DetectorConfig>,
  now: Date,
  relearn = true,
): Promise<AnomalyJudgement | null> {
  const start = bucketStart(periodStart, rule.grain, ctx.timeZone);
  if (!relearn && stored && stored.lastPeriodStart.getTime() >= start.getTime()) return null;
  const from = anomalyReadFrom(rule, start, stored, ctx.timeZone);
  const to = anomalyReadTo(start, stored);
  const points = await readPoints(ctx, rule.indicator, rule.grain, org.id, from, to, now);
  if (stored && to !== start) {
    const relearned = replayDetector(createDetector(config), points, rule.grain, ctx.holidayOf);
    const key = { orgUnit: org.code, seriesKey: SERIES_KEY, periodKey: periodKey(start, rule.grain, ctx.timeZone), periodStart: start.toISOString(), closed: !isPeriodOpen(start, rule.grain, ctx.timeZone, now) };
    return { outcome: outcomeOf(rule, key, now, 'skipped', 'baseline_relearned'), state: relearned.state, learnedThrough: to };
  }
  const { state, replayed } = replayDetector(stored?.state ?? createDetector(config), points, rule.grain, ctx.holidayOf);
  const last = replayed.at(-1);
  const closed = last?.point.closed ?? false;
  const outcome = evaluateAnomaly(rule, {
    orgUnit: org.code, seriesKey: SERIES_KEY, periodKey: last?.point.periodKey ?? periodKey(start, rule.grain, ctx.timeZone), periodStart: start.toISOString(), closed, verdict: last?.verdict ?? null,
  }, now);
  return closed ? { outcome, state, learnedThrough: start } : { outcome };
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
  /** When the source was registered: silence counts from here when it has sent nothing since. */
  readonly registeredAt?: Date;
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
    registeredAt: source.registeredAt?.toISOString() ?? null,
    received: c.received, accepted: c.accepted, invalid: c.invalid, onTime: c.onTime,
  }, now);
}
