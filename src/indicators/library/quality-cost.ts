import type { IndicatorDefinitionInput } from '../definition-schema.ts';

/** Quality cost (品质成本) in the prevention–appraisal–failure (PAF) model, from quality_event costs. */
const COST = { attribute: 'cost' } as const;

const paf = (costType: string, nameZh: string, nameEn: string): IndicatorDefinitionInput => ({
  code: `quality_cost_${costType}`,
  version: 1,
  nameZh,
  nameEn,
  unit: 'yuan',
  direction: costType === 'prevention' || costType === 'appraisal' ? 'neutral' : 'lower_better',
  category: 'quality_cost',
  description: `Cost of quality events with costType ${costType}.`,
  formula: `Σ quality_event.cost where costType = ${costType}`,
  measure: { kind: 'sum', eventTypes: ['quality_event'], filter: [{ attribute: 'costType', op: 'eq', value: costType }], of: COST },
});

export const QUALITY_COST: readonly IndicatorDefinitionInput[] = [
  paf('prevention', '预防成本', 'Prevention cost'),
  paf('appraisal', '鉴定成本', 'Appraisal cost'),
  paf('internal_failure', '内部损失成本', 'Internal failure cost'),
  paf('external_failure', '外部损失成本', 'External failure cost'),
  {
    code: 'quality_cost_total',
    version: 1,
    nameZh: '品质成本合计',
    nameEn: 'Total quality cost',
    unit: 'yuan',
    direction: 'lower_better',
    category: 'quality_cost',
    description: 'Cost of all quality events.',
    formula: 'Σ quality_event.cost',
    measure: { kind: 'sum', eventTypes: ['quality_event'], of: COST },
  },
  {
    code: 'quality_cost_revenue_ratio',
    version: 1,
    nameZh: '品质成本占收入比',
    nameEn: 'Quality cost to revenue',
    unit: '%',
    direction: 'lower_better',
    category: 'quality_cost',
    description: 'Total quality cost over medical revenue (all charges).',
    formula: 'Σ quality_event.cost / Σ charge.amount × 100',
    measure: {
      kind: 'ratio',
      numerator: { aggregate: 'sum', eventTypes: ['quality_event'], of: COST },
      denominator: { aggregate: 'sum', eventTypes: ['charge'], of: { attribute: 'amount' } },
      factor: 100,
    },
  },
];
