/** The shapes the alerts pages read from /api/alerts, /api/silences and /api/mute-windows. */
export type AlertState = 'pending' | 'firing' | 'resolved';
export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface AlertView {
  readonly id: number;
  readonly fingerprint: string;
  readonly ruleCode: string;
  readonly orgUnit: string;
  readonly seriesKey: string;
  readonly periodKey: string;
  readonly severity: number;
  readonly category: string;
  readonly groupKey: string;
  readonly state: AlertState;
  readonly value: number | null;
  readonly bound: number | null;
  readonly messageZh: string;
  readonly messageEn: string;
  readonly notify: boolean;
  readonly suppressedBy: string | null;
  readonly suppressedRefs: readonly string[];
  readonly activeSince: string;
  readonly stateSince: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** The text in the console's language, rendered by the server now (durations are live). */
  readonly message: string;
  /** The alert is an incident: `periodKey` is its first breaching period, `lastPeriodKey` its latest. */
  readonly lastPeriodKey: string;
  readonly periodCount: number;
  readonly endedAt: string | null;
  readonly endReason: string | null;
}

export interface AlertPeriod {
  readonly periodKey: string;
  readonly periodStart: string | null;
  readonly value: number | null;
  readonly bound: number | null;
  readonly firstAt: string;
  readonly lastAt: string;
}

/** A breach judged on a period older than its rule's live horizon (history): shown, never alerted. */
export interface FindingView {
  readonly id: number;
  readonly ruleCode: string;
  readonly ruleNameZh: string;
  readonly ruleNameEn: string;
  readonly severity: number;
  readonly orgUnit: string;
  readonly seriesKey: string;
  readonly periodKey: string;
  readonly periodStart: string | null;
  readonly kind: string;
  readonly value: number | null;
  readonly bound: number | null;
  readonly message: string;
  readonly judgedAt: string;
}

export interface AlertHistoryEntry {
  readonly from: AlertState | null;
  readonly to: AlertState;
  readonly reason: string;
  readonly trigger: string;
  readonly at: string;
  readonly periodKey: string;
  readonly closed: boolean;
  readonly value: number | null;
  readonly bound: number | null;
  readonly detail: { readonly values?: Readonly<Record<string, number | null>>; readonly baseline?: Readonly<Record<string, number | null>>; readonly facts?: Readonly<Record<string, unknown>>; readonly reason?: string };
  readonly ruleVersion: number;
  readonly notify: boolean;
  readonly suppressedBy: string | null;
  readonly suppressedRefs: readonly string[];
}

export interface AlertRuleSummary {
  readonly code: string;
  readonly kind: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly category: string;
  readonly indicator: string | null;
  readonly grain: string | null;
  readonly labels: Readonly<Record<string, string>>;
}

export interface AlertDetail {
  readonly alert: AlertView;
  readonly history: readonly AlertHistoryEntry[];
  readonly periods: readonly AlertPeriod[];
  readonly rule: AlertRuleSummary | null;
  readonly silencedBy: readonly { readonly id: number; readonly endsAt: string; readonly reason: string; readonly createdBy: string }[];
}

export interface Matcher {
  readonly name: string;
  readonly op: MatchOp;
  readonly value: string;
}

export interface SilenceView {
  readonly id: number;
  readonly orgUnit: string;
  readonly matchers: readonly Matcher[];
  readonly startsAt: string;
  readonly endsAt: string;
  readonly createdBy: string;
  readonly reason: string;
  readonly createdAt: string;
  readonly expiredAt: string | null;
  readonly active: boolean;
}

export interface TimeRange {
  readonly start: string;
  readonly end: string;
}

export interface MuteWindowView {
  readonly id: number;
  readonly name: string;
  readonly timezone: string;
  readonly weekdays?: readonly number[];
  readonly holidays?: boolean;
  readonly times?: readonly TimeRange[];
  readonly createdAt: string;
}

/** What /api/indicators/:code/series answers (the fields the alert chart draws). */
export interface IndicatorSeries {
  readonly indicator: { readonly code: string; readonly nameZh: string; readonly nameEn: string; readonly unit: string };
  readonly points: readonly { readonly periodKey: string; readonly periodStart: string; readonly value: number | null; readonly target: number | null }[];
}

/** A work order as far as the alert page links to it. */
export interface LinkedWorkOrder {
  readonly id: string;
  readonly title: string;
  readonly state: string;
  readonly sourceAlerts: readonly string[];
}
