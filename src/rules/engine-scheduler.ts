import { bucketStart, previousPeriod, type Grain } from '../shared/index.ts';
import type { ScheduledJob } from '../scheduler/index.ts';
import type { Queryable } from '../store/index.ts';
import { SOURCE_GRAIN } from './engine-evaluate.ts';
import type { JudgedOutcome } from './engine-alerts.ts';
import { listSubtreeOrgs } from './engine-repo.ts';
import type { LoadedRule, RuleEngine } from './engine.ts';
import * as rulesRepo from './rules-repo.ts';
import type { RecheckRow } from './rules-repo.ts';

/**
 * The time-driven half of the engine, run by the single scheduler: re-checks that fell due (a
 * compliance window closing, a `for` or keep-firing duration ending), the final judgement of
 * periods that closed since the last run (which is where "no data" shows), and source silence.
 * Idempotent: a period is judged once per rule (rule.judged_through), a re-run changes nothing.
 * Each run first waits for the commits already handed to the engine, then evaluates queued commits
 * no pass took: at the process's first run all of them (left by a crash before they were
 * evaluated), later those queued longer than `recoverAfterMs` (a pass that failed).
 */
export interface RuleSchedulerDeps {
  readonly engine: RuleEngine;
  readonly everyMs?: number;
  /** Closed periods judged per rule and run when the scheduler was away (older ones are left alone). */
  readonly maxCatchUpPeriods?: number;
  /** How long a queued commit may wait before a run evaluates it itself (default one minute). */
  readonly recoverAfterMs?: number;
}

const RECHECK_BATCH = 500;
/** Batches of due re-checks per run; the rest wait for the next run (the scheduler stays responsive). */
const maxRecheckBatches = 20;

export function createRuleSchedulerJob(deps: RuleSchedulerDeps): ScheduledJob {
  const { engine } = deps;
  const db = engine.deps.db;
  const maxCatchUp = deps.maxCatchUpPeriods ?? engine.catchUpPeriods;
  const recoverAfterMs = deps.recoverAfterMs ?? 60_000;
  let firstRun = true;

  /** Starts of the closed periods after `judgedThrough` (at most `maxCatchUp`, the newest). */
  function closedSince(judgedThrough: Date | null, grain: Grain, now: Date): Date[] {
    const open = bucketStart(now, grain, engine.timeZone);
    const out: Date[] = [];
    for (let t = previousPeriod(open, grain, engine.timeZone); out.length < maxCatchUp; t = previousPeriod(t, grain, engine.timeZone)) {
      if (judgedThrough !== null && t.getTime() <= judgedThrough.getTime()) break;
      out.unshift(t);
      if (judgedThrough === null) break;
    }
    return out;
  }

  /**
   * Re-checks that fell due: events one by one, series per rule in one judgement and one recording
   * (a backfill queues thousands of settled periods; they are judged oldest first, in batches).
   */
  async function runRechecks(rules: ReadonlyMap<number, LoadedRule>, now: Date): Promise<void> {
    for (let batch = 0; batch < maxRecheckBatches; batch++) {
      const due = await rulesRepo.listDueRechecks(db, now, RECHECK_BATCH);
      const series = new Map<number, RecheckRow[]>();
      for (const r of due) {
        const rule = rules.get(r.ruleId);
        if (!rule) {
          await db.transaction((tx) => rulesRepo.deleteRecheck(tx, r.ruleId, r.subject));
        } else if (r.kind === 'event' && r.eventId !== null) {
          const eventId = r.eventId;
          // The recording just before may have moved the re-check to a later time (still undecided); only the one that fell due goes.
          const done = (tx: Queryable) => rulesRepo.deleteRecheckIfDue(tx, r.id, r.dueAt);
          await engine.runIsolated(rule, now, (x, at) => engine.judgeEvents(x, [eventId], 'schedule', at), done);
        } else if (r.periodStart !== null) {
          series.set(r.ruleId, [...(series.get(r.ruleId) ?? []), r]);
        } else {
          await db.transaction((tx) => rulesRepo.deleteRecheck(tx, r.ruleId, r.subject));
        }
      }
      for (const [ruleId, rows] of series) {
        const rule = rules.get(ruleId);
        if (!rule) continue;
        const seen = new Set<string>();
        const work: { orgUnitId: number; periodStart: Date }[] = [];
        for (const r of [...rows].sort((a, b) => (a.periodStart?.getTime() ?? 0) - (b.periodStart?.getTime() ?? 0))) {
          const key = `${String(r.orgUnitId)}:${String(r.periodStart?.getTime())}`;
          if (r.periodStart === null || seen.has(key)) continue;
          seen.add(key);
          work.push({ orgUnitId: r.orgUnitId, periodStart: r.periodStart });
        }
        const done = (tx: Queryable) => rulesRepo.deleteRechecksIfDue(tx, rows);
        if (!(await engine.runIsolated(rule, now, (x, at) => engine.judgeSeries(x, work, 'schedule', at), done))) {
          // A failing rule keeps no queue: its error is recorded, and the re-checks would only fail again.
          await db.transaction((tx) => rulesRepo.deleteRechecksIfDue(tx, rows));
        }
      }
      if (due.length < RECHECK_BATCH) break;
    }
  }

  async function judgeClosedPeriods(rule: LoadedRule, now: Date): Promise<void> {
    const def = rule.def;
    if (def.kind === 'compliance') return;
    const grain: Grain = def.kind === 'source_quality' ? SOURCE_GRAIN : def.grain;
    const periods = closedSince(rule.judgedThrough, grain, now);
    const last = periods.at(-1);
    if (last === undefined) return;
    const mark = (tx: Queryable) => rulesRepo.setJudgedThrough(tx, rule.id, last);
    if (def.kind === 'source_quality') {
      if (def.metric === 'silent_minutes') return;
      await engine.runIsolated(rule, now, async (x, at) => {
        const out: JudgedOutcome[] = [];
        for (const p of periods) out.push(...(await engine.judgeSources(x, null, p, 'schedule', at)));
        return out;
      }, mark);
      return;
    }
    const orgs = await listSubtreeOrgs(db, rule.scopePath);
    const scoped = def.scope.includeDescendants ? orgs : orgs.filter((o) => o.path === rule.scopePath);
    const work = periods.flatMap((periodStart) => scoped.map((o) => ({ orgUnitId: o.id, periodStart })));
    await engine.runIsolated(rule, now, (x, at) => engine.judgeSeries(x, work, 'schedule', at), mark);
  }

  return {
    name: 'rule-engine',
    everyMs: deps.everyMs ?? 60_000,
    async run(now: Date): Promise<void> {
      await engine.settled();
      await engine.recoverQueued(firstRun ? now : new Date(now.getTime() - recoverAfterMs));
      firstRun = false;
      const rules = await engine.activeRules();
      await runRechecks(new Map(rules.map((r) => [r.id, r])), now);
      for (const rule of rules) {
        await judgeClosedPeriods(rule, now);
        if (rule.def.kind === 'source_quality' && rule.def.metric === 'silent_minutes') {
          await engine.runIsolated(rule, now, (x, at) => engine.judgeSources(x, null, null, 'schedule', at));
        }
      }
      // Nothing stays firing on a period long past: an incident no live period continued ends.
      await engine.expireStale(now);
    },
  };
}
