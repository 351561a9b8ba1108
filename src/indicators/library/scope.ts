import type { IndicatorDefinitionInput } from '../definition-schema.ts';

/**
 * Which events the national definitions count as outpatient (门诊), shared by the library's
 * definitions. A visit is outpatient unless its setting says emergency (急诊, counted by
 * emergency_visits), home (家庭卫生服务) or observation (留观, FHIR OBSENC); a visit without a
 * setting is outpatient. A charge is
 * outpatient when it belongs to a visit (visitId), not to a stay (stayId), and its setting is not
 * one of those or inpatient (the FHIR adapter sets it from the claim's encounter class).
 */
type Filter = NonNullable<Extract<IndicatorDefinitionInput['measure'], { kind: 'count' }>['filter']>[number];

export const OUTPATIENT_VISIT: Filter = { attribute: 'setting', op: 'none_in', value: ['emergency', 'home', 'observation'] };

export const OUTPATIENT_CHARGE: readonly Filter[] = [
  { attribute: 'visitId', op: 'exists' },
  { attribute: 'stayId', op: 'missing' },
  { attribute: 'setting', op: 'none_in', value: ['emergency', 'home', 'observation', 'inpatient'] },
];
