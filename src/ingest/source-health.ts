/**
 * The one-word state of a source that tells a data administrator where to look first: silent
 * (nothing arrived although something was expected), bad data (too many records refused), late
 * (missed batch windows or events arriving long after they occurred), healthy, or inactive
 * (switched off on purpose). Pure: judged from the quality figures of one period.
 */
export const SOURCE_STATUSES = ['silent', 'bad_data', 'late', 'healthy', 'inactive'] as const;
export type SourceStatus = (typeof SOURCE_STATUSES)[number];

/** Why a source is not healthy; several can hold at once, the status names the worst. */
export type HealthReason = 'NEVER_SENT' | 'NOTHING_RECEIVED' | 'LOW_SUCCESS_RATE' | 'LOW_CAPTURE_RATE' | 'SLOW_DELIVERY';

/** Below this share of accepted (or idempotently re-sent) records the data is called bad. */
export const MIN_SUCCESS_RATE = 0.95;
/** Below this share of the expected batches/events the source is called late. */
export const MIN_CAPTURE_RATE = 0.9;

export interface HealthInput {
  readonly active: boolean;
  readonly expected: number | null;
  readonly captureRate: number | null;
  readonly received: number;
  readonly successRate: number | null;
  readonly timeliness: { readonly p95Seconds: number | null };
  readonly lastSeenAt: Date | null;
}

export interface SourceHealth {
  readonly status: SourceStatus;
  readonly reasons: readonly HealthReason[];
}

export function judgeSourceHealth(q: HealthInput, agreedDelaySeconds: number): SourceHealth {
  const reasons: HealthReason[] = [];
  if (q.lastSeenAt === null) reasons.push('NEVER_SENT');
  // A source with a cadence that owed something in the period and sent nothing at all is silent;
  // without a cadence nothing is owed, so only a source that never sent anything is. One that
  // sent, but outside its windows or only refused records, is late or bad, not silent.
  else if (q.expected !== null && q.expected > 0 && q.received === 0) reasons.push('NOTHING_RECEIVED');
  if (q.successRate !== null && q.successRate < MIN_SUCCESS_RATE) reasons.push('LOW_SUCCESS_RATE');
  const silent = reasons.includes('NEVER_SENT') || reasons.includes('NOTHING_RECEIVED');
  if (!silent && q.captureRate !== null && q.captureRate < MIN_CAPTURE_RATE) reasons.push('LOW_CAPTURE_RATE');
  if (q.timeliness.p95Seconds !== null && q.timeliness.p95Seconds > agreedDelaySeconds) reasons.push('SLOW_DELIVERY');
  if (!q.active) return { status: 'inactive', reasons };
  const status: SourceStatus = silent ? 'silent'
    : reasons.includes('LOW_SUCCESS_RATE') ? 'bad_data'
      : reasons.includes('LOW_CAPTURE_RATE') || reasons.includes('SLOW_DELIVERY') ? 'late'
        : 'healthy';
  return { status, reasons };
}

/** Sort key: sources in trouble first (silent, bad data, late), then healthy, then inactive ones. */
export function statusRank(status: SourceStatus): number {
  return SOURCE_STATUSES.indexOf(status);
}
