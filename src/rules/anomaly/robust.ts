/** Median of a non-empty list (0 for an empty one); does not modify its argument. */
export function median(values: readonly number[]): number {
  const n = values.length;
  if (n === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = n >> 1;
  const hi = sorted[mid] ?? 0;
  return n % 2 === 1 ? hi : ((sorted[mid - 1] ?? 0) + hi) / 2;
}

/** Median absolute deviation from `center`. */
export function medianAbsDeviation(values: readonly number[], center: number): number {
  return median(values.map((v) => Math.abs(v - center)));
}

/** Robust standard deviation estimate (MAD scaled to a normal sigma). */
export function robustSigma(values: readonly number[], center: number): number {
  return 1.4826 * medianAbsDeviation(values, center);
}

/** Appends `value`, keeping only the last `size` entries; returns a new array. */
export function pushBounded(values: readonly number[], value: number, size: number): number[] {
  const start = Math.max(0, values.length + 1 - size);
  const out = values.slice(start);
  out.push(value);
  return out;
}

export function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/** Least-squares slope of values against their index (0 for fewer than two values). */
export function slope(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return 0;
  const meanX = (n - 1) / 2;
  let meanY = 0;
  for (const v of values) meanY += v / n;
  let num = 0;
  let den = 0;
  values.forEach((v, i) => {
    num += (i - meanX) * (v - meanY);
    den += (i - meanX) ** 2;
  });
  return num / den;
}

/** Least-squares slope of values winsorised to `center` ± `limit`: a single outlier moves it by a bounded amount. */
export function clippedSlope(values: readonly number[], center: number, limit: number): number {
  return slope(values.map((v) => clamp(v, center - limit, center + limit)));
}
