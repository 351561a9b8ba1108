import type { IndicatorDefinitionInput } from '../definition-schema.ts';
import { OUTPATIENT_VISIT } from './scope.ts';

/** A stay's bed-days (占用床日数): local discharge date − local admission date, same day = 1. */
const BED_DAYS = { duration: { from: 'admittedAt', to: 'dischargedAt', unit: 'bed_days' } } as const;

/** Inpatient flow (住院): discharges, length of stay, bed use. */
export const INPATIENT: readonly IndicatorDefinitionInput[] = [
  {
    code: 'discharges',
    version: 1,
    nameZh: '出院人次数',
    nameEn: 'Discharges',
    unit: 'discharges',
    direction: 'neutral',
    category: 'inpatient',
    description: 'Discharge events, placed in time by dischargedAt.',
    formula: 'count(discharge) by dischargedAt',
    measure: { kind: 'count', eventTypes: ['discharge'], timeAttribute: 'dischargedAt' },
  },
  {
    code: 'avg_length_of_stay',
    version: 2,
    nameZh: '出院者平均住院日',
    nameEn: 'Average length of stay of discharged patients',
    unit: 'days',
    direction: 'lower_better',
    category: 'inpatient',
    description: 'Bed-days occupied by the patients discharged in the period over their number (出院者占用总床日数 / 出院人数). A stay\'s bed-days are its discharge date minus its admission date, both local dates in the group\'s time zone, a same-day stay counting 1; a discharge without admittedAt is left out (losDays as sent is not read).',
    formula: 'Σ bedDays(admittedAt, dischargedAt) / count(discharge) by dischargedAt',
    measure: { kind: 'average', eventTypes: ['discharge'], timeAttribute: 'dischargedAt', of: BED_DAYS },
  },
  {
    code: 'open_bed_days',
    version: 1,
    nameZh: '实际开放总床日数',
    nameEn: 'Open bed-days',
    unit: 'bed-days',
    direction: 'neutral',
    category: 'inpatient',
    description: 'Entered per ward and month: beds actually open × days open. Parents add their children.',
    formula: 'manual entry, summed up the tree',
    measure: { kind: 'manual', rollup: 'sum' },
  },
  {
    code: 'bed_occupancy',
    version: 2,
    nameZh: '床位使用率',
    nameEn: 'Bed occupancy rate',
    unit: '%',
    direction: 'neutral',
    category: 'inpatient',
    description: 'Occupied bed-days (approximated by the bed-days of the stays discharged in the period, local dates) over open bed-days entered by hand. Defined at the grain open_bed_days is entered (month) and coarser.',
    formula: 'Σ bedDays(admittedAt, dischargedAt) / Σ open_bed_days × 100',
    measure: {
      kind: 'ratio',
      numerator: { aggregate: 'sum', eventTypes: ['discharge'], timeAttribute: 'dischargedAt', of: BED_DAYS },
      denominator: { manualIndicator: 'open_bed_days' },
      factor: 100,
    },
  },
  {
    code: 'outpatient_to_discharge_ratio',
    version: 2,
    nameZh: '门诊人次数与出院人次数比',
    nameEn: 'Outpatient visits per discharge',
    unit: 'ratio',
    direction: 'neutral',
    category: 'inpatient',
    description: 'Outpatient visits (as outpatient_visits counts them, emergency left out) over discharges in the same period.',
    formula: 'count(outpatient visit) / count(discharge by dischargedAt)',
    measure: {
      kind: 'ratio',
      numerator: { aggregate: 'count', eventTypes: ['visit'], filter: [OUTPATIENT_VISIT] },
      denominator: { aggregate: 'count', eventTypes: ['discharge'], timeAttribute: 'dischargedAt' },
    },
  },
];
