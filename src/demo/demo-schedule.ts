import { defaultIncidentSchedule, type IncidentSpec } from '../simulator/index.ts';

/**
 * Where and when the demo's incidents happen, placed so that every kind is detected while the
 * backfill runs or within minutes of its end (pure; `from` is the start of the backfill and `now`
 * the moment the demo started):
 * - day-grain incidents (waits, pharmacist review, call abandonment, late deliveries) happen in the
 *   history, where the backfill's settled days are judged as it goes, and again around `now`;
 * - the drug-share drift and the budget overrun need closed months: the overrun fills the last
 *   closed month, and the drift starts with it, so that month rises against the one before;
 * - malformed records are counted by the day they are received, and the whole backfill is received
 *   on the demo's first day: a burst early in the history makes them a large share of what has
 *   arrived when it passes, so the data-quality rule fires within the first minute or two;
 * - a silent source cannot be simulated in the past (silence is measured in wall-clock time since
 *   the last batch): the HIS of the second hospital stops two hours before `now` and stays quiet
 *   for four hours of the live feed.
 */
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const OFFSET_MS = 8 * HOUR_MS;

export const DEMO_INCIDENT_PLACES = {
  drift: 'H2-OFF-GAST',
  overrun: 'H3-OFF-ORTH',
  malformedSource: 'DLV-APP',
  malformedOrg: 'H1-ONL-DLV',
  silentSource: 'H2-HIS',
  silentOrg: 'H2',
} as const;

/** Kinds the default schedule places in the history; the others are placed here. */
const HISTORIC_KINDS = new Set(['wait_surge', 'review_lapse', 'abandon_spike', 'delivery_late']);

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
  const history = defaultIncidentSchedule(from, new Date(n - 3 * DAY_MS)).filter((s) => HISTORIC_KINDS.has(s.kind));
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
