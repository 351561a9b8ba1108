import type { IndicatorDefinitionInput } from '../definition-schema.ts';

/**
 * Equipment (设备). Status is one of in_service, fault, under_repair, retired. Availability assumes
 * each device reports its status at a regular cadence (e.g. the daily inspection); fault reports
 * carry faultLevel. Faults per level are this count filtered
 * by faultLevel, a breakdown the query layer adds rather than one definition per level.
 */
export const EQUIPMENT: readonly IndicatorDefinitionInput[] = [
  {
    code: 'equipment_availability',
    version: 1,
    nameZh: '设备完好率',
    nameEn: 'Equipment availability',
    unit: '%',
    direction: 'higher_better',
    category: 'equipment',
    description: 'Status reports of devices in service, over status reports of devices not retired.',
    formula: 'count(equipment where status = in_service) / count(equipment where status ≠ retired) × 100',
    measure: {
      kind: 'ratio',
      numerator: { aggregate: 'count', eventTypes: ['equipment'], filter: [{ attribute: 'status', op: 'eq', value: 'in_service' }] },
      denominator: { aggregate: 'count', eventTypes: ['equipment'], filter: [{ attribute: 'status', op: 'ne', value: 'retired' }] },
      factor: 100,
    },
  },
  {
    code: 'equipment_faults',
    version: 1,
    nameZh: '设备故障数',
    nameEn: 'Equipment faults',
    unit: 'faults',
    direction: 'lower_better',
    category: 'equipment',
    description: 'Fault reports (faultLevel present).',
    formula: 'count(equipment where faultLevel exists)',
    measure: { kind: 'count', eventTypes: ['equipment'], filter: [{ attribute: 'faultLevel', op: 'exists' }] },
  },
  {
    code: 'equipment_repair_cost',
    version: 1,
    nameZh: '设备维修费用',
    nameEn: 'Equipment repair cost',
    unit: 'yuan',
    direction: 'lower_better',
    category: 'equipment',
    description: 'Repair cost of devices, by the time they were repaired.',
    formula: 'Σ equipment.repairCost by repairedAt',
    measure: { kind: 'sum', eventTypes: ['equipment'], timeAttribute: 'repairedAt', of: { attribute: 'repairCost' } },
  },
];
