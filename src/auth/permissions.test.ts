import { describe, expect, it } from 'vitest';
import { can, canSee, holdsAnywhere, scopePaths, type Principal } from './permissions.ts';

const liaisonA: Principal = { kind: 'user', id: 3, name: 'liaison.a', passwordChangeOnly: false, grants: [{ role: 'liaison', orgUnitId: 9, orgPath: '/1/4/9/' }] };
const mixed: Principal = {
  kind: 'user', id: 4, name: 'mixed', passwordChangeOnly: false,
  grants: [
    { role: 'executive', orgUnitId: 1, orgPath: '/1/' },
    { role: 'admin', orgUnitId: 4, orgPath: '/1/4/' },
    { role: 'analyst', orgUnitId: 9, orgPath: '/1/4/9/' },
  ],
};

describe('scope checks', () => {
  it('lets a liaison act on work orders of their department and its teams only', () => {
    expect(can(liaisonA, 'workorder.act', '/1/4/9/')).toBe(true);
    expect(can(liaisonA, 'workorder.act', '/1/4/9/12/')).toBe(true);
    expect(can(liaisonA, 'workorder.act', '/1/4/10/')).toBe(false);
    expect(can(liaisonA, 'workorder.act', '/1/4/')).toBe(false);
    expect(can(liaisonA, 'rule.manage', '/1/4/9/')).toBe(false);
  });

  it('treats a sibling whose id shares a prefix as outside the subtree', () => {
    expect(canSee(liaisonA, '/1/4/91/')).toBe(false);
  });

  it('combines grants by role and subtree', () => {
    expect(can(mixed, 'user.manage', '/1/4/20/')).toBe(true);
    expect(can(mixed, 'user.manage', '/1/5/')).toBe(false);
    expect(can(mixed, 'org.read', '/1/5/')).toBe(true);
    expect(holdsAnywhere(mixed, 'audit.read')).toBe(true);
    expect(holdsAnywhere(liaisonA, 'audit.read')).toBe(false);
  });

  it('lists the outermost subtrees holding a permission', () => {
    expect(scopePaths(mixed, 'org.read')).toEqual(['/1/']);
    expect(scopePaths(mixed, 'rule.manage')).toEqual(['/1/4/']);
    expect(scopePaths(liaisonA, 'user.manage')).toEqual([]);
  });
});
