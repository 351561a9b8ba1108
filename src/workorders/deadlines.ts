import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import {
  addClockTime,
  addWorkingTime,
  clockTimeBetween,
  standardWorkingDayMs,
  workingTimeBetween,
  type Pause,
  type WorkingCalendar,
} from '../calendar/index.ts';
import type { Severity, WorkOrder } from './work-order.ts';

/**
 * How long a deadline runs: elapsed time (`clock`, 24/7), working time in ms (`working`), or
 * working days (`working_days`, each the calendar's standard working day, 8 h by default).
 */
export type DeadlineSpan =
  | { readonly basis: 'clock'; readonly ms: number }
  | { readonly basis: 'working'; readonly ms: number }
  | { readonly basis: 'working_days'; readonly days: number };

export interface SeverityDeadlines {
  readonly acknowledge: DeadlineSpan;
  readonly resolve: DeadlineSpan;
}

/** Deadlines per severity; keys '1'…'4' so the JSON form is the value itself. */
export interface DeadlinePolicy {
  readonly bySeverity: Readonly<Record<'1' | '2' | '3' | '4', SeverityDeadlines>>;
}

const MIN = 60_000;
const HOUR = 60 * MIN;

export const DEFAULT_DEADLINE_POLICY: DeadlinePolicy = {
  bySeverity: {
    '1': { acknowledge: { basis: 'clock', ms: 15 * MIN }, resolve: { basis: 'clock', ms: 4 * HOUR } },
    '2': { acknowledge: { basis: 'clock', ms: 30 * MIN }, resolve: { basis: 'clock', ms: 8 * HOUR } },
    '3': { acknowledge: { basis: 'working', ms: 4 * HOUR }, resolve: { basis: 'working_days', days: 3 } },
    '4': { acknowledge: { basis: 'working_days', days: 1 }, resolve: { basis: 'working_days', days: 5 } },
  },
};

const Positive = Type.Number({ exclusiveMinimum: 0, maximum: 366 * 24 * HOUR });
const SpanSchema = Type.Union([
  Type.Object({ basis: Type.Literal('clock'), ms: Positive }, { additionalProperties: false }),
  Type.Object({ basis: Type.Literal('working'), ms: Positive }, { additionalProperties: false }),
  Type.Object({ basis: Type.Literal('working_days'), days: Type.Number({ exclusiveMinimum: 0, maximum: 366 }) }, { additionalProperties: false }),
]);
const SeveritySchema = Type.Object({ acknowledge: SpanSchema, resolve: SpanSchema }, { additionalProperties: false });

export const DeadlinePolicySchema = Type.Object(
  { bySeverity: Type.Object({ '1': SeveritySchema, '2': SeveritySchema, '3': SeveritySchema, '4': SeveritySchema }, { additionalProperties: false }) },
  { additionalProperties: false },
);
const policyChecker = TypeCompiler.Compile(DeadlinePolicySchema);

export interface PolicyFieldError {
  readonly path: string;
  readonly message: string;
}

/** Validates a deadline policy as configured through the API (JSON pointer per error). */
export function parseDeadlinePolicy(
  input: unknown,
): { readonly ok: true; readonly policy: DeadlinePolicy } | { readonly ok: false; readonly errors: readonly PolicyFieldError[] } {
  if (policyChecker.Check(input)) return { ok: true, policy: input };
  return { ok: false, errors: [...policyChecker.Errors(input)].map((e) => ({ path: e.path, message: e.message })) };
}

/** The rule to freeze on a new order of this severity. */
export function slaFor(policy: DeadlinePolicy, severity: Severity): SeverityDeadlines {
  return policy.bySeverity[String(severity) as '1' | '2' | '3' | '4'];
}

/** Adds a span to an instant on its basis, skipping the pauses. */
export function addSpan(calendar: WorkingCalendar, start: Date, span: DeadlineSpan, pauses: readonly Pause[] = []): Date {
  switch (span.basis) {
    case 'clock':
      return addClockTime(start, span.ms, pauses);
    case 'working':
      return addWorkingTime(calendar, start, span.ms, pauses);
    case 'working_days':
      return addWorkingTime(calendar, start, span.days * standardWorkingDayMs(calendar), pauses);
  }
}

/** Adds `ms` on the same time basis as a span (working time for working bases). */
export function addOnBasis(calendar: WorkingCalendar, basis: DeadlineSpan['basis'], start: Date, ms: number, pauses: readonly Pause[] = []): Date {
  return basis === 'clock' ? addClockTime(start, ms, pauses) : addWorkingTime(calendar, start, ms, pauses);
}

/** Time from a to b on a basis (signed), outside the pauses. */
export function timeOnBasis(calendar: WorkingCalendar, basis: DeadlineSpan['basis'], a: Date, b: Date, pauses: readonly Pause[] = []): number {
  return basis === 'clock' ? clockTimeBetween(a, b, pauses) : workingTimeBetween(calendar, a, b, pauses);
}

export type DeadlineInput = Pick<WorkOrder, 'createdAt' | 'resolveClockStartedAt' | 'pauses' | 'hold' | 'sla'>;

/** Finished pauses plus the hold in progress, counted up to `now`. */
export function resolutionPauses(order: Pick<WorkOrder, 'pauses' | 'hold'>, now: Date): Pause[] {
  const pauses: Pause[] = order.pauses.map((p) => ({ start: p.start, end: p.end }));
  if (order.hold && now.getTime() > order.hold.since.getTime()) pauses.push({ start: order.hold.since, end: now });
  return pauses;
}

/**
 * The resolution deadline: the frozen resolve span from the start of the resolution clock, with
 * every hold excluded. While the order is on hold the hold counts up to `now`, so the value is
 * the deadline if the order were resumed now, and it moves later as the hold goes on.
 */
export function resolveDueWithPauses(order: DeadlineInput, calendar: WorkingCalendar, now: Date): Date {
  return addSpan(calendar, order.resolveClockStartedAt, order.sla.resolve, resolutionPauses(order, now));
}

export interface WorkOrderDeadlines {
  /** Acknowledge by: the acknowledge span from creation (holds cannot precede acknowledgement). */
  readonly acknowledgeBy: Date;
  /** Resolve by, holds excluded (see `resolveDueWithPauses`). */
  readonly resolveBy: Date;
  /** True while on hold: `resolveBy` is provisional. */
  readonly resolvePaused: boolean;
}

/**
 * Deadlines of an order from its frozen rule (`order.sla`, copied from the policy with `slaFor`
 * when the order was opened, so editing the policy never moves the deadlines of open orders).
 */
export function computeDeadlines(order: DeadlineInput, calendar: WorkingCalendar, now: Date): WorkOrderDeadlines {
  return {
    acknowledgeBy: addSpan(calendar, order.createdAt, order.sla.acknowledge),
    resolveBy: resolveDueWithPauses(order, calendar, now),
    resolvePaused: order.hold !== null,
  };
}
