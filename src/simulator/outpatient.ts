/**
 * Offline outpatient flow for one hospital-hour: arrivals by department, appointments booked
 * days or hours ahead, waiting after the slot, the visit, prescription, bill, the occasional
 * survey or complaint, and follow-up intents that bring patients back.
 */
import { pickItems, prescriptionLines } from './catalogue.ts';
import { emitBill } from './charges.ts';
import { SOURCE_CODES, type ClinicalDepartment, type Doctor } from './org.ts';
import { ageBandFor, ageYears, newPatient, type Patient } from './patients.ts';
import type { SimContext } from './sim-context.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS, formatLocal, hourShare, localHour } from './time-profile.ts';

const SLOT_MS = 30 * MINUTE_MS;
/** Median wait after the slot, in minutes, per hospital (bigger hospitals queue longer). */
const WAIT_MEDIAN: Readonly<Record<string, number>> = { H1: 18, H2: 14, H3: 10 };
const PEAK_SHARE = hourShare('offline', 10);

export interface HospitalHour {
  readonly hospital: string;
  readonly hourStart: number;
  /** Expected arrivals per department in this hour. */
  readonly expected: ReadonlyMap<ClinicalDepartment, number>;
}

export function generateOutpatientHour(ctx: SimContext, hour: HospitalHour): void {
  for (const [dept, lambda] of hour.expected) {
    const count = ctx.rng.poisson(lambda);
    for (let i = 0; i < count; i++) outpatientVisit(ctx, hour.hospital, dept, hour.hourStart + ctx.rng.uniform(0, HOUR_MS));
  }
}

function outpatientVisit(ctx: SimContext, hospital: string, dept: ClinicalDepartment, arrivedAt: number): void {
  const { rng } = ctx;
  const source = SOURCE_CODES.his(hospital);
  const returning = rng.chance(0.6) ? ctx.patients.takeReturn(dept.code, arrivedAt) : undefined;
  const patient: Patient = returning ?? newPatient(rng, arrivedAt, ageBandFor(dept.suffix));
  const visitKind = returning || rng.chance(0.2) ? 'follow_up' : 'first';
  const doctor = rng.pick(ctx.doctorsOf(dept.code));
  const visitId = ctx.newId(`${hospital}V`);

  const booked = rng.chance(dept.allHours ? 0.05 : returning ? 0.9 : 0.65);
  const slotAt = booked ? Math.ceil(arrivedAt / SLOT_MS) * SLOT_MS : undefined;
  let appointmentId: string | undefined;
  if (slotAt !== undefined) {
    appointmentId = ctx.newId(`${hospital}A`);
    const leadMs = rng.chance(0.35) ? rng.uniform(0.05, 0.5) * DAY_MS : rng.uniform(1, 7) * DAY_MS;
    const bookedAt = Math.min(slotAt - leadMs, arrivedAt - 5 * MINUTE_MS);
    ctx.emit(bookedAt, source, {
      type: 'appointment',
      orgUnit: dept.code,
      patient: patient.id,
      appointmentId,
      channel: rng.chance(0.55) ? 'online' : 'offline',
      bookedAt: formatLocal(bookedAt),
      slotAt: formatLocal(slotAt),
      department: dept.code,
      doctor: doctor.code,
      visitKind,
      status: 'fulfilled',
    });
  }

  const load = 0.6 + (0.4 * hourShare('offline', localHour(arrivedAt))) / PEAK_SHARE;
  const surge = ctx.incidents.active('wait_surge', dept.code, arrivedAt);
  const median = (WAIT_MEDIAN[hospital] ?? 14) * load * (slotAt === undefined ? 1.5 : 1) * (surge?.magnitude ?? 1);
  const waitMin = rng.logNormal(median, 0.5);
  const startedAt = (slotAt ?? arrivedAt) + waitMin * MINUTE_MS;
  const endedAt = startedAt + rng.logNormal(8, 0.4) * MINUTE_MS;
  ctx.emit(endedAt, source, {
    type: 'visit',
    orgUnit: dept.code,
    patient: patient.id,
    visitId,
    channel: 'offline',
    arrivedAt: formatLocal(arrivedAt),
    startedAt: formatLocal(startedAt),
    endedAt: formatLocal(endedAt),
    department: dept.code,
    doctor: doctor.code,
    doctorRegistered: doctor.registered,
    appointmentId,
    slotAt: slotAt !== undefined ? formatLocal(slotAt) : undefined,
    visitKind,
    referral: rng.chance(0.95) ? 'none' : rng.chance(0.6) ? 'in' : 'out',
    setting: dept.allHours ? 'emergency' : 'outpatient',
  });

  if (rng.chance(0.55)) outpatientPrescription(ctx, source, dept, patient, visitId, doctor, endedAt);
  emitBill(ctx, {
    atMs: endedAt,
    source,
    orgUnit: dept.code,
    channel: 'offline',
    total: rng.logNormal(dept.allHours ? 300 : 220, 0.6),
    lines: 1 + rng.poisson(0.7),
    insuranceShare: 0.65,
    patient: patient.id,
    visitId,
  });
  afterVisit(ctx, source, dept, patient, endedAt, waitMin);
  ctx.patients.rememberOffline(dept.suffix === 'PEDS' ? `${hospital}:child` : hospital, patient);
  if (rng.chance(0.25)) {
    const dueAt = endedAt + rng.uniform(5, 28) * DAY_MS;
    ctx.patients.planReturn(dept.code, { dueAt, expiresAt: dueAt + 10 * DAY_MS, patient });
  }
}

function outpatientPrescription(
  ctx: SimContext,
  source: string,
  dept: ClinicalDepartment,
  patient: Patient,
  visitId: string,
  doctor: Doctor,
  endedAt: number,
): void {
  const { rng } = ctx;
  const { items, amount } = prescriptionLines(rng, pickItems(rng, 0.01));
  // Offline prescriptions are reviewed before dispensing (前置审方) unless a review lapse is injected.
  const lapse = ctx.incidents.active('review_lapse', dept.code, endedAt);
  const reviewed = !rng.chance(lapse?.magnitude ?? 0);
  const reviewedAt = endedAt + rng.logNormal(4, 0.5) * MINUTE_MS;
  const dispensedAt = (reviewed ? reviewedAt : endedAt) + rng.uniform(5, 25) * MINUTE_MS;
  const age = ageYears(patient, endedAt);
  ctx.emit(dispensedAt, source, {
    type: 'prescription',
    orgUnit: dept.code,
    patient: patient.id,
    rxId: ctx.newId(`${dept.hospital}R`),
    visitId,
    channel: 'offline',
    department: dept.code,
    doctor: doctor.code,
    doctorRegistered: doctor.registered,
    items,
    amount,
    reviewedAt: reviewed ? formatLocal(reviewedAt) : undefined,
    reviewer: reviewed ? rng.pick(ctx.group.pharmacists) : undefined,
    dispensedAt: formatLocal(dispensedAt),
    dispensedBy: 'pharmacy',
    patientAgeYears: age,
    guardianPresent: age < 14 ? true : undefined,
  });
}

function afterVisit(ctx: SimContext, source: string, dept: ClinicalDepartment, patient: Patient, endedAt: number, waitMin: number): void {
  const { rng } = ctx;
  const longWait = waitMin > 60;
  if (rng.chance(0.06)) {
    const at = endedAt + rng.uniform(10, 120) * MINUTE_MS;
    const score = longWait ? 1 + rng.weightedIndex([0.2, 0.25, 0.3, 0.15, 0.1]) : 1 + rng.weightedIndex([0.02, 0.03, 0.1, 0.35, 0.5]);
    ctx.emit(at, source, { type: 'survey', orgUnit: dept.code, patient: patient.id, score, scale: '1-5', scope: 'outpatient', department: dept.code });
  }
  if (rng.chance(longWait ? 0.015 : 0.0015)) {
    const receivedAt = endedAt + rng.uniform(0.5, 48) * HOUR_MS;
    ctx.emit(receivedAt, source, {
      type: 'complaint',
      orgUnit: dept.code,
      patient: patient.id,
      complaintId: ctx.newId(`${dept.hospital}C`),
      category: longWait ? 'waiting_time' : rng.pick(['attitude', 'billing', 'environment', 'medical_quality']),
      severity: rng.chance(0.8) ? 4 : 3,
      channel: 'offline',
      department: dept.code,
      receivedAt: formatLocal(receivedAt),
      resolvedAt: formatLocal(receivedAt + rng.uniform(4, 120) * HOUR_MS),
    });
  }
}
