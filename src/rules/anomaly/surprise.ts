/**
 * Calibrates a raw deviation statistic against the series' own history: a decayed histogram of
 * past values on a log scale gives the share of the recent past that was at least as extreme.
 * Noisy series thus need a larger deviation than quiet ones to score the same, which keeps the
 * alarm rate comparable from series to series.
 */
const BUCKETS = 64;
const PER_OCTAVE = 8;

export function emptyHistogram(): number[] {
  return new Array<number>(BUCKETS).fill(0);
}

function bucketOf(statistic: number): number {
  return Math.min(BUCKETS - 1, Math.floor(PER_OCTAVE * Math.log2(1 + Math.max(0, statistic))));
}

/** Share of past statistics at least as extreme as `statistic` (half its own bucket counts). */
export function tailShare(histogram: readonly number[], statistic: number): number {
  const b = bucketOf(statistic);
  let above = 0;
  let total = 0;
  histogram.forEach((c, i) => {
    total += c;
    if (i > b) above += c;
    else if (i === b) above += c / 2;
  });
  return (above + 0.5) / (total + 1);
}

/** Adds a statistic, decaying older ones so the histogram reflects about `horizon` points. */
export function recordStatistic(histogram: readonly number[], statistic: number, horizon: number): number[] {
  const keep = 1 - 1 / horizon;
  const b = bucketOf(statistic);
  return histogram.map((c, i) => c * keep + (i === b ? 1 : 0));
}
