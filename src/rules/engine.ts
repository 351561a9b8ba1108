import { findAlertsByFingerprints } from '../alerts/alerts-repo.ts';
import { alertFingerprint, alertIdentity, type AlertTransitionConsumer, type AlertTransitionEvent, type HolidayPredicate } from '../alerts/index.ts';
import type { IndicatorDefinition, SeriesReader } from '../indicators/index.ts';
import type { IngestCommitConsumer, StoredEvent } from '../ingest/stored-event.ts';
import { bucketStart, DEFAULT_TIME_ZONE, isPeriodOpen, previousPeriod, type Clock, type Grain } from '../shared/index.ts';
import type { Db, Queryable } from '../store/index.ts';
import type { DetectorConfig, DetectorState } from './anomaly/index.ts';
import type { SeriesPointInput } from './outcome.ts';
import { parseRuleDefinition, type RuleDefinition } from './definition.ts';
import { judgeAnomaly, judgeEvent, judgeIndicator, judgeSource, watchesSource, type ReadSourceQuality, type SeriesContext, type SourceRef } from './engine-evaluate.ts';
import {
  loadNotificationInputs, needsRecording, prepareRecording, recordOutcomes, type JudgedOutcome, type NotificationInputs, type SharedRecording, type Trigger,
} from './engine-record.ts';
import { listEventsByIds, listOrgsByIds, type EngineOrg } from './engine-repo.ts';
import { indicatorsByEventType, inScope, touchedBy, type ActiveRule, type SeriesWork } from './engine-touch.ts';
import * as rulesRepo from './rules-repo.ts';

/**
 * The rule engine: the I/O loop around the pure evaluators. After each ingest commit it finds the
 * rules the commit touched and judges them at once; the scheduler job (engine-scheduler.ts) does
 * the time-driven part. Every rule is evaluated on its own: a rule that fails records its error
 * (last_error, last_error_at) and the others go on.
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
  /** Told after each recording transaction commits, with the transitions it stored (metrics, after-commit notifiers). */
  readonly onCommitted?: (events: readonly AlertTransitionEvent[]) => void;
  /** Closed periods the scheduler judges per rule and run, the newest (default 3). */
  readonly catchUpPeriods?: number;
  /** How long data for an older closed period must stay quiet before the scheduler judges it (default one minute). */
  readonly settleMs?: number;
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
  const recorder = { consumers: deps.transitionConsumers ?? [], isHoliday: deps.isHoliday ?? (() => false) };
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

  /** Stores judged outcomes (and learned detector states) of one rule inside `tx`; returns the transitions stored. */
  async function recordIn(tx: Queryable, rule: LoadedRule, judged: readonly JudgedOutcome[], now: Date, notification: NotificationInputs, shared?: SharedRecording): Promise<AlertTransitionEvent[]> {
    const committed: AlertTransitionEvent[] = [];
    const sink = { ...recorder, consumers: [...recorder.consumers, { name: 'committed', onTransition: (_tx: Queryable, e: AlertTransitionEvent) => { committed.push(e); return Promise.resolve(); } }] };
    if (judged.length > 0) await recordOutcomes(tx, sink, rule, judged, notification, now, shared);
    for (const j of judged) {
      if (j.detector) await rulesRepo.writeDetectorState(tx, rule.id, j.org.id, j.outcome.seriesKey, j.detector.state, j.detector.periodStart);
    }
    return committed;
  }

  async function succeeded(rule: LoadedRule, committed: readonly AlertTransitionEvent[]): Promise<void> {
    if (committed.length > 0) deps.onCommitted?.(committed);
    if (failing.delete(rule.id)) await rulesRepo.clearRuleError(db, rule.id);
  }

  /** One rule in one transaction; a failure is recorded on the rule. */
  async function record(rule: LoadedRule, judged: readonly JudgedOutcome[], now: Date, after?: (tx: Queryable) => Promise<void>): Promise<boolean> {
    try {
      const notification = judged.length > 0 ? await loadNotificationInputs(db, now) : { silences: [], muteWindows: [] };
      const committed = await db.transaction(async (tx) => {
        const events = await recordIn(tx, rule, judged, now, notification);
        if (after) await after(tx);
        return events;
      });
      await succeeded(rule, committed);
      return true;
    } catch (error) {
      await recordError(rule, error, now);
      return false;
    }
  }

  /**
   * Many rules in one transaction (their alerts locked in one query): the fast path. If any rule's
   * recording fails, the whole transaction rolls back and each rule is recorded on its own, so a
   * failing rule is isolated and its error recorded while the others are stored.
   */
  async function recordMany(work: readonly { rule: LoadedRule; judged: readonly JudgedOutcome[] }[], now: Date): Promise<void> {
    if (work.length === 0) return;
    const notification = await loadNotificationInputs(db, now);
    let done: { rule: LoadedRule; committed: AlertTransitionEvent[] }[] = [];
    try {
      await db.transaction(async (tx) => {
        done = [];
        const shared = await prepareRecording(tx, work.flatMap((w) => w.judged));
        for (const { rule, judged } of work) done.push({ rule, committed: await recordIn(tx, rule, judged, now, notification, shared) });
      });
    } catch {
      for (const { rule, judged } of work) await record(rule, judged, now);
      return;
    }
    for (const d of done) await succeeded(d.rule, d.committed);
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

  function isSeriesRule(def: RuleDefinition): def is Exclude<RuleDefinition, { kind: 'compliance' | 'source_quality' }> {
    return def.kind !== 'compliance' && def.kind !== 'source_quality';
  }

  function judgeSeries(rule: LoadedRule, work: readonly Pick<SeriesWork, 'orgUnitId' | 'periodStart'>[], trigger: Trigger | 'auto', now: Date): Promise<JudgedOutcome[]> {
    return judgeSeriesWith(ctx, rule, work, trigger, now);
  }

  async function judgeSeriesWith(
    ctx: SeriesContext,
    rule: LoadedRule,
    work: readonly Pick<SeriesWork, 'orgUnitId' | 'periodStart'>[],
    trigger: Trigger | 'auto',
    now: Date,
    knownOrgs?: ReadonlyMap<number, EngineOrg>,
  ): Promise<JudgedOutcome[]> {
    const def = rule.def;
    if (!isSeriesRule(def)) return [];
    const orgs = await orgsById(work.map((w) => w.orgUnitId), knownOrgs);
    const openPeriods = new Map<string, boolean>();
    const out: JudgedOutcome[] = [];
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
        // Open periods are judged only by rules that ask; a closed period after commit only when its final verdict was already given (late data).
        if (open && !def.evaluateOpenPeriod) continue;
        if (!open) {
          if (rule.judgedThrough === null || w.periodStart.getTime() > rule.judgedThrough.getTime()) continue;
          t = 'late_data';
        }
      }
      if (def.kind === 'anomaly') {
        const stored = await rulesRepo.readDetectorState(db, rule.id, org.id, 'all');
        const storedState = stored ? { state: stored.state as DetectorState, lastPeriodStart: stored.lastPeriodStart } : null;
        const judged = await judgeAnomaly(ctx, def, org, w.periodStart, storedState, deps.anomalyConfig ?? {}, now);
        if (judged === null) continue;
        const state = judged.state;
        out.push({ outcome: judged.outcome, org, trigger: t, ...(state ? { detector: { state, periodStart: w.periodStart } } : {}) });
      } else {
        out.push({ outcome: await judgeIndicator(ctx, def, org, w.periodStart, now), org, trigger: t });
      }
    }
    return out;
  }

  async function judgeSources(rule: LoadedRule, sourceIds: readonly number[] | null, periodStart: Date | null, trigger: Trigger, now: Date): Promise<JudgedOutcome[]> {
    const def = rule.def;
    if (def.kind !== 'source_quality' || !deps.listSources || !deps.readSourceQuality) return [];
    const wanted = sourceIds === null ? null : new Set(sourceIds);
    const sources = (await deps.listSources()).filter((s) => wanted === null || wanted.has(s.id));
    const orgs = await orgsById(sources.map((s) => s.orgUnitId));
    const out: JudgedOutcome[] = [];
    for (const source of sources) {
      const org = orgs.get(source.orgUnitId);
      if (!org || !inScope(org.path, rule.scopePath, def.scope.includeDescendants) || !watchesSource(def, source)) continue;
      const outcome = await judgeSource(deps.readSourceQuality, def, source, org, def.metric === 'silent_minutes' ? null : periodStart, tz, now);
      out.push({ outcome, org, trigger, ...(def.metric === 'silent_minutes' ? { silentSource: source.code } : {}) });
    }
    return out;
  }

  async function judgeEvents(rule: LoadedRule, eventIds: readonly number[], trigger: Trigger, now: Date): Promise<JudgedOutcome[]> {
    const def = rule.def;
    if (def.kind !== 'compliance') return [];
    const out: JudgedOutcome[] = [];
    for (const event of await listEventsByIds(db, eventIds)) {
      const outcome = await judgeEvent(db, def, event, now);
      out.push({ outcome, org: { id: event.orgUnitId, code: event.orgUnitCode, name: event.orgUnitCode, kind: '', path: event.orgPath }, trigger });
    }
    const orgs = await orgsById(out.map((o) => o.org.id));
    return out.map((o) => ({ ...o, org: orgs.get(o.org.id) ?? o.org }));
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
   * Judges every touched rule first, then reads the alerts concerned in one query and opens a
   * recording transaction only for the rules whose outcomes change something (a transition, a
   * re-check, a material status change), so a commit that changes nothing costs one query.
   */
  async function evaluateCommit(events: readonly StoredEvent[]): Promise<void> {
    const now = deps.clock.now();
    const rules = await activeRules();
    if (rules.length === 0) return;
    const touched = touchedBy(events, rules, indicatorsByEventType(await deps.indicatorDefinitions()), tz);
    const byId = new Map(rules.map((r) => [r.id, r]));
    const reader = memoReader(deps.seriesReader);
    const memo = new Map<string, Promise<SeriesPointInput[]>>();
    const commitOrgs = await orgsById(touched.series.map((w) => w.orgUnitId));
    const work: { rule: LoadedRule; judge: () => Promise<readonly JudgedOutcome[]> }[] = [];
    const series = new Map<number, SeriesWork[]>();
    const settle: SeriesWork[] = [];
    const horizons = new Map<string, number>();
    for (const w of touched.series) {
      const rule = byId.get(w.ruleId);
      if (rule && isSeriesRule(rule.def) && settlesLater(rule, rule.def.grain, w.periodStart, now, horizons)) settle.push(w);
      else series.set(w.ruleId, [...(series.get(w.ruleId) ?? []), w]);
    }
    if (settle.length > 0) await rulesRepo.upsertSettleRechecks(db, settle, new Date(now.getTime() + settleMs));
    for (const [ruleId, items] of series) {
      const rule = byId.get(ruleId);
      if (rule) work.push({ rule, judge: () => judgeSeriesWith({ seriesReader: reader, timeZone: tz, memo }, rule, items, 'auto', now, commitOrgs) });
    }
    for (const c of touched.compliance) {
      const rule = byId.get(c.ruleId);
      if (rule) work.push({ rule, judge: () => judgeEvents(rule, c.eventIds, 'evaluation', now) });
    }
    for (const s of touched.sources) {
      const rule = byId.get(s.ruleId);
      if (rule?.def.kind === 'source_quality' && (rule.def.metric === 'silent_minutes' || rule.def.evaluateOpenPeriod)) {
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
    const fps = judgedByRule.flatMap((r) => r.judged.map((j) => alertFingerprint(alertIdentity(j.outcome))));
    const known = new Map((await findAlertsByFingerprints(db, fps)).map((a) => [a.fingerprint, a.status]));
    const toRecord = judgedByRule
      .map(({ rule, judged }) => ({ rule, judged: judged.filter((j) => needsRecording(known.get(alertFingerprint(alertIdentity(j.outcome))) ?? null, j, rule.def, now)) }))
      .filter((w) => w.judged.length > 0);
    await recordMany(toRecord, now);
  }

  const consumer: IngestCommitConsumer = {
    name: 'rule-engine',
    async afterCommit(events: readonly StoredEvent[]): Promise<void> {
      if (events.length > 0) await evaluateCommit(events);
    },
  };

  return { consumer, activeRules, runIsolated, judgeSeries, judgeSources, judgeEvents, timeZone: tz, catchUpPeriods, deps };
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
