import { describe, expect, it } from 'vitest';
import { nextWarning } from './warning.ts';

describe('nextWarning', () => {
  it.each([
    [null, 'ok', null, null],
    [null, 'no_data', null, null],
    [null, 'warning', 'warning', 'firing'],
    [null, 'breached', 'breached', 'firing'],
    ['warning', 'warning', 'warning', null],
    ['warning', 'breached', 'breached', null],
    ['warning', 'ok', 'resolved', 'resolved'],
    ['breached', 'ok', 'breached', null],
    ['breached', 'warning', 'breached', null],
    ['resolved', 'warning', 'warning', 'firing'],
    ['resolved', 'ok', 'resolved', null],
  ] as const)('from %s on a %s projection stores %s and tells %s', (prev, projection, next, transition) => {
    expect(nextWarning(prev, projection)).toEqual({ next, transition });
  });
});
