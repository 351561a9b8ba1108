/**
 * The scheduler: time-driven work (no-data checks, closing windows, deadlines and escalation,
 * notification retries) run by exactly one process, chosen by an advisory lock.
 */
export type { ScheduledJob } from './job.ts';
export { createScheduler, type Scheduler, type SchedulerLogger } from './scheduler.ts';
