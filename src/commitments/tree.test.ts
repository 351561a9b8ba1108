import { describe, expect, it } from 'vitest';
import { rollUpTree } from './tree.ts';

describe('rollUpTree', () => {
  it('gives each node the worst state below it and the share of its leaves that are met', () => {
    const rolled = rollUpTree([
      { id: 1, parentId: null, state: 'ok' },
      { id: 2, parentId: 1, state: 'ok' },
      { id: 3, parentId: 1, state: 'ok' },
      { id: 4, parentId: 3, state: 'warning' },
      { id: 5, parentId: 3, state: 'ok' },
      { id: 6, parentId: 3, state: 'no_data' },
    ]);
    expect(rolled.get(1)).toEqual({ state: 'warning', compliance: 2 / 3 });
    expect(rolled.get(3)).toEqual({ state: 'warning', compliance: 0.5 });
    expect(rolled.get(2)).toEqual({ state: 'ok', compliance: 1 });
    expect(rolled.get(6)).toEqual({ state: 'no_data', compliance: null });
  });
});
