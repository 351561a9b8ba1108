import { describe, expect, it } from 'vitest';
import { createFakeClock } from './clock.ts';

describe('fake clock', () => {
  it('moves only when advanced or set', () => {
    const clock = createFakeClock('2026-01-05T00:00:00Z');
    expect(clock.now().toISOString()).toBe('2026-01-05T00:00:00.000Z');
    clock.advance(90_000);
    expect(clock.now().toISOString()).toBe('2026-01-05T00:01:30.000Z');
    clock.set('2026-02-01T08:00:00+08:00');
    expect(clock.now().toISOString()).toBe('2026-02-01T00:00:00.000Z');
  });
});
