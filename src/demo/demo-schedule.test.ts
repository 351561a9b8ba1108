import { describe, expect, it } from 'vitest';
import { INCIDENT_KINDS, parseIncidentSchedule } from '../simulator/index.ts';
import { demoSchedule, localDayStart, localIso, localMonthStart, silentAt, sourcesSilentAt } from './demo-schedule.ts';

const DAY_MS = 86_400_000;

describe('demo schedule', () => {
  const now = new Date('2026-12-02T12:30:00+08:00');
  const from = new Date(localDayStart(now.getTime() - 90 * DAY_MS));
  const schedule = demoSchedule(from, now);
  const of = (kind: string) => schedule.filter((s) => s.kind === kind);

  it('places every incident kind, as a valid schedule', () => {
    expect(new Set(schedule.map((s) => s.kind))).toEqual(new Set(INCIDENT_KINDS));
    expect(parseIncidentSchedule(JSON.parse(JSON.stringify(schedule)))).toEqual(schedule);
  });

  it('fills the last closed month with the budget overrun and starts the drug-share drift with it', () => {
    expect(of('expense_overrun')).toEqual([expect.objectContaining({ orgUnit: 'H3-OFF-ORTH', from: '2026-11-01T00:00:00+08:00', to: '2026-12-01T00:00:00+08:00' })]);
    expect(of('drug_share_drift')).toEqual([expect.objectContaining({ orgUnit: 'H2-OFF-GAST', from: '2026-11-01T00:00:00+08:00' })]);
  });

  it('bursts malformed records early in the backfill and silences the delivery app across now', () => {
    const [malformed] = of('source_malformed');
    expect(Date.parse(malformed?.from ?? '')).toBe(from.getTime() + 2 * DAY_MS);
    expect(Date.parse(malformed?.to ?? '') - Date.parse(malformed?.from ?? '')).toBe(7 * DAY_MS);
    const [silent] = of('source_silent');
    expect(silent).toMatchObject({ source: 'DLV-APP', orgUnit: 'H1-ONL-DLV' });
    expect(Date.parse(silent?.from ?? '')).toBeLessThan(now.getTime());
    expect(Date.parse(silent?.to ?? '')).toBeGreaterThan(now.getTime());
  });

  it('keeps every day-grain kind both in the history and around now', () => {
    for (const kind of ['wait_surge', 'review_lapse', 'abandon_spike']) {
      const windows = of(kind).map((s) => [Date.parse(s.from), Date.parse(s.to)] as const);
      expect(windows.some(([a, b]) => b <= now.getTime() && a >= from.getTime()), kind).toBe(true);
      expect(windows.some(([a, b]) => a < now.getTime() && b > now.getTime()), kind).toBe(true);
    }
    expect(of('delivery_late').every((s) => Date.parse(s.to) <= now.getTime())).toBe(true);
  });
});

describe('scheduled outages', () => {
  const outage = { kind: 'source_silent', orgUnit: 'H2', source: 'H2-HIS', from: '2026-12-02T10:00:00+08:00', to: '2026-12-02T16:00:00+08:00' } as const;
  const schedule = [outage, { ...outage, source: 'CC-SWITCH', orgUnit: 'YJ-CC', from: '2026-12-02T12:00:00+08:00' }, { kind: 'wait_surge', orgUnit: 'H2', from: outage.from, to: outage.to } as const];

  it('keeps a source quiet from the start of its window up to, not including, its end', () => {
    expect(silentAt(schedule, 'H2-HIS', Date.parse(outage.from) - 1)).toBe(false);
    expect(silentAt(schedule, 'H2-HIS', Date.parse(outage.from))).toBe(true);
    expect(silentAt(schedule, 'H2-HIS', Date.parse(outage.to))).toBe(false);
    expect(silentAt(schedule, 'H1-HIS', Date.parse(outage.from))).toBe(false);
  });

  it('lists the sources in an outage at a moment, once each', () => {
    expect(sourcesSilentAt(schedule, Date.parse('2026-12-02T11:00:00+08:00'))).toEqual(['H2-HIS']);
    expect(sourcesSilentAt([...schedule, outage], Date.parse('2026-12-02T13:00:00+08:00'))).toEqual(['CC-SWITCH', 'H2-HIS']);
    expect(sourcesSilentAt(schedule, Date.parse(outage.to))).toEqual([]);
  });
});

describe('local calendar helpers', () => {
  it('finds local month starts across a year end and formats +08:00 times', () => {
    const jan3 = Date.parse('2027-01-03T01:00:00+08:00');
    expect(localIso(localMonthStart(jan3))).toBe('2027-01-01T00:00:00+08:00');
    expect(localIso(localMonthStart(jan3, -1))).toBe('2026-12-01T00:00:00+08:00');
    // 23:30 UTC on Dec 31 is already January 1 in China.
    expect(localIso(localDayStart(Date.parse('2026-12-31T23:30:00Z')))).toBe('2027-01-01T00:00:00+08:00');
  });
});
