import {
  createAlertRecorder, seriesOf, seriesRefKey, type AlertTransitionConsumer, type AlertTransitionEvent, type HolidayPredicate, type NotificationInputs,
} from '../alerts/index.ts';
import type { WorkingCalendar } from '../calendar/index.ts';
import type { IndicatorDefinition, SeriesReader } from '../indicators/index.ts';
import type { IngestCommitConsumer, StoredEvent } from '../ingest/stored-event.ts';
import { bucketStart, DEFAULT_TIME_ZONE, isPeriodOpen, nextPeriod, previousPeriod, type Clock, type Grain } from '../shared/index.ts';
import type { Db, Queryable } from '../store/index.ts';
import { DETECTOR_VERSION, type DetectorConfig, type DetectorState } from './anomaly/index.ts';
import type { SeriesPointInput } from './outcome.ts';
import { parseRuleDefinition, type RuleDefinition } from './definition.ts';
import {
  anomalyReadFrom, anomalyReadTo, holidaysOf, judgeAnomaly, judgeEvents as judgeEventBatch, judgeIndicator, judgeSource, pointsKey, pointsOf, readFrom, SERIES_KEY, SOURCE_GRAIN, watchesSource,
  type ReadSourceQuality, type SeriesContext, type SourceRef, type StoredDetector,
} from './engine-evaluate.ts';
import { createPassLog, stopwatch, type PassReport } from './engine-passes.ts';
import { groupCases } from './compliance-cases.ts';
import { createCoalescingQueue } from './engine-queue.ts';
import type { SeriesBatchReader, SeriesBatchRequest } from './engine-series-batch.ts';
import { recordingRule, storeRuleEffects, type JudgedOutcome, type Trigger } from './engine-alerts.ts';
import { deleteQueuedEvaluations, dequeueEvaluations, enqueueEvaluation, listEventsByIds, listOrgsByIds, listQueuedEvaluations, type EngineEvent, type EngineOrg } from './engine-repo.ts';
import { indicatorsByEventType, inScope, touchedBy, type ActiveRule, type SeriesWork } from './engine-touch.ts';
import * as rulesRepo from './rules-repo.ts';

/**
 * The rule engine: the I/O loop around the pure evaluators. Ingest commits are queued (durably, in
 * the commit's transaction) and evaluated by one loop right after they are acknowledged: every
 * commit queued while a pass runs is merged into the next pass, which finds the (rule × org unit ×
 * period) series and the events those commits touched, reads the series of the whole pass in a
 * few queries, judges, and records what changed in one transaction. The scheduler job
 * (engine-scheduler.ts) does the time-driven part, and evaluates queued commits a crash left. A
 * rule that fails records its error (last_error, last_error_at) and the others go on.
 */
export interface RuleEngineDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly seriesReader: SeriesReader;
  /** The indicator definitions (for which event types feed which indicator). */
  readonly indicatorDefinitions: () => readonly IndicatorDefinition[] | Promise<readonly IndicatorDefinition[]>;
  /** Registered sources and their quality counts (from ingest bookkeeping); source rules are idle without them. */
  readonly listSources?: () => Promise<readonly SourceRef[]>;
  readonly readSourceQuality?: ReadSourceQuality;
  readonly transitionConsumers?: readonly AlertTransitionConsumer[];
  /** Days off for holiday mute windows, e.g. `(d) => !isWorkingDay(calendar, d)`. */
  readonly isHoliday?: HolidayPredicate;
  readonly timeZone?: string;
  readonly anomalyConfig?: Partial<DetectorConfig>;
  /** The working calendar of an org unit's group: its public holidays and make-up days are features of anomaly baselines. */
  readonly workingCalendar?: (org: EngineOrg) => Promise<WorkingCalendar>;
  /** Told after each recording transaction commits, with the transitions it stored (metrics, after-commit notifiers). */
  readonly onCommitted?: (events: readonly AlertTransitionEvent[]) => void;
  /** Closed periods the scheduler judges per rule and run, the newest (default 3). */
  readonly catchUpPeriods?: number;
  /** How long data for an older closed period must stay quiet before the scheduler judges it (default one minute). */
  readonly settleMs?: number;
  /** Reads the series of a whole pass in a few queries (the roll-ups); without it each series is read on its own. */
  readonly seriesBatch?: SeriesBatchReader;
  /**
   * Whether commits are evaluated behind their acknowledgement: `afterCommit` returns at once and
   * the next pass evaluates the commit (queued durably, so a crash loses nothing). Off (default),
   * `afterCommit` resolves once its commit has been evaluated.
   */
  readonly evaluateInBackground?: boolean;
  /**
   * Whether this process evaluates its own ingest commits (default). Off in a process without the
   * `engine` role: commits only join the durable queue, which an engine process's poller drains.
   */
  readonly evaluateAfterCommit?: boolean;
  /** Told when a whole pass fails (storage trouble); its commits stay queued for `recoverQueued`. */
  readonly onPassError?: (error: unknown) => void;
  /** Told after each pass over ingest commits, with its size and where its time went (debug logs, benchmarks). */
  readonly onPass?: (report: PassReport) => void;
}

export interface LoadedRule extends ActiveRule {
  readonly judgedThrough: Date | null;
}

export interface RuleEngine {
  /** Registered with ingest: evaluates the rules a commit touched, right after it. */
  readonly consumer: IngestCommitConsumer;
  /** Enabled, valid rules (cached until a rule changes). */
  activeRules(): Promise<readonly LoadedRule[]>;
  /** Judges `work` for one rule and stores the outcomes; errors are recorded on the rule, never thrown. */
  runIsolated(rule: LoadedRule, now: Date, work: (rule: LoadedRule, now: Date) => Promise<readonly JudgedOutcome[]>, after?: (tx: Queryable) => Promise<void>): Promise<boolean>;
  judgeSeries(rule: LoadedRule, work: readonly Pick<SeriesWork, 'orgUnitId' | 'periodStart'>[], trigger: Trigger | 'auto', now: Date): Promise<readonly JudgedOutcome[]>;
  judgeSources(rule: LoadedRule, sourceIds: readonly number[] | null, periodStart: Date | null, trigger: Trigger, now: Date): Promise<readonly JudgedOutcome[]>;
  judgeEvents(rule: LoadedRule, eventIds: readonly number[], trigger: Trigger, now: Date): Promise<readonly JudgedOutcome[]>;
  /** Resolves once every commit handed to the engine before the call has been evaluated. */
  settled(): Promise<void>;
  /** This process's latest passes over ingest commits, oldest first (engine-passes.ts). */
  recentPasses(): readonly PassReport[];
  /** Evaluates commits queued before `before` that no pass has evaluated (a crash, a failed pass); returns how many. */
  recoverQueued(before: Date): Promise<number>;
  /** Ends open incidents no live period continues (alerts/recorder.ts `expireStale`); returns how many. */
  expireStale(now: Date): Promise<number>;
  readonly timeZone: string;
  readonly catchUpPeriods: number;
  readonly deps: RuleEngineDeps;
}

export function createRuleEngine(deps: RuleEngineDeps): RuleEngine {
  const { db } = deps;
  const tz = deps.timeZone ?? DEFAULT_TIME_ZONE;
  const catchUpPeriods = deps.catchUpPeriods ?? 3;
  const settleMs = deps.settleMs ?? 60_000;
  const ctx: SeriesContext = { seriesReader: deps.seriesReader, timeZone: tz };
  const recorder = createAlertRecorder({ consumers: deps.transitionConsumers ?? [], isHoliday: deps.isHoliday ?? (() => false), timeZone: tz });
  let cache: { generation: string; rules: readonly LoadedRule[] } | null = null;
  /** Rules with a recorded error, cleared on their next successful evaluation. */
  const failing = new Set<number>();

  async function activeRules(): Promise<readonly LoadedRule[]> {
    const generation = await rulesRepo.rulesGeneration(db);
    if (cache?.generation === generation) return cache.rules;
    const rules: LoadedRule[] = [];
    for (const row of await rulesRepo.listRules(db, { paths: null, enabledOnly: true })) {
      const parsed = parseRuleDefinition(row.definition);
      if (row.lastError !== null) failing.add(row.id);
      if (parsed.ok) rules.push({ id: row.id, scopePath: row.scopePath, def: parsed.rule, judgedThrough: row.judgedThrough });
    }
    cache = { generation, rules };
    return rules;
  }

  async function orgsById(ids: readonly number[], known?: ReadonlyMap<number, EngineOrg>): Promise<ReadonlyMap<number, EngineOrg>> {
    if (known && ids.every((id) => known.has(id))) return known;
    return new Map((await listOrgsByIds(db, [...new Set(ids)])).map((o) => [o.id, o]));
  }

  async function recordError(rule: LoadedRule, error: unknown, now: Date): Promise<void> {
    failing.add(rule.id);
    await rulesRepo.recordRuleError(db, rule.id, error instanceof Error ? error.message : String(error), now);
  }

  /** Stores judged outcomes of rules inside `tx` (alerts through the recorder; re-checks and learned detector states here); returns the transitions stored. */
  async function recordIn(
    tx: Queryable, work: readonly { rule: LoadedRule; judged: readonly JudgedOutcome[] }[], now: Date, notification: NotificationInputs, unitOf: (indicator: string) => string,
  ): Promise<readonly AlertTransitionEvent[]> {
    // A compliance rule's violations become cases, grouped into one outcome per org unit and window.
    const grouped: { rule: LoadedRule; judged: readonly JudgedOutcome[] }[] = [];
    for (const w of work) grouped.push({ rule: w.rule, judged: await groupCases(tx, w.rule, w.judged, now, tz) });
    const { events, rechecks } = await recorder.record(tx, grouped.map((w) => ({ rule: recordingRule(w.rule, unitOf), judged: w.judged })), notification, now);
    for (const { rule, judged } of grouped) await storeRuleEffects(tx, rule.id, judged, rechecks.get(rule.id) ?? []);
    return events;
  }

  /** Indicator units by code (read before a recording transaction opens). */
  async function units(): Promise<(indicator: string) => string> {
    const byCode = new Map((await deps.indicatorDefinitions()).map((d) => [d.code, d.unit]));
    return (code) => byCode.get(code) ?? '';
  }

  async function succeeded(rules: readonly LoadedRule[], committed: readonly AlertTransitionEvent[]): Promise<void> {
    if (committed.length > 0) deps.onCommitted?.(committed);
    for (const rule of rules) if (failing.delete(rule.id)) await rulesRepo.clearRuleError(db, rule.id);
  }

  /** One rule in one transaction; a failure is recorded on the rule. */
  async function record(rule: LoadedRule, judged: readonly JudgedOutcome[], now: Date, after?: (tx: Queryable) => Promise<void>): Promise<boolean> {
    try {
      const notification = judged.length > 0 ? await recorder.loadInputs(db, now) : { silences: [], muteWindows: [] };
      const unitOf = await units();
      const committed = await db.transaction(async (tx) => {
        const events = await recordIn(tx, [{ rule, judged }], now, notification, unitOf);
        if (after) await after(tx);
        return events;
      });
      await succeeded([rule], committed);
      return true;
    } catch (error) {
      await recordError(rule, error, now);
      return false;
    }
  }

  /**
   * Many rules in one transaction (their alerts locked in one query, their writes in a few
   * multi-row statements): the fast path. If any rule's recording fails, the whole transaction
   * rolls back and each rule is recorded on its own, so a failing rule is isolated and its error
   * recorded while the others are stored.
   */
  async function recordMany(work: readonly { rule: LoadedRule; judged: readonly JudgedOutcome[] }[], now: Date): Promise<void> {
    if (work.length === 0) return;
    const notification = await recorder.loadInputs(db, now);
    const unitOf = await units();
    let committed: readonly AlertTransitionEvent[];
    try {
      committed = await db.transaction((tx) => recordIn(tx, work, now, notification, unitOf));
    } catch {
      for (const { rule, judged } of work) await record(rule, judged, now);
      return;
    }
    await succeeded(work.map((w) => w.rule), committed);
  }

  async function runIsolated(rule: LoadedRule, now: Date, work: (rule: LoadedRule, now: Date) => Promise<readonly JudgedOutcome[]>, after?: (tx: Queryable) => Promise<void>): Promise<boolean> {
    let judged: readonly JudgedOutcome[];
    try {
      judged = await work(rule, now);
    } catch (error) {
      await recordError(rule, error, now);
      return false;
    }
    return record(rule, judged, now, after);
  }

  async function expireStale(now: Date): Promise<number> {
    const rules = await activeRules();
    if (rules.length === 0) return 0;
    const unitOf = await units();
    const work = rules.map((r) => ({ rule: recordingRule(r, unitOf), grain: isSeriesRule(r.def) ? r.def.grain : SOURCE_GRAIN }));
    const notification = await recorder.loadInputs(db, now);
    const events = await db.transaction((tx) => recorder.expireStale(tx, work, notification, now));
    if (events.length > 0) deps.onCommitted?.(events);
    return events.length;
  }

  function isSeriesRule(def: RuleDefinition): def is Exclude<RuleDefinition, { kind: 'compliance' | 'source_quality' }> {
    return def.kind !== 'compliance' && def.kind !== 'source_quality';
  }

  /** Judges series of one rule (the scheduler's closed periods and re-checks), its reads batched. */
  async function judgeSeries(rule: LoadedRule, work: readonly Pick<SeriesWork, 'orgUnitId' | 'periodStart'>[], trigger: Trigger | 'auto', now: Date): Promise<JudgedOutcome[]> {
    if (!isSeriesRule(rule.def)) return [];
    const planned = planSeries(rule, work, trigger, now, await orgsById(work.map((w) => w.orgUnitId)));
    const detectors = rule.def.kind === 'anomaly'
      ? await rulesRepo.readDetectorStates(db, planned.map((p) => ({ ruleId: rule.id, orgUnitId: p.org.id })), SERIES_KEY)
      : new Map<string, rulesRepo.DetectorStateRow>();
    const memo = new Map<string, Promise<SeriesPointInput[]>>();
    await prefetch(memo, [{ rule, planned }], detectors, now);
    return judgePlanned({ ...ctx, memo }, rule, planned, now, detectors);
  }

  /** A series judgement to make: the org unit, the period and why. */
  interface PlannedSeries {
    readonly org: EngineOrg;
    readonly periodStart: Date;
    readonly trigger: Trigger;
  }

  /**
   * Which of `work` a rule judges now. After a commit ('auto'), open periods only for rules that
   * ask, and a closed period only when its final verdict was already given (late data).
   */
  function planSeries(rule: LoadedRule, work: readonly Pick<SeriesWork, 'orgUnitId' | 'periodStart'>[], trigger: Trigger | 'auto', now: Date, orgs: ReadonlyMap<number, EngineOrg>): PlannedSeries[] {
    const def = rule.def;
    if (!isSeriesRule(def)) return [];
    const openPeriods = new Map<string, boolean>();
    const out: PlannedSeries[] = [];
    for (const w of work) {
      const org = orgs.get(w.orgUnitId);
      if (!org) continue;
      const openKey = `${def.grain}|${String(w.periodStart.getTime())}`;
      let open = openPeriods.get(openKey);
      if (open === undefined) {
        open = isPeriodOpen(w.periodStart, def.grain, tz, now);
        openPeriods.set(openKey, open);
      }
      let t: Trigger = trigger === 'auto' ? 'evaluation' : trigger;
      if (trigger === 'auto') {
        if (open && !def.evaluateOpenPeriod) continue;
        if (!open) {
          if (rule.judgedThrough === null || w.periodStart.getTime() > rule.judgedThrough.getTime()) continue;
          t = 'late_data';
        }
      }
      out.push({ org, periodStart: w.periodStart, trigger: t });
    }
    return out;
  }

  async function storedDetector(rule: LoadedRule, orgUnitId: number, known?: ReadonlyMap<string, rulesRepo.DetectorStateRow>): Promise<StoredDetector> {
    const stored = known ? (known.get(`${String(rule.id)}:${String(orgUnitId)}`) ?? null) : await rulesRepo.readDetectorState(db, rule.id, orgUnitId, SERIES_KEY);
    // A state of an older detector version is dropped: the detector warm-starts from the stored history instead.
    const state = stored?.state as DetectorState | undefined;
    return stored && state?.version === DETECTOR_VERSION ? { state, lastPeriodStart: stored.lastPeriodStart } : null;
  }

  async function judgePlanned(ctx: SeriesContext, rule: LoadedRule, planned: readonly PlannedSeries[], now: Date, detectors?: ReadonlyMap<string, rulesRepo.DetectorStateRow>): Promise<JudgedOutcome[]> {
    const def = rule.def;
    if (!isSeriesRule(def)) return [];
    const out: JudgedOutcome[] = [];
    // Detector states learned in this call, by org unit: later periods go on from them, and a backfill relearns once per org unit.
    const learned = new Map<number, StoredDetector>();
    const relearned = new Set<number>();
    for (const p of planned) {
      if (def.kind === 'anomaly') {
        const calendar = deps.workingCalendar ? await deps.workingCalendar(p.org) : null;
        const anomalyCtx = calendar ? { ...ctx, holidayOf: holidaysOf(calendar) } : ctx;
        const stored = learned.has(p.org.id) ? (learned.get(p.org.id) ?? null) : await storedDetector(rule, p.org.id, detectors);
        // Late data in a recent period does not relearn (it streams in all the time); a settled backfill does.
        const relearn = p.trigger !== 'late_data' && !relearned.has(p.org.id);
        const judged = await judgeAnomaly(anomalyCtx, def, p.org, p.periodStart, stored, deps.anomalyConfig ?? {}, now, relearn);
        if (judged === null) continue;
        const { state, learnedThrough } = judged;
        if (judged.outcome.detail.reason === 'baseline_relearned') relearned.add(p.org.id);
        if (state && learnedThrough) learned.set(p.org.id, { state, lastPeriodStart: learnedThrough });
        out.push({ outcome: judged.outcome, org: p.org, trigger: p.trigger, ...(state && learnedThrough ? { detector: { state, periodStart: learnedThrough } } : {}) });
      } else {
        out.push({ outcome: await judgeIndicator(ctx, def, p.org, p.periodStart, now), org: p.org, trigger: p.trigger });
      }
    }
    return out;
  }

  /**
   * Reads every series a pass judges in a few batched queries and leaves the points in the pass's
   * memo, where the judgements find them. Reads the batch reader cannot answer (or all, when it
   * fails) are left to each judgement, which reads on its own and records a failure on its rule.
   */
  async function prefetch(memo: Map<string, Promise<SeriesPointInput[]>>, plans: readonly { rule: LoadedRule; planned: readonly PlannedSeries[] }[], detectors: ReadonlyMap<string, rulesRepo.DetectorStateRow>, now: Date): Promise<void> {
    const batch = deps.seriesBatch;
    if (!batch) return;
    const requests = new Map<string, SeriesBatchRequest & { start: Date; withYearAgo: boolean }>();
    for (const { rule, planned } of plans) {
      const def = rule.def;
      if (!isSeriesRule(def)) continue;
      for (const p of planned) {
        let start = bucketStart(p.periodStart, def.grain, tz);
        let from: Date;
        if (def.kind === 'anomaly') {
          const stored = await storedDetector(rule, p.org.id, detectors);
          if (p.trigger === 'late_data' && stored && stored.lastPeriodStart.getTime() >= start.getTime()) continue;
          from = anomalyReadFrom(def, start, stored, tz);
          start = anomalyReadTo(start, stored);
        } else {
          from = readFrom(def, start, tz);
        }
        const key = pointsKey(def.indicator, def.grain, p.org.id, from, start);
        const withYearAgo = def.kind === 'change' && def.compareTo === 'year_ago';
        const known = requests.get(key);
        if (known) known.withYearAgo ||= withYearAgo;
        else requests.set(key, { indicator: def.indicator, grain: def.grain, orgUnitId: p.org.id, orgPath: p.org.path, from, to: nextPeriod(start, def.grain, tz), start, withYearAgo });
      }
    }
    const list = [...requests];
    let answers: Awaited<ReturnType<SeriesBatchReader['readMany']>>;
    try {
      answers = await batch.readMany(list.map(([, r]) => r));
    } catch {
      return;
    }
    list.forEach(([key, r], i) => {
      const points = answers[i];
      if (points) memo.set(key, Promise.resolve(pointsOf(points, r.grain, r.from, r.start, tz, now)));
    });
  }

  function judgeSources(rule: LoadedRule, sourceIds: readonly number[] | null, periodStart: Date | null, trigger: Trigger, now: Date): Promise<JudgedOutcome[]> {
    return judgeSourcesWith(deps.readSourceQuality, rule, sourceIds, periodStart, trigger, now);
  }

  async function judgeSourcesWith(read: ReadSourceQuality | undefined, rule: LoadedRule, sourceIds: readonly number[] | null, periodStart: Date | null, trigger: Trigger, now: Date): Promise<JudgedOutcome[]> {
    const def = rule.def;
    if (def.kind !== 'source_quality' || !deps.listSources || !read) return [];
    const wanted = sourceIds === null ? null : new Set(sourceIds);
    const sources = (await deps.listSources()).filter((s) => wanted === null || wanted.has(s.id));
    const orgs = await orgsById(sources.map((s) => s.orgUnitId));
    const out: JudgedOutcome[] = [];
    for (const source of sources) {
      const org = orgs.get(source.orgUnitId);
      if (!org || !inScope(org.path, rule.scopePath, def.scope.includeDescendants) || !watchesSource(def, source)) continue;
      const outcome = await judgeSource(read, def, source, org, def.metric === 'silent_minutes' ? null : periodStart, tz, now);
      out.push({ outcome, org, trigger, ...(def.metric === 'silent_minutes' ? { silentSource: source.code } : {}) });
    }
    return out;
  }

  function judgeEvents(rule: LoadedRule, eventIds: readonly number[], trigger: Trigger, now: Date): Promise<JudgedOutcome[]> {
    return judgeEventsIn(rule, eventIds, trigger, now);
  }

  /**
   * Compliance judgements of events, taken from `known` (the pass's events) when there, else read.
   * `keepCompliant` as in `judgeEvents` of engine-evaluate: a pass leaves out first judgements that find an event compliant.
   */
  async function judgeEventsIn(
    rule: LoadedRule, eventIds: readonly number[], trigger: Trigger, now: Date, known?: ReadonlyMap<number, EngineEvent>, knownOrgs?: ReadonlyMap<number, EngineOrg>,
    keepCompliant?: (event: EngineEvent) => boolean,
  ): Promise<JudgedOutcome[]> {
    const def = rule.def;
    if (def.kind !== 'compliance') return [];
    const inMemory = eventIds.flatMap((id) => { const e = known?.get(id); return e ? [e] : []; });
    const missing = eventIds.filter((id) => known?.has(id) !== true);
    const judged = await judgeEventBatch(db, def, [...inMemory, ...(await listEventsByIds(db, missing))], now, keepCompliant);
    // Skipped outcomes (most events of a type are not what a rule is about) record nothing: their org unit is not looked up.
    const orgs = await orgsById(judged.filter((j) => j.outcome.kind !== 'skipped').map((j) => j.event.orgUnitId), knownOrgs);
    return judged.map(({ event, outcome }) => ({
      outcome, trigger, org: orgs.get(event.orgUnitId) ?? { id: event.orgUnitId, code: event.orgUnitCode, name: event.orgUnitCode, kind: '', path: event.orgPath },
    }));
  }

  /**
   * Whether a closed period touched by a commit is left to the scheduler's settle queue: one older
   * than the periods the scheduler's next run judges anyway (its catch-up, or the period last
   * judged and those before it within reach). Such periods come from backfills and bulk imports,
   * whose batches arrive one after the other: judging them after every batch would give a verdict
   * on part of the data (and cost a judgement per batch), so they are judged once, after the data
   * has stopped arriving for `settleMs`. Open periods and the recent closed ones are judged as before.
   */
  function settlesLater(rule: LoadedRule, grain: Grain, periodStart: Date, now: Date, horizons: Map<string, number>): boolean {
    const reach = rule.judgedThrough === null ? 1 : catchUpPeriods;
    const key = `${grain}|${String(reach)}`;
    let horizon = horizons.get(key);
    if (horizon === undefined) {
      let t = bucketStart(now, grain, tz);
      for (let i = 0; i < reach; i++) t = previousPeriod(t, grain, tz);
      horizon = t.getTime();
      horizons.set(key, horizon);
    }
    return periodStart.getTime() < horizon;
  }

  /**
   * Judges every rule the pass's events touched first (series read in batches), then reads the
   * alerts concerned in one query and opens a recording transaction only for the rules whose
   * outcomes change something (a transition, a re-check, a material status change), so a pass
   * that changes nothing writes nothing.
   */
  async function evaluateCommit(events: readonly EngineEvent[]): Promise<Omit<PassReport, 'at' | 'commits' | 'events' | 'ms'>> {
    const watch = stopwatch();
    const now = deps.clock.now();
    const rules = await activeRules();
    if (rules.length === 0) return { phases: watch.phases, judged: 0, recorded: 0 };
    const touched = touchedBy(events, rules, indicatorsByEventType(await deps.indicatorDefinitions()), tz);
    const byId = new Map(rules.map((r) => [r.id, r]));
    const eventsById = new Map(events.map((e) => [e.id, e]));
    const series = new Map<number, SeriesWork[]>();
    const settle: SeriesWork[] = [];
    const horizons = new Map<string, number>();
    for (const w of touched.series) {
      const rule = byId.get(w.ruleId);
      if (rule && isSeriesRule(rule.def) && settlesLater(rule, rule.def.grain, w.periodStart, now, horizons)) settle.push(w);
      else {
        const list = series.get(w.ruleId) ?? [];
        list.push(w);
        series.set(w.ruleId, list);
      }
    }
    if (settle.length > 0) await rulesRepo.upsertSettleRechecks(db, settle, new Date(now.getTime() + settleMs));
    const passOrgs = await orgsById([...touched.series.map((w) => w.orgUnitId), ...events.map((e) => e.orgUnitId)]);
    const plans: { rule: LoadedRule; planned: readonly PlannedSeries[] }[] = [];
    for (const [ruleId, items] of series) {
      const rule = byId.get(ruleId);
      if (rule) plans.push({ rule, planned: planSeries(rule, items, 'auto', now, passOrgs) });
    }
    const anomalyPairs = plans.filter((p) => p.rule.def.kind === 'anomaly').flatMap((p) => p.planned.map((x) => ({ ruleId: p.rule.id, orgUnitId: x.org.id })));
    watch.lap('plan');
    const detectors = await rulesRepo.readDetectorStates(db, anomalyPairs, SERIES_KEY);
    const memo = new Map<string, Promise<SeriesPointInput[]>>();
    await prefetch(memo, plans, detectors, now);
    watch.lap('read');
    const passCtx: SeriesContext = { seriesReader: memoReader(deps.seriesReader), timeZone: tz, memo };
    const work: { rule: LoadedRule; judge: () => Promise<readonly JudgedOutcome[]> }[] = [];
    for (const { rule, planned } of plans) {
      if (planned.length > 0) work.push({ rule, judge: () => judgePlanned(passCtx, rule, planned, now, detectors) });
    }
    for (const c of touched.compliance) {
      const rule = byId.get(c.ruleId);
      // A first judgement that finds an event compliant changes nothing (an event's alert only exists once an
      // earlier judgement of it breached or waited), unless the event is re-evaluated after a crash.
      if (rule) work.push({ rule, judge: () => judgeEventsIn(rule, c.eventIds, 'evaluation', now, eventsById, passOrgs, (e) => recovered.has(e.id)) });
    }
    // A source that just sent is not silent: its silence is judged from the pass's own receipt times, and
    // its quality counts are read only for an outcome that changes an alert (a silence alert resolving).
    const lastReceived = new Map<number, number>();
    for (const e of events) lastReceived.set(e.sourceId, Math.max(lastReceived.get(e.sourceId) ?? 0, e.receivedAt.getTime()));
    const justSent: ReadSourceQuality = (sourceId) => Promise.resolve({
      lastReceivedAt: lastReceived.has(sourceId) ? new Date(lastReceived.get(sourceId) ?? 0) : null, received: 0, accepted: 0, invalid: 0, onTime: 0,
    });
    const fromPass = new Set<number>();
    for (const s of touched.sources) {
      const rule = byId.get(s.ruleId);
      if (rule?.def.kind !== 'source_quality') continue;
      if (rule.def.metric === 'silent_minutes' && deps.readSourceQuality) {
        fromPass.add(rule.id);
        work.push({ rule, judge: () => judgeSourcesWith(justSent, rule, s.sourceIds, now, 'evaluation', now) });
      } else if (rule.def.evaluateOpenPeriod) {
        work.push({ rule, judge: () => judgeSources(rule, s.sourceIds, now, 'evaluation', now) });
      }
    }
    const judgedByRule: { rule: LoadedRule; judged: readonly JudgedOutcome[] }[] = [];
    for (const w of work) {
      try {
        judgedByRule.push({ rule: w.rule, judged: await w.judge() });
      } catch (error) {
        await recordError(w.rule, error, now);
      }
    }
    watch.lap('judge');
    // Skipped outcomes change nothing (nor would a first judgement that finds an event compliant:
    // those were left out when judged); the rest are compared with their alerts as last stored.
    const relevant = judgedByRule.map(({ rule, judged }) => ({ rule, judged: judged.filter((j) => j.outcome.kind !== 'skipped' || j.detector !== undefined) }));
    const heads = await recorder.readHeads(db, relevant.flatMap(({ rule, judged }) => judged.map((j) => seriesOf(rule, j))));
    const changing = relevant
      .map(({ rule, judged }) => {
        const r = recordingRule(rule);
        return { rule, judged: judged.filter((j) => j.detector !== undefined || recorder.needsRecording(heads.get(seriesRefKey(seriesOf(rule, j))) ?? null, j, r, now)) };
      })
      .filter((w) => w.judged.length > 0);
    const toRecord: { rule: LoadedRule; judged: readonly JudgedOutcome[] }[] = [];
    for (const w of changing) {
      if (!fromPass.has(w.rule.id)) {
        toRecord.push(w);
        continue;
      }
      try {
        const codes = new Set(w.judged.map((j) => j.silentSource));
        const ids = (await deps.listSources?.() ?? []).filter((src) => codes.has(src.code)).map((src) => src.id);
        toRecord.push({ rule: w.rule, judged: await judgeSources(w.rule, ids, now, 'evaluation', now) });
      } catch (error) {
        await recordError(w.rule, error, now);
      }
    }
    await recordMany(toRecord, now);
    watch.lap('record');
    return { phases: watch.phases, judged: judgedByRule.reduce((n, w) => n + w.judged.length, 0), recorded: toRecord.reduce((n, w) => n + w.judged.length, 0) };
  }

  /** One pass over the commits queued since the last: their events evaluated together, then forgotten by the durable queue. */
  async function pass(commits: readonly (readonly EngineEvent[])[]): Promise<void> {
    const events = new Map<number, EngineEvent>();
    for (const c of commits) for (const e of c) events.set(e.id, e);
    if (events.size === 0) return;
    const started = performance.now();
    const at = deps.clock.now();
    const result = await evaluateCommit([...events.values()]);
    const report: PassReport = { at, commits: commits.length, events: events.size, ms: Math.round(performance.now() - started), ...result };
    passLog.add(report);
    deps.onPass?.(report);
    await dequeueEvaluations(db, commits.flatMap((c) => (c[0] ? [c[0].id] : [])));
  }

  const passLog = createPassLog();
  const queue = createCoalescingQueue<EngineEvent>(pass);
  /** Events being re-evaluated from the durable queue (a judgement of them may already be stored). */
  const recovered = new Set<number>();

  async function recoverQueued(before: Date): Promise<number> {
    let count = 0;
    for (;;) {
      const rows = await listQueuedEvaluations(db, before, 50);
      if (rows.length === 0) return count;
      const found = await listEventsByIds(db, rows.flatMap((r) => r.eventIds));
      // These may have been judged before the crash: their compliant outcomes are compared with stored alerts too.
      for (const e of found) recovered.add(e.id);
      try {
        await queue.push(found);
      } finally {
        for (const e of found) recovered.delete(e.id);
      }
      await deleteQueuedEvaluations(db, rows.map((r) => r.id));
      count += rows.length;
    }
  }

  const consumer: IngestCommitConsumer = {
    name: 'rule-engine',
    async inTransaction(tx: Queryable, events: readonly StoredEvent[]): Promise<void> {
      await enqueueEvaluation(tx, events.map((e) => e.id), deps.clock.now());
    },
    async afterCommit(events: readonly StoredEvent[]): Promise<void> {
      if (events.length === 0 || deps.evaluateAfterCommit === false) return;
      const evaluated = queue.push(events);
      if (deps.evaluateInBackground !== true) {
        await evaluated;
        return;
      }
      evaluated.catch((error: unknown) => { deps.onPassError?.(error); });
    },
  };

  const settled = (): Promise<void> => queue.push([]).catch(() => undefined);

  return {
    consumer, activeRules, runIsolated, judgeSeries, judgeSources, judgeEvents, settled, recoverQueued, expireStale, recentPasses: passLog.recent, timeZone: tz, catchUpPeriods, deps,
  };
}

/** A reader that answers repeated requests within one commit from memory (rules on one indicator share reads). */
function memoReader(reader: SeriesReader): SeriesReader {
  const memo = new Map<string, ReturnType<SeriesReader['readSeries']>>();
  return {
    readSeries(r) {
      const key = `${r.indicator}|${String(r.orgUnitId)}|${r.grain}|${String(r.from.getTime())}|${String(r.to.getTime())}`;
      let hit = memo.get(key);
      if (!hit) {
        hit = reader.readSeries(r);
        memo.set(key, hit);
      }
      return hit;
    },
  };
}
