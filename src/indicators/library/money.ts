import type { IndicatorDefinitionInput } from '../definition-schema.ts';

/**
 * Revenue structure (收入结构). Charge lines belong to an outpatient encounter when they carry
 * visitId (inpatient lines carry stayId instead).
 */
const OUTPATIENT_CHARGE = { attribute: 'visitId', op: 'exists' } as const;

export const MONEY: readonly IndicatorDefinitionInput[] = [
  {
    code: 'medical_revenue',
    version: 1,
    nameZh: '医疗收入',
    nameEn: 'Medical revenue',
    unit: 'yuan',
    direction: 'neutral',
    category: 'money',
    description: 'Sum of all charge lines.',
    formula: 'Σ charge.amount',
    measure: { kind: 'sum', eventTypes: ['charge'], of: { attribute: 'amount' } },
  },
  {
    code: 'outpatient_cost_per_visit',
    version: 1,
    nameZh: '门诊次均费用',
    nameEn: 'Outpatient cost per visit',
    unit: 'yuan',
    direction: 'lower_better',
    category: 'money',
    description: 'Outpatient charges over outpatient visits. Its year-on-year increase (门诊次均费用增幅) is this value against samePeriodLastYear, computed at query time.',
    formula: 'Σ charge.amount (visitId exists) / count(visit)',
    measure: {
      kind: 'ratio',
      numerator: { aggregate: 'sum', eventTypes: ['charge'], filter: [OUTPATIENT_CHARGE], of: { attribute: 'amount' } },
      denominator: { aggregate: 'count', eventTypes: ['visit'] },
    },
  },
  {
    code: 'drug_revenue_share',
    version: 1,
    nameZh: '药占比',
    nameEn: 'Drug revenue share',
    unit: '%',
    direction: 'lower_better',
    category: 'money',
    description: 'Drug charges over all charges.',
    formula: 'Σ charge.amount (category = drug) / Σ charge.amount × 100',
    measure: {
      kind: 'ratio',
      numerator: { aggregate: 'sum', eventTypes: ['charge'], filter: [{ attribute: 'category', op: 'eq', value: 'drug' }], of: { attribute: 'amount' } },
      denominator: { aggregate: 'sum', eventTypes: ['charge'], of: { attribute: 'amount' } },
      factor: 100,
    },
  },
  {
    code: 'service_revenue_share',
    version: 1,
    nameZh: '医疗服务收入（不含药品、耗材、检查检验收入）占医疗收入比例',
    nameEn: 'Medical service revenue share',
    unit: '%',
    direction: 'higher_better',
    category: 'money',
    description: 'Charges other than drug, consumable, exam and lab, over all charges.',
    formula: 'Σ charge.amount (category ∉ {drug, consumable, exam, lab}) / Σ charge.amount × 100',
    measure: {
      kind: 'ratio',
      numerator: {
        aggregate: 'sum',
        eventTypes: ['charge'],
        filter: [{ attribute: 'category', op: 'nin', value: ['drug', 'consumable', 'exam', 'lab'] }],
        of: { attribute: 'amount' },
      },
      denominator: { aggregate: 'sum', eventTypes: ['charge'], of: { attribute: 'amount' } },
      factor: 100,
    },
  },
  {
    code: 'insurance_share',
    version: 1,
    nameZh: '门诊收入中医保支付占比',
    nameEn: 'Insurance share of outpatient revenue',
    unit: '%',
    direction: 'neutral',
    category: 'money',
    description: 'Outpatient charges paid by insurance over all outpatient charges.',
    formula: 'Σ charge.amount (visitId exists, payer = insurance) / Σ charge.amount (visitId exists) × 100',
    measure: {
      kind: 'ratio',
      numerator: {
        aggregate: 'sum',
        eventTypes: ['charge'],
        filter: [OUTPATIENT_CHARGE, { attribute: 'payer', op: 'eq', value: 'insurance' }],
        of: { attribute: 'amount' },
      },
      denominator: { aggregate: 'sum', eventTypes: ['charge'], filter: [OUTPATIENT_CHARGE], of: { attribute: 'amount' } },
      factor: 100,
    },
  },
];
