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
  // 3 visits in November; October visit and a call do not count.
  outpatient_visits: { events: [visit(), visit(), visit(), visit({}, OCT), event('call', NOV)], expected: 3 },
  // p1 twice and p2 in November → 2 patients; p3 only in October.
  outpatient_patients: { events: [visit({}, NOV, 'p1'), visit({}, NOV, 'p1'), visit({}, NOV, 'p2'), visit({}, OCT, 'p3')], expected: 2 },
  // 1 online of 4 → 25 %.
  online_visit_share: {
    events: [visit({ channel: 'online' }), visit({ channel: 'offline' }), visit({ channel: 'offline' }), visit({ channel: 'offline' })],
    expected: 25,
  },
  // 3 of 4 visits had an appointment → 75 %.
  appointment_rate: { events: [visit({ appointmentId: 'a1' }), visit({ appointmentId: 'a2' }), visit({ appointmentId: 'a3' }), visit()], expected: 75 },
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

const discharge = (losDays: number, dischargedAt: string, occurredAt = dischargedAt) => event('discharge', occurredAt, { losDays, dischargedAt });
const beds = { indicator: 'open_bed_days', grain: 'month' as const, periodStart: new Date('2026-10-31T16:00:00Z'), value: 300 };

export const INPATIENT_FIXTURES: Readonly<Record<string, LibraryFixture>> = {
  // Placed by dischargedAt: the event recorded in October but discharged in November counts; December does not.
  discharges: { events: [discharge(3, NOV), discharge(5, NOV, OCT), discharge(2, DEC)], expected: 2 },
  // (4 + 7 + 10) / 3 = 7.
  avg_length_of_stay: { events: [discharge(4, NOV), discharge(7, NOV), discharge(10, NOV), discharge(30, DEC)], expected: 7 },
  open_bed_days: { events: [], manual: [beds], expected: 300 },
  // (120 + 150) occupied bed-days / 300 open → 90 %.
  bed_occupancy: { events: [discharge(120, NOV), discharge(150, NOV)], manual: [beds], expected: 90 },
  // 6 visits / 2 discharges = 3.
  outpatient_to_discharge_ratio: { events: [...Array.from({ length: 6 }, () => visit()), discharge(3, NOV), discharge(4, NOV)], expected: 3 },
};

const charge = (amount: number, attributes: Record<string, unknown> = {}) => event('charge', NOV, { amount, ...attributes });

export const MONEY_FIXTURES: Readonly<Record<string, LibraryFixture>> = {
  medical_revenue: { events: [charge(100), charge(50.5), charge(30), event('charge', OCT, { amount: 999 })], expected: 180.5 },
  // outpatient charges 100 + 60 over 2 visits = 80; the inpatient line (stayId) is excluded.
  outpatient_cost_per_visit: {
    events: [charge(100, { visitId: 'v1' }), charge(60, { visitId: 'v2' }), charge(1000, { stayId: 's1' }), visit(), visit()],
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
