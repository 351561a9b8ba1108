import { chinaWorkingCalendar } from '../calendar/index.ts';
import { DEFAULT_DEADLINE_POLICY, slaFor } from './deadlines.ts';
import { DEFAULT_ESCALATION_POLICY } from './escalation.ts';
import { openWorkOrder, type NewWorkOrder } from './open-work-order.ts';
import { transitionWorkOrder, type WorkOrderCommand } from './state-machine.ts';
import type { Severity, WorkOrder, WorkOrderActor } from './work-order.ts';

/** Shared fixtures for the work-order tests (not exported from index.ts). */
export const china = chinaWorkingCalendar();
export const at = (local: string): Date => new Date(`${local}+08:00`);
export const MIN = 60_000;
export const HOUR = 60 * MIN;

export const center: WorkOrderActor = { userId: 'analyst-1', center: true };
export const liaison: WorkOrderActor = { userId: 'liaison-1', center: false };
export const stranger: WorkOrderActor = { userId: 'someone-else', center: false };

export function makeOrder(createdAt: Date, overrides: Partial<NewWorkOrder> & { severity?: Severity } = {}): WorkOrder {
  const severity = overrides.severity ?? 3;
  const result = openWorkOrder(
    {
      id: 'wo-1',
      title: 'Outpatient wait time above target',
      description: '',
      severity,
      category: 'access',
      orgUnit: 'dept-cardio',
      origin: { kind: 'alert', groupKey: 'rule-1|dept-cardio' },
      sourceAlerts: ['alert-1'],
      assignees: ['liaison-1'],
      watchers: ['watcher-1'],
      ...overrides,
    },
    { sla: slaFor(DEFAULT_DEADLINE_POLICY, severity), escalationPolicy: DEFAULT_ESCALATION_POLICY },
    center,
    createdAt,
  );
  if (!result.ok) throw new Error(result.message);
  return result.order;
}

/** Applies commands in order, failing the test on the first rejected one. */
export function run(order: WorkOrder, steps: readonly (readonly [WorkOrderCommand, WorkOrderActor, Date])[]): WorkOrder {
  let current = order;
  for (const [command, actor, now] of steps) {
    const result = transitionWorkOrder(current, command, actor, now);
    if (!result.ok) throw new Error(`${command.kind} rejected: ${result.code}`);
    current = result.order;
  }
  return current;
}
