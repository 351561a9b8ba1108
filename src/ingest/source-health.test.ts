import { describe, expect, it } from 'vitest';
import { judgeSourceHealth, statusRank, type HealthInput } from './source-health.ts';

const DELAY = 3600;
const healthy: HealthInput = {
  active: true, expected: 10, captureRate: 1, received: 500, successRate: 0.99, timeliness: { p95Seconds: 600 }, lastSeenAt: new Date('2026-11-23T02:00:00Z'),
};

describe('judgeSourceHealth', () => {
  it.each<[string, Partial<HealthInput>, string, string[]]>([
    ['all figures within bounds', {}, 'healthy', []],
    ['never sent anything', { lastSeenAt: null, received: 0, captureRate: null, successRate: null, timeliness: { p95Seconds: null } }, 'silent', ['NEVER_SENT']],
    ['owed batches and sent nothing this period', { received: 0, captureRate: 0, successRate: null, timeliness: { p95Seconds: null } }, 'silent', ['NOTHING_RECEIVED']],
    ['sent nothing but owes nothing (no cadence)', { expected: null, captureRate: null, received: 0, successRate: null, timeliness: { p95Seconds: null } }, 'healthy', []],
    ['refuses too many records', { successRate: 0.9 }, 'bad_data', ['LOW_SUCCESS_RATE']],
    ['sent only refused records (not silent)', { successRate: 0, captureRate: 0, timeliness: { p95Seconds: null } }, 'bad_data', ['LOW_SUCCESS_RATE', 'LOW_CAPTURE_RATE']],
    ['missed batch windows', { captureRate: 0.5 }, 'late', ['LOW_CAPTURE_RATE']],
    ['delivers events long after they occurred', { timeliness: { p95Seconds: 7200 } }, 'late', ['SLOW_DELIVERY']],
    ['exactly at the bounds', { successRate: 0.95, captureRate: 0.9, timeliness: { p95Seconds: 3600 } }, 'healthy', []],
    ['switched off, whatever its figures', { active: false, received: 0, captureRate: 0 }, 'inactive', ['NOTHING_RECEIVED']],
  ])('%s → %s', (_name, change, status, reasons) => {
    expect(judgeSourceHealth({ ...healthy, ...change }, DELAY)).toEqual({ status, reasons });
  });

  it('ranks sources in trouble before healthy and inactive ones', () => {
    const order = ['healthy', 'late', 'inactive', 'silent', 'bad_data'] as const;
    expect([...order].sort((a, b) => statusRank(a) - statusRank(b))).toEqual(['silent', 'bad_data', 'late', 'healthy', 'inactive']);
  });
});
