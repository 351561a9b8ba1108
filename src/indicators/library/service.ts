import type { IndicatorDefinitionInput } from '../definition-schema.ts';

/**
 * Patient experience (满意度评价). The national assessment reports satisfaction out of 100, so the
 * survey indicators average the scores sent on the 0–100 scale; 1–5 surveys are left out because a
 * mean cannot mix scales (a source on the 1–5 scale should convert at the edge).
 */
const satisfaction = (scope: string, nameZh: string, nameEn: string): IndicatorDefinitionInput => ({
  code: `${scope}_satisfaction`,
  version: 1,
  nameZh,
  nameEn,
  unit: 'score (0–100)',
  direction: 'higher_better',
  category: 'service',
  description: `Mean score of ${scope} satisfaction surveys on the 0–100 scale.`,
  formula: `avg(survey.score where scope = ${scope}, scale = 0-100)`,
  measure: {
    kind: 'average',
    eventTypes: ['survey'],
    filter: [
      { attribute: 'scope', op: 'eq', value: scope },
      { attribute: 'scale', op: 'eq', value: '0-100' },
    ],
    of: { attribute: 'score' },
  },
});

export const SERVICE: readonly IndicatorDefinitionInput[] = [
  satisfaction('outpatient', '门诊患者满意度', 'Outpatient satisfaction'),
  satisfaction('inpatient', '住院患者满意度', 'Inpatient satisfaction'),
  satisfaction('online', '线上诊疗患者满意度', 'Online patient satisfaction'),
  {
    code: 'complaints_per_10k_visits',
    version: 1,
    nameZh: '每万人次门诊投诉量',
    nameEn: 'Complaints per 10,000 visits',
    unit: 'per 10k visits',
    direction: 'lower_better',
    category: 'service',
    description: 'Complaints received over outpatient visits, per 10,000 visits.',
    formula: 'count(complaint) / count(visit) × 10000',
    measure: {
      kind: 'ratio',
      numerator: { aggregate: 'count', eventTypes: ['complaint'] },
      denominator: { aggregate: 'count', eventTypes: ['visit'] },
      factor: 10000,
    },
  },
  {
    code: 'followup_completion',
    version: 1,
    nameZh: '随访完成率',
    nameEn: 'Follow-up completion rate',
    unit: '%',
    direction: 'higher_better',
    category: 'service',
    description: 'Follow-ups planned in the period that were done (doneAt present).',
    formula: 'count(followup where doneAt exists) / count(followup) by plannedAt × 100',
    measure: {
      kind: 'ratio',
      numerator: { aggregate: 'count', eventTypes: ['followup'], timeAttribute: 'plannedAt', filter: [{ attribute: 'doneAt', op: 'exists' }] },
      denominator: { aggregate: 'count', eventTypes: ['followup'], timeAttribute: 'plannedAt' },
      factor: 100,
    },
  },
];
