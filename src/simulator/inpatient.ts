/**
 * Inpatient flow for one hospital-day: admissions by department, a length of stay, the
 * discharge with its bill and survey, and the after-care follow-up call a week later.
 */
import { emitBill } from './charges.ts';
import { SOURCE_CODES, type ClinicalDepartment } from './org.ts';
import { ageBandFor, newPatient } from './patients.ts';
import type { SimContext } from './sim-context.ts';
import { DAY_MS, HOUR_MS, formatLocal, hourShare, localDayStart } from './time-profile.ts';

const SURGICAL = new Set(['GSUR', 'ORTH', 'OBGY']);
const HOUR_WEIGHTS = Array.from({ length: 24 }, (_, h) => hourShare('offline', h));

export function generateInpatientDay(ctx: SimContext, hospital: string, dayStart: number, expected: ReadonlyMap<ClinicalDepartment, number>): void {
  for (const [dept, lambda] of expected) {
    const count = ctx.rng.poisson(lambda);
    for (let i = 0; i < count; i++) stay(ctx, hospital, dept, dayStart + (ctx.rng.weightedIndex(HOUR_WEIGHTS) + ctx.rng.next()) * HOUR_MS);
  }
}

function stay(ctx: SimContext, hospital: string, dept: ClinicalDepartment, admittedAt: number): void {
  const { rng } = ctx;
  const source = SOURCE_CODES.his(hospital);
  const patient = newPatient(rng, admittedAt, ageBandFor(dept.suffix));
  const stayId = ctx.newId(`${hospital}S`);
  const losNights = Math.max(1, Math.round(rng.logNormal(6, 0.5)));
  const dischargedAt = localDayStart(admittedAt) + losNights * DAY_MS + rng.uniform(9, 12) * HOUR_MS;
  const common = {
    orgUnit: dept.code,
    patient: patient.id,
    stayId,
    ward: `${dept.code}-W${rng.int(1, 2)}`,
    bed: `B${String(rng.int(1, 48)).padStart(2, '0')}`,
    department: dept.code,
    admittedAt: formatLocal(admittedAt),
    surgeryLevel: SURGICAL.has(dept.suffix) && rng.chance(0.6) ? rng.int(1, 4) : undefined,
  };
  ctx.emit(admittedAt, source, { type: 'admission', ...common });
  ctx.emit(dischargedAt, source, {
    type: 'discharge',
    ...common,
    dischargedAt: formatLocal(dischargedAt),
    losDays: Math.round(((dischargedAt - admittedAt) / DAY_MS) * 10) / 10,
  });
  emitBill(ctx, {
    atMs: dischargedAt,
    source,
    orgUnit: dept.code,
    channel: 'offline',
    total: rng.logNormal(1500, 0.5) * losNights,
    lines: 6,
    itemised: true,
    insuranceShare: 0.68,
    patient: patient.id,
    stayId,
  });
  if (rng.chance(0.3)) {
    const score = 1 + rng.weightedIndex([0.01, 0.02, 0.08, 0.34, 0.55]);
    ctx.emit(dischargedAt + rng.uniform(1, 6) * HOUR_MS, source, { type: 'survey', orgUnit: dept.code, patient: patient.id, score, scale: '1-5', scope: 'inpatient', department: dept.code });
  }
  const plannedAt = localDayStart(dischargedAt) + 7 * DAY_MS + 10 * HOUR_MS;
  const done = rng.chance(0.85);
  const doneAt = plannedAt + rng.uniform(-2, 30) * HOUR_MS;
  ctx.emit(done ? doneAt : plannedAt + 3 * DAY_MS, source, {
    type: 'followup',
    orgUnit: dept.code,
    patient: patient.id,
    followupId: ctx.newId(`${hospital}F`),
    plannedAt: formatLocal(plannedAt),
    doneAt: done ? formatLocal(doneAt) : undefined,
    outcome: done ? rng.pick(['recovered', 'improving', 'improving', 'needs_revisit']) : 'unreachable',
    department: dept.code,
  });
}
