/**
 * A periodic job run by the single scheduler (one process in a deployment holds the scheduler
 * advisory lock). Jobs must be idempotent: after a crash the next holder runs them again.
 */
export interface ScheduledJob {
  readonly name: string;
  readonly everyMs: number;
  run(now: Date): Promise<void>;
}
