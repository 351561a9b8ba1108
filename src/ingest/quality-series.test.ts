import { describe, expect, it } from 'vitest';
import { LAG_BUCKETS_SECONDS } from './commit-service.ts';
import { qualitySeries, seriesBuckets } from './quality-series.ts';
import type { HourCounters } from './quality-series-repo.ts';

const zone = 'Asia/Shanghai';
const hist = (bucketSeconds: number, n: number) => LAG_BUCKETS_SECONDS.map((b) => (b === bucketSeconds ? n : 0));
const row = (hour: string, c: Partial<HourCounters>): HourCounters => ({
  hour: new Date(hour), received: 0, accepted: 0, duplicates: 0, conflicts: 0, rejected: 0, lagHist: hist(60, 0), ...c,
});

describe('seriesBuckets', () => {
  it('cuts local days in the group time zone, covering the whole range', () => {
    const b = seriesBuckets('day', zone, new Date('2026-11-21T10:00:00+08:00'), new Date('2026-11-23T09:00:00+08:00'));
    expect(b.map((x) => x.from.toISOString())).toEqual(['2026-11-20T16:00:00.000Z', '2026-11-21T16:00:00.000Z', '2026-11-22T16:00:00.000Z']);
    expect(b.at(-1)?.to.toISOString()).toBe('2026-11-23T16:00:00.000Z');
  });

  it('stops at the most points a grain allows', () => {
    expect(seriesBuckets('hour', zone, new Date('2026-01-01T00:00:00Z'), new Date('2026-03-01T00:00:00Z'))).toHaveLength(168);
  });
});

describe('qualitySeries', () => {
  const base = { grain: 'hour' as const, zone, from: new Date('2026-11-23T08:00:00+08:00'), to: new Date('2026-11-23T11:00:00+08:00'), now: new Date('2026-11-23T10:30:00+08:00'), since: new Date('2026-01-01T00:00:00Z') };

  it('sums the event types of each hour and derives success rate and timeliness per bucket', () => {
    const points = qualitySeries({
      ...base, cadence: null, batchMinutes: [],
      counters: [
        row('2026-11-23T08:00:00+08:00', { received: 10, accepted: 8, rejected: 2, lagHist: hist(60, 8) }),
        row('2026-11-23T08:00:00+08:00', { received: 10, accepted: 9, duplicates: 1, lagHist: hist(7200, 9) }),
      ],
    });
    expect(points).toHaveLength(3);
    expect(points[0]).toMatchObject({ received: 20, accepted: 17, duplicates: 1, rejected: 2, successRate: 0.9, p50Seconds: 7200, p95Seconds: 7200, captureRate: null });
    expect(points[1]).toMatchObject({ received: 0, successRate: null, p50Seconds: null });
  });

  it('judges capture per bucket against a batch cadence: a silent hour is 0, an hour not yet over is not judged', () => {
    const points = qualitySeries({
      ...base, cadence: { kind: 'batches', everyMinutes: 60 }, counters: [],
      batchMinutes: [new Date('2026-11-23T08:15:00+08:00')],
    });
    expect(points.map((p) => p.captureRate)).toEqual([1, 0, null]);
  });

  it('judges an events cadence by the accepted events against the daily count pro-rated to the part of the bucket already past', () => {
    const points = qualitySeries({
      ...base, cadence: { kind: 'events', perDay: 240 }, batchMinutes: [],
      counters: [row('2026-11-23T08:00:00+08:00', { received: 5, accepted: 5 }), row('2026-11-23T09:00:00+08:00', { received: 20, accepted: 20 })],
    });
    expect(points.map((p) => p.captureRate)).toEqual([0.5, 1, 0]);
  });

  it('owes nothing before the source was registered', () => {
    const points = qualitySeries({
      ...base, since: new Date('2026-11-23T09:00:00+08:00'), cadence: { kind: 'batches', everyMinutes: 30 }, counters: [],
      batchMinutes: [new Date('2026-11-23T09:10:00+08:00')],
    });
    expect(points.map((p) => p.captureRate)).toEqual([null, 0.5, 0]);
  });
});
