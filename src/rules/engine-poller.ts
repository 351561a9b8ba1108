/**
 * Drains the durable evaluation queue for commits made by other processes. A process with the
 * `ingest` role but not `engine` only queues its commits (`rule_evaluation_queue`, written in the
 * commit's own transaction); a process with the `engine` role polls that queue and evaluates what
 * has waited at least `minAgeMs`. Several engine processes may run: the poller of only one of them
 * works at a time, chosen by a session advisory lock (another takes over when its holder dies).
 * In a process that also ingests, its own commits are evaluated right after they commit, so the
 * poller there only takes commits that waited longer than that would take (`minAgeMs`).
 */
import type { Clock } from '../shared/index.ts';
import { advisoryLocks, type Db } from '../store/index.ts';

export interface QueuedEvaluationPollerDeps {
  readonly db: Db;
  readonly engine: { recoverQueued(before: Date): Promise<number> };
  readonly clock: Clock;
  /** Commits queued at least this long ago are taken (0 in a dedicated engine process). */
  readonly minAgeMs: number;
  readonly intervalMs?: number;
  readonly log?: { error(obj: object, msg: string): void };
}

export interface QueuedEvaluationPoller {
  /** One round: takes the lock when free, then evaluates the queued commits; how many were evaluated (0 without the lock). */
  poll(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

export function createQueuedEvaluationPoller(deps: QueuedEvaluationPollerDeps): QueuedEvaluationPoller {
  const intervalMs = deps.intervalMs ?? 200;
  let lock: { release(): Promise<void> } | null = null;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = true;

  async function poll(): Promise<number> {
    lock ??= await deps.db.tryAdvisoryLock(advisoryLocks.enginePoller);
    if (lock === null) return 0;
    // Queued at or before now − minAgeMs (recoverQueued takes those committed strictly before its bound).
    return deps.engine.recoverQueued(new Date(deps.clock.now().getTime() - deps.minAgeMs + 1));
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = poll()
        .catch(async (error: unknown) => {
          deps.log?.error({ err: error }, 'queued evaluation poll failed');
          // The connection holding the lock may be gone: let the next round take it afresh.
          const held = lock;
          lock = null;
          await held?.release().catch(() => undefined);
        })
        .finally(schedule);
    }, intervalMs);
  }

  return {
    poll,
    start() {
      if (!stopped) return;
      stopped = false;
      schedule();
    },
    async stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      await running;
      const held = lock;
      lock = null;
      await held?.release();
    },
  };
}
