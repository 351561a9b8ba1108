import type { IndicatorDefinitionInput } from '../definition-schema.ts';

/** Call-center measures (DOMAIN §9). A call is offered when it is queued; abandoned calls have no answeredAt. */
const WAIT = { from: 'queuedAt', to: 'answeredAt', unit: 'seconds' } as const;
const base = { version: 1, category: 'call_center' } as const;

export const CALL_CENTER: readonly IndicatorDefinitionInput[] = [
  {
    ...base,
    code: 'calls_offered',
    nameZh: '呼入量',
    nameEn: 'Calls offered',
    unit: 'calls',
    direction: 'neutral',
    description: 'Calls that reached the queue.',
    formula: 'count(call)',
    measure: { kind: 'count', eventTypes: ['call'] },
  },
  {
    ...base,
    code: 'call_service_level_20s',
    nameZh: '20秒服务水平',
    nameEn: 'Service level (answered within 20 s)',
    unit: '%',
    direction: 'higher_better',
    description: 'Calls answered within 20 seconds of queueing over calls offered.',
    formula: 'count(call where answeredAt − queuedAt ≤ 20 s) / count(call) × 100',
    measure: {
      kind: 'ratio',
      numerator: { aggregate: 'count', eventTypes: ['call'], filter: [{ duration: WAIT, op: 'lte', value: 20 }] },
      denominator: { aggregate: 'count', eventTypes: ['call'] },
      factor: 100,
    },
  },
  {
    ...base,
    code: 'call_abandon_rate',
    nameZh: '呼损率',
    nameEn: 'Abandon rate',
    unit: '%',
    direction: 'lower_better',
    description: 'Calls abandoned before answer over calls offered.',
    formula: 'count(call where abandoned = true) / count(call) × 100',
    measure: {
      kind: 'ratio',
      numerator: { aggregate: 'count', eventTypes: ['call'], filter: [{ attribute: 'abandoned', op: 'eq', value: true }] },
      denominator: { aggregate: 'count', eventTypes: ['call'] },
      factor: 100,
    },
  },
  {
    ...base,
    code: 'call_avg_speed_of_answer',
    nameZh: '平均应答速度',
    nameEn: 'Average speed of answer',
    unit: 'seconds',
    direction: 'lower_better',
    description: 'Mean seconds from queueing to answer, over answered calls.',
    formula: 'avg(answeredAt − queuedAt) in seconds',
    measure: { kind: 'average', eventTypes: ['call'], of: { duration: WAIT } },
  },
  {
    ...base,
    code: 'call_avg_handle_time',
    nameZh: '平均通话处理时长',
    nameEn: 'Average handle time',
    unit: 'seconds',
    direction: 'neutral',
    description: 'Mean seconds from answer to end, over answered calls.',
    formula: 'avg(endedAt − answeredAt) in seconds',
    measure: { kind: 'average', eventTypes: ['call'], of: { duration: { from: 'answeredAt', to: 'endedAt', unit: 'seconds' } } },
  },
  {
    ...base,
    code: 'call_satisfaction',
    nameZh: '热线满意度',
    nameEn: 'Call-center satisfaction',
    unit: 'score',
    direction: 'higher_better',
    description: 'Mean satisfaction score given after calls that were rated.',
    formula: 'avg(call.satisfaction)',
    measure: { kind: 'average', eventTypes: ['call'], of: { attribute: 'satisfaction' } },
  },
];
