import { describe, expect, it } from 'vitest';
import { coversPath, idsOutOfScope, visibleNames, type ScopedPerson } from './people.ts';

const person = (id: string, grantPaths: readonly string[], enabled = true): ScopedPerson => ({ id, displayName: `user ${id}`, enabled, grantPaths });
const DEPT_A = '/1/2/3/';
const people = [
  person('1', ['/1/']), // group-wide
  person('2', ['/1/2/3/']), // the department itself
  person('3', ['/1/2/4/']), // a sibling department
  person('4', ['/1/2/3/'], false), // disabled
  person('5', []), // no grant with the permission
];

describe('people on work orders', () => {
  it('covers the unit from a grant on it or an ancestor, not from a sibling or a descendant', () => {
    expect(people.map((p) => coversPath(p, DEPT_A))).toEqual([true, true, false, true, false]);
    expect(coversPath(person('6', ['/1/2/3/7/']), DEPT_A)).toBe(false);
    // A path prefix is a whole segment: /1/2/3/ does not cover /1/2/33/.
    expect(coversPath(person('2', ['/1/2/3/']), '/1/2/33/')).toBe(false);
  });

  it('refuses unknown, out-of-scope, ungranted and disabled users, once each, in request order', () => {
    expect(idsOutOfScope(['1', '2', '3', '99', '4', '5', '3'], people, DEPT_A)).toEqual(['3', '99', '4', '5']);
    expect(idsOutOfScope(['1', '2'], people, DEPT_A)).toEqual([]);
  });

  it('names only the users who may read the order, disabled ones included', () => {
    expect(visibleNames(people, DEPT_A)).toEqual(new Map([['1', 'user 1'], ['2', 'user 2'], ['4', 'user 4']]));
  });
});
