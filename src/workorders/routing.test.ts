import { describe, expect, it } from 'vitest';
import { routeWorkOrder, type RosterEntry, type WorkOrderRoute } from './routing.ts';
import { at } from './test-support.ts';

const routes: WorkOrderRoute[] = [
  { orgUnit: 'dept-cardio', category: 'pharmacy', liaisons: ['pharm-liaison'] },
  { orgUnit: 'dept-cardio', category: '*', liaisons: ['cardio-a', 'cardio-b'] },
  { orgUnit: 'dept-er', category: 'access', liaisons: [] },
  { orgUnit: 'hosp-east', liaisons: ['east-office'] },
  { orgUnit: 'center', liaisons: ['center-duty'] },
];
const roster: RosterEntry[] = [
  { orgUnit: 'dept-cardio', userId: 'cardio-b', from: at('2026-10-08T08:00:00'), to: at('2026-10-09T08:00:00') },
  { orgUnit: 'dept-cardio', userId: 'not-a-liaison', from: at('2026-10-08T08:00:00'), to: at('2026-10-09T08:00:00') },
];
const cardioPath = ['group', 'hosp-main', 'dept-cardio'];

describe('routeWorkOrder', () => {
  it.each([
    ['a category route beats the catch-all', cardioPath, 'pharmacy', '2026-10-08T10:00:00', ['pharm-liaison'], 'dept-cardio', false],
    ['only the liaison on duty is assigned', cardioPath, 'access', '2026-10-08T10:00:00', ['cardio-b'], 'dept-cardio', false],
    ['all liaisons when nobody on the roster is on duty', cardioPath, 'access', '2026-10-09T08:00:00', ['cardio-a', 'cardio-b'], 'dept-cardio', false],
    ['a route without liaisons falls back up the tree', ['group', 'hosp-east', 'dept-er'], 'access', '2026-10-08T10:00:00', ['east-office'], 'hosp-east', false],
    ['no route on the path falls back to the center', ['group', 'hosp-main', 'dept-icu'], 'access', '2026-10-08T10:00:00', ['center-duty'], 'center', true],
  ] as const)('%s', (_name, orgPath, category, now, assignees, matchedOrgUnit, fellBackToCenter) => {
    expect(routeWorkOrder({ orgPath, category }, routes, roster, at(now))).toEqual({ assignees, matchedOrgUnit, fellBackToCenter });
  });

  it('returns nobody, with the fallback flagged, when even the center has no route', () => {
    expect(routeWorkOrder({ orgPath: ['x'], category: 'access' }, [], [], at('2026-10-08T10:00:00'), 'ops-center')).toEqual({
      assignees: [],
      matchedOrgUnit: 'ops-center',
      fellBackToCenter: true,
    });
  });
});
