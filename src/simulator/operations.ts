/**
 * The non-clinical streams: call-center contacts (queueing, abandonment, satisfaction), device
 * status and faults, quality events with their PAF cost type, and daily expense postings that
 * budget lines are compared against.
 */
import { QUALITY_CATEGORIES, type Device } from './catalogue.ts';
import { money } from './charges.ts';
import { CALL_TEAMS, SOURCE_CODES } from './org.ts';
import type { SimContext } from './sim-context.ts';
import { HOUR_MS, MINUTE_MS, formatLocal, hourShare, localHour } from './time-profile.ts';

const CALL_PEAK = hourShare('call', 9);
const PURPOSES = ['appointment', 'enquiry', 'prescription', 'followup', 'complaint'] as const;

export function generateCallHour(ctx: SimContext, hourStart: number, expected: number): void {
  const count = ctx.rng.poisson(expected);
  for (let i = 0; i < count; i++) call(ctx, hourStart + ctx.rng.uniform(0, HOUR_MS));
}

function call(ctx: SimContext, queuedAt: number): void {
  const { rng } = ctx;
  const team = rng.chance(0.6) ? CALL_TEAMS[0] : CALL_TEAMS[1];
  const load = hourShare('call', localHour(queuedAt)) / CALL_PEAK;
  const spike = ctx.incidents.active('abandon_spike', team, queuedAt);
  const queueSec = rng.exponential((spike ? 150 : 20) * (0.5 + load));
  const abandoned = rng.chance(spike ? spike.magnitude : 0.04 + 0.04 * load);
  const purpose = team === CALL_TEAMS[0] ? (rng.chance(0.8) ? 'appointment' : 'enquiry') : (PURPOSES[rng.weightedIndex([0, 4, 2, 2, 1])] ?? 'enquiry');
  const callId = ctx.newId('CC');
  if (abandoned) {
    const endedAt = queuedAt + rng.uniform(0.2, 1) * queueSec * 1000;
    ctx.emit(endedAt, SOURCE_CODES.callSwitch, {
      type: 'call', orgUnit: team, callId, queuedAt: formatLocal(queuedAt), endedAt: formatLocal(endedAt), abandoned: true, purpose,
    });
    return;
  }
  const answeredAt = queuedAt + queueSec * 1000;
  const endedAt = answeredAt + rng.logNormal(180, 0.5) * 1000;
  ctx.emit(endedAt, SOURCE_CODES.callSwitch, {
    type: 'call',
    orgUnit: team,
    callId,
    queuedAt: formatLocal(queuedAt),
    answeredAt: formatLocal(answeredAt),
    endedAt: formatLocal(endedAt),
    abandoned: false,
    agent: rng.pick(ctx.group.callAgents),
    purpose,
    satisfaction: rng.chance(0.4) ? 1 + rng.weightedIndex([0.02, 0.03, 0.1, 0.35, 0.5]) : undefined,
  });
  if (purpose === 'complaint' && rng.chance(0.5)) {
    ctx.emit(endedAt + MINUTE_MS, SOURCE_CODES.callSwitch, {
      type: 'complaint',
      orgUnit: CALL_TEAMS[1],
      complaintId: ctx.newId('CCC'),
      category: rng.pick(['service', 'billing', 'waiting_time', 'delivery']),
      severity: 4,
      receivedAt: formatLocal(endedAt),
    });
  }
}

/** Device heartbeat each morning; faults reported during the day and the repair when done. */
export function generateEquipmentDay(ctx: SimContext, source: string, devices: readonly Device[], dayStart: number, faultUntil: Map<string, number>): void {
  const { rng } = ctx;
  for (const device of devices) {
    const heartbeat = dayStart + 8 * HOUR_MS + rng.uniform(0, 10) * MINUTE_MS;
    const down = (faultUntil.get(device.deviceId) ?? 0) > heartbeat;
    if (!down) {
      ctx.emit(heartbeat, source, { type: 'equipment', orgUnit: device.department, deviceId: device.deviceId, status: 'in_service', reportedAt: formatLocal(heartbeat), department: device.department });
    }
    if (down || !rng.chance(0.02)) continue;
    const reportedAt = dayStart + rng.uniform(8.5, 20) * HOUR_MS;
    const faultLevel = 1 + rng.weightedIndex([0.1, 0.2, 0.35, 0.35]);
    const repairedAt = reportedAt + rng.logNormal(8 * (5 - faultLevel), 0.8) * HOUR_MS;
    faultUntil.set(device.deviceId, repairedAt);
    const base = { orgUnit: device.department, deviceId: device.deviceId, faultLevel, reportedAt: formatLocal(reportedAt), department: device.department };
    ctx.emit(reportedAt, source, { type: 'equipment', ...base, status: 'fault' });
    ctx.emit(repairedAt, source, { type: 'equipment', ...base, status: 'in_service', repairedAt: formatLocal(repairedAt), repairCost: money(rng.logNormal(1500 * (5 - faultLevel), 0.8)) });
  }
}

export function generateQualityDay(ctx: SimContext, source: string, departments: readonly string[], dayStart: number, expected: number): void {
  const { rng } = ctx;
  const count = rng.poisson(expected);
  for (let i = 0; i < count; i++) {
    const kind = QUALITY_CATEGORIES[rng.weightedIndex(QUALITY_CATEGORIES.map((q) => q.weight))];
    if (!kind) continue;
    const dept = rng.pick(departments);
    ctx.emit(dayStart + rng.uniform(8, 18) * HOUR_MS, source, {
      type: 'quality_event',
      orgUnit: dept,
      category: kind.category,
      cost: money(rng.logNormal(kind.cost, 0.5)),
      costType: kind.costType,
      severity: kind.costType.endsWith('failure') ? 3 + rng.int(0, 1) : undefined,
      department: dept,
    });
  }
}

/** One expected expense posting: org unit, item, and the mean amount of one posting at scale 1. */
export interface ExpensePlan {
  readonly orgUnit: string;
  readonly item: string;
  readonly dailyAmount: number;
  /** Posted on working days only (otherwise every day). */
  readonly workingDaysOnly: boolean;
}

export function generateExpenseDay(ctx: SimContext, source: string, plans: readonly ExpensePlan[], dayStart: number, workingDay: boolean): void {
  const { rng } = ctx;
  for (const plan of plans) {
    if (plan.workingDaysOnly && !workingDay) continue;
    const at = dayStart + rng.uniform(17, 18) * HOUR_MS;
    const overrun = ctx.incidents.active('expense_overrun', plan.orgUnit, at);
    const factor = overrun && (overrun.spec.item ?? 'medical_consumables') === plan.item ? overrun.magnitude : 1;
    const noise = Math.max(0.5, rng.normal(1, 0.12));
    ctx.emit(at, source, { type: 'expense', orgUnit: plan.orgUnit, item: plan.item, amount: money(plan.dailyAmount * ctx.scale * noise * factor) });
  }
}
