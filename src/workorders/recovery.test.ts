import { describe, expect, it } from 'vitest';
import { decideRecurrence, DEFAULT_RECOVERY_CONFIG, evaluateIndicatorRecovery, markIndicatorRecovered, reopenForRecurrence } from './recovery.ts';
import { at, center, liaison, makeOrder, run } from './test-support.ts';

const DAY = 86_400_000;
const created = at('2026-10-08T09:00:00');
const resolved = run(makeOrder(created, { sourceAlerts: ['a1', 'a2'] }), [
  [{ kind: 'acknowledge' }, liaison, at('2026-10-08T09:10:00')],
  [{ kind: 'resolve', rootCause: 'r', actionTaken: 'a' }, liaison, at('2026-10-09T09:00:00')],
]);
const alert = (id: string, resolvedAt: string | null) =>
  ({ id, state: resolvedAt === null ? 'firing' : 'resolved', resolvedAt: resolvedAt === null ? null : at(resolvedAt), periodMs: DAY }) as const;

describe('evaluateIndicatorRecovery (2 stable daily periods)', () => {
  const config = { stablePeriods: 2 };
  it.each([
    ['every alert resolved two days ago', [alert('a1', '2026-10-09T00:00:00'), alert('a2', '2026-10-10T00:00:00')], '2026-10-12T00:00:00', { recovered: true, at: at('2026-10-12T00:00:00') }],
    ['one alert still firing', [alert('a1', '2026-10-09T00:00:00'), alert('a2', null)], '2026-10-20T00:00:00', { recovered: false, reason: 'still_firing' }],
    ['resolved but not yet stable', [alert('a1', '2026-10-11T00:00:00')], '2026-10-12T00:00:00', { recovered: false, reason: 'not_yet_stable', stableAt: at('2026-10-13T00:00:00') }],
    ['no alert of the order reported', [alert('other', '2026-10-01T00:00:00')], '2026-10-12T00:00:00', { recovered: false, reason: 'no_alerts' }],
  ] as const)('%s', (_name, alerts, now, expected) => {
    expect(evaluateIndicatorRecovery(resolved, alerts, config, at(now))).toEqual(expected);
  });

  it('does not apply to closed or already-marked orders', () => {
    const alerts = [alert('a1', '2026-10-01T00:00:00')];
    const closed = run(resolved, [[{ kind: 'verify' }, center, at('2026-10-10T09:00:00')]]);
    expect(evaluateIndicatorRecovery(closed, alerts, config, at('2026-10-20T00:00:00'))).toEqual({ recovered: false, reason: 'not_applicable' });
    const marked = markIndicatorRecovered(resolved, at('2026-10-12T00:00:00'), at('2026-10-12T00:05:00'));
    expect(marked.order.indicatorRecoveredAt).toEqual(at('2026-10-12T00:00:00'));
    expect(marked.effects.map((e) => e.kind)).toEqual(['audit', 'notify']);
    expect(evaluateIndicatorRecovery(marked.order, alerts, config, at('2026-10-20T00:00:00')).recovered).toBe(false);
  });
});

describe('decideRecurrence (reopen within 7 days, at most 3 reopenings)', () => {
  const closed = { id: 'wo-1', state: 'closed' as const, closedAt: at('2026-10-10T09:00:00'), reopenCount: 0 };
  it.each([
    ['no earlier order', null, '2026-10-11T09:00:00', DEFAULT_RECOVERY_CONFIG, { action: 'create' }],
    ['the order is still open', { ...closed, state: 'in_progress' as const, closedAt: null }, '2026-10-11T09:00:00', DEFAULT_RECOVERY_CONFIG, { action: 'attach', orderId: 'wo-1' }],
    ['fires again within 7 days of closing', closed, '2026-10-17T09:00:00', DEFAULT_RECOVERY_CONFIG, { action: 'reopen', orderId: 'wo-1' }],
    ['fires again after the window', closed, '2026-10-17T09:00:01', DEFAULT_RECOVERY_CONFIG, { action: 'create' }],
    ['configured to link instead', closed, '2026-10-11T09:00:00', { ...DEFAULT_RECOVERY_CONFIG, onRecurrence: 'link' as const }, { action: 'link', previousOrderId: 'wo-1' }],
    ['reopened too often already', { ...closed, reopenCount: 3 }, '2026-10-11T09:00:00', DEFAULT_RECOVERY_CONFIG, { action: 'link', previousOrderId: 'wo-1' }],
  ] as const)('%s', (_name, latest, firedAt, config, expected) => {
    expect(decideRecurrence(latest, at(firedAt), config)).toEqual(expected);
  });

  it('reopens the order for the recurring alert, counting the recurrence', () => {
    const closedOrder = run(resolved, [[{ kind: 'verify' }, center, at('2026-10-10T09:00:00')]]);
    const result = reopenForRecurrence(closedOrder, 'a3', 'dept-er', at('2026-10-12T09:00:00'));
    expect(result.ok && result.order).toMatchObject({
      state: 'in_progress',
      reopenCount: 1,
      recurrenceCount: 1,
      sourceAlerts: ['a1', 'a2', 'a3'],
      relatedOrgUnits: ['dept-er'],
    });
    expect(result.ok && result.effects.flatMap((e) => (e.kind === 'audit' ? [`${e.action} by ${e.actor}`] : []))).toEqual([
      'workorder.reopened by system',
      'workorder.alertAttached by system',
    ]);
  });
});
