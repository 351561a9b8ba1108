import { describe, expect, it } from 'vitest';
import { LAG_CYCLES, lagExpectation, MAX_LAG_POINTS, pushLag } from './lag.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2025, 0, 6);

function fill(n: number, stepMs: number, value: (k: number) => number): { times: number[]; values: number[] } {
  let buf = { times: [] as number[], values: [] as number[] };
  for (let k = 0; k < n; k += 1) buf = pushLag(buf.times, buf.values, T0 + k * stepMs, value(k), stepMs);
  return buf;
}

describe('same-time-of-day baseline', () => {
  it('expects the median of the same time on the last three days, so one odd day does not echo', () => {
    // Hourly; at 09:00 the last three days read 70, 20 (an odd day) and 72.
    const nine = new Map([[9, 70], [24 + 9, 20], [48 + 9, 72]]);
    const { times, values } = fill(72, HOUR, (k) => nine.get(k) ?? 10);
    expect(lagExpectation(times, values, T0 + 72 * HOUR + 9 * HOUR, HOUR)).toBe(70);
    expect(lagExpectation(times, values, T0 + 72 * HOUR + 3 * HOUR, HOUR)).toBe(10);
  });

  it('gives nothing until two earlier days hold a value at that time', () => {
    const { times, values } = fill(30, HOUR, () => 5);
    expect(lagExpectation(times, values, T0 + 30 * HOUR, HOUR)).toBeNull();
    expect(lagExpectation([], [], T0, HOUR)).toBeNull();
  });

  it('matches by time, so a gap in the series shifts nothing', () => {
    // Every hour of four days except the whole second day.
    let buf = { times: [] as number[], values: [] as number[] };
    for (let k = 0; k < 96; k += 1) if (k < 24 || k >= 48) buf = pushLag(buf.times, buf.values, T0 + k * HOUR, k % 24, HOUR);
    expect(lagExpectation(buf.times, buf.values, T0 + 96 * HOUR + 5 * HOUR, HOUR)).toBe(5);
  });

  it('keeps at most the last days, and never more than its point limit', () => {
    const hourly = fill(24 * 30, HOUR, (k) => k);
    expect(hourly.times.length).toBeLessThanOrEqual(LAG_CYCLES * 24 + 2);
    expect(hourly.times[0]).toBeGreaterThanOrEqual(T0 + (24 * 30 - 1) * HOUR - LAG_CYCLES * DAY - HOUR);
    const minutely = fill(5000, 60_000, (k) => k);
    expect(minutely.times).toHaveLength(MAX_LAG_POINTS);
    expect(minutely.values.at(-1)).toBe(4999);
  });
});
