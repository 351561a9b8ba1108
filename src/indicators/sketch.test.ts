import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EMPTY_SKETCH, SKETCH_RELATIVE_ACCURACY, mergeSketches, parseSketch, sketchCount, sketchOf, sketchQuantile, type Sketch } from './sketch.ts';

const build = (values: readonly number[]): Sketch => values.map(sketchOf).reduce(mergeSketches, EMPTY_SKETCH);

function exactQuantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))] ?? Number.NaN;
}

const valueArb = fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: -100, max: 10_000 }), fc.constant(0));

describe('sketch', () => {
  it('is empty with no value and answers null', () => {
    expect(sketchQuantile(EMPTY_SKETCH, 0.5)).toBeNull();
    expect(sketchCount(EMPTY_SKETCH)).toBe(0);
  });

  it('answers each quantile within the relative accuracy of the true sample value', () => {
    fc.assert(
      fc.property(fc.array(valueArb, { minLength: 1, maxLength: 200 }), fc.constantFrom(0, 0.5, 0.9, 0.95, 1), (values, q) => {
        const estimate = sketchQuantile(build(values), q) ?? Number.NaN;
        const truth = exactQuantile(values, q);
        expect(Math.abs(estimate - truth)).toBeLessThanOrEqual(Math.abs(truth) * SKETCH_RELATIVE_ACCURACY + 1e-9);
      }),
    );
  });

  it('merges exactly, in any order and grouping', () => {
    fc.assert(
      fc.property(fc.array(valueArb, { maxLength: 100 }), fc.integer({ min: 0, max: 100 }), (values, cut) => {
        const whole = build(values);
        const left = build(values.slice(0, cut));
        const right = build(values.slice(cut));
        expect(mergeSketches(right, left)).toEqual(whole);
        expect(build([...values].reverse())).toEqual(whole);
        expect(sketchCount(whole)).toBe(values.length);
      }),
    );
  });

  it('survives a JSON round trip and refuses broken state', () => {
    const sketch = build([1, 2, 3, -4, 0, 1000]);
    expect(parseSketch(JSON.parse(JSON.stringify(sketch)))).toEqual(sketch);
    expect(parseSketch({ zeros: 0, positive: [[3, 1], [2, 1]], negative: [] })).toBeNull();
    expect(parseSketch({ zeros: -1, positive: [], negative: [] })).toBeNull();
    expect(parseSketch({ zeros: 0, positive: [[1, 0]], negative: [] })).toBeNull();
    expect(parseSketch('sketch')).toBeNull();
  });

  it('ignores values that are not finite', () => {
    expect(sketchOf(Number.POSITIVE_INFINITY)).toEqual(EMPTY_SKETCH);
  });
});
