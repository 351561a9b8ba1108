import { describe, expect, it } from 'vitest';
import type { ComplianceRule, ThresholdRule } from './definition.ts';
import { dryRun } from './dry-run.ts';
import type { RuleEvent } from './predicate.ts';
import { COMMON_FIELDS, monthly, NOW } from './rule-fixtures.ts';

const threshold: ThresholdRule = { ...COMMON_FIELDS, code: 'wait_high', kind: 'threshold', indicator: 'avg_wait_after_appointment', grain: 'month', op: '>', bound: 30 };

describe('dryRun over a series', () => {
  it('counts firings, episodes and evaluated periods', () => {
    const r = dryRun(threshold, { series: [monthly([40, 41, 10, 50, 20, 35])] }, NOW);
    expect(r).toMatchObject({ firings: 4, episodes: 3, periodsEvaluated: 6, noData: 0, skipped: 0 });
    expect(r.examples.map((e) => e.periodKey)).toEqual(['2026-01', '2026-02', '2026-04', '2026-06']);
  });

  it('counts only periods starting in [from, to) but uses earlier ones as history', () => {
    const r = dryRun({ ...threshold, kind: 'consecutive', periods: 2 }, { series: [monthly([40, 41, 42, 10])] }, NOW, { from: '2026-03-01T00:00:00+08:00', to: '2026-04-01T00:00:00+08:00' });
    expect(r).toMatchObject({ firings: 1, periodsEvaluated: 1 });
  });

  it('judges a disabled rule as if it were switched on', () => {
    expect(dryRun({ ...threshold, enabled: false }, { series: [monthly([40])] }, NOW).firings).toBe(1);
  });

  it('skips the open period the rule does not judge', () => {
    const r = dryRun(threshold, { series: [monthly([40, 50], [{}, { closed: false }])] }, NOW);
    expect(r).toMatchObject({ firings: 1, skipped: 1 });
  });

  it('counts each series separately and caps the examples', () => {
    const a = monthly([40, 40, 40]);
    const b = { ...monthly([40, 40, 40]), orgUnit: 'D2' };
    const r = dryRun(threshold, { series: [a, b] }, NOW, { maxExamples: 2 });
    expect(r).toMatchObject({ firings: 6, episodes: 2 });
    expect(r.examples).toHaveLength(2);
  });

  it('counts missing data under the alert policy', () => {
    expect(dryRun({ ...threshold, missingData: 'alert' }, { series: [monthly([null, 10])] }, NOW)).toMatchObject({ firings: 1, noData: 1 });
  });
});

describe('dryRun over events', () => {
  const rule: ComplianceRule = {
    ...COMMON_FIELDS,
    code: 'rx_no_offline',
    kind: 'compliance',
    eventTypes: ['prescription'],
    violation: { not: { relatedExists: { type: 'visit', beforeMinutes: 60 * 24 * 30 } } },
  };
  const ev = (id: string, type: string, occurredAt: string, patient: string): RuleEvent => ({ id, type, orgUnit: 'D1', occurredAt, patient, attributes: {} });

  it('replays events in time order with their related events', () => {
    const events = [
      ev('rx1', 'prescription', '2026-03-10T08:00:00Z', 'p1'),
      ev('v1', 'visit', '2026-03-01T08:00:00Z', 'p1'),
      ev('rx2', 'prescription', '2026-03-10T08:00:00Z', 'p2'),
      ev('v2', 'visit', '2026-01-01T08:00:00Z', 'p2'),
      ev('rx3', 'prescription', '2026-03-11T08:00:00Z', 'p3'),
    ];
    const r = dryRun(rule, { events }, NOW);
    expect(r).toMatchObject({ firings: 2, periodsEvaluated: 5, skipped: 2 });
    expect(r.examples.map((e) => e.seriesKey)).toEqual(['event:rx2', 'event:rx3']);
  });

  it('reports events whose window is still open as pending', () => {
    const unreviewed: ComplianceRule = { ...rule, violation: { missingWithin: { field: 'reviewedAt', minutes: 30 } } };
    const r = dryRun(unreviewed, { events: [ev('rx1', 'prescription', '2026-03-10T08:00:00Z', 'p1')] }, new Date('2026-03-10T08:10:00Z'));
    expect(r).toMatchObject({ firings: 0, pending: 1 });
  });

  it('stays fast on a quarter of prescriptions', () => {
    const events: RuleEvent[] = [];
    for (let i = 0; i < 8_000; i++) {
      const day = String(1 + (i % 28)).padStart(2, '0');
      events.push(ev(`rx${i}`, 'prescription', `2026-03-${day}T08:00:00Z`, `p${i % 2000}`));
      if (i % 2 === 0) events.push(ev(`v${i}`, 'visit', `2026-02-${day}T08:00:00Z`, `p${i % 2000}`));
    }
    const started = performance.now();
    const r = dryRun(rule, { events }, NOW);
    expect(r.periodsEvaluated).toBe(12_000);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
