/**
 * Strict ISO 8601 date-times. Ingest accepts only instants with an explicit offset (`Z` or `±hh:mm`)
 * because a local time without a zone is ambiguous across the group's hospitals; accepted values are
 * normalised to UTC (`YYYY-MM-DDTHH:mm:ss.sssZ`) so that the same instant written with different
 * offsets hashes the same.
 */
const ISO_WITH_OFFSET =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}:\d{2})$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

/**
 * Epoch milliseconds of a strict ISO date-time with offset, or undefined when it is not one. Runs
 * for every date-time of every ingested record (twice: validated, then normalised), so it does
 * plain arithmetic on the regex groups without allocating.
 */
export function parseOffsetDateTime(text: string): number | undefined {
  const m = ISO_WITH_OFFSET.exec(text);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const millis = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000);
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const zone = m[8] ?? 'Z';
  let offsetMinutes = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (oh > 18 || om > 59) return undefined;
    offsetMinutes = sign * (oh * 60 + om);
  }
  // Years from 1000 on: Date.UTC's two-digit-year quirk cannot apply.
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
}

export function isOffsetDateTime(text: string): boolean {
  return parseOffsetDateTime(text) !== undefined;
}

/** The UTC form of a valid date-time with offset; callers validate first. */
export function normaliseDateTime(text: string): string {
  const ms = parseOffsetDateTime(text);
  return ms === undefined ? text : new Date(ms).toISOString();
}

/**
 * The instants an event may be about: from a fixed earliest date to a margin past the time of
 * ingest. A year typed as 1800 or 9999 is a data-entry or conversion error, not an event; stored,
 * it would make every period between it and today part of the source's history.
 */
export interface EventTimeWindow {
  /** Epoch ms of the earliest accepted instant (inclusive). */
  readonly fromMs: number;
  /** Epoch ms of the latest accepted instant (inclusive). */
  readonly toMs: number;
}

export interface EventTimeLimits {
  /** The earliest accepted instant (default 1990-01-01T00:00:00Z). */
  readonly earliest: Date;
  /** How far past the time of ingest an event may lie, in ms (default one day: clocks drift, schedules look ahead). */
  readonly aheadMs: number;
}

export const DEFAULT_EVENT_TIME_LIMITS: EventTimeLimits = { earliest: new Date('1990-01-01T00:00:00Z'), aheadMs: 24 * 3_600_000 };

/** The window at the instant of ingest `now`. */
export function eventTimeWindow(limits: EventTimeLimits, now: Date): EventTimeWindow {
  return { fromMs: limits.earliest.getTime(), toMs: now.getTime() + limits.aheadMs };
}

export function isInWindow(ms: number, window: EventTimeWindow): boolean {
  return ms >= window.fromMs && ms <= window.toMs;
}
