import { DateTime } from 'luxon';

/**
 * FHIR `date` and `dateTime` values of reduced precision (FHIR R4 §2.24.0.2: YYYY, YYYY-MM,
 * YYYY-MM-DD; a value with a time must carry a zone). A partial value names a local period and
 * has no zone of its own, so it is read in the group's time zone and placed at the period's
 * first instant: "2026-01-04" is local midnight of 4 January. Anything else is returned as
 * given, for validation to accept (a full date-time with offset) or refuse.
 */
const PARTIAL = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

export function fhirInstant(value: string | undefined, timeZone: string): string | undefined {
  if (value === undefined) return undefined;
  const m = PARTIAL.exec(value);
  if (m === null) return value;
  const dt = DateTime.fromObject({ year: Number(m[1]), month: m[2] === undefined ? 1 : Number(m[2]), day: m[3] === undefined ? 1 : Number(m[3]) }, { zone: timeZone });
  // An impossible date (2026-02-30) stays as sent and is refused by validation with its path.
  return dt.isValid ? (dt.toUTC().toISO() ?? value) : value;
}
