import { describe, expect, it } from 'vitest';
import { groupAlerts, groupFlushDecision, groupKey, parentOrgUnit, type GroupState, type GroupTiming } from './grouping.ts';

const alert = (ruleCode: string, ...orgPath: string[]) => ({ ruleCode, orgPath });

describe('grouping', () => {
  it.each<[readonly string[], string | null]>([
    [['G', 'H1', 'D1'], 'H1'],
    [['G', 'H1'], 'G'],
    [['G'], null],
    [[], null],
  ])('the parent of %j is %s', (path, parent) => {
    expect(parentOrgUnit(path)).toBe(parent);
  });

  it('groups alerts that share rule and parent org unit', () => {
    const alerts = [alert('wait', 'G', 'H1', 'D1'), alert('wait', 'G', 'H1', 'D2'), alert('wait', 'G', 'H2', 'D3'), alert('abandon', 'G', 'H1', 'D1')];
    const groups = groupAlerts(alerts);
    expect([...groups.values()].map((g) => g.map((a) => a.orgPath.at(-1)))).toEqual([['D1', 'D2'], ['D3'], ['D1']]);
    expect(groupKey(alerts[0] ?? alert('x'))).toBe(groupKey(alerts[1] ?? alert('y')));
  });
});

describe('groupFlushDecision', () => {
  const timing: GroupTiming = { groupWaitMs: 30_000, groupIntervalMs: 300_000, repeatIntervalMs: 3_600_000 };
  const t = (s: number) => new Date(Date.parse('2026-03-02T08:00:00Z') + s * 1000);
  const iso = (s: number) => t(s).toISOString();
  it.each<[string, GroupState, number, boolean, string, number]>([
    ['holds a new group during group wait', { firstSeenAt: iso(0), lastFlushedAt: null, changedSinceFlush: true }, 10, false, 'group_wait', 30],
    ['flushes a new group when group wait is over', { firstSeenAt: iso(0), lastFlushedAt: null, changedSinceFlush: true }, 30, true, 'group_wait', 30],
    ['holds a changed group within group interval', { firstSeenAt: iso(0), lastFlushedAt: iso(30), changedSinceFlush: true }, 100, false, 'group_interval', 330],
    ['flushes a changed group after group interval', { firstSeenAt: iso(0), lastFlushedAt: iso(30), changedSinceFlush: true }, 330, true, 'group_interval', 330],
    ['waits the repeat interval when nothing changed', { firstSeenAt: iso(0), lastFlushedAt: iso(30), changedSinceFlush: false }, 330, false, 'repeat_interval', 3630],
    ['repeats after the repeat interval', { firstSeenAt: iso(0), lastFlushedAt: iso(30), changedSinceFlush: false }, 3630, true, 'repeat_interval', 3630],
  ])('%s', (_name, group, now, flush, reason, due) => {
    expect(groupFlushDecision(group, timing, t(now))).toEqual({ flush, reason, dueAt: iso(due) });
  });
});
