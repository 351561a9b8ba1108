import type { ActionContext } from '../audit/index.ts';
import type { ScheduledJob } from '../scheduler/index.ts';
import type { Db } from '../store/index.ts';
import { escalationsDue, recordEscalations } from './escalation.ts';
import { DEFAULT_RECOVERY_CONFIG, evaluateIndicatorRecovery, markIndicatorRecovered, type RecoveryConfig } from './recovery.ts';
import { readCalendar, rootIdOf } from './workorder-config-service.ts';
import * as repo from './workorder-repo.ts';
import { saveChange } from './workorders-service.ts';

/**
 * The scheduler's side of the loop. Escalation: at each run, every order with a running track
 * gets the steps `escalationsDue` finds (frozen policy, group calendar), recorded on the order
 * and notified through the outbox in one transaction; acknowledging or resolving stops a track
 * because the pure core stops scheduling it. Recovery: orders whose alerts have all stayed
 * resolved for N periods are marked "indicator recovered". Both are idempotent: a step or mark
 * already stored is never repeated.
 */
const systemContext = (now: Date): ActionContext => ({ actor: { kind: 'system', id: null, name: 'yunjian' }, now });

/** Applies due escalation steps to every order; returns how many steps were sent. */
export async function runEscalations(db: Db, now: Date): Promise<number> {
  let sent = 0;
  for (const candidate of await repo.listEscalatable(db)) {
    const calendar = await readCalendar(db, rootIdOf(candidate.orgPath));
    if (escalationsDue(candidate.order, candidate.order.escalationPolicy, calendar, now).length === 0) continue;
    sent += await db.transaction(async (tx) => {
      const stored = await repo.findOrder(tx, candidate.order.id, true);
      if (!stored) return 0;
      const due = escalationsDue(stored.order, stored.order.escalationPolicy, calendar, now);
      if (due.length === 0) return 0;
      const recorded = recordEscalations(stored.order, due, now);
      await saveChange(tx, systemContext(now), stored, stored.order, recorded.order, recorded.effects, calendar);
      return due.length;
    });
  }
  return sent;
}

export function createEscalationJob(deps: { db: Db; everyMs?: number }): ScheduledJob {
  return {
    name: 'workorders.escalation',
    everyMs: deps.everyMs ?? 60_000,
    run: async (now) => {
      await runEscalations(deps.db, now);
    },
  };
}

/** Marks orders whose indicator has recovered; returns how many were marked. */
export async function runRecovery(db: Db, now: Date, config: RecoveryConfig = DEFAULT_RECOVERY_CONFIG): Promise<number> {
  let marked = 0;
  for (const candidate of await repo.listRecoveryCandidates(db)) {
    marked += await db.transaction(async (tx) => {
      const stored = await repo.findOrder(tx, candidate.order.id, true);
      if (!stored) return 0;
      const alerts = (await repo.listOrderAlerts(tx, [stored.order.id])).map((a) => ({ id: a.alertId, state: a.state, resolvedAt: a.resolvedAt, periodMs: a.periodMs }));
      const verdict = evaluateIndicatorRecovery(stored.order, alerts, config, now);
      if (!verdict.recovered) return 0;
      const marking = markIndicatorRecovered(stored.order, verdict.at, now);
      await saveChange(tx, systemContext(now), stored, stored.order, marking.order, marking.effects, await readCalendar(tx, rootIdOf(stored.orgPath)));
      return 1;
    });
  }
  return marked;
}

export function createRecoveryJob(deps: { db: Db; recovery?: RecoveryConfig; everyMs?: number }): ScheduledJob {
  return {
    name: 'workorders.recovery',
    everyMs: deps.everyMs ?? 300_000,
    run: async (now) => {
      await runRecovery(deps.db, now, deps.recovery);
    },
  };
}
