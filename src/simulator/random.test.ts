import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMinHeap } from './min-heap.ts';
import { createRandom } from './random.ts';
import { dayKind, formatLocal, localDayStart, localHour } from './time-profile.ts';

describe('seeded random', () => {
  it('repeats its stream for a seed and keeps draws inside their bounds', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: -50, max: 50 }), fc.integer({ min: 0, max: 50 }), (seed, min, width) => {
        const a = createRandom(seed);
        const b = createRandom(seed);
        for (let i = 0; i < 20; i++) {
          const x = a.int(min, min + width);
          if (x !== b.int(min, min + width) || x < min || x > min + width) return false;
        }
        return true;
      }),
    );
  });

  it('never picks a zero weight and matches the Poisson mean', () => {
    const rng = createRandom(9);
    let sum = 0;
    for (let i = 0; i < 5000; i++) {
      expect(rng.weightedIndex([0, 2, 0, 1])).not.toBe(0);
      sum += rng.poisson(3.5);
    }
    expect(sum / 5000).toBeCloseTo(3.5, 0);
  });
});

describe('min-heap', () => {
  it('pops in ascending order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), (xs) => {
        const heap = createMinHeap<number>((a, b) => a < b);
        for (const x of xs) heap.push(x);
        const out: number[] = [];
        for (let x = heap.pop(); x !== undefined; x = heap.pop()) out.push(x);
        expect(out).toEqual([...xs].sort((a, b) => a - b));
      }),
    );
  });
});

describe('local time and day kinds', () => {
  it.each([
    ['2025-10-01T10:00:00+08:00', 'sunday'], // National Day (Wednesday)
    ['2025-09-28T10:00:00+08:00', 'weekday'], // make-up working Sunday
    ['2025-10-11T10:00:00+08:00', 'weekday'], // make-up working Saturday
    ['2025-10-18T10:00:00+08:00', 'saturday'],
    ['2025-10-15T23:30:00+08:00', 'weekday'],
  ])('%s is a %s', (iso, kind) => {
    expect(dayKind(Date.parse(iso))).toBe(kind);
  });

  it('formats and splits instants in China Standard Time', () => {
    const ms = Date.parse('2025-03-03T01:30:00Z');
    expect(formatLocal(ms)).toBe('2025-03-03T09:30:00+08:00');
    expect(localHour(ms)).toBe(9);
    expect(formatLocal(localDayStart(ms))).toBe('2025-03-03T00:00:00+08:00');
  });
});
