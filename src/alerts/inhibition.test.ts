import { describe, expect, it } from 'vitest';
import { findInhibitors, type InhibitableAlert } from './inhibition.ts';

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
