import { describe, expect, it } from 'vitest';
import { computeWorkOrderStats, weeklyConsultationList } from './statistics.ts';
import { at, center, china, HOUR, liaison, makeOrder, MIN, run } from './test-support.ts';
import type { NewWorkOrder } from './open-work-order.ts';
import type { WorkOrder } from './work-order.ts';

// Severity 2 runs on the clock: acknowledge within 30 min, resolve within 8 h.
const sev2 = (id: string, created: string, extra: Partial<NewWorkOrder> = {}): WorkOrder =>
  makeOrder(at(created), { id, severity: 2, orgUnit: 'dept-cardio', ...extra });
const ack = { kind: 'acknowledge' } as const;
const resolve = { kind: 'resolve', rootCause: 'r', actionTaken: 'a' } as const;

const A = run(sev2('A', '2026-10-12T09:00:00'), [
  [ack, liaison, at('2026-10-12T09:10:00')],
  [resolve, liaison, at('2026-10-12T12:00:00')],
  [{ kind: 'verify' }, center, at('2026-10-12T15:00:00')],
]);
const B = run(sev2('B', '2026-10-13T09:00:00'), [
  [ack, liaison, at('2026-10-13T10:00:00')],
  [resolve, liaison, at('2026-10-14T09:00:00')],
]);
const C = sev2('C', '2026-10-15T09:00:00');
const D = run(sev2('D', '2026-10-10T09:00:00', { orgUnit: 'dept-cardio/ward-3' }), [[ack, liaison, at('2026-10-10T09:05:00')]]);
const E = run(sev2('E', '2026-10-16T09:00:00'), [[{ kind: 'close', note: 'false alarm' }, center, at('2026-10-16T09:05:00')]]);
const F = run(sev2('F', '2026-10-14T09:00:00', { orgUnit: 'dept-er', recurrenceOf: 'wo-old' }), [
  [ack, liaison, at('2026-10-14T09:20:00')],
  [resolve, liaison, at('2026-10-14T10:00:00')],
  [{ kind: 'reopen', reason: 'still breaching' }, center, at('2026-10-14T11:00:00')],
  [resolve, liaison, at('2026-10-14T12:00:00')],
]);
const G = sev2('G', '2026-10-19T08:00:00');
const H = makeOrder(at('2026-10-19T08:50:00'), { id: 'H', severity: 3, orgUnit: 'dept-er', relatedOrgUnits: ['dept-cardio'] });
const orders = [A, B, C, D, E, F, G, H];
const department = (u: string): string => u.split('/')[0] ?? u;
const week = { start: at('2026-10-12T00:00:00'), end: at('2026-10-19T00:00:00') };

describe('computeWorkOrderStats for the week of 12 October', () => {
  const stats = computeWorkOrderStats(orders, china, week, at('2026-10-19T09:00:00'), department);

  it('counts cardiology: 4 orders, 1 of 3 on time both ways, backlog of 2 overdue', () => {
    // A on time; B late both ways; C never acknowledged; E cancelled (counted only in orders);
    // D (created before the week, ward of cardiology) is still open past its deadline.
    expect(stats.find((s) => s.department === 'dept-cardio')).toEqual({
      department: 'dept-cardio',
      orders: 4,
      acknowledgedOnTime: 1,
      onTimeAcknowledgeRate: 1 / 3,
      resolvedOnTime: 1,
      onTimeResolveRate: 1 / 3,
      meanTimeToAcknowledgeMs: 35 * MIN,
      meanTimeToResolveMs: 13.5 * HOUR,
      overdue: 2,
      openOverdue: 2,
      reopened: 0,
      recurrences: 0,
    });
  });

  it('counts the emergency department: a reopened, linked recurrence resolved on time', () => {
    expect(stats.find((s) => s.department === 'dept-er')).toMatchObject({
      orders: 1,
      onTimeAcknowledgeRate: 1,
      onTimeResolveRate: 1,
      meanTimeToAcknowledgeMs: 20 * MIN,
      meanTimeToResolveMs: 3 * HOUR,
      overdue: 0,
      reopened: 1,
      recurrences: 1,
    });
  });

  it('leaves out orders created after the as-of instant', () => {
    expect(stats.map((s) => s.department)).toEqual(['dept-cardio', 'dept-er']);
    expect(computeWorkOrderStats([G], china, week, at('2026-10-19T09:00:00'))).toEqual([]);
  });
});

describe('weeklyConsultationList', () => {
  it('lists open overdue and cross-department orders, most severe and longest overdue first', () => {
    const list = weeklyConsultationList(orders, china, at('2026-10-19T09:00:00'), department);
    expect(list.map((i) => [i.orderId, i.reasons, i.overdueMs / HOUR])).toEqual([
      ['D', ['overdue_resolve'], 208],
      ['C', ['overdue_acknowledge', 'overdue_resolve'], 95.5],
      ['G', ['overdue_acknowledge'], 0.5],
      ['H', ['cross_department'], 0],
    ]);
    expect(list[3]?.departments).toEqual(['dept-er', 'dept-cardio']);
  });
});
