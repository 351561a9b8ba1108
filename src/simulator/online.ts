/**
 * Internet-hospital flow for one hour: follow-up consultations (mostly patients with an offline
 * record), the online visit, pharmacist review, dispensing by delivery or pharmacy pick-up, the
 * delivery itself, fees, surveys, and some patients sent on to an offline visit within 30 days.
 */
import { pickItems, prescriptionLines } from './catalogue.ts';
import { emitBill, money } from './charges.ts';
import { DELIVERY_SERVICE, SOURCE_CODES, type ClinicalDepartment, type Doctor } from './org.ts';
import { ageBandFor, ageYears, newPatient, type Patient } from './patients.ts';
import type { SimContext } from './sim-context.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS, formatLocal, localHour } from './time-profile.ts';

/** Where an online department sends patients who need to be seen in person (H1 offline). */
const OFFLINE_COUNTERPART: Readonly<Record<string, string>> = {
  GP: 'H1-OFF-RESP',
  CARD: 'H1-OFF-CARD',
  ENDO: 'H1-OFF-ENDO',
  DERM: 'H1-OFF-DERM',
  PEDS: 'H1-OFF-PEDS',
};
const PROMISE_MS = 48 * HOUR_MS;

export function generateOnlineHour(ctx: SimContext, hourStart: number, expected: ReadonlyMap<ClinicalDepartment, number>): void {
  for (const [dept, lambda] of expected) {
    const count = ctx.rng.poisson(lambda);
    for (let i = 0; i < count; i++) consultation(ctx, dept, hourStart + ctx.rng.uniform(0, HOUR_MS));
  }
}

function onlinePatient(ctx: SimContext, dept: ClinicalDepartment, atMs: number): { patient: Patient; hasOfflineRecord: boolean } {
  // Online care is for follow-ups (不得首诊); a few patients without an offline record slip through.
  if (ctx.rng.chance(0.97)) {
    const known = ctx.patients.recentOffline(dept.suffix === 'PEDS' ? `${dept.hospital}:child` : dept.hospital, ctx.rng);
    if (known && (dept.suffix !== 'PEDS' || ageYears(known, atMs) < 14)) return { patient: known, hasOfflineRecord: true };
  }
  return { patient: newPatient(ctx.rng, atMs, ageBandFor(dept.suffix)), hasOfflineRecord: false };
}

/**
 * Who takes an online consultation: a doctor registered for online practice, or, inside an
 * unregistered_practice incident and with its magnitude as probability, the department's doctor
 * whose registration is pending.
 */
function consultingDoctor(ctx: SimContext, dept: ClinicalDepartment, requestedAt: number): Doctor {
  const roster = ctx.doctorsOf(dept.code);
  const registered = roster.filter((d) => d.registered);
  const pending = roster.filter((d) => !d.registered);
  const lapse = ctx.incidents.active('unregistered_practice', dept.code, requestedAt);
  if (lapse && pending.length > 0 && ctx.rng.chance(lapse.magnitude)) return ctx.rng.pick(pending);
  return ctx.rng.pick(registered.length > 0 ? registered : roster);
}

function consultation(ctx: SimContext, dept: ClinicalDepartment, requestedAt: number): void {
  const { rng } = ctx;
  const source = SOURCE_CODES.platform;
  const { patient, hasOfflineRecord } = onlinePatient(ctx, dept, requestedAt);
  const visitKind = hasOfflineRecord || rng.chance(0.6) ? 'follow_up' : 'first';
  const doctor = consultingDoctor(ctx, dept, requestedAt);
  const hour = localHour(requestedAt);
  const evening = hour >= 19 && hour <= 22 ? 1.6 : hour < 7 ? 2.5 : 1;
  const firstResponseAt = requestedAt + rng.logNormal(5 * evening, 0.7) * MINUTE_MS;
  const closedAt = firstResponseAt + rng.logNormal(12, 0.5) * MINUTE_MS;
  const consultId = ctx.newId('IHQ');
  const visitId = ctx.newId('IHV');
  ctx.emit(closedAt, source, {
    type: 'consultation',
    orgUnit: dept.code,
    patient: patient.id,
    consultId,
    requestedAt: formatLocal(requestedAt),
    firstResponseAt: formatLocal(firstResponseAt),
    closedAt: formatLocal(closedAt),
    department: dept.code,
    doctor: doctor.code,
    doctorRegistered: doctor.registered,
    visitKind,
    hasOfflineRecord,
    aiAssisted: rng.chance(0.25),
  });
  ctx.emit(closedAt, source, {
    type: 'visit',
    orgUnit: dept.code,
    patient: patient.id,
    visitId,
    channel: 'online',
    arrivedAt: formatLocal(requestedAt),
    startedAt: formatLocal(firstResponseAt),
    endedAt: formatLocal(closedAt),
    department: dept.code,
    doctor: doctor.code,
    doctorRegistered: doctor.registered,
    visitKind,
    referral: 'none',
    setting: 'online',
  });
  emitBill(ctx, { atMs: closedAt, source, orgUnit: dept.code, channel: 'online', total: rng.uniform(20, 50), lines: 1, category: 'service', insuranceShare: 0.4, patient: patient.id, visitId });
  if (rng.chance(0.55)) onlinePrescription(ctx, dept, patient, consultId, visitId, doctor, closedAt);
  if (rng.chance(0.1)) {
    const at = closedAt + rng.uniform(5, 240) * MINUTE_MS;
    const score = 1 + rng.weightedIndex([0.02, 0.03, 0.12, 0.38, 0.45]);
    ctx.emit(at, source, { type: 'survey', orgUnit: dept.code, patient: patient.id, score, scale: '1-5', scope: 'online', department: dept.code });
  }
  const counterpart = OFFLINE_COUNTERPART[dept.suffix];
  if (counterpart && rng.chance(0.2)) {
    ctx.patients.planReturn(counterpart, { dueAt: closedAt + rng.uniform(1, 25) * DAY_MS, expiresAt: closedAt + 30 * DAY_MS, patient });
  }
}

function onlinePrescription(
  ctx: SimContext,
  dept: ClinicalDepartment,
  patient: Patient,
  consultId: string,
  visitId: string,
  doctor: Doctor,
  closedAt: number,
): void {
  const { rng } = ctx;
  const { items, amount } = prescriptionLines(rng, pickItems(rng, 0.003));
  const lapse = ctx.incidents.active('review_lapse', dept.code, closedAt);
  const reviewed = !rng.chance(lapse?.magnitude ?? 0.005);
  const reviewedAt = closedAt + rng.logNormal(8, 0.6) * MINUTE_MS;
  const orderedAt = reviewed ? reviewedAt : closedAt + rng.uniform(1, 5) * MINUTE_MS;
  const byDelivery = rng.chance(0.7);
  const pickedAt = orderedAt + rng.logNormal(2, 0.5) * HOUR_MS;
  const dispensedAt = byDelivery ? pickedAt : orderedAt + rng.uniform(20, 90) * MINUTE_MS;
  const rxId = ctx.newId('IHR');
  const age = ageYears(patient, closedAt);
  ctx.emit(dispensedAt, SOURCE_CODES.platform, {
    type: 'prescription',
    orgUnit: dept.code,
    patient: patient.id,
    rxId,
    consultId,
    visitId,
    channel: 'online',
    department: dept.code,
    doctor: doctor.code,
    doctorRegistered: doctor.registered,
    items,
    amount,
    reviewedAt: reviewed ? formatLocal(reviewedAt) : undefined,
    reviewer: reviewed ? rng.pick(ctx.group.pharmacists) : undefined,
    dispensedAt: formatLocal(dispensedAt),
    dispensedBy: byDelivery ? 'delivery' : 'pharmacy',
    patientAgeYears: age,
    guardianPresent: age < 14 ? rng.chance(0.97) : undefined,
    aiIssued: rng.chance(0.002),
  });
  emitBill(ctx, { atMs: closedAt, source: SOURCE_CODES.platform, orgUnit: dept.code, channel: 'online', total: money(amount), lines: 1, category: 'drug', insuranceShare: 0.4, patient: patient.id, visitId });
  if (!byDelivery) return;
  const late = ctx.incidents.active('delivery_late', DELIVERY_SERVICE, orderedAt);
  const deliveredAt = pickedAt + rng.logNormal(14, 0.45) * (late?.magnitude ?? 1) * HOUR_MS;
  ctx.emit(deliveredAt, SOURCE_CODES.deliveryApp, {
    type: 'delivery',
    orgUnit: DELIVERY_SERVICE,
    patient: patient.id,
    orderId: ctx.newId('DLO'),
    orderedAt: formatLocal(orderedAt),
    pickedAt: formatLocal(pickedAt),
    deliveredAt: formatLocal(deliveredAt),
    promisedBy: formatLocal(orderedAt + PROMISE_MS),
    rxId,
  });
}
