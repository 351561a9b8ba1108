import type { IndicatorDefinitionInput } from '../definition-schema.ts';

/**
 * Online–offline integration (线上线下一体化). Online-to-offline conversion (a consultation
 * followed by an offline visit of the same patient within 30 days) joins two events across time,
 * which a per-event mergeable accumulator cannot express; it is left to a derived computation
 * outside this format and not shipped here.
 */
export const ONLINE_OFFLINE: readonly IndicatorDefinitionInput[] = [
  {
    code: 'delivery_on_time_rate',
    version: 1,
    nameZh: '配送准时率',
    nameEn: 'Delivery on-time rate',
    unit: '%',
    direction: 'higher_better',
    category: 'online_offline',
    description: 'Delivered orders delivered no later than promised, over delivered orders, by delivery time.',
    formula: 'count(delivery where deliveredAt ≤ promisedBy) / count(delivery where deliveredAt exists) × 100',
    measure: {
      kind: 'ratio',
      numerator: {
        aggregate: 'count',
        eventTypes: ['delivery'],
        timeAttribute: 'deliveredAt',
        filter: [{ duration: { from: 'promisedBy', to: 'deliveredAt', unit: 'minutes' }, op: 'lte', value: 0 }],
      },
      denominator: { aggregate: 'count', eventTypes: ['delivery'], timeAttribute: 'deliveredAt' },
      factor: 100,
    },
  },
  {
    code: 'delivery_rx_share',
    version: 1,
    nameZh: '处方配送到家占比',
    nameEn: 'Share of prescriptions dispensed by delivery',
    unit: '%',
    direction: 'neutral',
    category: 'online_offline',
    description: 'Dispensed prescriptions that were dispensed by delivery (dispensedBy = delivery), over dispensed prescriptions.',
    formula: 'count(prescription where dispensedBy = delivery) / count(prescription where dispensedAt exists) × 100',
    measure: {
      kind: 'ratio',
      numerator: {
        aggregate: 'count',
        eventTypes: ['prescription'],
        filter: [{ attribute: 'dispensedAt', op: 'exists' }, { attribute: 'dispensedBy', op: 'eq', value: 'delivery' }],
      },
      denominator: { aggregate: 'count', eventTypes: ['prescription'], filter: [{ attribute: 'dispensedAt', op: 'exists' }] },
      factor: 100,
    },
  },
];
