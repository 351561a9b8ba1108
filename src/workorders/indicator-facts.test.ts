import { describe, expect, it } from 'vitest';
import { compileCustomSchema, createEventRegistry, validateEvent } from '../ingest/index.ts';
import type { WorkOrderEffect } from './effects.ts';
import {
  pendingMissIds, toNdjsonLine, WORK_ORDER_EVENT_SCHEMA, workOrderFacts, type MilestoneEvent, type TimelineStep,
} from './indicator-facts.ts';
import { reopenForRecurrence } from './recovery.ts';
import { transitionWorkOrder, type TransitionResult, type WorkOrderCommand } from './state-machine.ts';
import { at, center, china, liaison, makeOrder } from './test-support.ts';
import type { WorkOrder, WorkOrderActor } from './work-order.ts';

/**
 * Severity 1 runs on the clock (acknowledge 15 min, resolve 4 h), so deadlines are easy to check
 * by hand. Timelines come from the real state machine: every audit effect is one entry.
 */
const CREATED = at('2026-11-23T08:00');

interface Played {
  readonly order: WorkOrder;
  readonly timeline: TimelineStep[];
}

function auditSteps(effects: readonly WorkOrderEffect[], first: number): TimelineStep[] {
  return effects.flatMap((e) => (e.kind === 'audit' ? [e] : [])).map((e, i) => ({ id: first + i, at: e.at, actor: e.actor, action: e.action }));
}

function open(overrides: Parameters<typeof makeOrder>[1] = {}): Played {
  const order = makeOrder(CREATED, { severity: 1, ...overrides });
  return { order, timeline: [{ id: 1, at: CREATED, actor: center.userId, action: 'workorder.created' }] };
}

function apply(p: Played, result: TransitionResult): Played {
  if (!result.ok) throw new Error(`rejected: ${result.code}`);
  return { order: result.order, timeline: [...p.timeline, ...auditSteps(result.effects, p.timeline.length + 1)] };
}

function play(p: Played, steps: readonly (readonly [WorkOrderCommand, WorkOrderActor, string])[]): Played {
  return steps.reduce((acc, [command, actor, when]) => apply(acc, transitionWorkOrder(acc.order, command, actor, at(when))), p);
}

const resolve: WorkOrderCommand = { kind: 'resolve', rootCause: 'staffing', actionTaken: 'added a nurse' };
const verify: WorkOrderCommand = { kind: 'verify' };

function events(p: Played, settledAt: string): MilestoneEvent[] {
  return workOrderFacts(p.order, p.timeline, china, at(settledAt)).map((f) => f.event);
}

function byMilestone(list: readonly MilestoneEvent[], milestone: string): MilestoneEvent[] {
  return list.filter((e) => e.attributes['milestone'] === milestone);
}

describe('work-order facts', () => {
  it('records each milestone once, at its time, with on-time flags and wall-clock minutes, and no miss when every deadline is met', () => {
    const p = play(open(), [
      [{ kind: 'acknowledge' }, liaison, '2026-11-23T08:10'],
      [{ kind: 'start' }, liaison, '2026-11-23T08:30'],
      [resolve, liaison, '2026-11-23T10:00'],
      [verify, center, '2026-11-23T10:30'],
    ]);
    const list = events(p, '2026-11-30T00:00');
    expect(list.map((e) => [e.id, e.attributes['milestone'], e.occurredAt])).toEqual([
      ['wo-wo-1-1', 'created', at('2026-11-23T08:00').toISOString()],
      ['wo-wo-1-2', 'acknowledged', at('2026-11-23T08:10').toISOString()],
      ['wo-wo-1-4', 'resolved', at('2026-11-23T10:00').toISOString()],
      ['wo-wo-1-5', 'closed', at('2026-11-23T10:30').toISOString()],
    ]);
    expect(byMilestone(list, 'acknowledged')[0]?.attributes).toMatchObject({
      acknowledgedOnTime: true, minutesToAcknowledge: 10, acknowledgeDeadline: 'met', acknowledgeBy: at('2026-11-23T08:15').toISOString(),
    });
    expect(byMilestone(list, 'resolved')[0]?.attributes).toMatchObject({ resolvedOnTime: true, minutesToResolve: 120, resolveDeadline: 'met', round: 0 });
    expect(byMilestone(list, 'closed')[0]?.attributes).toMatchObject({ closeOutcome: 'verified' });
    expect(list.every((e) => e.orgUnit === 'dept-cardio' && e.attributes['severity'] === 1 && e.attributes['category'] === 'access')).toBe(true);
  });

  it('declares a missed acknowledgement at the deadline, once the patience has passed, and derives the same event after a late acknowledgement', () => {
    const pending = open();
    expect(byMilestone(events(pending, '2026-11-23T08:15'), 'overdue')).toEqual([]);
    const whilePending = byMilestone(events(pending, '2026-11-23T08:16'), 'overdue');
    expect(whilePending.map((e) => e.id)).toEqual(['wo-wo-1-overdue-acknowledge']);
    expect(whilePending[0]?.occurredAt).toBe(at('2026-11-23T08:15').toISOString());
    expect(whilePending[0]?.attributes).toMatchObject({ track: 'acknowledge', acknowledgeDeadline: 'missed', firstOverdue: true, round: 0 });
    expect(pendingMissIds(pending.order, china, at('2026-11-23T08:16'))).toEqual(['wo-wo-1-overdue-acknowledge']);

    const late = play(pending, [[{ kind: 'acknowledge' }, liaison, '2026-11-23T08:20']]);
    const after = events(late, '2026-11-23T09:00');
    expect(byMilestone(after, 'overdue')).toEqual(whilePending);
    const ack = byMilestone(after, 'acknowledged')[0];
    expect(ack?.attributes).toMatchObject({ acknowledgedOnTime: false, minutesToAcknowledge: 20 });
    expect(ack?.attributes).not.toHaveProperty('acknowledgeDeadline');
  });

  it('moves the resolution deadline by the time on hold, and declares no miss while the hold runs', () => {
    const held = play(open(), [
      [{ kind: 'acknowledge' }, liaison, '2026-11-23T08:05'],
      [{ kind: 'hold', reason: 'awaiting_vendor', note: '' }, liaison, '2026-11-23T09:00'],
    ]);
    // Without the hold the deadline was 12:00; at 13:00 the hold has run 4 h.
    expect(byMilestone(events(held, '2026-11-23T13:00'), 'overdue')).toEqual([]);
    expect(pendingMissIds(held.order, china, at('2026-11-23T13:00'))).toEqual([]);
    const done = play(held, [[{ kind: 'resume' }, liaison, '2026-11-23T11:00'], [resolve, liaison, '2026-11-23T13:30']]);
    const resolved = byMilestone(events(done, '2026-11-24T00:00'), 'resolved')[0];
    expect(resolved?.attributes).toMatchObject({ resolveBy: at('2026-11-23T14:00').toISOString(), resolvedOnTime: true, resolveDeadline: 'met', minutesToResolve: 330 });
  });

  it('starts a new round at a reopening: its own resolution deadline and minutes from the reopening; a later miss is not the first', () => {
    const p = play(open(), [
      [{ kind: 'acknowledge' }, liaison, '2026-11-23T08:30'],
      [resolve, liaison, '2026-11-23T09:00'],
      [verify, center, '2026-11-23T09:30'],
      [{ kind: 'reopen', reason: 'wait times back up' }, center, '2026-11-23T11:00'],
      [resolve, liaison, '2026-11-23T16:00'],
    ]);
    const list = events(p, '2026-11-24T00:00');
    expect(byMilestone(list, 'reopened')[0]?.attributes).toMatchObject({ round: 1, recurrence: false });
    expect(byMilestone(list, 'recurred')).toEqual([]);
    expect(byMilestone(list, 'resolved').map((e) => [e.attributes['round'], e.attributes['minutesToResolve'], e.attributes['resolvedOnTime']])).toEqual([[0, 60, true], [1, 300, false]]);
    expect(byMilestone(list, 'overdue').map((e) => [e.id, e.occurredAt, e.attributes['firstOverdue']])).toEqual([
      ['wo-wo-1-overdue-acknowledge', at('2026-11-23T08:15').toISOString(), true],
      ['wo-wo-1-overdue-resolve-1', at('2026-11-23T15:00').toISOString(), false],
    ]);
  });

  it('decides no deadline of an order cancelled before it, and counts a deadline passed before cancelling as missed', () => {
    const early = play(open(), [[{ kind: 'close', note: 'duplicate' }, center, '2026-11-23T08:10']]);
    expect(byMilestone(events(early, '2026-11-30T00:00'), 'overdue')).toEqual([]);
    expect(byMilestone(events(early, '2026-11-30T00:00'), 'closed')[0]?.attributes).toMatchObject({ closeOutcome: 'cancelled' });
    const late = play(open(), [[{ kind: 'close', note: 'false alarm' }, center, '2026-11-23T09:00']]);
    expect(byMilestone(events(late, '2026-11-30T00:00'), 'overdue').map((e) => e.id)).toEqual(['wo-wo-1-overdue-acknowledge']);
  });

  it('misses the acknowledgement at the reopening when the order was closed over its deadline and comes back unacknowledged', () => {
    const p = play(open(), [
      [{ kind: 'close', note: 'duplicate' }, center, '2026-11-23T08:10'],
      [{ kind: 'reopen', reason: 'not a duplicate after all' }, center, '2026-11-23T09:00'],
    ]);
    const [miss] = byMilestone(events(p, '2026-11-23T09:30'), 'overdue');
    expect(miss?.occurredAt).toBe(at('2026-11-23T09:00').toISOString());
    expect(miss?.attributes).toMatchObject({ round: 1, deadline: at('2026-11-23T08:15').toISOString() });
  });

  it('records a recurrence for a reopening by a recurring alert and for an order linked to an earlier one', () => {
    const closed = play(open(), [[{ kind: 'acknowledge' }, liaison, '2026-11-23T08:05'], [resolve, liaison, '2026-11-23T09:00'], [verify, center, '2026-11-23T09:30']]);
    const recurred = apply(closed, reopenForRecurrence(closed.order, 'alert-9', undefined, at('2026-11-24T10:00')));
    const list = events(recurred, '2026-11-24T10:30');
    expect(byMilestone(list, 'reopened')[0]?.attributes).toMatchObject({ recurrence: true, round: 1 });
    expect(byMilestone(list, 'recurred').map((e) => [e.id, e.occurredAt])).toEqual([['wo-wo-1-5-recurred', at('2026-11-24T10:00').toISOString()]]);
    const linked = open({ recurrenceOf: '41' });
    expect(byMilestone(events(linked, '2026-11-23T08:01'), 'recurred').map((e) => [e.id, e.attributes['recurrenceOf']])).toEqual([['wo-wo-1-1-recurred', '41']]);
  });

  it('derives identical facts however often it runs, and every fact passes ingest validation of the declared type', () => {
    const p = play(open(), [[{ kind: 'acknowledge' }, liaison, '2026-11-23T08:20'], [{ kind: 'hold', reason: 'awaiting_info', note: '' }, liaison, '2026-11-23T09:00']]);
    const first = events(p, '2026-11-23T18:00');
    expect(events(p, '2026-11-23T18:00')).toEqual(first);
    const compiled = compileCustomSchema(WORK_ORDER_EVENT_SCHEMA);
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
    const registry = createEventRegistry({ custom: [compiled.definition], allowedTypes: ['work_order'] });
    for (const e of first) {
      const result = validateEvent(JSON.parse(toNdjsonLine(e)), registry, { pseudonymise: (raw) => raw });
      expect(result.ok ? [] : [result.code, result.path, result.message]).toEqual([]);
    }
    expect(first.length).toBeGreaterThanOrEqual(3);
  });

  it('names the misses an open order implies from its state alone, per round', () => {
    const p = play(open(), [[{ kind: 'acknowledge' }, liaison, '2026-11-23T08:05'], [resolve, liaison, '2026-11-23T09:00'], [{ kind: 'reopen', reason: 'again' }, center, '2026-11-23T10:00']]);
    expect(pendingMissIds(p.order, china, at('2026-11-23T13:59'))).toEqual([]);
    expect(pendingMissIds(p.order, china, at('2026-11-23T14:01'))).toEqual(['wo-wo-1-overdue-resolve-1']);
    expect(byMilestone(events(p, '2026-11-23T14:01'), 'overdue').map((e) => e.id)).toEqual(['wo-wo-1-overdue-resolve-1']);
  });
});
