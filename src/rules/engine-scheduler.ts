import { bucketStart, previousPeriod, type Grain } from '../shared/index.ts';
import type { ScheduledJob } from '../scheduler/index.ts';
import type { Queryable } from '../store/index.ts';
import { SOURCE_GRAIN } from './engine-evaluate.ts';
import type { JudgedOutcome } from './engine-record.ts';
import { listSubtreeOrgs } from './engine-repo.ts';
import type { LoadedRule, RuleEngine } from './engine.ts';
import * as rulesRepo from './rules-repo.ts';

/**
 * The time-driven half of the engine, run by the single scheduler: re-checks that fell due (a
 * compliance window closing, a `for` or keep-firing duration ending), the final judgement of
 * periods that closed since the last run (which is where "no data" shows), and source silence.
 * Idempotent: a period is judged once per rule (rule.judged_through), a re-run changes nothing.
 */
export interface RuleSchedulerDeps {
  readonly engine: RuleEngine;
  readonly everyMs?: number;
  /** Closed periods judged per rule and run when the scheduler was away (older ones are left alone). */
  readonly maxCatchUpPeriods?: number;
}

const RECHECK_BATCH = 500;

export function createRuleSchedulerJob(deps: RuleSchedulerDeps): ScheduledJob {
  const { engine } = deps;
  const db = engine.deps.db;
  const maxCatchUp = deps.maxCatchUpPeriods ?? 3;

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

  async function runRechecks(rules: ReadonlyMap<number, LoadedRule>, now: Date): Promise<void> {
    const due = await rulesRepo.listDueRechecks(db, now, RECHECK_BATCH);
    for (const r of due) {
      const rule = rules.get(r.ruleId);
      const done = async (tx: Queryable) => {
        // The recording just before may have moved the re-check to a later time (still undecided); only the one that fell due goes.
        await rulesRepo.deleteRecheckIfDue(tx, r.id, r.dueAt);
      };
      if (!rule) {
        await db.transaction((tx) => rulesRepo.deleteRecheck(tx, r.ruleId, r.subject));
        continue;
      }
      if (r.kind === 'event' && r.eventId !== null) {
        const eventId = r.eventId;
        await engine.runIsolated(rule, now, (x, at) => engine.judgeEvents(x, [eventId], 'schedule', at), done);
      } else if (r.periodStart !== null) {
        const work = [{ orgUnitId: r.orgUnitId, periodStart: r.periodStart }];
        await engine.runIsolated(rule, now, (x, at) => engine.judgeSeries(x, work, 'schedule', at), done);
      } else {
        await db.transaction((tx) => rulesRepo.deleteRecheck(tx, r.ruleId, r.subject));
      }
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
      const rules = await engine.activeRules();
      await runRechecks(new Map(rules.map((r) => [r.id, r])), now);
      for (const rule of rules) {
        await judgeClosedPeriods(rule, now);
        if (rule.def.kind === 'source_quality' && rule.def.metric === 'silent_minutes') {
          await engine.runIsolated(rule, now, (x, at) => engine.judgeSources(x, null, null, 'schedule', at));
        }
      }
    },
  };
}
