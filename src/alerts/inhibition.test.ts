import { describe, expect, it } from 'vitest';
import { findInhibitors, periodsOverlap, type AlertPeriod, type InhibitableAlert } from './inhibition.ts';

const a = (fingerprint: string, orgPath: readonly string[], patch: Partial<InhibitableAlert> = {}): InhibitableAlert => ({
  fingerprint,
  ruleCode: 'wait_high',
  category: 'outpatient',
  state: 'firing',
  orgPath,
  orgLevel: orgPath.length === 2 ? 'hospital' : 'department',
  ...patch,
});

const dept = a('d1', ['G', 'H1', 'D1']);
describe('findInhibitors', () => {
  it.each<[string, InhibitableAlert, readonly string[]]>([
    ['a firing hospital alert inhibits its department alerts', a('h1', ['G', 'H1']), ['h1']],
    ['a pending hospital alert does not', a('h1', ['G', 'H1'], { state: 'pending' }), []],
    ['a resolved hospital alert does not', a('h1', ['G', 'H1'], { state: 'resolved' }), []],
    ['another hospital does not', a('h2', ['G', 'H2']), []],
    ['a hospital alert of another category does not', a('h1', ['G', 'H1'], { category: 'pharmacy' }), []],
    ['a group-level alert inhibits everything below', a('g', ['G'], { orgLevel: 'group' }), ['g']],
    ['a sibling department does not', a('d2', ['G', 'H1', 'D2']), []],
    ['a department alert does not inhibit its own unit', a('d1b', ['G', 'H1', 'D1']), []],
    ['a silent source in the hospital inhibits alerts below it', a('s', ['G', 'H1'], { silentSourceId: 'his', category: 'data_quality', orgLevel: 'hospital' }), ['s']],
    ['a silent source elsewhere does not', a('s', ['G', 'H2'], { silentSourceId: 'his', category: 'data_quality' }), []],
  ])('%s', (_name, other, expected) => {
    expect(findInhibitors(dept, [other, dept]).map((x) => x.fingerprint)).toEqual(expected);
  });

  it('follows the sources feeding an alert when they are known', () => {
    const silent = a('s', ['G', 'H2'], { silentSourceId: 'call_switch', category: 'data_quality' });
    expect(findInhibitors({ ...dept, sourceIds: ['call_switch'] }, [silent])).toHaveLength(1);
    expect(findInhibitors({ ...dept, sourceIds: ['his'] }, [a('s', ['G', 'H1'], { silentSourceId: 'call_switch' })])).toHaveLength(0);
  });

  it('does not let a silent source inhibit its own silence alert', () => {
    const silent = a('s', ['G', 'H1'], { silentSourceId: 'his' });
    expect(findInhibitors({ ...silent, fingerprint: 's2' }, [silent])).toHaveLength(0);
  });

  it('can require the same rule instead of the same category', () => {
    const other = a('h1', ['G', 'H1'], { ruleCode: 'abandon' });
    expect(findInhibitors(dept, [other], { inhibitingLevels: ['hospital'], equal: ['ruleCode'] })).toHaveLength(0);
    expect(findInhibitors(dept, [other], { inhibitingLevels: ['hospital'], equal: [] })).toHaveLength(1);
  });
});

/** Calendar periods in Asia/Shanghai (UTC+8), as the engine derives them from period keys. */
const day = (d: string): AlertPeriod => {
  const start = new Date(`${d}T00:00:00+08:00`);
  return { start: start.toISOString(), end: new Date(start.getTime() + 86_400_000).toISOString() };
};
const NOV: AlertPeriod = { start: '2026-10-31T16:00:00.000Z', end: '2026-11-30T16:00:00.000Z' };
const instant = (iso: string): AlertPeriod => ({ start: iso, end: iso });

describe('inhibition across periods', () => {
  const deptOn = (period: AlertPeriod) => ({ ...dept, period });
  const hospitalOn = (period: AlertPeriod, patch: Partial<InhibitableAlert> = {}) => a('h1', ['G', 'H1'], { period, ...patch });

  it.each<[string, InhibitableAlert, AlertPeriod, readonly string[]]>([
    ['a hospital alert of a day two weeks ago does not inhibit today\'s department alert', hospitalOn(day('2026-11-10')), day('2026-11-24'), []],
    ['a hospital alert of the same day does', hospitalOn(day('2026-11-24')), day('2026-11-24'), ['h1']],
    ['a hospital alert of the day before does not (periods are half-open)', hospitalOn(day('2026-11-23')), day('2026-11-24'), []],
    ['a hospital month alert inhibits a department day alert within its month', hospitalOn(NOV), day('2026-11-24'), ['h1']],
    ['a hospital month alert does not inhibit a day of the next month', hospitalOn(NOV), day('2026-12-01'), []],
    ['a hospital day alert inhibits a department month alert containing it', hospitalOn(day('2026-11-24')), NOV, ['h1']],
    ['a hospital day alert inhibits a compliance alert of an event that day', hospitalOn(day('2026-11-24')), instant('2026-11-24T01:30:00.000Z'), ['h1']],
    ['a hospital day alert does not inhibit an event of another day', hospitalOn(day('2026-11-24')), instant('2026-11-24T16:00:00.000Z'), []],
    ['a live silent source inhibits what comes after its window start', hospitalOn({ start: '2026-08-26T00:00:00.000Z', end: null }, { silentSourceId: 'his', category: 'data_quality' }), day('2026-11-24'), ['h1']],
    ['a silent source of a past day does not inhibit today', hospitalOn(day('2026-11-10'), { silentSourceId: 'his', category: 'data_quality' }), day('2026-11-24'), []],
  ])('%s', (_name, source, targetPeriod, expected) => {
    expect(findInhibitors(deptOn(targetPeriod), [source]).map((x) => x.fingerprint)).toEqual(expected);
  });

  it('keeps inhibiting when either side does not say its period', () => {
    expect(findInhibitors(dept, [hospitalOn(day('2026-11-10'))])).toHaveLength(1);
    expect(findInhibitors(deptOn(day('2026-11-24')), [a('h1', ['G', 'H1'])])).toHaveLength(1);
  });
});

describe('periodsOverlap', () => {
  it.each<[string, AlertPeriod, AlertPeriod, boolean]>([
    ['overlapping periods', day('2026-11-24'), NOV, true],
    ['adjacent periods', day('2026-11-23'), day('2026-11-24'), false],
    ['an event at a period start', instant('2026-11-23T16:00:00.000Z'), day('2026-11-24'), true],
    ['an event at a period end', instant('2026-11-24T16:00:00.000Z'), day('2026-11-24'), false],
    ['two events at the same time', instant('2026-11-24T01:00:00.000Z'), instant('2026-11-24T01:00:00.000Z'), true],
    ['two events at different times', instant('2026-11-24T01:00:00.000Z'), instant('2026-11-24T01:00:01.000Z'), false],
    ['an open-ended window and a later period', { start: '2026-11-01T00:00:00.000Z', end: null }, day('2027-01-05'), true],
    ['an open-ended window and an earlier period', { start: '2026-11-30T00:00:00.000Z', end: null }, day('2026-11-24'), false],
  ])('%s', (_name, x, y, expected) => {
    expect(periodsOverlap(x, y)).toBe(expected);
    expect(periodsOverlap(y, x)).toBe(expected);
  });
});
