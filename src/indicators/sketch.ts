/**
 * A small mergeable quantile sketch with logarithmic buckets (the DDSketch mapping, 1 % relative
 * accuracy). We keep our own instead of @datadog/sketches-js because its serialisation needs
 * protobufjs (not installed) and its float `sum` depends on insertion order; here the state is only
 * integer counts per bucket index, so merging is exact, commutative and associative, and
 * incremental roll-ups equal rebuilt ones bit for bit. The state is plain JSON.
 *
 * Invariants: bins are sorted by index, hold positive counts, and have unique indexes.
 */
export const SKETCH_RELATIVE_ACCURACY = 0.01;
const GAMMA = (1 + SKETCH_RELATIVE_ACCURACY) / (1 - SKETCH_RELATIVE_ACCURACY);
const LOG_GAMMA = Math.log(GAMMA);
/** Magnitudes below this count as zero (a duration of a nanosecond, an amount of 1e-9 yuan). */
const MIN_MAGNITUDE = 1e-9;

/** [bucket index, count] */
export type SketchBin = readonly [number, number];

export interface Sketch {
  readonly zeros: number;
  readonly positive: readonly SketchBin[];
  /** Indexed by magnitude: bin i holds values in (−γ^i, −γ^(i−1)]. */
  readonly negative: readonly SketchBin[];
}

export const EMPTY_SKETCH: Sketch = { zeros: 0, positive: [], negative: [] };

function indexOf(magnitude: number): number {
  return Math.ceil(Math.log(magnitude) / LOG_GAMMA);
}

function representative(index: number): number {
  return (2 * GAMMA ** index) / (GAMMA + 1);
}

function mergeBins(a: readonly SketchBin[], b: readonly SketchBin[]): readonly SketchBin[] {
  const out: SketchBin[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x && (!y || x[0] < y[0])) {
      out.push(x);
      i++;
    } else if (y && (!x || y[0] < x[0])) {
      out.push(y);
      j++;
    } else if (x && y) {
      out.push([x[0], x[1] + y[1]]);
      i++;
      j++;
    }
  }
  return out;
}

/** A sketch holding one value. Non-finite values are not representable and yield an empty sketch. */
export function sketchOf(value: number): Sketch {
  if (!Number.isFinite(value)) return EMPTY_SKETCH;
  const magnitude = Math.abs(value);
  if (magnitude < MIN_MAGNITUDE) return { zeros: 1, positive: [], negative: [] };
  const bin: SketchBin = [indexOf(magnitude), 1];
  return value > 0 ? { zeros: 0, positive: [bin], negative: [] } : { zeros: 0, positive: [], negative: [bin] };
}

export function mergeSketches(a: Sketch, b: Sketch): Sketch {
  return { zeros: a.zeros + b.zeros, positive: mergeBins(a.positive, b.positive), negative: mergeBins(a.negative, b.negative) };
}

export function sketchCount(s: Sketch): number {
  const total = (bins: readonly SketchBin[]): number => bins.reduce((n, [, c]) => n + c, 0);
  return s.zeros + total(s.positive) + total(s.negative);
}

/**
 * The value at quantile q (0…1), within 1 % of a true sample value of that rank (the lower
 * nearest-rank definition, rank = q·(n−1)); null for an empty sketch.
 */
export function sketchQuantile(s: Sketch, q: number): number | null {
  const n = sketchCount(s);
  if (n === 0) return null;
  const rank = Math.min(Math.max(q, 0), 1) * (n - 1);
  let seen = 0;
  for (let i = s.negative.length - 1; i >= 0; i--) {
    const [index, count] = s.negative[i] ?? [0, 0];
    seen += count;
    if (seen > rank) return -representative(index);
  }
  seen += s.zeros;
  if (seen > rank) return 0;
  for (const [index, count] of s.positive) {
    seen += count;
    if (seen > rank) return representative(index);
  }
  const last = s.positive[s.positive.length - 1];
  return last ? representative(last[0]) : 0;
}

function isBins(value: unknown): value is readonly SketchBin[] {
  if (!Array.isArray(value)) return false;
  let previous = -Infinity;
  for (const bin of value as unknown[]) {
    if (!Array.isArray(bin) || bin.length !== 2) return false;
    const [index, count] = bin as unknown[];
    if (!Number.isInteger(index) || !Number.isInteger(count) || (count as number) <= 0) return false;
    if ((index as number) <= previous) return false;
    previous = index as number;
  }
  return true;
}

/** Validates a sketch read back from storage; null when it breaks an invariant. */
export function parseSketch(value: unknown): Sketch | null {
  if (typeof value !== 'object' || value === null) return null;
  const { zeros, positive, negative } = value as Record<string, unknown>;
  if (!Number.isInteger(zeros) || (zeros as number) < 0 || !isBins(positive) || !isBins(negative)) return null;
  return { zeros: zeros as number, positive, negative };
}
