import type { IndicatorDefinitionInput } from '../definition-schema.ts';

/**
 * Rational drug use (合理用药). Prescription-level shares use an item filter (a prescription counts
 * when ANY item matches); the procurement share sums amounts item by item (forEach).
 */
const rxShare = (code: string, nameZh: string, nameEn: string, itemFlag: string): IndicatorDefinitionInput => ({
  code,
  version: 1,
  nameZh,
  nameEn,
  unit: '%',
  direction: itemFlag === 'essential' ? 'higher_better' : 'lower_better',
  category: 'pharmacy',
  description: `Prescriptions with at least one item where ${itemFlag} is true, over all prescriptions.`,
  formula: `count(prescription where any items[].${itemFlag} = true) / count(prescription) × 100`,
  measure: {
    kind: 'ratio',
    numerator: { aggregate: 'count', eventTypes: ['prescription'], filter: [{ attribute: `items[].${itemFlag}`, op: 'eq', value: true }] },
    denominator: { aggregate: 'count', eventTypes: ['prescription'] },
    factor: 100,
  },
});

export const PHARMACY: readonly IndicatorDefinitionInput[] = [
  {
    code: 'pharmacist_review_rate',
    version: 1,
    nameZh: '处方审核率',
    nameEn: 'Pharmacist review rate',
    unit: '%',
    direction: 'higher_better',
    category: 'pharmacy',
    description: 'Prescriptions reviewed by a pharmacist (reviewedAt present) over all prescriptions.',
    formula: 'count(prescription where reviewedAt exists) / count(prescription) × 100',
    measure: {
      kind: 'ratio',
      numerator: { aggregate: 'count', eventTypes: ['prescription'], filter: [{ attribute: 'reviewedAt', op: 'exists' }] },
      denominator: { aggregate: 'count', eventTypes: ['prescription'] },
      factor: 100,
    },
  },
  rxShare('essential_drug_rx_share', '门诊患者基本药物处方占比', 'Essential-drug prescription share', 'essential'),
  rxShare('antibiotic_rx_share', '门诊抗菌药物处方占比', 'Antibiotic prescription share', 'antibiotic'),
  {
    code: 'central_procurement_share',
    version: 1,
    nameZh: '国家组织药品集中采购中标药品使用比例',
    nameEn: 'Centrally procured drug share',
    unit: '%',
    direction: 'higher_better',
    category: 'pharmacy',
    description: 'Amount of prescription items that are centrally procured over the amount of all items.',
    formula: 'Σ items[].amount (centralProcurement = true) / Σ items[].amount × 100',
    measure: {
      kind: 'ratio',
      numerator: {
        aggregate: 'sum',
        eventTypes: ['prescription'],
        forEach: 'items',
        filter: [{ attribute: 'items[].centralProcurement', op: 'eq', value: true }],
        of: { attribute: 'items[].amount' },
      },
      denominator: { aggregate: 'sum', eventTypes: ['prescription'], forEach: 'items', of: { attribute: 'items[].amount' } },
      factor: 100,
    },
  },
];
