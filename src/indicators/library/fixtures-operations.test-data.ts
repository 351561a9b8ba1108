import { event, type LibraryFixture } from '../test-support.ts';

/**
 * Hand-computed fixtures for the service, call-center, online–offline, equipment and quality-cost
 * families: the value of November 2026 in Asia/Shanghai; October and December events must not count.
 */
const NOV = '2026-11-10T02:00:00Z';
const OCT = '2026-10-20T02:00:00Z';
const DEC = '2026-12-05T02:00:00Z';

const survey = (scope: string, score: number, scale = '0-100') => event('survey', NOV, { scope, score, scale });
const followup = (plannedAt: string, done: boolean) => event('followup', NOV, done ? { plannedAt, doneAt: plannedAt } : { plannedAt });

export const SERVICE_FIXTURES: Readonly<Record<string, LibraryFixture>> = {
  // 80, 90, 100 → 90; the inpatient survey and the 1–5 survey are left out.
  outpatient_satisfaction: {
    events: [survey('outpatient', 80), survey('outpatient', 90), survey('outpatient', 100), survey('inpatient', 10), survey('outpatient', 4, '1-5')],
    expected: 90,
  },
  inpatient_satisfaction: { events: [survey('inpatient', 90), survey('inpatient', 80), survey('outpatient', 4)], expected: 85 },
  online_satisfaction: { events: [survey('online', 95), survey('online', 90)], expected: 92.5 },
  // 2 complaints / 4 visits × 10 000 = 5 000.
  complaints_per_10k_visits: {
    events: [event('complaint', NOV), event('complaint', NOV), event('complaint', OCT), ...Array.from({ length: 4 }, () => event('visit', NOV))],
    expected: 5000,
  },
  // by plannedAt: 3 of 4 November follow-ups done → 75 %; the December one does not count.
  followup_completion: {
    events: [followup(NOV, true), followup(NOV, true), followup(NOV, true), followup(NOV, false), followup(DEC, false)],
    expected: 75,
  },
};

/** A call queued at 02:00 on 10 November; waitSeconds null means abandoned. */
function call(waitSeconds: number | null, handleSeconds: number, satisfaction?: number) {
  const queued = Date.parse(NOV);
  const answered = waitSeconds === null ? null : queued + waitSeconds * 1000;
  return event('call', NOV, {
    queuedAt: NOV,
    ...(answered === null
      ? { abandoned: true }
      : { abandoned: false, answeredAt: new Date(answered).toISOString(), endedAt: new Date(answered + handleSeconds * 1000).toISOString() }),
    ...(satisfaction === undefined ? {} : { satisfaction }),
  });
}
// waits 10, 20, 30 s and one abandoned; handle 100, 200, 300 s; ratings 5, 4, 3.
const CALLS = [call(10, 100, 5), call(20, 200, 4), call(30, 300), call(null, 0, 3), event('call', OCT, { queuedAt: OCT, abandoned: true })];

export const CALL_CENTER_FIXTURES: Readonly<Record<string, LibraryFixture>> = {
  calls_offered: { events: CALLS, expected: 4 },
  // answered within 20 s (10 and 20) of 4 offered → 50 %.
  call_service_level_20s: { events: CALLS, expected: 50 },
  call_abandon_rate: { events: CALLS, expected: 25 },
  call_avg_speed_of_answer: { events: CALLS, expected: 20 },
  call_avg_handle_time: { events: CALLS, expected: 200 },
  call_satisfaction: { events: CALLS, expected: 4 },
};

const delivery = (deliveredAt: string | null, promisedBy: string) =>
  event('delivery', NOV, deliveredAt === null ? { promisedBy } : { deliveredAt, promisedBy });

export const ONLINE_OFFLINE_FIXTURES: Readonly<Record<string, LibraryFixture>> = {
  // delivered early, exactly on time, early, late; one undelivered → 3 of 4 → 75 %.
  delivery_on_time_rate: {
    events: [
      delivery('2026-11-10T03:00:00Z', '2026-11-10T04:00:00Z'),
      delivery('2026-11-10T04:00:00Z', '2026-11-10T04:00:00Z'),
      delivery('2026-11-11T03:00:00Z', '2026-11-12T00:00:00Z'),
      delivery('2026-11-10T05:00:00Z', '2026-11-10T04:00:00Z'),
      delivery(null, '2026-11-10T04:00:00Z'),
    ],
    expected: 75,
  },
  // 1 of 4 dispensed prescriptions went by delivery → 25 %; the undispensed one does not count.
  delivery_rx_share: {
    events: [
      event('prescription', NOV, { dispensedAt: NOV, dispensedBy: 'delivery' }),
      ...Array.from({ length: 3 }, () => event('prescription', NOV, { dispensedAt: NOV, dispensedBy: 'pharmacy' })),
      event('prescription', NOV, {}),
    ],
    expected: 25,
  },
};

const device = (attributes: Record<string, unknown>) => event('equipment', NOV, attributes);

export const EQUIPMENT_FIXTURES: Readonly<Record<string, LibraryFixture>> = {
  // 3 in service of 4 reports on devices not retired → 75 %.
  equipment_availability: {
    events: [
      device({ status: 'in_service' }),
      device({ status: 'in_service' }),
      device({ status: 'under_repair' }),
      device({ status: 'in_service' }),
      device({ status: 'retired' }),
    ],
    expected: 75,
  },
  // 2 fault reports in November; October's and the plain status report do not count.
  equipment_faults: {
    events: [
      device({ status: 'fault', faultLevel: 1 }),
      device({ status: 'fault', faultLevel: 3 }),
      event('equipment', OCT, { status: 'fault', faultLevel: 2 }),
      device({ status: 'in_service' }),
    ],
    expected: 2,
  },
  // by repairedAt: 1 200 + 800; December's 500 does not count.
  equipment_repair_cost: {
    events: [device({ repairCost: 1200, repairedAt: NOV }), device({ repairCost: 800, repairedAt: NOV }), device({ repairCost: 500, repairedAt: DEC })],
    expected: 2000,
  },
};

const quality = (costType: string, cost: number) => event('quality_event', NOV, { costType, cost });
// prevention 100 + 200, appraisal 50, internal 70, external 30 = 450; revenue 9 000.
const QUALITY = [
  quality('prevention', 100),
  quality('prevention', 200),
  quality('appraisal', 50),
  quality('internal_failure', 70),
  quality('external_failure', 30),
  event('quality_event', OCT, { costType: 'prevention', cost: 1000 }),
  event('charge', NOV, { amount: 9000 }),
];

export const QUALITY_COST_FIXTURES: Readonly<Record<string, LibraryFixture>> = {
  quality_cost_prevention: { events: QUALITY, expected: 300 },
  quality_cost_appraisal: { events: QUALITY, expected: 50 },
  quality_cost_internal_failure: { events: QUALITY, expected: 70 },
  quality_cost_external_failure: { events: QUALITY, expected: 30 },
  quality_cost_total: { events: QUALITY, expected: 450 },
  quality_cost_revenue_ratio: { events: QUALITY, expected: 5 },
};
