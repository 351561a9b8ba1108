import { describe, expect, it } from 'vitest';
import { checkPlacement, childPath, isInSubtree, pathIds, wouldCreateCycle, type OrgKind } from './org-unit.ts';

describe('org placement', () => {
  it.each<[OrgKind, OrgKind | null, boolean]>([
    ['group', null, true],
    ['hospital', null, false],
    ['hospital', 'group', true],
    ['channel', 'hospital', true],
    ['department', 'channel', true],
    ['department', 'hospital', true],
    ['team', 'department', true],
    ['hospital', 'department', false],
    ['department', 'department', false],
    ['group', 'group', false],
  ])('a %s under %s is allowed: %s', (child, parent, allowed) => {
    expect(checkPlacement(child, parent) === null).toBe(allowed);
  });
});

describe('org paths', () => {
  it('detects a move into the node’s own subtree as a cycle', () => {
    expect(wouldCreateCycle('/1/4/', '/1/4/9/')).toBe(true);
    expect(wouldCreateCycle('/1/4/', '/1/4/')).toBe(true);
    expect(wouldCreateCycle('/1/4/', '/1/5/')).toBe(false);
    // '/1/4/' must not be mistaken for a prefix of '/1/41/'
    expect(wouldCreateCycle('/1/4/', '/1/41/')).toBe(false);
  });

  it('builds and reads paths', () => {
    expect(childPath(null, 1)).toBe('/1/');
    expect(childPath('/1/4/', 9)).toBe('/1/4/9/');
    expect(pathIds('/1/4/9/')).toEqual([1, 4, 9]);
    expect(isInSubtree('/1/4/9/', '/1/4/')).toBe(true);
    expect(isInSubtree('/1/41/', '/1/4/')).toBe(false);
  });
});
