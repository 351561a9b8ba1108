import { describe, expect, it } from 'vitest';
import { countAlerts, flowOf, flowUnits, headlineOf, sourceTroubles, worstSeverity, type SeriesPointLike } from './overview.ts';

const point = (day: number, value: number | null, open = false): SeriesPointLike => ({
  periodKey: `2026-11-${String(day).padStart(2, '0')}`, periodStart: new Date(Date.UTC(2026, 10, day) - 8 * 3_600_000), value,
  previous: value === null ? null : value - 1, yearAgo: null, changeRate: value === null ? null : 0.1, yearOverYearRate: null, target: null,
  targetStatus: 'no_target', open,
});

describe('headline of a series', () => {
  it('takes the last closed period as the headline and the open one as "so far"', () => {
    const h = headlineOf([point(20, 10), point(21, 12), point(22, 3, true)]);
    expect(h).toMatchObject({ periodKey: '2026-11-21', value: 12, previous: 11, changeRate: 0.1, current: { periodKey: '2026-11-22', value: 3 } });
    expect(h?.spark.map((p) => p.value)).toEqual([10, 12]);
  });

  it('is null when the scope has no value in the whole window', () => {
    expect(headlineOf([point(20, null), point(21, null, true)])).toBeNull();
  });

  it('shows an indicator whose only value is in the open period, without a closed headline', () => {
    expect(headlineOf([point(21, null), point(22, 4, true)])).toMatchObject({ value: null, current: { value: 4 }, targetStatus: 'no_target' });
  });
});

describe('alert counts', () => {
  it('counts per severity and attributes each alert to the child whose subtree holds it', () => {
    const children = [{ code: 'H1', path: '/1/2/' }, { code: 'H2', path: '/1/3/' }];
    const { total, byChild } = countAlerts([
      { severity: 2, orgPath: '/1/2/5/' }, { severity: 2, orgPath: '/1/2/' }, { severity: 4, orgPath: '/1/3/9/' }, { severity: 1, orgPath: '/1/' }, { severity: 7, orgPath: '/1/2/' },
    ], children);
    expect(total).toEqual({ 1: 1, 2: 2, 3: 0, 4: 1 });
    expect(byChild.get('H1')).toEqual({ 1: 0, 2: 2, 3: 0, 4: 0 });
    expect(byChild.get('H2')).toEqual({ 1: 0, 2: 0, 3: 0, 4: 1 });
    expect(worstSeverity(byChild.get('H1')!)).toBe(2);
    expect(worstSeverity({ 1: 0, 2: 0, 3: 0, 4: 0 })).toBeNull();
  });
});

describe('sources in trouble', () => {
  const fine = { received: 100, successRate: 1, captureRate: 1, expected: 10, timeliness: { p95Seconds: 60 }, lastSeenAt: new Date() };
  it('finds nothing wrong with a healthy source', () => {
    expect(sourceTroubles(fine)).toEqual([]);
  });
  it('calls a source silent when batches were expected and nothing came', () => {
    expect(sourceTroubles({ ...fine, received: 0, successRate: null, captureRate: 0, timeliness: { p95Seconds: null } })).toEqual(['silent']);
  });
  it('names low capture, rejections and lateness together', () => {
    expect(sourceTroubles({ ...fine, captureRate: 0.5, successRate: 0.9, timeliness: { p95Seconds: 7200 } })).toEqual(['low_capture', 'rejections', 'late']);
  });
  it('does not judge capture when nothing was expected yet (no cadence, before hours)', () => {
    expect(sourceTroubles({ ...fine, received: 0, expected: 0, captureRate: null, successRate: null })).toEqual([]);
  });
});

describe('online vs offline flow', () => {
  const at = (h: number) => new Date(Date.UTC(2026, 10, 23, h));
  it('sums channel units on one time axis, a missing value counting as none', () => {
    const flow = flowOf([
      { channel: 'offline', points: [{ periodStart: at(1), value: 5 }, { periodStart: at(2), value: 7 }] },
      { channel: 'offline', points: [{ periodStart: at(2), value: 1 }] },
      { channel: 'online', points: [{ periodStart: at(1), value: null }, { periodStart: at(2), value: 3 }] },
    ]);
    expect(flow.at).toEqual([at(1).toISOString(), at(2).toISOString()]);
    expect(flow.offline).toEqual([5, 8]);
    expect(flow.online).toEqual([0, 3]);
    expect(flow.totals).toEqual({ online: 3, offline: 13 });
  });

  it('reads the channel units of a hospital, or the scope itself inside a channel', () => {
    const h1 = { code: 'H1', kind: 'hospital', channel: null, path: '/1/2/' };
    const off = { code: 'H1-OFF', kind: 'channel', channel: 'offline', path: '/1/2/3/' };
    const onl = { code: 'H1-ONL', kind: 'channel', channel: 'online', path: '/1/2/4/' };
    const card = { code: 'H1-OFF-CARD', kind: 'department', channel: 'offline', path: '/1/2/3/5/' };
    expect(flowUnits(h1, [h1, off, onl, card]).map((u) => u.code)).toEqual(['H1-OFF', 'H1-ONL']);
    expect(flowUnits(card, [card]).map((u) => u.code)).toEqual(['H1-OFF-CARD']);
    const cc = { code: 'YJ-CC', kind: 'department', channel: null, path: '/1/9/' };
    expect(flowUnits(cc, [cc])).toEqual([]);
  });
});
