import type { WorkingCalendar } from '../calendar/index.ts';
import { computeDeadlines, timeOnBasis, type DeadlineInput, type DeadlineSpan } from './deadlines.ts';
import { OPEN_STATES, type WorkOrder } from './work-order.ts';

/**
 * What a person watching a queue needs of a deadline: when it falls, how much time is left on
 * the deadline's own basis (working time for working-time deadlines, elapsed time on the clock
 * otherwise), and whether it has passed. Past the deadline `leftMs` is negative: minus the time
 * on that basis since it passed (so a deadline missed on Friday at 17:30 is not "more overdue"
 * over the weekend on a working basis, while `overdue` stays true).
 */
export interface DeadlineCountdown {
  readonly due: Date;
  readonly basis: DeadlineSpan['basis'];
  readonly leftMs: number;
  readonly overdue: boolean;
  /** The clock stands still (the order is on hold): `due` moves later while the hold lasts. */
  readonly paused: boolean;
}

/** The running deadlines of an order: acknowledge while it is new, resolve while it is open. */
export interface OrderCountdowns {
  readonly acknowledge: DeadlineCountdown | null;
  readonly resolve: DeadlineCountdown | null;
}

function countdown(calendar: WorkingCalendar, span: DeadlineSpan, due: Date, now: Date, paused: boolean): DeadlineCountdown {
  const overdue = now.getTime() > due.getTime();
  // Holds all lie before `now`, so time from now on needs no pauses.
  const leftMs = overdue ? -timeOnBasis(calendar, span.basis, due, now) : timeOnBasis(calendar, span.basis, now, due);
  return { due, basis: span.basis, leftMs, overdue, paused };
}

/**
 * Countdowns of an order at `now`, from its frozen deadline rule on its group's calendar. On
 * hold, the resolve deadline is the one that would apply if the order resumed now, so `leftMs`
 * is the time that was left when the hold began (unless it was already overdue then).
 */
export function orderCountdowns(order: DeadlineInput & Pick<WorkOrder, 'state'>, calendar: WorkingCalendar, now: Date): OrderCountdowns {
  if (!OPEN_STATES.includes(order.state)) return { acknowledge: null, resolve: null };
  const deadlines = computeDeadlines(order, calendar, now);
  return {
    acknowledge: order.state === 'new' ? countdown(calendar, order.sla.acknowledge, deadlines.acknowledgeBy, now, false) : null,
    resolve: countdown(calendar, order.sla.resolve, deadlines.resolveBy, now, deadlines.resolvePaused),
  };
}

/** Whether any running deadline of the order has passed. */
export function isOverdue(countdowns: OrderCountdowns): boolean {
  return countdowns.acknowledge?.overdue === true || countdowns.resolve?.overdue === true;
}
