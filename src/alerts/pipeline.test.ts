import { describe, expect, it } from 'vitest';
import type { MuteWindow } from './mute-window.ts';
import { decideNotification, type NotifiableAlert, type NotificationContext } from './pipeline.ts';

const NOW = new Date('2026-03-03T02:00:00Z'); // 10:00 in Shanghai, a Tuesday
const alert = (patch: Partial<NotifiableAlert> = {}): NotifiableAlert => ({
  fingerprint: 'd1',
  ruleCode: 'wait_high',
  orgUnit: 'D1',
  category: 'outpatient',
  severity: 3,
  orgPath: ['G', 'H1', 'D1'],
  orgLevel: 'department',
  labels: {},
  state: 'firing',
  lastNotifiedState: null,
  ...patch,
});
const hospitalAlert = alert({ fingerprint: 'h1', orgUnit: 'H1', orgPath: ['G', 'H1'], orgLevel: 'hospital' });
const allDay: MuteWindow = { id: 'm', name: 'Tuesdays', timezone: 'Asia/Shanghai', weekdays: [2] };
const ctx = (patch: Partial<NotificationContext> = {}): NotificationContext => ({ activeAlerts: [], silences: [], muteWindows: [], isHoliday: () => false, ...patch });
const silence = { id: 's1', matchers: [{ name: 'ruleCode', op: '=' as const, value: 'wait_high' }], startsAt: '2026-03-01T00:00:00Z', endsAt: '2026-03-04T00:00:00Z', createdBy: 'u', reason: 'change window' };
const group = (firstSeenAt: string) => ({ state: { firstSeenAt, lastFlushedAt: null, changedSinceFlush: true }, timing: { groupWaitMs: 60_000, groupIntervalMs: 300_000, repeatIntervalMs: 3_600_000 } });

describe('decideNotification', () => {
  it.each<[string, NotifiableAlert, NotificationContext, object]>([
    ['notifies a new firing alert', alert(), ctx(), { notify: true }],
    ['does not announce a pending alert', alert({ state: 'pending' }), ctx(), { notify: false, suppressedBy: 'dedup' }],
    ['does not repeat a firing already announced', alert({ lastNotifiedState: 'firing' }), ctx(), { notify: false, suppressedBy: 'dedup' }],
    ['announces the resolution of an announced firing', alert({ state: 'resolved', lastNotifiedState: 'firing' }), ctx(), { notify: true }],
    ['keeps quiet on resolving what was never announced', alert({ state: 'resolved', lastNotifiedState: null }), ctx(), { notify: false, suppressedBy: 'dedup' }],
    ['is inhibited by its firing hospital alert', alert(), ctx({ activeAlerts: [hospitalAlert] }), { notify: false, suppressedBy: 'inhibition', by: ['h1'] }],
    ['is silenced by a matching silence', alert(), ctx({ silences: [silence] }), { notify: false, suppressedBy: 'silence', by: ['s1'] }],
    ['is held by a mute window until it ends', alert(), ctx({ muteWindows: [allDay] }), { notify: false, suppressedBy: 'mute_window', retryAt: '2026-03-03T16:00:00.000Z' }],
    ['goes through a mute window at bypass severity', alert({ severity: 1 }), ctx({ muteWindows: [allDay], bypassMuteAtSeverity: 2 }), { notify: true }],
    ['waits for its group', alert(), ctx({ group: group('2026-03-03T01:59:30Z') }), { notify: false, suppressedBy: 'group_wait', retryAt: '2026-03-03T02:00:30.000Z' }],
    ['goes once the group wait is over', alert(), ctx({ group: group('2026-03-03T01:58:00Z') }), { notify: true }],
    ['names inhibition before silence when both apply', alert(), ctx({ activeAlerts: [hospitalAlert], silences: [silence] }), { notify: false, suppressedBy: 'inhibition', by: ['h1'] }],
    ['names silence before a mute window', alert(), ctx({ silences: [silence], muteWindows: [allDay] }), { notify: false, suppressedBy: 'silence', by: ['s1'] }],
  ])('%s', (_name, a, c, expected) => {
    expect(decideNotification(a, c, NOW)).toEqual(expected);
  });

  it('is not inhibited by a firing hospital alert of an earlier period', () => {
    const today = { start: '2026-03-02T16:00:00.000Z', end: '2026-03-03T16:00:00.000Z' };
    const twoWeeksAgo = { start: '2026-02-16T16:00:00.000Z', end: '2026-02-17T16:00:00.000Z' };
    expect(decideNotification(alert({ period: today }), ctx({ activeAlerts: [{ ...hospitalAlert, period: twoWeeksAgo }] }), NOW)).toEqual({ notify: true });
    expect(decideNotification(alert({ period: today }), ctx({ activeAlerts: [{ ...hospitalAlert, period: today }] }), NOW))
      .toEqual({ notify: false, suppressedBy: 'inhibition', by: ['h1'] });
  });

  it('lets the resolution of an inhibited-then-announced alert through', () => {
    expect(decideNotification(alert({ state: 'resolved', lastNotifiedState: 'firing' }), ctx({ activeAlerts: [hospitalAlert] }), NOW)).toEqual({ notify: true });
  });
});
