import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AlertOutcome, AlertStatus } from './alert.ts';
import { nextAlertState, type AlertPolicy } from './state-machine.ts';

const T0 = Date.parse('2026-03-02T08:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

type OutcomeKind = AlertOutcome['kind'];

function outcome(kind: OutcomeKind, patch: Partial<AlertOutcome> = {}): AlertOutcome {
  return {
    ruleCode: 'wait_high',
    ruleVersion: 1,
    orgUnit: 'D1',
    seriesKey: 'all',
    periodKey: '2026-03-02',
    periodStart: '2026-03-02T00:00:00+08:00',
    closed: false,
    kind,
    value: kind === 'breach' ? 40 : 20,
    bound: 30,
    recovered: kind !== 'breach',
    detail: { values: { value: 40 } },
    ...patch,
  };
}

/** Feeds outcomes one per minute and returns the states and transition reasons. */
function run(policy: AlertPolicy, steps: readonly (AlertOutcome | OutcomeKind)[], start: AlertStatus | null = null) {
  let alert = start;
  const states: string[] = [];
  const reasons: string[] = [];
  steps.forEach((s, i) => {
    const step = nextAlertState(alert, typeof s === 'string' ? outcome(s) : s, policy, at(i));
    alert = step.alert;
    states.push(alert?.state ?? 'none');
    if (step.transition) reasons.push(`${step.transition.from}->${step.transition.to}:${step.transition.reason}`);
  });
  return { states, reasons, alert };
}

describe('nextAlertState', () => {
  it.each<[string, AlertPolicy, readonly OutcomeKind[], readonly string[]]>([
    ['fires at once without for', {}, ['breach'], ['firing']],
    ['stays absent while ok', {}, ['ok', 'ok'], ['none', 'none']],
    ['ignores skipped and pending outcomes', {}, ['skipped', 'pending'], ['none', 'none']],
    ['fires on no data (missing-data policy alert)', {}, ['no_data'], ['firing']],
    ['waits forPeriods breaching evaluations', { forPeriods: 3 }, ['breach', 'breach', 'breach'], ['pending', 'pending', 'firing']],
    ['drops a pending alert that clears', { forPeriods: 3 }, ['breach', 'ok', 'breach'], ['pending', 'resolved', 'pending']],
    ['waits forMinutes of breach', { forMinutes: 2 }, ['breach', 'breach', 'breach'], ['pending', 'pending', 'firing']],
    ['deduplicates breaches while firing', {}, ['breach', 'breach', 'breach'], ['firing', 'firing', 'firing']],
    ['resolves when the condition clears', {}, ['breach', 'ok'], ['firing', 'resolved']],
    ['fires again after resolving', {}, ['breach', 'ok', 'breach'], ['firing', 'resolved', 'firing']],
    ['keeps firing for keepFiringMinutes after clearing', { hysteresis: { keepFiringMinutes: 2 } }, ['breach', 'ok', 'ok', 'ok'], ['firing', 'firing', 'firing', 'resolved']],
    ['restarts the keep-firing clock on a new breach', { hysteresis: { keepFiringMinutes: 2 } }, ['breach', 'ok', 'breach', 'ok', 'ok'], ['firing', 'firing', 'firing', 'firing', 'firing']],
  ])('%s', (_name, policy, kinds, states) => {
    expect(run(policy, kinds).states).toEqual(states);
  });

  it('stays firing inside the hysteresis band and resolves past the recovery bound', () => {
    const band = outcome('ok', { value: 28, recovered: false });
    const past = outcome('ok', { value: 24, recovered: true });
    const r = run({ hysteresis: { recoveryBound: 25 } }, [outcome('breach'), band, band, past]);
    expect(r.states).toEqual(['firing', 'firing', 'firing', 'resolved']);
    expect(r.reasons).toEqual(['none->firing:breach', 'firing->resolved:cleared']);
  });

  it('records the values and baseline that caused each transition', () => {
    const o = outcome('breach', { detail: { values: { value: 40 }, baseline: { target: 30 } } });
    const step = nextAlertState(null, o, {}, at(0));
    expect(step.transition).toEqual({ from: 'none', to: 'firing', reason: 'breach', at: at(0).toISOString(), periodKey: '2026-03-02', closed: false, value: 40, bound: 30, detail: o.detail });
    expect(step.effects).toEqual([{ type: 'notify', event: 'firing' }]);
  });

  it('asks to be re-checked when a for duration or keep-firing time is running', () => {
    expect(nextAlertState(null, outcome('breach'), { forMinutes: 10 }, at(0)).effects).toEqual([{ type: 'recheck', at: at(10).toISOString() }]);
    const firing = nextAlertState(null, outcome('breach'), {}, at(0)).alert;
    expect(nextAlertState(firing, outcome('ok'), { hysteresis: { keepFiringMinutes: 5 } }, at(1)).effects).toEqual([{ type: 'recheck', at: at(6).toISOString() }]);
    expect(nextAlertState(null, outcome('pending', { pendingUntil: at(30).toISOString() }), {}, at(0)).effects).toEqual([{ type: 'recheck', at: at(30).toISOString() }]);
  });

  it('fires a closed period at once, whatever the for settings, and resolves it without keep-firing', () => {
    const r = run({ forPeriods: 5, forMinutes: 60, hysteresis: { keepFiringMinutes: 60 } }, [outcome('breach'), outcome('breach', { closed: true })]);
    expect(r.states).toEqual(['pending', 'firing']);
    const open = run({ hysteresis: { keepFiringMinutes: 60 } }, [outcome('breach'), outcome('ok', { closed: true })]);
    expect(open.reasons).toEqual(['none->firing:breach', 'firing->resolved:cleared']);
  });

  it('retracts a closed-period alert when late data turns the breach into ok', () => {
    const r = run({}, [outcome('breach', { closed: true }), outcome('ok', { closed: true })]);
    expect(r.reasons).toEqual(['none->firing:breach', 'firing->resolved:late_data_retracted']);
  });

  it('raises a closed-period alert when late data turns ok into a breach', () => {
    const ok = run({}, [outcome('breach', { closed: true }), outcome('ok', { closed: true }), outcome('breach', { closed: true })]);
    expect(ok.reasons.at(-1)).toBe('resolved->firing:late_data_raised');
    const fresh = nextAlertState(null, outcome('breach', { closed: true }), { forPeriods: 3 }, at(0), { trigger: 'late_data' });
    expect(fresh.transition?.reason).toBe('late_data_raised');
    expect(fresh.effects).toEqual([{ type: 'notify', event: 'firing' }]);
  });

  it('ignores the recovery band when late data retracts', () => {
    const firing = nextAlertState(null, outcome('breach', { closed: true }), {}, at(0)).alert;
    const step = nextAlertState(firing, outcome('ok', { closed: true, recovered: false }), { hysteresis: { recoveryBound: 25 } }, at(1));
    expect(step.alert?.state).toBe('resolved');
    expect(step.effects).toEqual([{ type: 'notify', event: 'retracted' }]);
  });

  it('never notifies a pending alert that clears', () => {
    const pending = nextAlertState(null, outcome('breach'), { forPeriods: 2 }, at(0));
    expect(pending.effects).toEqual([]);
    expect(nextAlertState(pending.alert, outcome('ok'), { forPeriods: 2 }, at(1)).effects).toEqual([]);
  });

  it('only ever moves between legal states, and fires only after a breach', () => {
    const kinds = fc.constantFrom<OutcomeKind>('breach', 'ok', 'no_data', 'skipped', 'pending');
    fc.assert(
      fc.property(fc.array(fc.tuple(kinds, fc.boolean(), fc.boolean()), { maxLength: 30 }), fc.integer({ min: 1, max: 4 }), (steps, forPeriods) => {
        let alert: AlertStatus | null = null;
        steps.forEach(([kind, closed, recovered], i) => {
          const o = outcome(kind, { closed, recovered: kind === 'ok' ? recovered : false });
          const step = nextAlertState(alert, o, { forPeriods, hysteresis: { keepFiringMinutes: 1 } }, at(i));
          if (step.transition) {
            expect(['none->pending', 'none->firing', 'pending->firing', 'pending->resolved', 'firing->resolved', 'resolved->pending', 'resolved->firing']).toContain(
              `${step.transition.from}->${step.transition.to}`,
            );
            if (step.transition.to === 'firing') expect(['breach', 'no_data']).toContain(kind);
          } else {
            expect(step.alert?.state).toBe(alert?.state);
          }
          alert = step.alert;
        });
      }),
    );
  });
});
