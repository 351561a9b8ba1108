import { event, type LibraryFixture } from '../test-support.ts';

/**
 * Hand-computed fixtures for the access, inpatient, money and pharmacy families. Unless a fixture
 * says otherwise the value is that of November 2026 in Asia/Shanghai; events outside it (October,
 * December) must not count.
 */
const NOV = '2026-11-10T02:00:00Z';
const OCT = '2026-10-20T02:00:00Z';
const DEC = '2026-12-05T02:00:00Z';
const visit = (attributes: Record<string, unknown> = {}, at = NOV, patient?: string) => event('visit', at, attributes, patient);

export const ACCESS_FIXTURES: Readonly<Record<string, LibraryFixture>> = {
  // 3 outpatient visits in November (no setting, outpatient, online); the emergency and home visits,
  // the October visit and a call do not count.
  outpatient_visits: {
    events: [visit(), visit({ setting: 'outpatient' }), visit({ channel: 'online', setting: 'online' }), visit({ setting: 'emergency' }), visit({ setting: 'home' }), visit({}, OCT), event('call', NOV)],
    expected: 3,
  },
  // 急诊人次: the 2 November emergency visits; the outpatient one and the October emergency one do not count.
  emergency_visits: { events: [visit({ setting: 'emergency' }), visit({ setting: 'emergency' }), visit(), visit({ setting: 'emergency' }, OCT)], expected: 2 },
  // p1 twice and p2 in November → 2 patients; p3 only in October, p4 only at the emergency department.
  outpatient_patients: {
    events: [visit({}, NOV, 'p1'), visit({}, NOV, 'p1'), visit({}, NOV, 'p2'), visit({}, OCT, 'p3'), visit({ setting: 'emergency' }, NOV, 'p4')],
    expected: 2,
  },
  // 1 online of 4 → 25 %.
  online_visit_share: {
    events: [visit({ channel: 'online' }), visit({ channel: 'offline' }), visit({ channel: 'offline' }), visit({ channel: 'offline' })],
    expected: 25,
  },
  // 3 of 4 outpatient visits had an appointment → 75 %; the emergency visits (one booked) are left out.
  appointment_rate: {
    events: [visit({ appointmentId: 'a1' }), visit({ appointmentId: 'a2' }), visit({ appointmentId: 'a3' }), visit(), visit({ setting: 'emergency', appointmentId: 'a4' }), visit({ setting: 'emergency' })],
    expected: 75,
  },
  // waits 20 and 40 minutes; the visit without slotAt is left out → 30.
  avg_wait_after_appointment: {
    events: [
      visit({ slotAt: '2026-11-10T01:00:00Z', startedAt: '2026-11-10T01:20:00Z' }),
      visit({ slotAt: '2026-11-10T02:00:00Z', startedAt: '2026-11-10T02:40:00Z' }),
      visit({ startedAt: '2026-11-10T02:40:00Z' }),
    ],
    expected: 30,
  },
  // responses 5, 10, 15, 20, 100 minutes: median 15.
  consult_first_response_p50: { events: consultations([5, 10, 15, 20, 100]), expected: 15, approx: true },
  // rank 0.9 × 4 = 3.6 → the 4th smallest, 20 (lower nearest rank).
  consult_first_response_p90: { events: consultations([5, 10, 15, 20, 100]), expected: 20, approx: true },
};

function consultations(minutes: readonly number[]) {
  const requested = Date.parse('2026-11-12T03:00:00Z');
  return minutes.map((m) =>
    event('consultation', NOV, {
      requestedAt: new Date(requested).toISOString(),
      firstResponseAt: new Date(requested + m * 60_000).toISOString(),
    }),
  );
}

/** A stay admitted `nights` local days before its discharge (same local hour), with a losDays the library no longer reads. */
const discharge = (nights: number, dischargedAt: string, occurredAt = dischargedAt) =>
  event('discharge', occurredAt, { losDays: 999, admittedAt: new Date(Date.parse(dischargedAt) - nights * 86_400_000).toISOString(), dischargedAt });
/** A stay given by its instants, to test local dates. */
const stay = (admittedAt: string, dischargedAt: string) => event('discharge', dischargedAt, { admittedAt, dischargedAt });
const beds = { indicator: 'open_bed_days', grain: 'month' as const, periodStart: new Date('2026-10-31T16:00:00Z'), value: 300 };

export const INPATIENT_FIXTURES: Readonly<Record<string, LibraryFixture>> = {
  // Placed by dischargedAt: the event recorded in October but discharged in November counts; December does not.
  discharges: { events: [discharge(3, NOV), discharge(5, NOV, OCT), discharge(2, DEC)], expected: 2 },
  // 出院者占用总床日数 / 出院人数 in Shanghai dates (UTC+8):
  //  a. 11-01 23:30 → 11-03 08:00 local (11-01T15:30Z → 11-03T00:00Z): 2 bed-days (UTC dates would give 2 too);
  //  b. 11-04 07:00 → 11-04 18:00 local: admitted and discharged the same day → 1;
  //  c. 11-05 06:00 local (11-04T22:00Z) → 11-08 10:00 local (11-08T02:00Z): 3 (UTC dates would give 4);
  //  d. 11-09 → 11-19, 10 nights: 10; a December discharge and one without admittedAt are left out.
  // (2 + 1 + 3 + 10) / 4 = 4.
  avg_length_of_stay: {
    events: [
      stay('2026-11-01T15:30:00Z', '2026-11-03T00:00:00Z'),
      stay('2026-11-03T23:00:00Z', '2026-11-04T10:00:00Z'),
      stay('2026-11-04T22:00:00Z', '2026-11-08T02:00:00Z'),
      discharge(10, '2026-11-19T02:00:00Z'),
      discharge(30, DEC),
      event('discharge', NOV, { dischargedAt: NOV, losDays: 5 }),
    ],
    expected: 4,
  },
  open_bed_days: { events: [], manual: [beds], expected: 300 },
  // (120 + 150) occupied bed-days / 300 open → 90 %.
  bed_occupancy: { events: [discharge(120, NOV), discharge(150, NOV)], manual: [beds], expected: 90 },
  // 6 outpatient visits / 2 discharges = 3; the emergency visit does not count.
  outpatient_to_discharge_ratio: { events: [...Array.from({ length: 6 }, () => visit()), visit({ setting: 'emergency' }), discharge(3, NOV), discharge(4, NOV)], expected: 3 },
};

const charge = (amount: number, attributes: Record<string, unknown> = {}) => event('charge', NOV, { amount, ...attributes });

export const MONEY_FIXTURES: Readonly<Record<string, LibraryFixture>> = {
  medical_revenue: { events: [charge(100), charge(50.5), charge(30), event('charge', OCT, { amount: 999 })], expected: 180.5 },
  // 门诊收入 / 门诊人次: outpatient charges 100 + 60 over 2 outpatient visits = 80. Left out: the
  // inpatient line (stayId), a claim of an inpatient encounter (visitId and stayId, or setting
  // inpatient), the emergency visit's charge and the emergency visit itself (today's bug: 1,000 +
  // 800 + 300 + 40 more over 3 visits would give 766.67).
  outpatient_cost_per_visit: {
    events: [
      charge(100, { visitId: 'v1' }), charge(60, { visitId: 'v2', setting: 'outpatient' }),
      charge(1000, { stayId: 's1' }), charge(800, { visitId: 'e9', stayId: 'e9' }), charge(300, { visitId: 'e8', setting: 'inpatient' }),
      charge(40, { visitId: 'v3', setting: 'emergency' }),
      visit(), visit({ setting: 'outpatient' }), visit({ setting: 'emergency' }),
    ],
    expected: 80,
  },
  // drug 30 of 100 → 30 %.
  drug_revenue_share: {
    events: [charge(30, { category: 'drug' }), charge(50, { category: 'service' }), charge(20, { category: 'exam' })],
    expected: 30,
  },
  // service 25 + other 5 of 100 → 30 %.
  service_revenue_share: {
    events: ['drug:30', 'consumable:10', 'exam:20', 'lab:10', 'service:25', 'other:5'].map((s) => {
      const [category, amount] = s.split(':');
      return charge(Number(amount), { category });
    }),
    expected: 30,
  },
  // outpatient: insurance 70 of 100 → 70 %; the inpatient insurance line is excluded.
  insurance_share: {
    events: [
      charge(70, { visitId: 'v1', payer: 'insurance' }),
      charge(30, { visitId: 'v1', payer: 'self' }),
      charge(500, { stayId: 's1', payer: 'insurance' }),
      charge(400, { visitId: 'e8', setting: 'inpatient', payer: 'insurance' }),
      charge(90, { visitId: 'v5', setting: 'emergency', payer: 'self' }),
    ],
    expected: 70,
  },
};

const rx = (attributes: Record<string, unknown>) => event('prescription', NOV, attributes);

export const PHARMACY_FIXTURES: Readonly<Record<string, LibraryFixture>> = {
  // 3 of 4 reviewed → 75 %.
  pharmacist_review_rate: { events: [rx({ reviewedAt: NOV }), rx({ reviewedAt: NOV }), rx({ reviewedAt: NOV }), rx({})], expected: 75 },
  // prescriptions with any essential item: 2 of 4 → 50 %.
  essential_drug_rx_share: {
    events: [
      rx({ items: [{ essential: true }, { essential: false }] }),
      rx({ items: [{ essential: false }] }),
      rx({ items: [{ essential: true }] }),
      rx({ items: [] }),
    ],
    expected: 50,
  },
  // 1 of 4 → 25 %.
  antibiotic_rx_share: {
    events: [rx({ items: [{ antibiotic: true }, { antibiotic: false }] }), rx({ items: [{ antibiotic: false }] }), rx({ items: [] }), rx({})],
    expected: 25,
  },
  // procured amounts 30 + 20 of all items 30 + 10 + 20 + 40 = 100 → 50 %.
  central_procurement_share: {
    events: [
      rx({ items: [{ centralProcurement: true, amount: 30 }, { centralProcurement: false, amount: 10 }] }),
      rx({ items: [{ centralProcurement: true, amount: 20 }, { amount: 40 }] }),
    ],
    expected: 50,
  },
};
