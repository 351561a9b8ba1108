
/**
 * What the alerts module is told about a judgement: the rule engine's outcome (rules/outcome.ts)
 * has this shape, declared here so that alerts depend on nothing in rules.
 */
export interface AlertOutcome {
  readonly ruleCode: string;
  readonly ruleVersion: number;
  readonly orgUnit: string;
  readonly seriesKey: string;
  readonly periodKey: string;
  readonly periodStart: string | null;
  readonly closed: boolean;
  readonly kind: 'breach' | 'ok' | 'no_data' | 'skipped' | 'pending';
  readonly value: number | null;
  readonly bound: number | null;
  /** On the ok side of the recovery bound (always true without hysteresis); read only when kind is 'ok'. */
  readonly recovered: boolean;
  readonly pendingUntil?: string;
  /** The values and baseline that produced the outcome (stored with the transition it causes). */
  readonly detail: object;
}

/**
 * An alert is an incident: a run of consecutive breaching periods of one rule on one org unit and
 * series key. It is identified by (rule, org unit, series key, first period): the same rule
 * breaching in the same department for three months running is one alert, however often it is
 * evaluated; the periods it spans are stored beside it (alert_period).
 */
export interface AlertIdentity {
  readonly ruleCode: string;
  readonly orgUnit: string;
  readonly seriesKey: string;
  readonly periodKey: string;
}

export type AlertState = 'pending' | 'firing' | 'resolved';

/** The part of an alert the state machine owns; repositories store it beside the identity. */
export interface AlertStatus {
  readonly state: AlertState;
  /** When the current episode's first breach was seen (for the `for` duration). */
  readonly activeSince: string;
  readonly stateSince: string;
  /** Consecutive breaching evaluations in this episode. */
  readonly breachCount: number;
  /** While firing: when the value first came back inside the recovery bound (keep-firing clock). */
  readonly clearedSince: string | null;
  /** A closed period's verdict has been applied; a later change of it is late data. */
  readonly finalized: boolean;
  readonly lastValue: number | null;
  readonly lastEvaluatedAt: string;
}

export function alertIdentity(outcome: Pick<AlertOutcome, 'ruleCode' | 'orgUnit' | 'seriesKey' | 'periodKey'>): AlertIdentity {
  return { ruleCode: outcome.ruleCode, orgUnit: outcome.orgUnit, seriesKey: outcome.seriesKey, periodKey: outcome.periodKey };
}

/** Unambiguous text form of the identity (JSON array, so no separator can collide). */
export function alertKey(id: AlertIdentity): string {
  return JSON.stringify([id.ruleCode, id.orgUnit, id.seriesKey, id.periodKey]);
}

/**
 * Stable 64-bit FNV-1a fingerprint of the identity over its UTF-16 code units: 'a' + 16 hex digits.
 * Computed in four 16-bit limbs (prime 2^40 + 0x1b3) so that it needs no BigInt and stays fast.
 */
export function alertFingerprint(id: AlertIdentity): string {
  const text = alertKey(id);
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  for (let i = 0; i < text.length; i++) {
    h0 ^= text.charCodeAt(i);
    const t0 = h0 * 0x1b3;
    const t1 = h1 * 0x1b3 + (t0 >>> 16);
    const t2 = h2 * 0x1b3 + h0 * 0x100 + (t1 >>> 16);
    const t3 = h3 * 0x1b3 + h1 * 0x100 + (t2 >>> 16);
    h0 = t0 & 0xffff;
    h1 = t1 & 0xffff;
    h2 = t2 & 0xffff;
    h3 = t3 & 0xffff;
  }
  return `a${[h3, h2, h1, h0].map((h) => h.toString(16).padStart(4, '0')).join('')}`;
}
