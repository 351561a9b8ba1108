import { event, type LibraryFixture } from '../test-support.ts';

/**
 * A hand-computed month of work-order milestones (November 2026, Asia/Shanghai) for the
 * work-order family; October and December events must not count.
 */
const NOV = '2026-11-10T02:00:00Z';
const OCT = '2026-10-20T02:00:00Z';
const DEC = '2026-12-05T02:00:00Z';

let n = 0;
const wo = (occurredAt: string, milestone: string, attributes: Record<string, unknown> = {}) => {
  n += 1;
  return event('work_order', occurredAt, { orderId: String(n), milestone, severity: 2, category: 'access', origin: 'alert', round: 0, createdAt: occurredAt, ...attributes });
};

const MONTH = [
  // 3 orders created in November (1 in October).
  wo(NOV, 'created'), wo(NOV, 'created'), wo(NOV, 'created'), wo(OCT, 'created'),
  // Acknowledgement: met 3 times, missed once; a late acknowledgement decides nothing (its miss did).
  wo(NOV, 'acknowledged', { minutesToAcknowledge: 10, acknowledgedOnTime: true, acknowledgeDeadline: 'met' }),
  wo(NOV, 'acknowledged', { minutesToAcknowledge: 20, acknowledgedOnTime: true, acknowledgeDeadline: 'met' }),
  wo(NOV, 'acknowledged', { minutesToAcknowledge: 15, acknowledgedOnTime: true, acknowledgeDeadline: 'met' }),
  wo(NOV, 'acknowledged', { minutesToAcknowledge: 45, acknowledgedOnTime: false }),
  wo(OCT, 'acknowledged', { minutesToAcknowledge: 1000, acknowledgedOnTime: true, acknowledgeDeadline: 'met' }),
  wo(NOV, 'overdue', { track: 'acknowledge', acknowledgeDeadline: 'missed', firstOverdue: true }),
  wo(DEC, 'overdue', { track: 'acknowledge', acknowledgeDeadline: 'missed', firstOverdue: true }),
  wo(NOV, 'closed', { closeOutcome: 'cancelled' }),
  // Resolution: met twice, missed 3 times (one of them an order already overdue).
  wo(NOV, 'resolved', { minutesToResolve: 60, resolvedOnTime: true, resolveDeadline: 'met' }),
  wo(NOV, 'resolved', { minutesToResolve: 180, resolvedOnTime: true, resolveDeadline: 'met', round: 1 }),
  wo(NOV, 'overdue', { track: 'resolve', resolveDeadline: 'missed', firstOverdue: true }),
  wo(NOV, 'overdue', { track: 'resolve', resolveDeadline: 'missed', firstOverdue: false }),
  wo(NOV, 'overdue', { track: 'resolve', resolveDeadline: 'missed', firstOverdue: false, round: 1 }),
  // Reopenings: two orders reopened a first time, one a second time.
  wo(NOV, 'reopened', { round: 1, recurrence: false }), wo(NOV, 'reopened', { round: 1, recurrence: true }), wo(NOV, 'reopened', { round: 2, recurrence: false }),
  wo(NOV, 'recurred', { round: 1 }),
];

export const WORK_ORDER_FIXTURES: Readonly<Record<string, LibraryFixture>> = {
  workorder_created: { events: MONTH, expected: 3 },
  // met 3, decided 3 + 1 missed = 4 → 75 %.
  workorder_ack_on_time_rate: { events: MONTH, expected: 75 },
  // 2 met of 5 decided → 40 %.
  workorder_resolve_on_time_rate: { events: MONTH, expected: 40 },
  // (10 + 20 + 15 + 45) / 4 = 22.5 minutes.
  workorder_mean_ack_minutes: { events: MONTH, expected: 22.5 },
  // (60 + 180) / 2 = 120 minutes.
  workorder_mean_resolve_minutes: { events: MONTH, expected: 120 },
  // first misses in November: the acknowledgement miss and one resolution miss → 2.
  workorder_overdue: { events: MONTH, expected: 2 },
  // reopened a first time (round 1) → 2.
  workorder_reopened: { events: MONTH, expected: 2 },
};
