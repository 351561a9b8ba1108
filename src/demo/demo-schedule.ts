import { defaultIncidentSchedule, type IncidentSpec } from '../simulator/index.ts';

/**
 * Where and when the demo's incidents happen, placed so that every kind is detected while the
 * backfill runs or within minutes of its end (pure; `from` is the start of the backfill and `now`
 * the moment the demo started):
 * - day-grain incidents (waits, pharmacist review, call abandonment, late deliveries) happen in the
 *   history, where the backfill's settled days are judged as it goes, and again around `now`;
 * - a doctor whose registration for online practice is pending takes a quarter of the online
 *   cardiology consultations on three days of the history (each event is judged as it arrives);
 * - the drug-share drift and the budget overrun need closed months: the overrun fills the last
 *   closed month, and the drift starts with it, so that month rises against the one before;
 * - malformed records are counted by the day they are received, and the whole backfill is received
 *   on the demo's first day: a burst early in the history makes them a large share of what has
 *   arrived when it passes, so the data-quality rule fires within the first minute or two;
 * - a silent source cannot be simulated in the past (silence is measured in wall-clock time since
 *   the last batch): the delivery app stops two hours before `now` and stays quiet for four hours
 *   of the live feed. The feed sends the history of a source silent at `now` first, so its silence
 *   shows minutes after the start however long the others' backfill takes; the delivery app sends
 *   few records (that pass takes seconds), and a silent source holds back the alerts of its org
 *   subtree, where no incident is left to detect once its own history is in (a HIS would hold back
 *   its whole hospital, the drug-share drift included).
 */
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const OFFSET_MS = 8 * HOUR_MS;

export const DEMO_INCIDENT_PLACES = {
  drift: 'H2-OFF-GAST',
  overrun: 'H3-OFF-ORTH',
  malformedSource: 'DLV-APP',
  malformedOrg: 'H1-ONL-DLV',
  silentSource: 'DLV-APP',
  silentOrg: 'H1-ONL-DLV',
  unregistered: 'H1-ONL-CARD',
} as const;

/** Kinds the default schedule places in the history; the others are placed here. */
const HISTORIC_KINDS = new Set(['wait_surge', 'review_lapse', 'abandon_spike', 'delivery_late', 'unregistered_practice']);

/** Whether a scheduled outage keeps `source` quiet at `atMs`. */
export function silentAt(schedule: readonly IncidentSpec[], source: string, atMs: number): boolean {
  return schedule.some((s) => s.kind === 'source_silent' && s.source === source && Date.parse(s.from) <= atMs && atMs < Date.parse(s.to));
}

/** The sources a scheduled outage keeps quiet at `atMs` (their codes, sorted). */
export function sourcesSilentAt(schedule: readonly IncidentSpec[], atMs: number): readonly string[] {
  const codes = schedule.flatMap((s) => (s.kind === 'source_silent' && s.source !== undefined && silentAt(schedule, s.source, atMs) ? [s.source] : []));
  return [...new Set(codes)].sort();
}

/** A local (+08:00) ISO date-time, as the simulator writes them. */
export function localIso(ms: number): string {
  return `${new Date(ms + OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

/** Local (+08:00) midnight at or before `ms`. */
export function localDayStart(ms: number): number {
  return Math.floor((ms + OFFSET_MS) / DAY_MS) * DAY_MS - OFFSET_MS;
}

/** Start (epoch ms) of the local calendar month `offset` months from the one holding `ms`. */
export function localMonthStart(ms: number, offset = 0): number {
  const d = new Date(ms + OFFSET_MS);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1) - OFFSET_MS;
}

export function demoSchedule(from: Date, now: Date): readonly IncidentSpec[] {
  const f = from.getTime();
  const n = now.getTime();
  const span = n - f;
  const lastClosedMonth = localMonthStart(n, -1);
  const malformedFrom = localDayStart(f) + 2 * DAY_MS;
  const malformedDays = Math.min(7, Math.max(1, Math.round((0.08 * span) / DAY_MS)));
  // Unregistered online practice: three days where it is busiest, where the default puts it in time.
  const history = defaultIncidentSchedule(from, new Date(n - 3 * DAY_MS)).filter((s) => HISTORIC_KINDS.has(s.kind))
    .map((s) => (s.kind === 'unregistered_practice' ? { ...s, orgUnit: DEMO_INCIDENT_PLACES.unregistered, to: localIso(Date.parse(s.from) + 3 * DAY_MS), magnitude: 0.25 } : s));
  return [
    ...history,
    { kind: 'source_malformed', orgUnit: DEMO_INCIDENT_PLACES.malformedOrg, source: DEMO_INCIDENT_PLACES.malformedSource, from: localIso(malformedFrom), to: localIso(malformedFrom + malformedDays * DAY_MS), magnitude: 0.6 },
    { kind: 'expense_overrun', orgUnit: DEMO_INCIDENT_PLACES.overrun, item: 'medical_consumables', from: localIso(lastClosedMonth), to: localIso(localMonthStart(n)), magnitude: 2.5 },
    { kind: 'drug_share_drift', orgUnit: DEMO_INCIDENT_PLACES.drift, from: localIso(lastClosedMonth), to: localIso(n + 14 * DAY_MS), magnitude: 4 },
    { kind: 'wait_surge', orgUnit: 'H1-OFF-CARD', from: localIso(n - 2 * DAY_MS), to: localIso(n + 2 * DAY_MS) },
    { kind: 'review_lapse', orgUnit: 'H1-ONL', from: localIso(n - DAY_MS), to: localIso(n + DAY_MS) },
    { kind: 'abandon_spike', orgUnit: 'YJ-CC', from: localIso(n - DAY_MS), to: localIso(n + DAY_MS) },
    { kind: 'source_silent', orgUnit: DEMO_INCIDENT_PLACES.silentOrg, source: DEMO_INCIDENT_PLACES.silentSource, from: localIso(n - 2 * HOUR_MS), to: localIso(n + 4 * HOUR_MS) },
  ];
}
