import { describe, expect, it } from 'vitest';
import type { ComplianceRule } from '../definition.ts';
import type { RuleEvent } from '../predicate.ts';
import { COMMON_FIELDS } from '../rule-fixtures.ts';
import { evaluateCompliance, relatedEventQueries } from './compliance.ts';

const rule: ComplianceRule = {
  ...COMMON_FIELDS,
  code: 'rx_unreviewed',
  kind: 'compliance',
  eventTypes: ['prescription'],
  match: { field: 'channel', op: '=', value: 'online' },
  violation: { missingWithin: { field: 'reviewedAt', minutes: 30 } },
};
const rx = (attributes: Record<string, unknown>, type = 'prescription'): RuleEvent => ({ id: 'rx9', type, orgUnit: 'D2', occurredAt: '2026-03-01T08:00:00.000Z', patient: 'p1', attributes });
const at = (iso: string) => new Date(iso);

describe('evaluateCompliance', () => {
  it.each<[string, RuleEvent, string, string]>([
    ['skips another event type', rx({ channel: 'online' }, 'visit'), '2026-03-01T09:00:00Z', 'skipped'],
    ['skips an event that does not match', rx({ channel: 'offline' }), '2026-03-01T09:00:00Z', 'skipped'],
    ['waits while the review window is open', rx({ channel: 'online' }), '2026-03-01T08:10:00Z', 'pending'],
    ['breaches after the window without review', rx({ channel: 'online' }), '2026-03-01T08:31:00Z', 'breach'],
    ['passes with a timely review', rx({ channel: 'online', reviewedAt: '2026-03-01T08:20:00Z' }), '2026-03-01T08:31:00Z', 'ok'],
  ])('%s', (_name, event, now, kind) => {
    expect(evaluateCompliance(rule, event, [], at(now)).kind).toBe(kind);
  });

  it('tells the scheduler when to re-check a pending event', () => {
    const o = evaluateCompliance(rule, rx({ channel: 'online' }), [], at('2026-03-01T08:10:00Z'));
    expect(o.pendingUntil).toBe('2026-03-01T08:30:00.000Z');
  });

  it('keys the alert by the event and records the fields it read', () => {
    const o = evaluateCompliance(rule, rx({ channel: 'online', doctor: 'dr1' }), [], at('2026-03-01T09:00:00Z'));
    expect(o).toMatchObject({ orgUnit: 'D2', seriesKey: 'event:rx9', periodKey: '2026-03-01T08:00:00.000Z', closed: true, value: 1 });
    expect(o.detail.facts).toEqual({ channel: 'online', reviewedAt: null, occurredAt: '2026-03-01T08:00:00.000Z' });
  });

  it('skips a disabled rule', () => {
    expect(evaluateCompliance({ ...rule, enabled: false }, rx({ channel: 'online' }), [], at('2026-03-01T09:00:00Z')).detail.reason).toBe('disabled');
  });

  it('lists the related-event queries the engine must run', () => {
    const related: ComplianceRule = { ...rule, violation: { not: { relatedExists: { type: 'visit', beforeMinutes: 60, afterMinutes: 30 } } } };
    expect(relatedEventQueries(related, rx({ channel: 'online' }))).toEqual([
      { types: ['visit'], joinField: 'patient', joinValue: 'p1', from: '2026-03-01T07:00:00.000Z', to: '2026-03-01T08:30:00.000Z' },
    ]);
    expect(relatedEventQueries(rule, rx({}))).toEqual([]);
  });
});
