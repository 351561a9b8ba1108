/**
 * The shared state every generation flow works against: the random stream, the group, patients,
 * active incidents, and `emit`, which buffers a finished event until it can be released in order.
 */
import { DEFAULT_MAGNITUDE, type IncidentKind, type IncidentSpec } from './incidents.ts';
import type { Doctor, SimulatedGroup } from './org.ts';
import type { PatientBook } from './patients.ts';
import type { Random } from './random.ts';

export const EVENT_TYPES = [
  'appointment', 'visit', 'consultation', 'prescription', 'admission', 'discharge', 'charge', 'call',
  'complaint', 'survey', 'followup', 'delivery', 'equipment', 'quality_event', 'expense',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** An event before it has its id and formatted occurredAt. Undefined attributes are left out. */
export interface EventDraft {
  readonly type: EventType;
  readonly orgUnit: string;
  readonly patient?: string;
  readonly [attribute: string]: JsonValue | undefined;
}

export interface ActiveIncident {
  readonly spec: IncidentSpec;
  readonly magnitude: number;
  /** 0 at the start of the window, 1 at its end (for ramps). */
  readonly progress: number;
}

export interface IncidentIndex {
  /** The incident of that kind whose org unit contains `orgUnit` and whose window contains `atMs`. */
  active(kind: IncidentKind, orgUnit: string, atMs: number): ActiveIncident | undefined;
  /** The incident of that kind naming `source` whose window contains `atMs`. */
  activeForSource(kind: IncidentKind, source: string, atMs: number): ActiveIncident | undefined;
}

export function indexIncidents(schedule: readonly IncidentSpec[], group: SimulatedGroup): IncidentIndex {
  const parent = new Map(group.nodes.map((n) => [n.code, n.parentCode]));
  const windows = schedule.map((spec) => ({
    spec,
    from: Date.parse(spec.from),
    to: Date.parse(spec.to),
    magnitude: spec.magnitude ?? DEFAULT_MAGNITUDE[spec.kind],
  }));
  const within = (unit: string, ancestor: string): boolean => {
    for (let u: string | null | undefined = unit; u; u = parent.get(u)) if (u === ancestor) return true;
    return false;
  };
  const find = (kind: IncidentKind, atMs: number, match: (spec: IncidentSpec) => boolean): ActiveIncident | undefined => {
    for (const w of windows) {
      if (w.spec.kind !== kind || atMs < w.from || atMs >= w.to || !match(w.spec)) continue;
      return { spec: w.spec, magnitude: w.magnitude, progress: (atMs - w.from) / Math.max(1, w.to - w.from) };
    }
    return undefined;
  };
  return {
    active: (kind, orgUnit, atMs) => find(kind, atMs, (spec) => within(orgUnit, spec.orgUnit)),
    activeForSource: (kind, source, atMs) => find(kind, atMs, (spec) => spec.source === source),
  };
}

export interface SimContext {
  readonly rng: Random;
  readonly scale: number;
  readonly group: SimulatedGroup;
  readonly patients: PatientBook;
  readonly incidents: IncidentIndex;
  emit(atMs: number, source: string, draft: EventDraft): void;
  /** A domain identifier (visit number, stay number) unique within and across runs. */
  newId(prefix: string): string;
  doctorsOf(department: string): readonly Doctor[];
}
