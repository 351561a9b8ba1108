import type { IndicatorDefinitionInput } from '../definition-schema.ts';

/**
 * The closed loop (DOMAIN §4): work-order milestones, sent as `work_order` events by the internal
 * source `yunjian-workorders` (src/workorders/indicator-facts.ts), counted at the order's org unit
 * and rolled up to hospital and group like any event. A deadline is decided once, in the period it
 * was met (acknowledged or resolved on time) or missed (the `overdue` milestone, at the deadline):
 * on-time rates are met / decided. A reopened order has a new resolution deadline per round.
 * Durations are wall-clock minutes: from creation to acknowledgement, and from creation (or the
 * reopening) to resolution.
 */
const base = { version: 1, category: 'other' } as const;
const WORK_ORDER = ['work_order'];
const milestone = (value: string) => ({ attribute: 'milestone', op: 'eq', value }) as const;

export const WORK_ORDERS: readonly IndicatorDefinitionInput[] = [
  {
    ...base,
    code: 'workorder_created',
    nameZh: '工单数',
    nameEn: 'Work orders created',
    unit: 'orders',
    direction: 'neutral',
    description: 'Work orders opened (from alerts or by hand) for the unit.',
    formula: 'count(work_order where milestone = created)',
    measure: { kind: 'count', eventTypes: WORK_ORDER, filter: [milestone('created')] },
  },
  {
    ...base,
    code: 'workorder_ack_on_time_rate',
    nameZh: '按时响应率',
    nameEn: 'On-time acknowledgement rate',
    unit: '%',
    direction: 'higher_better',
    description: 'Acknowledgement deadlines met over acknowledgement deadlines decided (met, or missed while the order was open), by the time of the decision.',
    formula: 'count(work_order where acknowledgeDeadline = met) / count(work_order where acknowledgeDeadline exists) × 100',
    measure: {
      kind: 'ratio',
      numerator: { aggregate: 'count', eventTypes: WORK_ORDER, filter: [{ attribute: 'acknowledgeDeadline', op: 'eq', value: 'met' }] },
      denominator: { aggregate: 'count', eventTypes: WORK_ORDER, filter: [{ attribute: 'acknowledgeDeadline', op: 'exists' }] },
      factor: 100,
    },
  },
  {
    ...base,
    code: 'workorder_resolve_on_time_rate',
    nameZh: '按时办结率',
    nameEn: 'On-time resolution rate',
    unit: '%',
    direction: 'higher_better',
    description: 'Resolution deadlines met over resolution deadlines decided, one per round of an order (a reopening starts a round), by the time of the decision.',
    formula: 'count(work_order where resolveDeadline = met) / count(work_order where resolveDeadline exists) × 100',
    measure: {
      kind: 'ratio',
      numerator: { aggregate: 'count', eventTypes: WORK_ORDER, filter: [{ attribute: 'resolveDeadline', op: 'eq', value: 'met' }] },
      denominator: { aggregate: 'count', eventTypes: WORK_ORDER, filter: [{ attribute: 'resolveDeadline', op: 'exists' }] },
      factor: 100,
    },
  },
  {
    ...base,
    code: 'workorder_mean_ack_minutes',
    nameZh: '平均响应时长',
    nameEn: 'Mean time to acknowledge',
    unit: 'minutes',
    direction: 'lower_better',
    description: 'Mean wall-clock minutes from opening to acknowledgement, over orders acknowledged in the period.',
    formula: 'avg(work_order.minutesToAcknowledge where milestone = acknowledged)',
    measure: { kind: 'average', eventTypes: WORK_ORDER, filter: [milestone('acknowledged')], of: { attribute: 'minutesToAcknowledge' } },
  },
  {
    ...base,
    code: 'workorder_mean_resolve_minutes',
    nameZh: '平均办结时长',
    nameEn: 'Mean time to resolve',
    unit: 'minutes',
    direction: 'lower_better',
    description: 'Mean wall-clock minutes from opening (or reopening) to resolution, over resolutions in the period.',
    formula: 'avg(work_order.minutesToResolve where milestone = resolved)',
    measure: { kind: 'average', eventTypes: WORK_ORDER, filter: [milestone('resolved')], of: { attribute: 'minutesToResolve' } },
  },
  {
    ...base,
    code: 'workorder_overdue',
    nameZh: '超时工单数',
    nameEn: 'Overdue work orders',
    unit: 'orders',
    direction: 'lower_better',
    description: 'Orders that missed a deadline (acknowledgement or resolution) for the first time in the period.',
    formula: 'count(work_order where milestone = overdue and firstOverdue = true)',
    measure: { kind: 'count', eventTypes: WORK_ORDER, filter: [milestone('overdue'), { attribute: 'firstOverdue', op: 'eq', value: true }] },
  },
  {
    ...base,
    code: 'workorder_reopened',
    nameZh: '重开工单数',
    nameEn: 'Reopened work orders',
    unit: 'orders',
    direction: 'lower_better',
    description: 'Orders reopened for the first time in the period (after resolution or closing, by people or by a recurring alert).',
    formula: 'count(work_order where milestone = reopened and round = 1)',
    measure: { kind: 'count', eventTypes: WORK_ORDER, filter: [milestone('reopened'), { attribute: 'round', op: 'eq', value: 1 }] },
  },
];
