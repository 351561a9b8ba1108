import { parseMuteWindow, type MuteWindow, type TimeRange } from './mute-window.ts';

/**
 * A mute window as a person writes it (no id yet): the schema and time zone of `parseMuteWindow`,
 * plus the checks a form needs that the engine does not — a window must say when it applies
 * (one naming neither days nor times would hold back every notification, always) and a weekday
 * list must not be empty (such a window would never apply). Errors carry JSON-pointer paths.
 */
export interface MuteWindowInput {
  readonly name: string;
  readonly timezone: string;
  readonly weekdays?: readonly number[];
  readonly holidays?: boolean;
  readonly times?: readonly TimeRange[];
}

export type MuteWindowDefinition = Omit<MuteWindow, 'id'>;

export type CheckMuteWindowResult =
  | { readonly ok: true; readonly window: MuteWindowDefinition }
  | { readonly ok: false; readonly errors: readonly { readonly path: string; readonly message: string }[] };

export function checkMuteWindowInput(input: unknown): CheckMuteWindowResult {
  const parsed = parseMuteWindow(typeof input === 'object' && input !== null && !Array.isArray(input) ? { ...input, id: 'new' } : input);
  if (!parsed.ok) return parsed;
  const window = withoutId(parsed.window);
  const errors: { path: string; message: string }[] = [];
  if (window.weekdays?.length === 0) errors.push({ path: '/weekdays', message: 'names no day; leave it out for every day' });
  if (new Set(window.weekdays ?? []).size !== (window.weekdays ?? []).length) errors.push({ path: '/weekdays', message: 'lists a day twice' });
  const limitsDays = window.weekdays !== undefined || window.holidays === true;
  const limitsTimes = (window.times ?? []).length > 0;
  if (!limitsDays && !limitsTimes) errors.push({ path: '/times', message: 'a window with no days and no times would mute every notification at all times' });
  (window.times ?? []).forEach((r, i) => {
    if (r.start === r.end) errors.push({ path: `/times/${String(i)}/end`, message: 'must differ from start' });
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, window };
}

/** The window as stored and edited: the engine's id is assigned from the row. */
export function withoutId(w: MuteWindow): MuteWindowDefinition {
  return {
    name: w.name, timezone: w.timezone,
    ...(w.weekdays !== undefined ? { weekdays: w.weekdays } : {}), ...(w.holidays !== undefined ? { holidays: w.holidays } : {}),
    ...(w.times !== undefined ? { times: w.times } : {}),
  };
}
