import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulatedBudgets } from './budgets.ts';
import { generateEvents, type SimEvent } from './generate.ts';
import { defaultIncidentSchedule, incidentLabels, incidentLabelsJson, INCIDENT_KINDS, parseIncidentSchedule, type IncidentKind } from './incidents.ts';
import { simulatedGroup } from './org.ts';

const FROM = '2025-03-03T00:00:00+08:00';
const TO = '2025-04-07T00:00:00+08:00';
const SCALE = 0.2;
const schedule = defaultIncidentSchedule(FROM, TO);
const records = [...generateEvents({ seed: 11, from: FROM, to: TO, scale: SCALE, schedule })];
const events = records.flatMap((r) => (r.malformed === undefined ? [r.event] : []));

function windowOf(kind: IncidentKind): { from: number; to: number; orgUnit: string } {
  const spec = schedule.find((s) => s.kind === kind);
  if (!spec) throw new Error(`no ${kind} in the default schedule`);
  return { from: Date.parse(spec.from), to: Date.parse(spec.to), orgUnit: spec.orgUnit };
}
const at = (e: SimEvent, key = 'occurredAt'): number => {
  const v = e[key];
  return typeof v === 'string' ? Date.parse(v) : Number.NaN;
};
const inside = (t: number, w: { from: number; to: number }): boolean => t >= w.from && t < w.to;
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const share = (xs: readonly boolean[]): number => mean(xs.map((x) => (x ? 1 : 0)));

describe('default incident schedule', () => {
  it('holds one incident of every kind, each window inside the range', () => {
    expect(schedule.map((s) => s.kind).sort()).toEqual([...INCIDENT_KINDS].sort());
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 600 }), fc.integer({ min: 10, max: 400 }), (startDay, days) => {
        const from = Date.UTC(2025, 0, 1) + startDay * 86_400_000;
        const to = from + days * 86_400_000;
        for (const s of defaultIncidentSchedule(new Date(from), new Date(to))) {
          if (!(Date.parse(s.from) >= from - 86_400_000 && Date.parse(s.from) < Date.parse(s.to) && Date.parse(s.to) <= to)) return false;
        }
        return true;
      }),
    );
  });

  it('writes one label per incident with the indicator to watch', () => {
    const labels = incidentLabels(schedule);
    expect(labels).toHaveLength(schedule.length);
    expect(labels.find((l) => l.kind === 'review_lapse')).toMatchObject({ orgUnit: 'H1-ONL', indicatorHint: 'pharmacist_review_rate' });
    expect(labels.find((l) => l.kind === 'source_silent')).toMatchObject({ source: 'H2-HIS', indicatorHint: 'source_capture_rate' });
    expect(JSON.parse(incidentLabelsJson(schedule))).toEqual(labels);
  });

  it('rejects a schedule with an unknown kind or an unreadable date', () => {
    expect(() => parseIncidentSchedule([{ kind: 'meteor', orgUnit: 'H1', from: FROM, to: TO }])).toThrow(/incident 0/);
    expect(() => parseIncidentSchedule([{ kind: 'wait_surge', orgUnit: 'H1', from: 'soon', to: TO }])).toThrow(/ISO/);
    expect(parseIncidentSchedule(schedule)).toEqual(schedule);
  });
});

describe('each incident changes its target quantity', () => {
  it('wait_surge: mean wait after the slot in the department at least doubles', () => {
    const w = windowOf('wait_surge');
    const slots = new Map(events.filter((e) => e.type === 'appointment').map((e) => [e['appointmentId'], at(e, 'slotAt')]));
    const visitWaits = events
      .filter((e) => e.type === 'visit' && e['department'] === w.orgUnit && typeof e['appointmentId'] === 'string')
      .map((e) => ({ t: at(e, 'arrivedAt'), wait: at(e, 'startedAt') - (slots.get(e['appointmentId']) ?? Number.NaN) }))
      .filter((x) => Number.isFinite(x.wait));
    expect(visitWaits.filter((x) => inside(x.t, w)).length).toBeGreaterThan(10);
    const during = mean(visitWaits.filter((x) => inside(x.t, w)).map((x) => x.wait));
    const before = mean(visitWaits.filter((x) => x.t < w.from).map((x) => x.wait));
    expect(during).toBeGreaterThan(2 * before);
  });

  it('review_lapse: the share of online prescriptions without pharmacist review rises', () => {
    const w = windowOf('review_lapse');
    const online = events.filter((e) => e.type === 'prescription' && e['channel'] === 'online');
    const unreviewed = (xs: readonly SimEvent[]) => share(xs.map((e) => e['reviewedAt'] === undefined));
    const during = unreviewed(online.filter((e) => inside(at(e), w)));
    const outside = unreviewed(online.filter((e) => !inside(at(e), { from: w.from, to: w.to + 86_400_000 })));
    expect(during).toBeGreaterThan(0.4);
    expect(outside).toBeLessThan(0.02);
  });

  it('source_silent: the source sends nothing in its window but does at the same hours a day earlier', () => {
    const w = windowOf('source_silent');
    const fromSource = records.filter((r) => r.source === 'H2-HIS');
    expect(fromSource.filter((r) => inside(r.atMs, w))).toHaveLength(0);
    expect(fromSource.filter((r) => inside(r.atMs, { from: w.from - 86_400_000, to: w.to - 86_400_000 })).length).toBeGreaterThan(20);
  });

  it('source_malformed: malformed records come only from the source, only in the window, and are marked', () => {
    const w = windowOf('source_malformed');
    const malformed = records.filter((r) => r.malformed !== undefined);
    const fromSourceInWindow = records.filter((r) => r.source === 'DLV-APP' && inside(r.atMs, w));
    expect(malformed.every((r) => r.source === 'DLV-APP' && inside(r.atMs, w))).toBe(true);
    expect(malformed.length / fromSourceInWindow.length).toBeGreaterThan(0.15);
    for (const r of malformed) {
      if (r.malformed === 'missing_org_unit') expect(r.event).not.toHaveProperty('orgUnit');
      else expect(r.event['occurredAt']).toMatch(/^\d{4}-02-30T/);
    }
  });

  it('abandon_spike: the call abandon rate at least triples', () => {
    const w = windowOf('abandon_spike');
    const calls = events.filter((e) => e.type === 'call');
    const during = share(calls.filter((e) => inside(at(e, 'queuedAt'), w)).map((e) => e['abandoned'] === true));
    const outside = share(calls.filter((e) => !inside(at(e, 'queuedAt'), w)).map((e) => e['abandoned'] === true));
    expect(during).toBeGreaterThan(3 * outside);
  });

  it('delivery_late: the share of deliveries after the promise rises', () => {
    const w = windowOf('delivery_late');
    const deliveries = events.filter((e) => e.type === 'delivery');
    const late = (xs: readonly SimEvent[]) => share(xs.map((e) => at(e, 'deliveredAt') > at(e, 'promisedBy')));
    expect(late(deliveries.filter((e) => inside(at(e, 'orderedAt'), w)))).toBeGreaterThan(0.3);
    expect(late(deliveries.filter((e) => at(e, 'orderedAt') < w.from))).toBeLessThan(0.05);
  });

  it('drug_share_drift: the department drug share in the last week of the window exceeds the weeks before', () => {
    const w = windowOf('drug_share_drift');
    const charges = events.filter((e) => e.type === 'charge' && e['department'] === w.orgUnit);
    const drugShare = (xs: readonly SimEvent[]) =>
      xs.filter((e) => e['category'] === 'drug').reduce((s, e) => s + Number(e['amount']), 0) / xs.reduce((s, e) => s + Number(e['amount']), 0);
    const before = drugShare(charges.filter((e) => at(e) < w.from));
    const lastWeek = drugShare(charges.filter((e) => at(e) >= w.to - 7 * 86_400_000 && at(e) < w.to));
    expect(lastWeek).toBeGreaterThan(before + 0.08);
  });

  it('unregistered_practice: the doctor whose registration is pending consults online only in the window, for a share of the department', () => {
    const w = windowOf('unregistered_practice');
    const pending = simulatedGroup(11).doctors.filter((d) => d.department === w.orgUnit && !d.registered).map((d) => d.code);
    expect(pending).toHaveLength(1);
    const consults = events.filter((e) => e.type === 'consultation' && e['department'] === w.orgUnit);
    const during = consults.filter((e) => inside(at(e, 'requestedAt'), w));
    const byPending = (xs: readonly SimEvent[]) => xs.filter((e) => typeof e['doctor'] === 'string' && pending.includes(e['doctor']));
    expect(byPending(consults.filter((e) => !inside(at(e, 'requestedAt'), w)))).toEqual([]);
    expect(byPending(during).length).toBeGreaterThan(0);
    expect(byPending(during).every((e) => e['doctorRegistered'] === false)).toBe(true);
    expect(byPending(during).length / during.length).toBeLessThan(0.5);
    // Nowhere else does an online event name a doctor without registration.
    const unregistered = events.filter((e) => e['doctorRegistered'] === false);
    expect(unregistered.length).toBeGreaterThanOrEqual(2 * byPending(during).length);
    expect(unregistered.every((e) => e.orgUnit === w.orgUnit && inside(at(e), { from: w.from, to: w.to + 86_400_000 }))).toBe(true);
  });

  it('expense_overrun: the budget line runs well over its budgeted daily rate', () => {
    const w = windowOf('expense_overrun');
    const budget = simulatedBudgets(simulatedGroup(11), SCALE).find((b) => b.orgUnit === w.orgUnit && b.item === 'medical_consumables');
    if (!budget) throw new Error('no budget line');
    const spend = (range: { from: number; to: number }) =>
      events.filter((e) => e.type === 'expense' && e.orgUnit === w.orgUnit && e['item'] === 'medical_consumables' && inside(at(e), range)).reduce((s, e) => s + Number(e['amount']), 0);
    const days = (w.to - w.from) / 86_400_000;
    const perDayBudget = budget.monthlyAmount / 30.44;
    expect(spend(w) / (perDayBudget * days)).toBeGreaterThan(1.5);
    const after = { from: w.to, to: w.to + 7 * 86_400_000 };
    expect(spend(after) / (perDayBudget * 7)).toBeLessThan(1.3);
  });
});
