import { describe, expect, it } from 'vitest';
import { checkLevels, DEFAULT_APPROVAL_LEVELS, levelFor, mayApprove } from './approval.ts';

describe('out-of-budget approval levels', () => {
  it('sends an amount to the first level whose ceiling holds it (at and just above each ceiling)', () => {
    expect(levelFor(DEFAULT_APPROVAL_LEVELS, 10_000).code).toBe('department_head');
    expect(levelFor(DEFAULT_APPROVAL_LEVELS, 10_000.01).code).toBe('finance');
    expect(levelFor(DEFAULT_APPROVAL_LEVELS, 100_000).code).toBe('finance');
    expect(levelFor(DEFAULT_APPROVAL_LEVELS, 100_000.01).code).toBe('general_manager');
  });

  it('lets the level\'s role or a higher one approve, never a lower one', () => {
    const finance = levelFor(DEFAULT_APPROVAL_LEVELS, 50_000);
    expect(mayApprove(finance, ['liaison'])).toBe(false);
    expect(mayApprove(finance, ['analyst'])).toBe(true);
    expect(mayApprove(finance, ['executive'])).toBe(true);
    expect(mayApprove(levelFor(DEFAULT_APPROVAL_LEVELS, 1e6), ['analyst', 'liaison'])).toBe(false);
    expect(mayApprove(levelFor(DEFAULT_APPROVAL_LEVELS, 1e6), ['admin'])).toBe(true);
  });

  it('checks a configuration: rising ceilings, the last without one', () => {
    expect(checkLevels(DEFAULT_APPROVAL_LEVELS)).toBeNull();
    expect(checkLevels([])).toMatch(/at least one/);
    expect(checkLevels([{ ...DEFAULT_APPROVAL_LEVELS[0]!, maxAmount: 5 }])).toMatch(/last level/);
    const [a, b, c] = DEFAULT_APPROVAL_LEVELS;
    expect(checkLevels([b!, a!, c!])).toMatch(/rise/);
  });
});
