/**
 * Local time (China Standard Time, a fixed +08:00 with no daylight saving) and the demand
 * profiles the generator draws from: hour of day, day of week, public holidays and slow growth.
 */
import { chinaHolidays } from '../calendar/china-holidays.ts';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
export const MINUTE_MS = 60_000;
const OFFSET_MS = 8 * HOUR_MS;

/** Epoch ms of the local midnight at or before `ms`. */
export function localDayStart(ms: number): number {
  return Math.floor((ms + OFFSET_MS) / DAY_MS) * DAY_MS - OFFSET_MS;
}

export function localHour(ms: number): number {
  return Math.floor((ms + OFFSET_MS) / HOUR_MS) % 24;
}

/** 0 = Sunday … 6 = Saturday, in local time. */
export function localWeekday(ms: number): number {
  return new Date(ms + OFFSET_MS).getUTCDay();
}

export function localDate(ms: number): string {
  return new Date(ms + OFFSET_MS).toISOString().slice(0, 10);
}

/** ISO 8601 with the +08:00 offset and whole seconds, e.g. `2025-03-03T09:15:02+08:00`. */
export function formatLocal(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000 + OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

const OFF_DAYS = new Set<string>();
const MAKE_UP_DAYS = new Set<string>();
for (const year of chinaHolidays) {
  for (const h of year.holidays) {
    for (const d of h.off) OFF_DAYS.add(d);
    for (const d of h.work) MAKE_UP_DAYS.add(d);
  }
}

export type DayKind = 'weekday' | 'saturday' | 'sunday';

/** Public holiday off days behave like Sundays, make-up working days (调休) like weekdays. */
export function dayKind(ms: number): DayKind {
  const date = localDate(ms);
  if (OFF_DAYS.has(date)) return 'sunday';
  if (MAKE_UP_DAYS.has(date)) return 'weekday';
  const wd = localWeekday(ms);
  return wd === 0 ? 'sunday' : wd === 6 ? 'saturday' : 'weekday';
}

/** Relative arrivals per local hour for offline clinics: morning peak, smaller afternoon peak. */
const OFFLINE_HOURS = [
  0.01, 0.01, 0.01, 0.01, 0.01, 0.02, 0.05, 0.3, 1.0, 1.6, 1.7, 1.2, 0.4, 0.6, 1.1, 1.0, 0.8, 0.35, 0.15, 0.1,
  0.08, 0.05, 0.03, 0.02,
];
/** Emergency departments run around the clock with an evening shoulder. */
const EMERGENCY_HOURS = [
  0.5, 0.4, 0.3, 0.3, 0.3, 0.3, 0.4, 0.6, 0.9, 1.1, 1.1, 1.0, 0.9, 0.9, 1.0, 1.0, 1.0, 1.0, 1.1, 1.2, 1.2, 1.0,
  0.8, 0.6,
];
/** Online consultations: flatter through the day, with an evening bump after work. */
const ONLINE_HOURS = [
  0.15, 0.08, 0.05, 0.04, 0.04, 0.06, 0.15, 0.4, 0.8, 0.95, 1.0, 0.95, 0.8, 0.85, 0.95, 0.95, 0.9, 0.9, 1.0, 1.3,
  1.45, 1.35, 0.95, 0.45,
];
/** Call-center contacts follow office hours with a lunchtime dip. */
const CALL_HOURS = [
  0.05, 0.03, 0.02, 0.02, 0.02, 0.03, 0.1, 0.5, 1.4, 1.6, 1.5, 1.2, 0.7, 0.9, 1.2, 1.1, 1.0, 0.8, 0.6, 0.5, 0.4,
  0.3, 0.15, 0.08,
];

export type HourProfile = 'offline' | 'emergency' | 'online' | 'call';

function normalise(weights: readonly number[]): readonly number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / total);
}

const NORMALISED: Readonly<Record<HourProfile, readonly number[]>> = {
  offline: normalise(OFFLINE_HOURS),
  emergency: normalise(EMERGENCY_HOURS),
  online: normalise(ONLINE_HOURS),
  call: normalise(CALL_HOURS),
};

/** Share of a day's arrivals that fall in the given local hour. */
export function hourShare(profile: HourProfile, hour: number): number {
  return NORMALISED[profile][hour] ?? 0;
}

const DAY_FACTORS: Readonly<Record<HourProfile, Readonly<Record<DayKind, number>>>> = {
  offline: { weekday: 1, saturday: 0.5, sunday: 0.38 },
  emergency: { weekday: 1, saturday: 1.1, sunday: 1.1 },
  online: { weekday: 1, saturday: 0.85, sunday: 0.8 },
  call: { weekday: 1, saturday: 0.55, sunday: 0.45 },
};

/** Demand on the day of `ms` relative to an ordinary weekday; Mondays run a little hotter. */
export function dayFactor(profile: HourProfile, ms: number): number {
  const kind = dayKind(ms);
  const monday = kind === 'weekday' && localWeekday(ms) === 1 && profile !== 'emergency' ? 1.12 : 1;
  return DAY_FACTORS[profile][kind] * monday;
}

const GROWTH_EPOCH = Date.UTC(2025, 0, 1);
/** Slow growth of about 8 % a year, measured from 2025-01-01 so any range gets the same curve. */
export function growthFactor(ms: number): number {
  return Math.max(0.5, 1 + (0.08 * (ms - GROWTH_EPOCH)) / (365 * DAY_MS));
}
