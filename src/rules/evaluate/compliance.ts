import { bucketStart, periodEnd, periodKey } from '../../shared/index.ts';
import type { CaseWindow, ComplianceRule } from '../definition.ts';
import type { RuleOutcome } from '../outcome.ts';
import { eventField, evaluatePredicate, relatedLookups, type Predicate, type RelatedExists, type RuleEvent, type Truth } from '../predicate.ts';
import { outcomeOf, type OutcomeKey } from './common.ts';

/**
 * A compliance judgement is about one event: series key `event:<id>`, period key the event's
 * instant. A breach is not an alert of its own but a case (违规案例) of the alert of its org unit
 * and window (`caseGroupOutcome`); the key still names the event (re-checks, its case's evidence).
 */
export function complianceKey(event: RuleEvent): OutcomeKey {
  return { orgUnit: event.orgUnit, seriesKey: `event:${event.id}`, periodKey: event.occurredAt, periodStart: event.occurredAt, closed: true };
}

/** What a compliance rule says of an event before it is written up as an outcome. */
export type ComplianceVerdict =
  | { readonly kind: 'skipped'; readonly reason: 'disabled' | 'not_applicable'; readonly readFields: boolean }
  | { readonly kind: 'judged'; readonly truth: Truth };

/** The verdict alone: a pass judging thousands of events builds outcomes only for those that can change an alert. */
export function complianceVerdict(rule: ComplianceRule, event: RuleEvent, relatedEvents: readonly RuleEvent[], now: Date): ComplianceVerdict {
  if (!rule.enabled) return { kind: 'skipped', reason: 'disabled', readFields: false };
  if (!rule.eventTypes.includes(event.type)) return { kind: 'skipped', reason: 'not_applicable', readFields: false };
  const matched = rule.match === undefined ? true : evaluatePredicate(rule.match, event, relatedEvents, now);
  if (matched === false) return { kind: 'skipped', reason: 'not_applicable', readFields: true };
  return { kind: 'judged', truth: matched === true ? evaluatePredicate(rule.violation, event, relatedEvents, now) : matched };
}

/**
 * Per-event check (事中控制). Skipped when the event is not of the rule's types or does not match;
 * 'pending' with `pendingUntil` when a time window (review within 30 minutes, a related event
 * expected afterwards) has not elapsed, so the scheduler re-checks then; otherwise breach or ok.
 */
export function evaluateCompliance(rule: ComplianceRule, event: RuleEvent, relatedEvents: readonly RuleEvent[], now: Date): RuleOutcome {
  return complianceOutcome(rule, event, complianceVerdict(rule, event, relatedEvents, now), now);
}

/** The outcome of a verdict, with the event fields the rule read as its evidence. */
export function complianceOutcome(rule: ComplianceRule, event: RuleEvent, verdict: ComplianceVerdict, now: Date): RuleOutcome {
  const key = complianceKey(event);
  if (verdict.kind === 'skipped') {
    return verdict.readFields ? outcomeOf(rule, key, now, 'skipped', verdict.reason, { detail: { facts: factsOf(rule, event) } }) : outcomeOf(rule, key, now, 'skipped', verdict.reason);
  }
  const facts = { detail: { facts: factsOf(rule, event) } };
  const violated = verdict.truth;
  if (typeof violated === 'object') {
    return outcomeOf(rule, key, now, 'pending', 'window_open', { ...facts, pendingUntil: new Date(violated.pendingUntil).toISOString() });
  }
  return outcomeOf(rule, key, now, violated ? 'breach' : 'ok', undefined, { ...facts, value: violated ? 1 : 0, bound: 0 });
}

function fieldsOf(p: Predicate): readonly string[] {
  if ('all' in p) return p.all.flatMap(fieldsOf);
  if ('any' in p) return p.any.flatMap(fieldsOf);
  if ('not' in p) return fieldsOf(p.not);
  if ('some' in p) return [p.some.field];
  if ('missingWithin' in p) return [p.missingWithin.field, p.missingWithin.from ?? 'occurredAt'];
  if ('relatedExists' in p) return [p.relatedExists.join ?? 'patient'];
  return [p.field];
}

/** The fields each rule reads, worked out once per rule definition (a busy rule judges thousands of events a second). */
const factFields = new WeakMap<ComplianceRule, readonly string[]>();

/** The event fields the rule read, recorded with the outcome so the alert shows its evidence. */
function factsOf(rule: ComplianceRule, event: RuleEvent): Readonly<Record<string, unknown>> {
  let fields = factFields.get(rule);
  if (fields === undefined) {
    fields = [...new Set([...(rule.match ? fieldsOf(rule.match) : []), ...fieldsOf(rule.violation)])].filter((f) => f !== 'patient');
    factFields.set(rule, fields);
  }
  return Object.fromEntries(fields.map((f) => [f, eventField(event, f) ?? null]));
}

export interface RelatedEventQuery {
  readonly types: readonly string[];
  readonly joinField: string;
  readonly joinValue: unknown;
  readonly from: string;
  readonly to: string;
}

/** What the engine must fetch for `evaluateCompliance(rule, event, …)`: one query per relatedExists clause. */
export function relatedEventQueries(rule: ComplianceRule, event: RuleEvent): readonly RelatedEventQuery[] {
  const at = Date.parse(event.occurredAt);
  if (!Number.isFinite(at)) return [];
  const lookups: readonly RelatedExists[] = [...(rule.match ? relatedLookups(rule.match) : []), ...relatedLookups(rule.violation)];
  return lookups.map((l) => ({
    types: [l.type],
    joinField: l.join ?? 'patient',
    joinValue: eventField(event, l.join ?? 'patient') ?? null,
    from: new Date(at - (l.beforeMinutes ?? 0) * 60_000).toISOString(),
    to: new Date(at + (l.afterMinutes ?? 0) * 60_000).toISOString(),
  }));
}

/** Series key of a compliance rule's alerts: the cases of an org unit in a window. */
export const CASES_SERIES_KEY = 'cases';

export interface CaseGrouping {
  readonly window: CaseWindow;
  readonly minCases: number;
  /** Share of the unit's events of the rule's types in the window; not judged when null. */
  readonly minShare: number | null;
}

/** The rule's grouping with its defaults: one alert per org unit and day, firing on the first case. */
export function caseGrouping(rule: ComplianceRule): CaseGrouping {
  return { window: rule.grouping?.window ?? 'day', minCases: rule.grouping?.minCases ?? 1, minShare: rule.grouping?.minShare ?? null };
}

/** The window an event's case belongs to: its start and its period key ('2026-11-24', '2026-11-24T09', …). */
export function caseWindowOf(rule: ComplianceRule, occurredAt: Date, timeZone: string): { readonly start: Date; readonly key: string } {
  const grain = caseGrouping(rule).window;
  const start = bucketStart(occurredAt, grain, timeZone);
  return { start, key: periodKey(start, grain, timeZone) };
}

/** The cases of one org unit in one window, as counted after the pass's cases were stored. */
export interface CaseCount {
  readonly orgUnit: string;
  readonly windowStart: Date;
  readonly cases: number;
  /** Events of the rule's types at the unit in the window (read only when the rule has a share threshold). */
  readonly events: number | null;
}

/**
 * The alert outcome of a window's cases: a breach once the count reaches `minCases` and, with a
 * share threshold, the cases are at least `minShare` of the unit's events in the window; value =
 * the number of cases, bound = `minCases`. A window that has ended is closed.
 */
export function caseGroupOutcome(rule: ComplianceRule, count: CaseCount, now: Date, timeZone: string): RuleOutcome {
  const g = caseGrouping(rule);
  const share = count.events === null || count.events <= 0 ? null : count.cases / count.events;
  const breach = count.cases >= g.minCases && (g.minShare === null || (share !== null && share >= g.minShare));
  const key: OutcomeKey = {
    orgUnit: count.orgUnit, seriesKey: CASES_SERIES_KEY, periodKey: periodKey(count.windowStart, g.window, timeZone),
    periodStart: count.windowStart.toISOString(), closed: periodEnd(count.windowStart, g.window, timeZone).getTime() <= now.getTime(),
  };
  return outcomeOf(rule, key, now, breach ? 'breach' : 'ok', undefined, {
    value: count.cases, bound: g.minCases,
    detail: {
      values: { cases: count.cases, events: count.events, share: share === null ? null : Math.round(share * 10_000) / 10_000 },
      baseline: { minCases: g.minCases, minShare: g.minShare },
    },
  });
}
