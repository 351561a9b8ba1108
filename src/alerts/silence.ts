import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { RE2JS } from 're2js';

/**
 * Silences: label matchers with a start and an end, a creator and a reason (e.g. an approved change
 * window, §5). A silenced alert is still recorded; only its notification is held back. Regex
 * matchers are anchored at both ends, as in Alertmanager, and use the same RE2 syntax: they are
 * compiled with RE2JS, whose matching time is linear in the input, so a user-written pattern such
 * as `(.*)*Z` cannot stall the alert view or the notification pipeline (a backtracking engine
 * takes exponential time on it). Back-references and look-arounds, which need backtracking, are
 * refused as invalid; a pattern is at most MATCHER_PATTERN_MAX_LENGTH characters.
 */
export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface Matcher {
  readonly name: string;
  readonly op: MatchOp;
  readonly value: string;
}

export interface Silence {
  readonly id: string;
  readonly matchers: readonly Matcher[];
  readonly startsAt: string;
  readonly endsAt: string;
  readonly createdBy: string;
  readonly reason: string;
}

export const SilenceSchema = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    matchers: Type.Array(
      Type.Object(
        {
          name: Type.String({ minLength: 1, pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }),
          op: Type.Union([Type.Literal('='), Type.Literal('!='), Type.Literal('=~'), Type.Literal('!~')]),
          value: Type.String({ maxLength: 500 }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 20 },
    ),
    startsAt: Type.String({ minLength: 1 }),
    endsAt: Type.String({ minLength: 1 }),
    createdBy: Type.String({ minLength: 1 }),
    reason: Type.String({ minLength: 1, maxLength: 1000 }),
  },
  { additionalProperties: false },
);

const check = TypeCompiler.Compile(SilenceSchema);

export type ParseSilenceResult = { readonly ok: true; readonly silence: Silence } | { readonly ok: false; readonly errors: readonly { readonly path: string; readonly message: string }[] };

/** Validates a silence: schema, compilable regexes, parseable times with end after start, and at least one matcher that can match something specific. */
export function parseSilence(json: unknown): ParseSilenceResult {
  if (!check.Check(json)) return { ok: false, errors: [...check.Errors(json)].map((e) => ({ path: e.path, message: e.message })) };
  const s = json as Silence;
  const errors: { path: string; message: string }[] = [];
  s.matchers.forEach((m, i) => {
    if (m.op !== '=~' && m.op !== '!~') return;
    if (m.value.length > MATCHER_PATTERN_MAX_LENGTH) errors.push({ path: `/matchers/${i}/value`, message: `regular expression longer than ${String(MATCHER_PATTERN_MAX_LENGTH)} characters` });
    else if (compile(m.value) === null) errors.push({ path: `/matchers/${i}/value`, message: 'invalid regular expression (RE2 syntax; no back-references or look-arounds)' });
  });
  if (s.matchers.every((m) => matchesValue(m, ''))) errors.push({ path: '/matchers', message: 'matchers would silence every alert' });
  const start = Date.parse(s.startsAt);
  const end = Date.parse(s.endsAt);
  if (!Number.isFinite(start)) errors.push({ path: '/startsAt', message: 'not a date-time' });
  if (!Number.isFinite(end)) errors.push({ path: '/endsAt', message: 'not a date-time' });
  else if (Number.isFinite(start) && end <= start) errors.push({ path: '/endsAt', message: 'must be after startsAt' });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, silence: s };
}

/** Longest regex pattern a matcher may hold; longer ones are refused when saved and never match when read back. */
export const MATCHER_PATTERN_MAX_LENGTH = 256;

/** Compiled patterns by source; silences are few and re-read on every pass, so compiling once each matters. Bounded so that stored junk cannot grow it without limit. */
const compiled = new Map<string, RE2JS | null>();
const COMPILED_CACHE_SIZE = 512;

function compile(pattern: string): RE2JS | null {
  const cached = compiled.get(pattern);
  if (cached !== undefined) return cached;
  let re: RE2JS | null = null;
  if (pattern.length <= MATCHER_PATTERN_MAX_LENGTH) {
    try {
      re = RE2JS.compile(`^(?:${pattern})$`);
    } catch {
      re = null;
    }
  }
  if (compiled.size >= COMPILED_CACHE_SIZE) compiled.clear();
  compiled.set(pattern, re);
  return re;
}

function matchesValue(m: Matcher, actual: string): boolean {
  switch (m.op) {
    case '=':
      return actual === m.value;
    case '!=':
      return actual !== m.value;
    case '=~':
    case '!~': {
      const hit = compile(m.value)?.matches(actual) ?? false;
      return m.op === '=~' ? hit : !hit;
    }
  }
}

export interface SilenceableAlert {
  readonly ruleCode: string;
  readonly orgUnit: string;
  readonly category: string;
  readonly severity: number;
  readonly orgPath: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
}

/** The label set matchers see: the rule's labels plus ruleCode, orgUnit, orgPath ('/'-joined), category, severity. */
export function alertLabels(alert: SilenceableAlert): Readonly<Record<string, string>> {
  return {
    ...alert.labels,
    ruleCode: alert.ruleCode,
    orgUnit: alert.orgUnit,
    orgPath: alert.orgPath.join('/'),
    category: alert.category,
    severity: String(alert.severity),
  };
}

/** All matchers must match; an absent label reads as ''. */
export function matchesAll(matchers: readonly Matcher[], labels: Readonly<Record<string, string>>): boolean {
  return matchers.every((m) => matchesValue(m, labels[m.name] ?? ''));
}

export function isSilenceActive(silence: Silence, now: Date): boolean {
  const t = now.getTime();
  return Date.parse(silence.startsAt) <= t && t < Date.parse(silence.endsAt);
}

/** The ids of the active silences that match the alert. */
export function silencedBy(alert: SilenceableAlert, silences: readonly Silence[], now: Date): readonly string[] {
  const labels = alertLabels(alert);
  return silences.filter((s) => isSilenceActive(s, now) && matchesAll(s.matchers, labels)).map((s) => s.id);
}

export function isSilenced(alert: SilenceableAlert, silences: readonly Silence[], now: Date): boolean {
  return silencedBy(alert, silences, now).length > 0;
}
