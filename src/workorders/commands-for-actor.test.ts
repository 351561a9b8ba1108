import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commandsForActor, transitionWorkOrder, type WorkOrderCommand, type WorkOrderCommandKind } from './state-machine.ts';
import { at, center, liaison, makeOrder, stranger } from './test-support.ts';
import type { WorkOrderActor } from './work-order.ts';

const t0 = at('2026-09-30T16:00:00');
const t = (minutes: number): Date => new Date(t0.getTime() + minutes * 60_000);

/** A valid command of each kind the console offers (attach_alert is the pipeline's own). */
const commands: Readonly<Record<Exclude<WorkOrderCommandKind, 'attach_alert'>, WorkOrderCommand>> = {
  acknowledge: { kind: 'acknowledge' },
  start: { kind: 'start' },
  hold: { kind: 'hold', reason: 'awaiting_info', note: '' },
  resume: { kind: 'resume' },
  resolve: { kind: 'resolve', rootCause: '排班不足', actionTaken: '增开诊室' },
  verify: { kind: 'verify' },
  close: { kind: 'close', note: '重复工单' },
  reopen: { kind: 'reopen', reason: '指标再次异常' },
  assign: { kind: 'assign', assignees: ['liaison-2'] },
  watch: { kind: 'watch', userId: 'liaison-1', watching: true },
  comment: { kind: 'comment', text: '已联系科室' },
  attach: { kind: 'attach', attachment: { id: 'f1', fileName: 'analysis.pdf', contentType: 'application/pdf', sizeBytes: 1000 } },
};
const kinds = Object.keys(commands) as (keyof typeof commands)[];
const originator: WorkOrderActor = { userId: 'analyst-1', center: false };
const actors = [center, liaison, stranger, originator] as const;

describe('commandsForActor', () => {
  it('offers a liaison the work steps but not verify, close or reopen', () => {
    const order = makeOrder(t0);
    expect(commandsForActor(order, liaison)).toEqual(['acknowledge', 'assign', 'watch', 'comment', 'attach']);
    expect(commandsForActor(order, center)).toContain('close');
  });

  it('offers exactly the commands the state machine accepts from that actor, in every reachable state', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...kinds), fc.constantFrom(...actors)), { maxLength: 20 }), fc.constantFrom(...actors), (steps, who) => {
        let order = makeOrder(t0);
        steps.forEach(([kind, actor], i) => {
          const result = transitionWorkOrder(order, commands[kind], actor, t(i + 1));
          if (result.ok) order = result.order;
        });
        const offered = commandsForActor(order, who);
        for (const kind of kinds) {
          const result = transitionWorkOrder(order, commands[kind], who, t(100));
          expect(offered.includes(kind), `${kind} from ${order.state} by ${who.userId}`).toBe(result.ok);
        }
      }),
      { numRuns: 300 },
    );
  });
});
