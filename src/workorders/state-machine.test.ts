import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openWorkOrder } from './open-work-order.ts';
import { transitionWorkOrder, type WorkOrderCommand, type WorkOrderCommandKind } from './state-machine.ts';
import { at, center, liaison, makeOrder, run, stranger } from './test-support.ts';
import { DEFAULT_DEADLINE_POLICY, slaFor } from './deadlines.ts';
import { DEFAULT_ESCALATION_POLICY } from './escalation.ts';
import type { WorkOrder, WorkOrderState } from './work-order.ts';

const t0 = at('2026-09-30T16:00:00');
const t = (minutes: number): Date => new Date(t0.getTime() + minutes * 60_000);

const commands: Readonly<Record<WorkOrderCommandKind, WorkOrderCommand>> = {
  acknowledge: { kind: 'acknowledge' },
  start: { kind: 'start' },
  hold: { kind: 'hold', reason: 'awaiting_vendor', note: 'HIS vendor patch' },
  resume: { kind: 'resume' },
  resolve: { kind: 'resolve', rootCause: 'triage desk understaffed', actionTaken: 'added a nurse at peak hours' },
  verify: { kind: 'verify' },
  close: { kind: 'close', note: 'duplicate of wo-0' },
  reopen: { kind: 'reopen', reason: 'wait time still above target' },
  assign: { kind: 'assign', assignees: ['liaison-2'] },
  watch: { kind: 'watch', userId: 'watcher-2', watching: true },
  comment: { kind: 'comment', text: 'called the department' },
  attach: { kind: 'attach', attachment: { id: 'att-1', fileName: 'analysis.pdf', contentType: 'application/pdf', sizeBytes: 1000 } },
  attach_alert: { kind: 'attach_alert', alertId: 'alert-2' },
};

function orderIn(state: WorkOrderState): WorkOrder {
  const base = makeOrder(t0);
  const path: Record<WorkOrderState, WorkOrderCommandKind[]> = {
    new: [],
    acknowledged: ['acknowledge'],
    in_progress: ['acknowledge', 'start'],
    on_hold: ['acknowledge', 'start', 'hold'],
    resolved: ['acknowledge', 'start', 'resolve'],
    closed: ['acknowledge', 'start', 'resolve', 'verify'],
  };
  return run(base, path[state].map((kind, i) => [commands[kind], center, t(i + 1)] as const));
}

const same = ['assign', 'watch', 'comment', 'attach', 'attach_alert'] as const;
/** Written out by hand: the legal commands per state and the state they lead to. */
const legal: Record<WorkOrderState, Partial<Record<WorkOrderCommandKind, WorkOrderState>>> = {
  new: { acknowledge: 'acknowledged', close: 'closed', ...Object.fromEntries(same.map((k) => [k, 'new'])) },
  acknowledged: { start: 'in_progress', hold: 'on_hold', resolve: 'resolved', close: 'closed', ...Object.fromEntries(same.map((k) => [k, 'acknowledged'])) },
  in_progress: { hold: 'on_hold', resolve: 'resolved', close: 'closed', ...Object.fromEntries(same.map((k) => [k, 'in_progress'])) },
  on_hold: { resume: 'in_progress', resolve: 'resolved', close: 'closed', ...Object.fromEntries(same.map((k) => [k, 'on_hold'])) },
  resolved: { verify: 'closed', close: 'closed', reopen: 'in_progress', ...Object.fromEntries(same.map((k) => [k, 'resolved'])) },
  closed: { reopen: 'in_progress', watch: 'closed', comment: 'closed' },
};

const cases = (Object.keys(legal) as WorkOrderState[]).flatMap((state) =>
  (Object.keys(commands) as WorkOrderCommandKind[]).map((kind) => [state, kind, legal[state][kind] ?? null] as const),
);

describe('transitionWorkOrder state table', () => {
  it.each(cases)('from %s, %s → %s', (state, kind, expected) => {
    const result = transitionWorkOrder(orderIn(state), commands[kind], center, t(60));
    if (expected === null) {
      expect(result).toMatchObject({ ok: false, code: 'WORKORDER_INVALID_TRANSITION', state, command: kind });
      if (!result.ok && result.code === 'WORKORDER_INVALID_TRANSITION') expect([...result.allowed].sort()).toEqual(Object.keys(legal[state]).sort());
    } else {
      expect(result.ok && result.order.state).toBe(expected);
      expect(result.ok && result.effects[0]).toMatchObject({ kind: 'audit', actor: center.userId, at: t(60), from: state, to: expected });
    }
  });
});

describe('transitionWorkOrder behaviour', () => {
  it('acknowledging stops acknowledge escalation and tells the originator and watchers', () => {
    const result = transitionWorkOrder(makeOrder(t0), { kind: 'acknowledge' }, liaison, t(5));
    expect(result.ok && result.order).toMatchObject({ acknowledgedAt: t(5), acknowledgedBy: 'liaison-1' });
    expect(result.ok && result.effects).toEqual([
      { kind: 'audit', action: 'workorder.acknowledged', orderId: 'wo-1', actor: 'liaison-1', at: t(5), from: 'new', to: 'acknowledged', details: {} },
      { kind: 'stop_escalation', orderId: 'wo-1', track: 'acknowledge' },
      { kind: 'notify', orderId: 'wo-1', event: 'workorder.acknowledged', recipients: ['analyst-1', 'watcher-1'] },
    ]);
  });

  it('records the hold as a pause and resumes into the state it was held from', () => {
    const held = run(makeOrder(t0), [[commands.acknowledge, liaison, t(1)], [commands.hold, liaison, t(10)]]);
    expect(held.hold).toMatchObject({ reason: 'awaiting_vendor', since: t(10), resumeTo: 'acknowledged' });
    const resumed = run(held, [[commands.resume, liaison, t(70)]]);
    expect(resumed.state).toBe('acknowledged');
    expect(resumed.hold).toBeNull();
    expect(resumed.pauses).toEqual([{ start: t(10), end: t(70), reason: 'awaiting_vendor' }]);
  });

  it('resolving while on hold closes the pause', () => {
    const held = run(orderIn('in_progress'), [[commands.hold, liaison, t(10)]]);
    const resolved = run(held, [[commands.resolve, liaison, t(20)]]);
    expect(resolved.pauses).toEqual([{ start: t(10), end: t(20), reason: 'awaiting_vendor' }]);
    expect(resolved).toMatchObject({ resolvedAt: t(20), rootCause: 'triage desk understaffed', hold: null });
  });

  it.each([
    [{ kind: 'resolve', rootCause: ' ', actionTaken: 'x' }, 'rootCause'],
    [{ kind: 'resolve', rootCause: 'x', actionTaken: '' }, 'actionTaken'],
    [{ kind: 'hold', reason: 'other', note: '' }, 'note'],
    [{ kind: 'hold', reason: 'lunch' as 'other', note: 'x' }, 'reason'],
    [{ kind: 'assign', assignees: [] }, 'assignees'],
    [{ kind: 'assign', assignees: ['a', 'a'] }, 'assignees'],
    [{ kind: 'comment', text: 'x'.repeat(4001) }, 'text'],
    [{ kind: 'attach', attachment: { id: 'a', fileName: 'run.exe', contentType: 'application/x-msdownload', sizeBytes: 10 } }, 'attachment.contentType'],
    [{ kind: 'attach', attachment: { id: 'a', fileName: 'scan.png', contentType: 'image/png', sizeBytes: 50 * 1024 * 1024 } }, 'attachment.sizeBytes'],
    [{ kind: 'attach', attachment: { id: 'a', fileName: '../etc/passwd', contentType: 'text/plain', sizeBytes: 1 } }, 'attachment.fileName'],
  ] as const)('rejects %j with a validation error on %s', (command, field) => {
    const result = transitionWorkOrder(orderIn('in_progress'), command, liaison, t(30));
    expect(result).toMatchObject({ ok: false, code: 'WORKORDER_VALIDATION', field });
  });

  it.each([
    ['verify', 'resolved'],
    ['reopen', 'resolved'],
    ['close', 'in_progress'],
  ] as const)('only the originator or the center may %s', (kind, state) => {
    const order = orderIn(state);
    expect(transitionWorkOrder(order, commands[kind], stranger, t(60))).toMatchObject({ ok: false, code: 'WORKORDER_FORBIDDEN' });
    const originator = { userId: order.originator, center: false };
    expect(transitionWorkOrder(order, commands[kind], originator, t(60)).ok).toBe(true);
  });

  it('reopening restarts the resolution clock and clears the closing', () => {
    const reopened = run(orderIn('closed'), [[commands.reopen, center, t(600)]]);
    expect(reopened).toMatchObject({
      state: 'in_progress',
      reopenCount: 1,
      lastReopenedAt: t(600),
      resolveClockStartedAt: t(600),
      resolvedAt: null,
      closedAt: null,
      closeOutcome: null,
      acknowledgedAt: t(1),
    });
  });

  it('reopening an order closed before acknowledgement owes the acknowledgement again', () => {
    const reopened = run(makeOrder(t0), [[commands.close, center, t(5)], [commands.reopen, center, t(6)]]);
    expect(reopened.state).toBe('new');
  });

  it('attaches a later alert once, notes its org unit and clears an indicator-recovered mark', () => {
    const recovered = { ...orderIn('resolved'), indicatorRecoveredAt: t(100) };
    const cmd = { kind: 'attach_alert', alertId: 'alert-2', orgUnit: 'dept-er' } as const;
    const first = transitionWorkOrder(recovered, cmd, center, t(120));
    expect(first.ok && first.order).toMatchObject({ sourceAlerts: ['alert-1', 'alert-2'], relatedOrgUnits: ['dept-er'], indicatorRecoveredAt: null });
    expect(first.ok && first.effects.map((e) => (e.kind === 'audit' ? e.action : e.kind))).toEqual([
      'workorder.alertAttached',
      'workorder.indicatorRecoveryCleared',
    ]);
    const again = first.ok ? transitionWorkOrder(first.order, cmd, center, t(121)) : first;
    expect(again.ok && again.effects).toEqual([]);
  });

  it('notifies only newly added assignees on reassignment', () => {
    const result = transitionWorkOrder(makeOrder(t0), { kind: 'assign', assignees: ['liaison-1', 'liaison-2'] }, center, t(3));
    expect(result.ok && result.effects.filter((e) => e.kind === 'notify')).toEqual([
      { kind: 'notify', orderId: 'wo-1', event: 'workorder.assigned', recipients: ['liaison-2'] },
    ]);
  });
});

describe('openWorkOrder', () => {
  const frozen = { sla: slaFor(DEFAULT_DEADLINE_POLICY, 3), escalationPolicy: DEFAULT_ESCALATION_POLICY };
  const input = {
    id: 'wo-9',
    title: 'Drug share above target',
    description: '',
    severity: 3 as const,
    category: 'pharmacy',
    orgUnit: 'dept-pharm',
    origin: { kind: 'manual' as const },
    assignees: ['liaison-9'],
  };

  it('opens a new order with the policies frozen on it and tells the assignees', () => {
    const result = openWorkOrder(input, frozen, center, t0);
    expect(result.ok && result.order).toMatchObject({ state: 'new', originator: 'analyst-1', resolveClockStartedAt: t0, sla: frozen.sla });
    expect(result.ok && result.effects[1]).toEqual({ kind: 'notify', orderId: 'wo-9', event: 'workorder.created', recipients: ['liaison-9'] });
  });

  it.each([
    [{ title: '' }, 'title'],
    [{ severity: 5 as 1 }, 'severity'],
    [{ assignees: [] }, 'assignees'],
    [{ origin: { kind: 'alert' as const, groupKey: 'g' } }, 'sourceAlerts'],
  ])('rejects %j on %s', (patch, field) => {
    expect(openWorkOrder({ ...input, ...patch }, frozen, center, t0)).toMatchObject({ ok: false, code: 'WORKORDER_VALIDATION', field });
  });
});

describe('transitionWorkOrder invariants under any command sequence', () => {
  const kinds = Object.keys(commands) as WorkOrderCommandKind[];
  it('keeps hold, pauses and timestamps consistent with the state', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...kinds), fc.boolean()), { maxLength: 25 }), (steps) => {
        let order = makeOrder(t0);
        steps.forEach(([kind, byCenter], i) => {
          const result = transitionWorkOrder(order, commands[kind], byCenter ? center : stranger, t(i + 1));
          if (result.ok) order = result.order;
          else if (result.code === 'WORKORDER_INVALID_TRANSITION') expect(result.allowed).not.toContain(kind);
        });
        expect(order.hold !== null).toBe(order.state === 'on_hold');
        expect(order.closedAt !== null).toBe(order.state === 'closed');
        // A resolution stays on record when the order is then closed (verified or cancelled); a reopen clears it.
        if (order.state === 'resolved' || order.closeOutcome === 'verified') expect(order.resolvedAt).not.toBeNull();
        if (order.resolvedAt !== null) expect(['resolved', 'closed']).toContain(order.state);
        if (order.state !== 'new' && order.closeOutcome !== 'cancelled') expect(order.acknowledgedAt).not.toBeNull();
        order.pauses.forEach((p, i) => {
          expect(p.end.getTime()).toBeGreaterThanOrEqual(p.start.getTime());
          const previous = order.pauses[i - 1];
          if (previous) expect(p.start.getTime()).toBeGreaterThanOrEqual(previous.end.getTime());
        });
      }),
      { numRuns: 200 },
    );
  });
});
