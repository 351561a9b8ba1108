/**
 * The event generator: walks local days from a warm-up before `from`, runs every flow for each
 * day and hour, buffers finished events in a heap and releases them in occurredAt order once no
 * later day can produce an earlier event (appointments are booked at most a week ahead).
 * Source-level incidents (silence, malformed records) are applied on release.
 */
import { expensePlans } from './budgets.ts';
import { devicesOf } from './catalogue.ts';
import { defaultIncidentSchedule, type IncidentSpec } from './incidents.ts';
import { createMinHeap } from './min-heap.ts';
import { generateOnlineHour } from './online.ts';
import { generateCallHour, generateEquipmentDay, generateExpenseDay, generateQualityDay } from './operations.ts';
import { HOSPITALS, SOURCE_CODES, simulatedGroup, type ClinicalDepartment, type Doctor } from './org.ts';
import { generateOutpatientHour } from './outpatient.ts';
import { generateInpatientDay } from './inpatient.ts';
import { createPatientBook } from './patients.ts';
import { createRandom, mixSeed } from './random.ts';
import { indexIncidents, type EventDraft, type EventType, type JsonValue, type SimContext } from './sim-context.ts';
import { DAY_MS, HOUR_MS, dayFactor, dayKind, formatLocal, growthFactor, hourShare, localDayStart } from './time-profile.ts';

export interface GenerateOptions {
  readonly seed: number;
  readonly from: string | Date;
  /** Exclusive end; omit for an endless stream (live feeding). */
  readonly to?: string | Date;
  /** Volume multiplier; 1 is the demo size (a few thousand events a day). */
  readonly scale?: number;
  /** Incidents to inject; defaults to `defaultIncidentSchedule(from, to ?? from + 90 days)`. */
  readonly schedule?: readonly IncidentSpec[];
}

export interface SimEvent {
  readonly id: string;
  readonly type: EventType;
  readonly orgUnit: string;
  readonly occurredAt: string;
  readonly patient?: string;
  readonly [attribute: string]: JsonValue | undefined;
}

export type MalformedReason = 'invalid_date' | 'missing_org_unit';

/**
 * One generated record: the event, the source that sends it, its instant in epoch ms (also for
 * malformed records, whose occurredAt may be unreadable) and, if malformed, how it is broken.
 */
export type SimulatedRecord =
  | { readonly source: string; readonly atMs: number; readonly event: SimEvent; readonly malformed?: undefined }
  | { readonly source: string; readonly atMs: number; readonly event: Readonly<Record<string, JsonValue>>; readonly malformed: MalformedReason };

/** Outpatient visits per weekday are set per hospital; these are the other flows at scale 1. */
const ONLINE_DAILY = 260;
const CALLS_DAILY = 700;
const ADMISSIONS_PER_VISIT = 0.045;
const WARM_UP_DAYS = 7;
const LOOKBACK_MS = 8 * DAY_MS;

interface Buffered {
  readonly t: number;
  readonly seq: number;
  readonly source: string;
  readonly draft: EventDraft;
}

function share(departments: readonly ClinicalDepartment[]): Map<ClinicalDepartment, number> {
  const total = departments.reduce((sum, d) => sum + d.weight, 0);
  return new Map(departments.map((d) => [d, d.weight / total]));
}

function scaled(shares: ReadonlyMap<ClinicalDepartment, number>, lambda: (d: ClinicalDepartment) => number): Map<ClinicalDepartment, number> {
  return new Map([...shares].map(([d, s]) => [d, s * lambda(d)]));
}

export function* generateEvents(options: GenerateOptions): Generator<SimulatedRecord, void, undefined> {
  const fromMs = new Date(options.from).getTime();
  const toMs = options.to === undefined ? Number.POSITIVE_INFINITY : new Date(options.to).getTime();
  const scale = options.scale ?? 1;
  const group = simulatedGroup(options.seed);
  const schedule = options.schedule ?? defaultIncidentSchedule(new Date(fromMs), new Date(Number.isFinite(toMs) ? toMs : fromMs + 90 * DAY_MS));
  const rng = createRandom(mixSeed(options.seed, 1));
  const releaseRng = createRandom(mixSeed(options.seed, 2));
  const heap = createMinHeap<Buffered>((a, b) => a.t < b.t || (a.t === b.t && a.seq < b.seq));
  const doctors = new Map<string, Doctor[]>();
  for (const doc of group.doctors) doctors.set(doc.department, [...(doctors.get(doc.department) ?? []), doc]);
  const runTag = Math.floor(fromMs / 1000).toString(36);
  let seq = 0;
  let idCounter = 0;
  const ctx: SimContext = {
    rng,
    scale,
    group,
    patients: createPatientBook(),
    incidents: indexIncidents(schedule, group),
    emit: (t, source, draft) => {
      heap.push({ t: Math.round(t), seq: seq++, source, draft });
    },
    newId: (prefix) => `${prefix}${runTag}${(idCounter++).toString(36).padStart(5, '0')}`,
    doctorsOf: (department) => doctors.get(department) ?? [],
  };
  const lastIds = new Map<string, { t: number; k: number }>();
  const release = (b: Buffered): SimulatedRecord | undefined => {
    if (ctx.incidents.activeForSource('source_silent', b.source, b.t)) return undefined;
    const last = lastIds.get(b.source);
    const k = last && last.t === b.t ? last.k + 1 : 0;
    lastIds.set(b.source, { t: b.t, k });
    const event = toEvent(b, `${b.draft.type}-${b.t.toString(36)}${k > 0 ? `-${k}` : ''}`);
    const broken = ctx.incidents.activeForSource('source_malformed', b.source, b.t);
    if (broken && releaseRng.chance(broken.magnitude)) {
      const rest: Record<string, JsonValue | undefined> = { ...event };
      delete rest['orgUnit'];
      return releaseRng.chance(0.5)
        ? { source: b.source, atMs: b.t, event: { ...event, occurredAt: `${event.occurredAt.slice(0, 4)}-02-30${event.occurredAt.slice(10)}` }, malformed: 'invalid_date' }
        : { source: b.source, atMs: b.t, event: rest as Readonly<Record<string, JsonValue>>, malformed: 'missing_org_unit' };
    }
    return { source: b.source, atMs: b.t, event };
  };
  const flow = createDayFlow(ctx);
  for (let day = localDayStart(fromMs - WARM_UP_DAYS * DAY_MS); day < toMs; day += DAY_MS) {
    flow(day);
    const limit = Math.min(day + DAY_MS - LOOKBACK_MS, toMs);
    for (let top = heap.peek(); top && top.t < limit; top = heap.peek()) {
      heap.pop();
      if (top.t < fromMs) continue;
      const record = release(top);
      if (record) yield record;
    }
  }
  for (let top = heap.pop(); top && top.t < toMs; top = heap.pop()) {
    if (top.t < fromMs) continue;
    const record = release(top);
    if (record) yield record;
  }
}

function toEvent(b: Buffered, id: string): SimEvent {
  const { type, orgUnit, patient, ...attributes } = b.draft;
  const event: Record<string, JsonValue> = { id, type, orgUnit, occurredAt: formatLocal(b.t) };
  if (patient !== undefined) event['patient'] = patient;
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) event[key] = value;
  return event as unknown as SimEvent;
}

/** Everything that happens on one local day, as a function of the day's start. */
function createDayFlow(ctx: SimContext): (dayStart: number) => void {
  const { group, rng, scale } = ctx;
  const plans = expensePlans(group);
  const faultUntil = new Map<string, number>();
  const hospitals = HOSPITALS.map((h) => {
    const offline = group.departments.filter((d) => d.hospital === h.code && d.channel === 'offline');
    return {
      plan: h,
      offline: share(offline),
      inpatient: share(offline.filter((d) => d.inpatient)),
      devices: devicesOf(h.code, h.offline),
      expenses: plans.filter((p) => p.orgUnit === h.code || p.orgUnit.startsWith(`${h.code}-`)),
      departmentCodes: offline.map((d) => d.code),
    };
  });
  const online = share(group.departments.filter((d) => d.channel === 'online'));
  return (dayStart) => {
    const growth = growthFactor(dayStart);
    const working = dayKind(dayStart) === 'weekday';
    const offlineDay = dayFactor('offline', dayStart);
    const emergencyDay = dayFactor('emergency', dayStart);
    const noise = hospitals.map(() => Math.exp(rng.normal(0, 0.07)));
    const onlineVolume = ONLINE_DAILY * scale * growth * dayFactor('online', dayStart) * Math.exp(rng.normal(0, 0.07));
    const callVolume = CALLS_DAILY * scale * growth * dayFactor('call', dayStart) * Math.exp(rng.normal(0, 0.07));
    hospitals.forEach((h, i) => {
      const volume = h.plan.dailyVisits * scale * growth * (noise[i] ?? 1);
      const source = SOURCE_CODES.his(h.plan.code);
      const admissions = volume * ADMISSIONS_PER_VISIT * (0.4 + 0.6 * offlineDay);
      generateInpatientDay(ctx, h.plan.code, dayStart, scaled(h.inpatient, () => admissions));
      generateEquipmentDay(ctx, source, h.devices, dayStart, faultUntil);
      generateQualityDay(ctx, source, h.departmentCodes, dayStart, (volume / 1000) * offlineDay);
      generateExpenseDay(ctx, source, h.expenses, dayStart, working);
    });
    for (let hour = 0; hour < 24; hour++) {
      const hourStart = dayStart + hour * HOUR_MS;
      hospitals.forEach((h, i) => {
        const volume = h.plan.dailyVisits * scale * growth * (noise[i] ?? 1);
        const expected = scaled(h.offline, (d) =>
          d.allHours ? volume * emergencyDay * hourShare('emergency', hour) : volume * offlineDay * hourShare('offline', hour),
        );
        generateOutpatientHour(ctx, { hospital: h.plan.code, hourStart, expected });
      });
      generateOnlineHour(ctx, hourStart, scaled(online, () => onlineVolume * hourShare('online', hour)));
      generateCallHour(ctx, hourStart, callVolume * hourShare('call', hour));
    }
  };
}

const envelopeKeys = new Set(['id', 'type', 'orgUnit', 'occurredAt', 'patient']);

/**
 * The event as a source sends it to yunjian: the envelope (id, type, orgUnit, occurredAt,
 * patient) with the typed attributes under `attributes`. A malformed record stays malformed.
 */
export function toWireEvent(event: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const wire: Record<string, unknown> = {};
  const attributes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (envelopeKeys.has(key)) wire[key] = value;
    else attributes[key] = value;
  }
  wire.attributes = attributes;
  return wire;
}

/** One record as an NDJSON line (the event as a source would send it). */
export function toNdjsonLine(record: SimulatedRecord): string {
  return `${JSON.stringify(toWireEvent(record.event))}\n`;
}
