/**
 * Alerts that share a rule and a parent org unit travel together (one message for "wait time high
 * in 5 departments of hospital A"). When a group is sent is a pure function of its timestamps,
 * in the manner of Alertmanager: wait `groupWait` after the first alert, then at most every
 * `groupInterval` while it changes, and remind every `repeatInterval` while nothing changes.
 */
export interface GroupableAlert {
  readonly ruleCode: string;
  /** Org unit ids from the root to the alert's own unit. */
  readonly orgPath: readonly string[];
}

export function parentOrgUnit(orgPath: readonly string[]): string | null {
  return orgPath.length >= 2 ? (orgPath[orgPath.length - 2] ?? null) : null;
}

export function groupKey(alert: GroupableAlert): string {
  return JSON.stringify([alert.ruleCode, parentOrgUnit(alert.orgPath)]);
}

/** Groups in first-seen order; alerts keep their order within a group. */
export function groupAlerts<T extends GroupableAlert>(alerts: readonly T[]): ReadonlyMap<string, readonly T[]> {
  const groups = new Map<string, T[]>();
  for (const a of alerts) {
    const key = groupKey(a);
    const members = groups.get(key);
    if (members) members.push(a);
    else groups.set(key, [a]);
  }
  return groups;
}

export interface GroupTiming {
  readonly groupWaitMs: number;
  readonly groupIntervalMs: number;
  readonly repeatIntervalMs: number;
}

export const DEFAULT_GROUP_TIMING: GroupTiming = { groupWaitMs: 30_000, groupIntervalMs: 5 * 60_000, repeatIntervalMs: 4 * 3_600_000 };

export interface GroupState {
  readonly firstSeenAt: string;
  readonly lastFlushedAt: string | null;
  /** An alert joined, fired or resolved since the last flush. */
  readonly changedSinceFlush: boolean;
}

export interface FlushDecision {
  readonly flush: boolean;
  /** When the group is next due (the time just passed when `flush` is true). */
  readonly dueAt: string;
  readonly reason: 'group_wait' | 'group_interval' | 'repeat_interval';
}

export function groupFlushDecision(group: GroupState, timing: GroupTiming, now: Date): FlushDecision {
  const due = (from: string, ms: number, reason: FlushDecision['reason']): FlushDecision => {
    const dueAt = Date.parse(from) + ms;
    return { flush: now.getTime() >= dueAt, dueAt: new Date(dueAt).toISOString(), reason };
  };
  if (group.lastFlushedAt === null) return due(group.firstSeenAt, timing.groupWaitMs, 'group_wait');
  if (group.changedSinceFlush) return due(group.lastFlushedAt, timing.groupIntervalMs, 'group_interval');
  return due(group.lastFlushedAt, timing.repeatIntervalMs, 'repeat_interval');
}
