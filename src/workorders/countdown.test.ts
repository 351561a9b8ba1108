import { describe, expect, it } from 'vitest';
import { isOverdue, orderCountdowns } from './countdown.ts';
import { at, center, china, HOUR, liaison, makeOrder, MIN, run } from './test-support.ts';

// Wednesday 2026-09-30 16:00, the last working day before National Day (1–7 October off);
// severity 3: acknowledge in 4 working hours (→ 8 Oct 10:30), resolve in 3 working days (→ 10 Oct 16:00).
const created = at('2026-09-30T16:00:00');

describe('orderCountdowns', () => {
  it('counts working time left, skipping the holiday, for a new order', () => {
    const c = orderCountdowns(makeOrder(created), china, at('2026-10-03T12:00:00'));
    // From a holiday the next working time starts 8 Oct 08:00: 2.5 h to acknowledge, 22.5 h to resolve.
    expect(c.acknowledge).toEqual({ due: at('2026-10-08T10:30:00'), basis: 'working', leftMs: 2.5 * HOUR, overdue: false, paused: false });
    expect(c.resolve).toMatchObject({ due: at('2026-10-10T16:00:00'), basis: 'working_days', leftMs: 22.5 * HOUR, overdue: false });
    expect(isOverdue(c)).toBe(false);
  });

  it('is overdue with negative working time once the acknowledge deadline has passed', () => {
    const c = orderCountdowns(makeOrder(created), china, at('2026-10-08T11:00:00'));
    expect(c.acknowledge).toMatchObject({ overdue: true, leftMs: -30 * MIN });
    expect(isOverdue(c)).toBe(true);
  });

  it('stays overdue outside working hours without growing on a working basis', () => {
    const order = run(makeOrder(created), [[{ kind: 'acknowledge' }, liaison, at('2026-10-08T08:10:00')]]);
    const evening = orderCountdowns(order, china, at('2026-10-10T20:00:00'));
    expect(evening.acknowledge).toBeNull();
    expect(evening.resolve).toMatchObject({ overdue: true, leftMs: -90 * MIN });
    expect(orderCountdowns(order, china, at('2026-10-11T20:00:00')).resolve).toMatchObject({ overdue: true, leftMs: -90 * MIN });
  });

  it('runs on the clock for severity 1, holidays included', () => {
    const holiday = at('2026-10-01T10:00:00');
    const c = orderCountdowns(makeOrder(holiday, { severity: 1 }), china, at('2026-10-01T10:05:00'));
    expect(c.acknowledge).toMatchObject({ basis: 'clock', leftMs: 10 * MIN, overdue: false });
    expect(c.resolve).toMatchObject({ basis: 'clock', leftMs: 3 * HOUR + 55 * MIN });
  });

  it('freezes the time left while the order is on hold', () => {
    const held = run(makeOrder(created), [
      [{ kind: 'acknowledge' }, liaison, at('2026-10-08T08:00:00')],
      [{ kind: 'hold', reason: 'awaiting_vendor', note: '' }, liaison, at('2026-10-08T09:00:00')],
    ]);
    // 1.5 h on 30 Sep and 1 h on 8 Oct used: 21.5 h left, however long the hold lasts.
    for (const now of ['2026-10-08T10:00:00', '2026-10-12T15:00:00']) {
      expect(orderCountdowns(held, china, at(now)).resolve).toMatchObject({ leftMs: 21.5 * HOUR, overdue: false, paused: true });
    }
  });

  it('has no running deadline once resolved or closed', () => {
    const resolved = run(makeOrder(created), [
      [{ kind: 'acknowledge' }, liaison, at('2026-10-08T08:00:00')],
      [{ kind: 'resolve', rootCause: '排班不足', actionTaken: '增开诊室' }, liaison, at('2026-10-08T09:00:00')],
    ]);
    expect(orderCountdowns(resolved, china, at('2026-10-20T09:00:00'))).toEqual({ acknowledge: null, resolve: null });
    const closed = run(resolved, [[{ kind: 'verify' }, center, at('2026-10-08T10:00:00')]]);
    expect(isOverdue(orderCountdowns(closed, china, at('2026-10-20T09:00:00')))).toBe(false);
  });
});
