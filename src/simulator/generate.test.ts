import { describe, expect, it } from 'vitest';
import { generateEvents, toNdjsonLine, type SimEvent, type SimulatedRecord } from './generate.ts';
import { EVENT_TYPES } from './sim-context.ts';
import { CHARGE_MIX } from './catalogue.ts';
import { simulatedGroup } from './org.ts';
import { dayKind, localDate, localHour } from './time-profile.ts';

function ndjson(records: Iterable<SimulatedRecord>): string {
  let out = '';
  for (const r of records) out += toNdjsonLine(r);
  return out;
}

const str = (e: SimEvent, key: string): string => {
  const v = e[key];
  if (typeof v !== 'string') throw new Error(`${e.type}.${key} is not a string`);
  return v;
};
const num = (e: SimEvent, key: string): number => {
  const v = e[key];
  if (typeof v !== 'number') throw new Error(`${e.type}.${key} is not a number`);
  return v;
};

describe('determinism', () => {
  const options = { from: '2025-03-03T00:00:00+08:00', to: '2025-03-05T00:00:00+08:00', scale: 0.05 };

  it('produces identical NDJSON bytes for the same seed', () => {
    expect(ndjson(generateEvents({ seed: 42, ...options }))).toBe(ndjson(generateEvents({ seed: 42, ...options })));
  });

  it('produces different output for a different seed', () => {
    expect(ndjson(generateEvents({ seed: 42, ...options }))).not.toBe(ndjson(generateEvents({ seed: 43, ...options })));
  });
});

// Three weeks around National Day 2025: Oct 1-8 off, Sunday Sep 28 and Saturday Oct 11 are make-up working days.
const FROM = '2025-09-15T00:00:00+08:00';
const TO = '2025-10-13T00:00:00+08:00';
const records = [...generateEvents({ seed: 7, from: FROM, to: TO, scale: 0.2, schedule: [] })];
const events = records.map((r) => r.event as SimEvent);
const offlineVisits = events.filter((e) => e.type === 'visit' && e['channel'] === 'offline' && e['setting'] === 'outpatient');

function visitsPerDay(filter: (date: string, ms: number) => boolean): number {
  const days = new Map<string, number>();
  for (const e of offlineVisits) {
    const ms = Date.parse(str(e, 'arrivedAt'));
    const date = localDate(ms);
    if (filter(date, ms)) days.set(date, (days.get(date) ?? 0) + 1);
  }
  return [...days.values()].reduce((a, b) => a + b, 0) / Math.max(1, days.size);
}

describe('generated stream', () => {
  it('contains every canonical event type', () => {
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(EVENT_TYPES));
  });

  it('releases events in occurredAt order, inside the range, with +08:00 offsets', () => {
    const times = records.map((r) => r.atMs);
    expect(times.every((t, i) => i === 0 || t >= (times[i - 1] ?? 0))).toBe(true);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(Date.parse(FROM));
    expect(Math.max(...times)).toBeLessThan(Date.parse(TO));
    expect(events.every((e) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/.test(e.occurredAt))).toBe(true);
  });

  it('gives every event an id unique within its source and resident-ID-like patient identifiers', () => {
    const keys = new Set(records.map((r) => `${r.source} ${JSON.stringify(r.event['id'])}`));
    expect(keys.size).toBe(records.length);
    const patients = events.flatMap((e) => (e.patient === undefined ? [] : [e.patient]));
    expect(patients.length).toBeGreaterThan(1000);
    expect(patients.every((p) => /^\d{17}[\dX]$/.test(p))).toBe(true);
  });

  it('sends each event from a source declared for its type, on an org unit inside the source', () => {
    const group = simulatedGroup(7);
    const parent = new Map(group.nodes.map((n) => [n.code, n.parentCode]));
    const within = (unit: string, ancestor: string): boolean => {
      for (let u: string | null | undefined = unit; u; u = parent.get(u)) if (u === ancestor) return true;
      return false;
    };
    const sources = new Map(group.sources.map((s) => [s.code, s]));
    const violations = new Set<string>();
    for (const r of records) {
      const source = sources.get(r.source);
      const { type, orgUnit } = r.event as SimEvent;
      if (!source?.eventTypes.includes(type) || !within(orgUnit, source.orgUnit)) violations.add(`${r.source} ${type} ${orgUnit}`);
    }
    expect([...violations]).toEqual([]);
  });

  it('peaks in the morning and is near silent at night for offline clinics', () => {
    const byHour = new Array<number>(24).fill(0);
    for (const e of offlineVisits) byHour[localHour(Date.parse(str(e, 'arrivedAt')))]! += 1;
    const morning = (byHour[9]! + byHour[10]!) / 2;
    const afternoon = (byHour[14]! + byHour[15]!) / 2;
    const night = byHour.slice(0, 6).reduce((a, b) => a + b, 0) / 6;
    expect(morning).toBeGreaterThan(afternoon);
    expect(afternoon).toBeGreaterThan(byHour[12]!);
    expect(night).toBeLessThan(morning * 0.05);
  });

  it('sees more visits on working days than at weekends, and holidays like Sundays', () => {
    const weekday = visitsPerDay((date, ms) => dayKind(ms) === 'weekday' && date < '2025-09-28');
    const weekend = visitsPerDay((date, ms) => dayKind(ms) !== 'weekday' && date < '2025-09-28');
    const holiday = visitsPerDay((date) => date === '2025-10-02');
    const makeUpSunday = visitsPerDay((date) => date === '2025-09-28');
    expect(weekday).toBeGreaterThan(weekend * 1.6);
    expect(holiday).toBeLessThan(weekday * 0.6);
    expect(makeUpSunday).toBeGreaterThan(weekend * 1.6);
  });

  it('keeps the charge mix and insurance share near the group profile', () => {
    const charges = events.filter((e) => e.type === 'charge' && e['channel'] === 'offline');
    const total = charges.reduce((s, e) => s + num(e, 'amount'), 0);
    for (const [category, target] of Object.entries(CHARGE_MIX)) {
      const amount = charges.filter((e) => e['category'] === category).reduce((s, e) => s + num(e, 'amount'), 0);
      expect(Math.abs(amount / total - target), category).toBeLessThan(0.04);
    }
    const insured = charges.filter((e) => e['payer'] === 'insurance').reduce((s, e) => s + num(e, 'amount'), 0);
    expect(insured / total).toBeGreaterThan(0.55);
    expect(insured / total).toBeLessThan(0.75);
  });

  it('brings patients back: some online consultations lead to an offline visit within 30 days', () => {
    const offlineFirstSeen = new Map<string, number[]>();
    for (const e of offlineVisits) if (e.patient) offlineFirstSeen.set(e.patient, [...(offlineFirstSeen.get(e.patient) ?? []), Date.parse(e.occurredAt)]);
    const consults = events.filter((e) => e.type === 'consultation');
    const converted = consults.filter((c) => {
      const t = Date.parse(c.occurredAt);
      return (offlineFirstSeen.get(c.patient ?? '') ?? []).some((v) => v > t && v <= t + 30 * 86_400_000);
    });
    expect(converted.length / consults.length).toBeGreaterThan(0.03);
    expect(offlineVisits.filter((e) => e['visitKind'] === 'follow_up').length / offlineVisits.length).toBeGreaterThan(0.2);
  });
});

describe('registry facts and appointment slots on visits', () => {
  const doctors = new Map(simulatedGroup(11).doctors.map((d) => [d.code, d]));
  const sample = [...generateEvents({ seed: 11, from: '2025-03-03T00:00:00+08:00', to: '2025-03-04T00:00:00+08:00', scale: 0.1, schedule: [] })].flatMap((r) => (r.malformed === undefined ? [r.event] : []));

  it('says on every visit, consultation and prescription with a doctor whether the registry has the doctor registered', () => {
    const withDoctor = sample.filter((e) => ['visit', 'consultation', 'prescription'].includes(e.type) && typeof e.doctor === 'string');
    expect(withDoctor.length).toBeGreaterThan(100);
    for (const e of withDoctor) expect(e.doctorRegistered, str(e, 'doctor')).toBe(doctors.get(str(e, 'doctor'))?.registered);
  });

  it('copies the booked slot of the appointment onto the visit, and leaves walk-ins without one', () => {
    const slots = new Map(sample.filter((e) => e.type === 'appointment').map((e) => [str(e, 'appointmentId'), str(e, 'slotAt')]));
    const visits = sample.filter((e) => e.type === 'visit' && e.channel === 'offline');
    // Appointments booked before the sample's first day are not in it.
    const booked = visits.filter((e) => typeof e.appointmentId === 'string' && slots.has(str(e, 'appointmentId')));
    expect(booked.length).toBeGreaterThan(10);
    for (const v of booked) expect(v.slotAt).toBe(slots.get(str(v, 'appointmentId')));
    for (const v of visits.filter((e) => e.appointmentId === undefined)) expect(v.slotAt).toBeUndefined();
  });
});
