import { bucketStart, nextPeriod, parsePeriodKey, previousPeriod, type Grain } from '../shared/index.ts';
import type { AlertOutcome, AlertStatus } from './alert.ts';
import { LIVE_PERIOD } from './alert-period.ts';
import { nextAlertState, type AlertPolicy, type AlertStep } from './state-machine.ts';

/**
 * Incidents: consecutive breaching periods of one rule on one org unit and series key are one
 * alert. An outcome of a series is placed against the series' latest alert (its *head*):
 * - `finding`: the period is older than the rule's live horizon (history: a backfill, a late load) —
 *   judged, but it opens, extends and resolves nothing;
 * - `same`: the head's latest period judged again — the state machine steps as within one period
 *   (`for`, hysteresis, late-data retraction);
 * - `extend`: the period right after the head's latest, while the head is open — a breach adds the
 *   period to the incident (no new alert, no new notification, no new work order); a closed period
 *   that no longer breaches resolves it (reason `cleared`); an open one that looks fine so far
 *   changes nothing until it closes or breaches;
 * - `new`: no head, or a period after a gap or after the head resolved — a breach opens a new
 *   incident; an open head is first resolved (reason `gap`: the periods between did not breach);
 * - `past`: a period before the head's latest but inside the horizon (late data) — the incidents
 *   stay as they are; a breach before the head's first period is recorded as a finding.
 * Pure: the clock and the zone are passed in.
 */
export type Placement = 'finding' | 'same' | 'extend' | 'new' | 'past';

/** What placing an outcome needs of the series' latest alert. */
export interface IncidentHead {
  readonly status: AlertStatus;
  /** The incident's first period (its start). */
  readonly firstPeriodStart: string | null;
  readonly lastPeriodKey: string;
  readonly lastPeriodStart: string | null;
}

export interface HorizonOptions {
  readonly timeZone: string;
  /** How many periods of the grain are live, the current one included (default 2: current and previous). */
  readonly livePeriods?: number;
}

export const DEFAULT_LIVE_PERIODS = 2;

/** The grain of a calendar period key; per-event outcomes (a timestamp key) are judged by the day. */
export function horizonGrain(periodKey: string, timeZone: string): Grain {
  return parsePeriodKey(periodKey, timeZone)?.grain ?? 'day';
}

/** The start of the oldest live period of `grain` at `now`: the current period and the `livePeriods - 1` before it. */
export function liveHorizonStart(now: Date, grain: Grain, options: HorizonOptions): Date {
  let t = bucketStart(now, grain, options.timeZone);
  for (let i = 1; i < (options.livePeriods ?? DEFAULT_LIVE_PERIODS); i++) t = previousPeriod(t, grain, options.timeZone);
  return t;
}

/** Whether the outcome's period is older than the live horizon (a live alert, `periodKey` 'live', never is). */
export function isHistory(outcome: Pick<AlertOutcome, 'periodKey' | 'periodStart'>, now: Date, options: HorizonOptions): boolean {
  if (outcome.periodStart === null || outcome.periodKey === LIVE_PERIOD) return false;
  const start = Date.parse(outcome.periodStart);
  if (Number.isNaN(start)) return false;
  return start < liveHorizonStart(now, horizonGrain(outcome.periodKey, options.timeZone), options).getTime();
}

export function placeOutcome(head: IncidentHead | null, outcome: AlertOutcome, now: Date, options: HorizonOptions): Placement {
  if (isHistory(outcome, now, options)) return 'finding';
  if (head === null) return 'new';
  if (outcome.periodKey === head.lastPeriodKey) return 'same';
  if (outcome.periodStart === null || head.lastPeriodStart === null) return 'new';
  const start = Date.parse(outcome.periodStart);
  const last = Date.parse(head.lastPeriodStart);
  if (start < last) return 'past';
  const parsed = parsePeriodKey(head.lastPeriodKey, options.timeZone);
  const next = parsed === null ? null : nextPeriod(new Date(last), parsed.grain, options.timeZone).getTime();
  return head.status.state !== 'resolved' && next === start ? 'extend' : 'new';
}

/** Whether an outcome counts against the rule (a breach, or missing data under the `alert` policy). */
export function isBad(outcome: Pick<AlertOutcome, 'kind'>): boolean {
  return outcome.kind === 'breach' || outcome.kind === 'no_data';
}

/**
 * How an incident's head steps for an outcome placed `extend`: the new period is judged for the
 * first time, so its verdict is not late data and no keep-firing clock runs yet. A breach adds the
 * period (`added`); a closed period that no longer breaches resolves the incident; an open period
 * that looks fine so far changes nothing.
 */
export function extendIncident(head: IncidentHead, outcome: AlertOutcome, policy: AlertPolicy, now: Date): AlertStep & { readonly added: boolean } {
  if (outcome.kind === 'skipped' || outcome.kind === 'pending') return { ...nextAlertState(head.status, outcome, policy, now), added: false };
  const fresh: AlertStatus = { ...head.status, finalized: false, clearedSince: null };
  if (isBad(outcome)) return { ...nextAlertState(fresh, outcome, policy, now), added: true };
  if (!outcome.closed) return { alert: head.status, effects: [], added: false };
  // A clean closed period ends the incident at once (hysteresis is about the noise within an open period).
  return { ...nextAlertState(fresh, outcome, policy, now), added: false };
}

/** The transition that ends an open incident when a later period starts a new one (the periods between did not breach). */
export function endByGap(head: IncidentHead, outcome: AlertOutcome, now: Date): AlertStep {
  const at = now.toISOString();
  return {
    alert: { ...head.status, state: 'resolved', stateSince: at, breachCount: 0, clearedSince: null },
    transition: {
      from: head.status.state, to: 'resolved', reason: 'gap', at, periodKey: outcome.periodKey, closed: outcome.closed,
      value: outcome.value, bound: outcome.bound, detail: {},
    },
    effects: [{ type: 'notify', event: 'resolved' }],
  };
}

/** What recording an outcome does to its series' incidents. */
export type IncidentPlan =
  | { readonly placement: 'finding' | 'past'; readonly bad: boolean }
  /** A live period judged after the open incident that follows it (a closed day settles after today's open day was judged): it joins the incident as its new first period. */
  | { readonly placement: 'prepend'; readonly step: AlertStep }
  | { readonly placement: 'same'; readonly step: AlertStep }
  | { readonly placement: 'extend'; readonly step: AlertStep; readonly added: boolean }
  | { readonly placement: 'new'; readonly end: AlertStep | null; readonly step: AlertStep };

export interface PlanOptions extends HorizonOptions {
  readonly trigger?: 'evaluation' | 'late_data';
}

export function planIncident(head: IncidentHead | null, outcome: AlertOutcome, policy: AlertPolicy, now: Date, options: PlanOptions): IncidentPlan {
  const placement = placeOutcome(head, outcome, now, options);
  const stepOptions = { trigger: options.trigger ?? 'evaluation' } as const;
  switch (placement) {
    case 'finding':
      return { placement, bad: isBad(outcome) };
    case 'past': {
      // A period inside the incident's span is part of it already.
      const first = head?.firstPeriodStart ?? null;
      const inside = first !== null && outcome.periodStart !== null && Date.parse(outcome.periodStart) >= Date.parse(first);
      // A live breach of the period just before an open incident's first (judged later: closed
      // periods settle after the open one was judged) is the incident's start, not a finding.
      // (Not a compliance window's case count, series "cases": its cases are listed by its own window.)
      if (head !== null && first !== null && !inside && isBad(outcome) && head.status.state !== 'resolved' && outcome.periodStart !== null && outcome.seriesKey !== 'cases') {
        const grain = horizonGrain(outcome.periodKey, options.timeZone);
        if (nextPeriod(new Date(outcome.periodStart), grain, options.timeZone).getTime() === Date.parse(first)) {
          const extended = extendIncident(head, outcome, policy, now);
          return { placement: 'prepend', step: { alert: extended.alert, effects: extended.effects, ...(extended.transition ? { transition: extended.transition } : {}) } };
        }
      }
      return { placement, bad: isBad(outcome) && !inside };
    }
    case 'same':
      return { placement, step: nextAlertState(head?.status ?? null, outcome, policy, now, stepOptions) };
    case 'extend':
      if (head === null) throw new Error('an incident extends only a head');
      {
        const { added, ...step } = extendIncident(head, outcome, policy, now);
        return { placement, step, added };
      }
    case 'new': {
      const open = head !== null && head.status.state !== 'resolved';
      // A judged later period (a breach, or a clean closed one) ends the open incident; a skipped or pending one says nothing.
      const judged = isBad(outcome) || (outcome.kind === 'ok' && outcome.closed);
      const end = open && judged ? endByGap(head, outcome, now) : null;
      return { placement, end, step: nextAlertState(null, outcome, policy, now, stepOptions) };
    }
  }
}
