import type { ComplianceRule, RuleDefinition, SourceQualityRule } from '../definition.ts';

/**
 * The internet-hospital compliance pack (DOMAIN §6, 事中控制) as ordinary rules a hospital or a
 * regulator switches on and tunes. Event attributes follow DOMAIN §3; two are enrichments the engine
 * adds from master data before judging: `doctorRegistered` (备案) and `doctorLicensedForDepartment`.
 * A rule judges only events that carry the facts it needs: an event without `doctorRegistered` or
 * `doctorLicensedForDepartment` cannot be judged for registration and is skipped, never a breach.
 */
export interface PackScope {
  readonly orgUnit: string;
  readonly includeDescendants: boolean;
}

type Common = Omit<ComplianceRule, 'kind' | 'eventTypes' | 'match' | 'violation'>;

function common(scope: PackScope, code: string, nameZh: string, nameEn: string, severity: 1 | 2 | 3 | 4, messageZh: string, messageEn: string): Common {
  return {
    code,
    version: 1,
    nameZh,
    nameEn,
    enabled: true,
    scope,
    severity,
    category: 'compliance',
    labels: { pack: 'internet_hospital' },
    messageZh,
    messageEn,
    missingData: 'skip',
    evaluateOpenPeriod: true,
  };
}

const ONLINE = { field: 'channel', op: '=', value: 'online' } as const;
const YEAR_MINUTES = 365 * 24 * 60;

export function compliancePack(scope: PackScope): readonly RuleDefinition[] {
  const rules: readonly ComplianceRule[] = [
    {
      ...common(scope, 'cp_online_first_visit', '线上首诊', 'Online first visit', 2, '{{orgUnitName}} 线上接诊首诊患者（事件 {{event}}）', 'Online encounter with a first-visit patient at {{orgUnitName}} (event {{event}})'),
      kind: 'compliance',
      eventTypes: ['visit', 'consultation'],
      match: { any: [{ field: 'type', op: '=', value: 'consultation' }, ONLINE] },
      violation: { any: [{ field: 'visitKind', op: '=', value: 'first' }, { field: 'hasOfflineRecord', op: '=', value: false }] },
    },
    {
      ...common(scope, 'cp_online_rx_without_offline_record', '线上处方无线下诊断记录', 'Online prescription without an offline diagnosis', 2, '{{orgUnitName}} 线上处方 {{event}} 的患者一年内无线下就诊记录', 'Online prescription {{event}} at {{orgUnitName}}: no offline visit within a year'),
      kind: 'compliance',
      eventTypes: ['prescription'],
      match: ONLINE,
      violation: { not: { relatedExists: { type: 'visit', join: 'patient', beforeMinutes: YEAR_MINUTES, where: { field: 'channel', op: '=', value: 'offline' } } } },
    },
    {
      ...common(scope, 'cp_online_rx_unreviewed_30m', '线上处方30分钟未审方', 'Online prescription not reviewed in 30 minutes', 3, '{{orgUnitName}} 线上处方 {{event}} 开具后30分钟内无药师审核', 'Online prescription {{event}} at {{orgUnitName}} not reviewed by a pharmacist within 30 minutes'),
      kind: 'compliance',
      eventTypes: ['prescription'],
      match: ONLINE,
      violation: { missingWithin: { field: 'reviewedAt', minutes: 30 } },
    },
    {
      ...common(scope, 'cp_unregistered_doctor_online', '未备案医师线上执业', 'Unregistered doctor practising online', 2, '{{orgUnitName}} 未备案或超范围医师线上接诊（事件 {{event}}）', 'Doctor not registered or licensed for the department practised online at {{orgUnitName}} (event {{event}})'),
      kind: 'compliance',
      eventTypes: ['visit', 'consultation', 'prescription'],
      // Only events that carry the registry facts are judged; without them the event cannot be judged (skipped).
      match: {
        all: [
          { any: [{ field: 'type', op: '=', value: 'consultation' }, ONLINE] },
          { any: [{ field: 'doctorRegistered', op: 'exists' }, { field: 'doctorLicensedForDepartment', op: 'exists' }] },
        ],
      },
      violation: { any: [{ field: 'doctorRegistered', op: '=', value: false }, { field: 'doctorLicensedForDepartment', op: '=', value: false }] },
    },
    {
      ...common(scope, 'cp_controlled_drug_online', '线上开具特殊管理药品', 'Controlled drug prescribed online', 1, '{{orgUnitName}} 线上处方 {{event}} 含麻醉、精神等特殊管理药品', 'Online prescription {{event}} at {{orgUnitName}} contains a specially controlled drug'),
      kind: 'compliance',
      eventTypes: ['prescription'],
      match: ONLINE,
      violation: { some: { field: 'items', where: { field: 'controlled', op: '=', value: true } } },
    },
    {
      ...common(scope, 'cp_child_without_guardian', '儿童线上处方无监护人', 'Online prescription for a child without a guardian', 2, '{{orgUnitName}} 儿童线上处方 {{event}} 未确认监护人在场', 'Online prescription {{event}} for a child at {{orgUnitName}} without a guardian present'),
      kind: 'compliance',
      eventTypes: ['prescription'],
      // 6 years: the age below which online care requires a guardian (互联网诊疗管理办法); tunable.
      match: { all: [ONLINE, { field: 'patientAgeYears', op: '<', value: 6 }] },
      violation: { field: 'guardianPresent', op: '!=', value: true },
    },
    {
      ...common(scope, 'cp_ai_issued_prescription', 'AI自动开具处方', 'Prescription issued by an AI system', 1, '{{orgUnitName}} 处方 {{event}} 由AI自动生成且无医师签发', 'Prescription {{event}} at {{orgUnitName}} issued by an AI system without a doctor'),
      kind: 'compliance',
      eventTypes: ['prescription'],
      violation: { any: [{ field: 'issuerKind', op: '=', value: 'ai' }, { field: 'doctor', op: 'not_exists' }] },
    },
  ];
  return [...rules, ...dataQualityRules(scope)];
}

type QualityCommon = Omit<SourceQualityRule, 'kind' | 'metric' | 'op' | 'bound'>;

function quality(scope: PackScope, code: string, nameZh: string, nameEn: string, messageZh: string, messageEn: string): QualityCommon {
  return { ...common(scope, code, nameZh, nameEn, 3, messageZh, messageEn), category: 'data_quality', labels: { pack: 'data_quality' }, evaluateOpenPeriod: false };
}

/** Data submission quality per source (§6, §11): success rate, failing validation, timeliness, silence. */
export function dataQualityRules(scope: PackScope): readonly SourceQualityRule[] {
  return [
    { ...quality(scope, 'dq_source_success_rate', '接口上传成功率低', 'Source upload success rate low', '接口 {{source}} 上传成功率 {{value}} 低于 {{bound}}', 'Source {{source}} success rate {{value}} below {{bound}}'), kind: 'source_quality', metric: 'success_rate', op: '<', bound: 0.95 },
    { ...quality(scope, 'dq_source_invalid_share', '接口校验失败占比高', 'Source validation failures high', '接口 {{source}} 校验失败占比 {{value}} 超过 {{bound}}', 'Source {{source}} share failing validation {{value}} above {{bound}}'), kind: 'source_quality', metric: 'invalid_share', op: '>', bound: 0.05 },
    { ...quality(scope, 'dq_source_timeliness', '接口上传及时率低', 'Source timeliness low', '接口 {{source}} 及时率 {{value}} 低于 {{bound}}', 'Source {{source}} on-time rate {{value}} below {{bound}}'), kind: 'source_quality', metric: 'on_time_rate', op: '<', bound: 0.9 },
    {
      ...quality(scope, 'dq_source_silent', '接口中断', 'Source silent', '接口 {{source}} 已 {{silentFor}} 无数据', 'Source {{source}} silent for {{silentFor}}'),
      severity: 2,
      missingData: 'alert',
      evaluateOpenPeriod: true,
      kind: 'source_quality',
      metric: 'silent_minutes',
      op: '>',
      bound: 120,
    },
  ];
}
