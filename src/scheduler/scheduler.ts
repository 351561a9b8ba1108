import type { Clock } from '../shared/index.ts';
import { advisoryLocks, type Db } from '../store/index.ts';
import type { ScheduledJob } from './job.ts';

export interface SchedulerLogger {
  error(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface Scheduler {
  start(): void;
  /** Stops ticking, waits for a running job, and gives the lock up for another process. */
  stop(): Promise<void>;
  readonly isLeader: () => boolean;
}

/**
 * Runs the jobs in exactly one process of a deployment: each process tries the scheduler
 * advisory lock on every tick; the one that holds it runs the jobs that are due. When the
 * holder dies, its connection closes, the lock frees and another process takes over. A failing
 * job is logged and retried at its next interval; it does not stop the others.
 */
export function createScheduler(deps: { db: Db; clock: Clock; jobs: readonly ScheduledJob[]; logger: SchedulerLogger; tickMs?: number }): Scheduler {
  const tickMs = deps.tickMs ?? 1000;
  const nextRun = new Map<string, number>();
  let lock: { release(): Promise<void> } | null = null;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let stopped = false;

  async function tick(): Promise<void> {
    if (lock === null) {
      lock = await deps.db.tryAdvisoryLock(advisoryLocks.scheduler).catch(() => null);
      if (lock === null) return;
      deps.logger.info({}, 'this process now runs the scheduler');
    }
    for (const job of deps.jobs) {
      if (stopped) return;
      const now = deps.clock.now();
      const due = nextRun.get(job.name) ?? 0;
      if (now.getTime() < due) continue;
      nextRun.set(job.name, now.getTime() + job.everyMs);
      try {
        await job.run(now);
      } catch (error) {
        deps.logger.error({ err: error, job: job.name }, 'scheduled job failed');
      }
    }
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().finally(() => {
        running = null;
        schedule();
      });
    }, tickMs);
  }

  return {
    start() {
      stopped = false;
      schedule();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (running) await running;
      if (lock) {
        await lock.release().catch(() => undefined);
        lock = null;
      }
    },
    isLeader: () => lock !== null,
  };
}
