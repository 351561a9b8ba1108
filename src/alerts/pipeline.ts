import type { AlertState } from './alert.ts';
import { groupFlushDecision, type GroupState, type GroupTiming } from './grouping.ts';
import { DEFAULT_INHIBITION, findInhibitors, type InhibitableAlert, type InhibitionOptions } from './inhibition.ts';
import { mutedUntil, type HolidayPredicate, type MuteWindow } from './mute-window.ts';
import { silencedBy, type Silence, type SilenceableAlert } from './silence.ts';

/**
 * Whether to send a notification for an alert now, as a pipeline of small stages, each of which may
 * hold it back: dedup → inhibition → silence → mute window → group wait. The first stage that holds
 * it back names the reason, which the engine records with the alert (suppressed alerts are always
 * recorded). `retryAt` says when a temporary hold (mute window, group wait) ends.
 */
export interface NotifiableAlert extends InhibitableAlert, SilenceableAlert {
  readonly state: AlertState;
  /** The state last announced to people for this alert; null when never notified. */
  readonly lastNotifiedState: AlertState | null;
}

export interface NotificationContext {
  /** Other alerts currently active (inhibitor candidates). */
  readonly activeAlerts: readonly InhibitableAlert[];
  readonly silences: readonly Silence[];
  readonly muteWindows: readonly MuteWindow[];
  readonly isHoliday: HolidayPredicate;
  readonly inhibition?: InhibitionOptions;
  /** Alerts of this severity or more severe (1 is most severe) go out even inside mute windows. */
  readonly bypassMuteAtSeverity?: number;
  /** The alert's group; absent means no grouping delay. */
  readonly group?: { readonly state: GroupState; readonly timing: GroupTiming };
}

export type SuppressionReason = 'silence' | 'inhibition' | 'mute_window' | 'dedup' | 'group_wait';

export interface NotificationDecision {
  readonly notify: boolean;
  readonly suppressedBy?: SuppressionReason;
  /** Ids of the silences or fingerprints of the inhibiting alerts. */
  readonly by?: readonly string[];
  readonly retryAt?: string;
}

export type Stage = (alert: NotifiableAlert, ctx: NotificationContext, now: Date) => NotificationDecision | null;

/** Pending alerts are not announced; a state already announced is not announced again; a resolution is announced only if the firing was. */
export const dedupStage: Stage = (alert) => {
  if (alert.state === 'pending' || alert.lastNotifiedState === alert.state) return { notify: false, suppressedBy: 'dedup' };
  if (alert.state === 'resolved' && alert.lastNotifiedState !== 'firing') return { notify: false, suppressedBy: 'dedup' };
  return null;
};

export const inhibitionStage: Stage = (alert, ctx) => {
  if (alert.state !== 'firing') return null;
  const by = findInhibitors(alert, ctx.activeAlerts, ctx.inhibition ?? DEFAULT_INHIBITION);
  return by.length > 0 ? { notify: false, suppressedBy: 'inhibition', by: by.map((a) => a.fingerprint) } : null;
};

export const silenceStage: Stage = (alert, ctx, now) => {
  const by = silencedBy(alert, ctx.silences, now);
  return by.length > 0 ? { notify: false, suppressedBy: 'silence', by } : null;
};

export const muteWindowStage: Stage = (alert, ctx, now) => {
  if (ctx.bypassMuteAtSeverity !== undefined && alert.severity <= ctx.bypassMuteAtSeverity) return null;
  const until = mutedUntil(ctx.muteWindows, now, ctx.isHoliday);
  return until ? { notify: false, suppressedBy: 'mute_window', retryAt: until.toISOString() } : null;
};

export const groupWaitStage: Stage = (_alert, ctx, now) => {
  if (!ctx.group) return null;
  const d = groupFlushDecision(ctx.group.state, ctx.group.timing, now);
  return d.flush ? null : { notify: false, suppressedBy: 'group_wait', retryAt: d.dueAt };
};

export const NOTIFICATION_STAGES: readonly Stage[] = [dedupStage, inhibitionStage, silenceStage, muteWindowStage, groupWaitStage];

export function decideNotification(alert: NotifiableAlert, context: NotificationContext, now: Date): NotificationDecision {
  for (const stage of NOTIFICATION_STAGES) {
    const held = stage(alert, context, now);
    if (held) return held;
  }
  return { notify: true };
}
