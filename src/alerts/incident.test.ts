import { describe, expect, it } from 'vitest';
import type { AlertOutcome, AlertStatus } from './alert.ts';
import { liveHorizonStart, placeOutcome, planIncident, type IncidentHead } from './incident.ts';

const TZ = 'Asia/Shanghai';
const NOW = new Date('2026-11-20T10:00:00+08:00');
const opts = { timeZone: TZ };

function day(key: string, kind: AlertOutcome['kind'], closed = true): AlertOutcome {
  return {
    ruleCode: 'r', ruleVersion: 1, orgUnit: 'D', seriesKey: 'all', periodKey: key, periodStart: new Date(`${key}T00:00:00+08:00`).toISOString(), closed, kind,
    value: kind === 'breach' ? 50 : 10, bound: 30, recovered: kind !== 'breach', detail: {},
  };
}

function head(first: string, last: string, state: AlertStatus['state']): IncidentHead {
  const at = NOW.toISOString();
  return {
    status: { state, activeSince: at, stateSince: at, breachCount: 1, clearedSince: null, finalized: true, lastValue: 50, lastEvaluatedAt: at },
    firstPeriodStart: new Date(`${first}T00:00:00+08:00`).toISOString(), lastPeriodKey: last, lastPeriodStart: new Date(`${last}T00:00:00+08:00`).toISOString(),
  };
}

describe('placing an outcome against its series’ incident', () => {
  it.each<[string, IncidentHead | null, AlertOutcome, string]>([
    ['no incident yet', null, day('2026-11-19', 'breach'), 'new'],
    ['the incident’s latest period again', head('2026-11-19', '2026-11-19', 'firing'), day('2026-11-19', 'breach'), 'same'],
    ['the next period of an open incident', head('2026-11-18', '2026-11-19', 'firing'), day('2026-11-20', 'breach', false), 'extend'],
    ['the next period after the incident ended', head('2026-11-18', '2026-11-18', 'resolved'), day('2026-11-19', 'breach'), 'new'],
    ['a period after a gap', head('2026-11-17', '2026-11-17', 'firing'), day('2026-11-19', 'breach'), 'new'],
    ['an earlier period inside the horizon', head('2026-11-20', '2026-11-20', 'firing'), day('2026-11-19', 'breach'), 'past'],
    ['a period older than the horizon', head('2026-11-19', '2026-11-19', 'firing'), day('2026-11-18', 'breach'), 'finding'],
    ['history with no incident', null, day('2021-03-01', 'breach'), 'finding'],
  ])('%s → %s', (_name, h, outcome, expected) => {
    expect(placeOutcome(h, outcome, NOW, opts)).toBe(expected);
  });

  it('keeps the current and the previous period live by default, more when the rule asks', () => {
    expect(liveHorizonStart(NOW, 'day', opts).toISOString()).toBe(new Date('2026-11-19T00:00:00+08:00').toISOString());
    expect(liveHorizonStart(NOW, 'month', { ...opts, livePeriods: 3 }).toISOString()).toBe(new Date('2026-09-01T00:00:00+08:00').toISOString());
    expect(placeOutcome(null, day('2026-11-18', 'breach'), NOW, { ...opts, livePeriods: 3 })).toBe('new');
  });
});

describe('stepping an incident', () => {
  const policy = {};

  it('starts an open incident one period earlier when the period before it breaches and is judged after it (yesterday settles after today was judged)', () => {
    const pending = planIncident(head('2026-11-20', '2026-11-20', 'pending'), day('2026-11-19', 'breach'), policy, NOW, opts);
    expect(pending.placement).toBe('prepend');
    expect(pending.placement === 'prepend' && pending.step.transition).toMatchObject({ from: 'pending', to: 'firing', periodKey: '2026-11-19' });
    // Not when the incident has ended, nor for a period that is not next to its start, nor for a clean period.
    expect(planIncident(head('2026-11-20', '2026-11-20', 'resolved'), day('2026-11-19', 'breach'), policy, NOW, opts)).toMatchObject({ placement: 'past', bad: true });
    expect(planIncident(head('2026-11-20', '2026-11-20', 'firing'), day('2026-11-19', 'ok'), policy, NOW, opts)).toMatchObject({ placement: 'past', bad: false });
    expect(planIncident(head('2026-11-20', '2026-11-20', 'firing'), day('2026-11-18', 'breach'), policy, NOW, { ...opts, livePeriods: 3 })).toMatchObject({ placement: 'past', bad: true });
  });

  it('adds a breaching next period without a transition (no new notification or work order)', () => {
    const plan = planIncident(head('2026-11-18', '2026-11-19', 'firing'), day('2026-11-20', 'breach', false), policy, NOW, opts);
    expect(plan).toMatchObject({ placement: 'extend', added: true });
    expect(plan.placement === 'extend' && plan.step.transition).toBeUndefined();
  });

  it('resolves when the next period closes without a breach, and waits while it is open and fine so far', () => {
    const closed = planIncident(head('2026-11-18', '2026-11-18', 'firing'), day('2026-11-19', 'ok'), policy, NOW, opts);
    expect(closed.placement === 'extend' && closed.step.transition).toMatchObject({ from: 'firing', to: 'resolved', reason: 'cleared', periodKey: '2026-11-19' });
    const open = planIncident(head('2026-11-19', '2026-11-19', 'firing'), day('2026-11-20', 'ok', false), policy, NOW, opts);
    expect(open).toMatchObject({ placement: 'extend', added: false });
    expect(open.placement === 'extend' && open.step.transition).toBeUndefined();
  });

  it('ends an open incident by the gap before a new one starts', () => {
    const plan = planIncident(head('2026-11-16', '2026-11-17', 'firing'), day('2026-11-19', 'breach'), policy, NOW, opts);
    expect(plan.placement).toBe('new');
    if (plan.placement !== 'new') return;
    expect(plan.end?.transition).toMatchObject({ from: 'firing', to: 'resolved', reason: 'gap' });
    expect(plan.step.transition).toMatchObject({ from: 'none', to: 'firing', reason: 'breach' });
  });

  it('lets a skipped later period (missing data under skip) leave the incident open', () => {
    const plan = planIncident(head('2026-11-16', '2026-11-17', 'firing'), day('2026-11-19', 'skipped'), policy, NOW, opts);
    expect(plan).toMatchObject({ placement: 'new', end: null });
  });

  it('records a breach of history as a finding, and leaves a late breach inside the incident to it', () => {
    expect(planIncident(null, day('2024-01-01', 'breach'), policy, NOW, opts)).toEqual({ placement: 'finding', bad: true });
    expect(planIncident(head('2026-11-19', '2026-11-20', 'firing'), day('2026-11-19', 'breach'), policy, NOW, opts)).toEqual({ placement: 'past', bad: false });
    // A live breach just before an open incident is its start (see above), not a finding.
    expect(planIncident(head('2026-11-20', '2026-11-20', 'firing'), day('2026-11-19', 'breach'), policy, NOW, opts)).toMatchObject({ placement: 'prepend' });
  });
});
