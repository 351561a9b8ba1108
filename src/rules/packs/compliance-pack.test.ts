import { describe, expect, it } from 'vitest';
import { parseRuleDefinition, type ComplianceRule } from '../definition.ts';
import { evaluateCompliance } from '../evaluate/compliance.ts';
import type { RuleEvent } from '../predicate.ts';
import { compliancePack } from './compliance-pack.ts';

const pack = compliancePack({ orgUnit: 'G', includeDescendants: true });
const NOW = new Date('2026-03-01T12:00:00Z');
let seq = 0;
const ev = (type: string, attributes: Record<string, unknown>, extra: Partial<RuleEvent> = {}): RuleEvent => ({
  id: `e${++seq}`,
  type,
  orgUnit: 'D1',
  occurredAt: '2026-03-01T08:00:00Z',
  patient: 'p1',
  attributes,
  ...extra,
});
const onlineRx = (attrs: Record<string, unknown> = {}) =>
  ev('prescription', { channel: 'online', doctor: 'dr1', reviewedAt: '2026-03-01T08:10:00Z', items: [{ drug: 'amoxicillin', controlled: false }], patientAgeYears: 40, ...attrs });
const offlineVisit = ev('visit', { channel: 'offline' }, { occurredAt: '2025-11-01T08:00:00Z' });

describe('compliance pack', () => {
  it('contains only valid, uniquely coded, switchable rules', () => {
    for (const r of pack) expect(parseRuleDefinition(r), r.code).toEqual({ ok: true, rule: r });
    expect(new Set(pack.map((r) => r.code)).size).toBe(pack.length);
    expect(pack.every((r) => typeof r.enabled === 'boolean')).toBe(true);
  });

  const cases: readonly [string, RuleEvent, RuleEvent, readonly RuleEvent[]][] = [
    ['cp_online_first_visit', ev('visit', { channel: 'online', visitKind: 'first' }), ev('visit', { channel: 'online', visitKind: 'follow_up' }), []],
    ['cp_online_first_visit', ev('consultation', { visitKind: 'follow_up', hasOfflineRecord: false }), ev('consultation', { visitKind: 'follow_up', hasOfflineRecord: true }), []],
    ['cp_online_rx_without_offline_record', onlineRx(), onlineRx(), [offlineVisit]],
    ['cp_online_rx_unreviewed_30m', onlineRx({ reviewedAt: null }), onlineRx(), []],
    ['cp_unregistered_doctor_online', ev('visit', { channel: 'online', doctorRegistered: false }), ev('visit', { channel: 'online', doctorRegistered: true }), []],
    ['cp_unregistered_doctor_online', ev('consultation', { doctorRegistered: true, doctorLicensedForDepartment: false }), ev('consultation', { doctorRegistered: true, doctorLicensedForDepartment: true }), []],
    ['cp_controlled_drug_online', onlineRx({ items: [{ drug: 'a', controlled: false }, { drug: 'morphine', controlled: true }] }), onlineRx(), []],
    ['cp_child_without_guardian', onlineRx({ patientAgeYears: 4 }), onlineRx({ patientAgeYears: 4, guardianPresent: true }), []],
    ['cp_ai_issued_prescription', onlineRx({ issuerKind: 'ai' }), onlineRx({ issuerKind: 'doctor' }), []],
    ['cp_ai_issued_prescription', onlineRx({ doctor: null }), onlineRx(), []],
  ];

  it.each(cases)('%s: breaches on the violating event and passes the compliant one', (code, breach, pass, relatedForPass) => {
    const rule = pack.find((r): r is ComplianceRule => r.code === code && r.kind === 'compliance');
    expect(rule).toBeDefined();
    if (!rule) return;
    expect(evaluateCompliance(rule, breach, [], NOW).kind).toBe('breach');
    expect(evaluateCompliance(rule, pass, [pass, ...relatedForPass], NOW).kind).toBe('ok');
  });

  it('does not judge offline prescriptions by the online-only rules', () => {
    const offline = onlineRx({ channel: 'offline', reviewedAt: null, patientAgeYears: 3 });
    const online = pack.filter((r): r is ComplianceRule => r.kind === 'compliance' && r.code !== 'cp_ai_issued_prescription');
    for (const r of online) expect(evaluateCompliance(r, offline, [], NOW).kind, r.code).toBe('skipped');
  });

  it('skips online events that do not say whether the doctor is registered, rather than calling them a breach', () => {
    const rule = pack.find((r): r is ComplianceRule => r.code === 'cp_unregistered_doctor_online' && r.kind === 'compliance');
    if (!rule) throw new Error('rule missing');
    expect(evaluateCompliance(rule, ev('visit', { channel: 'online' }), [], NOW).kind).toBe('skipped');
    expect(evaluateCompliance(rule, ev('consultation', { doctorLicensedForDepartment: true }), [], NOW).kind).toBe('ok');
  });

  it('includes the data-submission quality rules', () => {
    expect(pack.filter((r) => r.kind === 'source_quality').map((r) => r.code)).toEqual(['dq_source_success_rate', 'dq_source_invalid_share', 'dq_source_timeliness', 'dq_source_silent']);
  });
});
