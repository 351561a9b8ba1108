import { describe, expect, it } from 'vitest';
import { DEFAULT_ESCALATION_POLICY, escalationsDue, nextEscalation, parseEscalationPolicy, pendingEscalations, recordEscalations } from './escalation.ts';
import { at, center, china, HOUR, liaison, makeOrder, run } from './test-support.ts';

// Severity 3 created Wed 30 Sep 16:00: acknowledge by Thu 8 Oct 10:30, resolve by Sat 10 Oct 16:00
// (see deadlines.test.ts). Default policy: liaison at the deadline, department head +1 h, center
// lead +4 h, hospital management +8 h, then two reminders every 8 h, all in working time.
const created = at('2026-09-30T16:00:00');
const policy = DEFAULT_ESCALATION_POLICY;
const order = makeOrder(created);
const summary = (steps: readonly { track: string; target: string; repeat: number; dueAt: Date }[]): string[] =>
  steps.map((s) => `${s.track} ${s.target}${s.repeat > 0 ? ` #${s.repeat}` : ''} ${s.dueAt.toISOString()}`);
const iso = (local: string): string => at(local).toISOString();

describe('escalation schedule', () => {
  it('schedules the acknowledge track on working time after the missed deadline', () => {
    const ack = pendingEscalations(order, policy, china, created).filter((s) => s.track === 'acknowledge');
    expect(summary(ack)).toEqual([
      `acknowledge liaison ${iso('2026-10-08T10:30:00')}`,
      `acknowledge department_head ${iso('2026-10-08T11:30:00')}`,
      // 10:30 + 4 h: 1.5 h to noon, 2.5 h after the lunch break.
      `acknowledge center_lead ${iso('2026-10-08T16:00:00')}`,
      // 10:30 + 8 h: 5.5 h on 8 Oct, 2.5 h on 9 Oct.
      `acknowledge hospital_management ${iso('2026-10-09T10:30:00')}`,
      `acknowledge hospital_management #1 ${iso('2026-10-10T10:30:00')}`,
      `acknowledge hospital_management #2 ${iso('2026-10-12T10:30:00')}`,
    ]);
  });

  it('names the next step before anything is due', () => {
    expect(nextEscalation(order, policy, china, at('2026-10-08T09:00:00'))).toMatchObject({
      track: 'acknowledge',
      target: 'liaison',
      dueAt: at('2026-10-08T10:30:00'),
    });
    expect(escalationsDue(order, policy, china, at('2026-10-08T09:00:00'))).toEqual([]);
  });

  it('returns every due step once; recorded steps are not due again', () => {
    const now = at('2026-10-08T12:00:00');
    const due = escalationsDue(order, policy, china, now);
    expect(due.map((s) => s.target)).toEqual(['liaison', 'department_head']);
    const recorded = recordEscalations(order, due, now);
    expect(recorded.effects.filter((e) => e.kind === 'escalate')).toEqual([
      { kind: 'escalate', orderId: 'wo-1', orgUnit: 'dept-cardio', track: 'acknowledge', target: 'liaison', level: 0, repeat: 0 },
      { kind: 'escalate', orderId: 'wo-1', orgUnit: 'dept-cardio', track: 'acknowledge', target: 'department_head', level: 1, repeat: 0 },
    ]);
    expect(escalationsDue(recorded.order, policy, china, now)).toEqual([]);
    expect(nextEscalation(recorded.order, policy, china, now)).toMatchObject({ target: 'center_lead', dueAt: at('2026-10-08T16:00:00') });
  });

  it('acknowledging stops the acknowledge track; the resolve track runs until resolved', () => {
    const acked = run(order, [[{ kind: 'acknowledge' }, liaison, at('2026-10-08T12:05:00')]]);
    expect(escalationsDue(acked, policy, china, at('2026-10-09T12:00:00'))).toEqual([]);
    expect(nextEscalation(acked, policy, china, at('2026-10-09T12:00:00'))).toMatchObject({
      track: 'resolve',
      target: 'liaison',
      dueAt: at('2026-10-10T16:00:00'),
    });
    const resolved = run(acked, [[{ kind: 'resolve', rootCause: 'r', actionTaken: 'a' }, liaison, at('2026-10-12T09:00:00')]]);
    expect(nextEscalation(resolved, policy, china, at('2026-10-12T09:00:00'))).toBeNull();
  });

  it('does not escalate while on hold, and shifts the schedule by the hold', () => {
    const held = run(order, [
      [{ kind: 'acknowledge' }, liaison, at('2026-10-08T08:30:00')],
      [{ kind: 'hold', reason: 'awaiting_info', note: 'waiting for HIS export' }, liaison, at('2026-10-08T09:00:00')],
    ]);
    expect(nextEscalation(held, policy, china, at('2026-10-20T09:00:00'))).toBeNull();
    const resumed = run(held, [[{ kind: 'resume' }, liaison, at('2026-10-09T09:00:00')]]);
    expect(nextEscalation(resumed, policy, china, at('2026-10-09T09:00:00'))?.dueAt).toEqual(at('2026-10-12T16:00:00'));
  });

  it('starts a new resolve round after reopening', () => {
    const resolvedLate = run(order, [[{ kind: 'acknowledge' }, liaison, at('2026-10-08T08:30:00')]]);
    const sent = recordEscalations(resolvedLate, escalationsDue(resolvedLate, policy, china, at('2026-10-12T08:00:00')), at('2026-10-12T08:00:00')).order;
    const reopened = run(sent, [
      [{ kind: 'resolve', rootCause: 'r', actionTaken: 'a' }, liaison, at('2026-10-12T09:00:00')],
      [{ kind: 'reopen', reason: 'not fixed' }, center, at('2026-10-12T10:00:00')],
    ]);
    // New resolve deadline: 24 working hours from Mon 12 Oct 10:00 → Thu 15 Oct 10:00.
    expect(nextEscalation(reopened, policy, china, at('2026-10-12T10:00:00'))).toMatchObject({ round: 1, target: 'liaison', dueAt: at('2026-10-15T10:00:00') });
  });

  it('runs on the clock for severity 1, holidays included', () => {
    const sev1 = makeOrder(at('2026-10-01T10:00:00'), { severity: 1 });
    const due = escalationsDue(sev1, policy, china, at('2026-10-01T11:20:00'));
    expect(summary(due)).toEqual([`acknowledge liaison ${iso('2026-10-01T10:15:00')}`, `acknowledge department_head ${iso('2026-10-01T11:15:00')}`]);
  });

  it('follows a one-level policy without repeats on each track', () => {
    const single = { levels: [{ target: 'center_lead' as const, afterMs: 0 }], repeat: { count: 0, intervalMs: HOUR } };
    const steps = pendingEscalations(order, single, china, created);
    expect(steps.map((s) => s.target)).toEqual(['center_lead', 'center_lead']);
    expect(steps.map((s) => s.track)).toEqual(['acknowledge', 'resolve']);
  });
});

describe('parseEscalationPolicy', () => {
  it('accepts the default policy', () => {
    expect(parseEscalationPolicy(JSON.parse(JSON.stringify(policy))).ok).toBe(true);
  });

  it.each([
    [{ ...policy, levels: [{ target: 'liaison', afterMs: 3_600_000 }, { target: 'center_lead', afterMs: 0 }] }, '/levels/1/afterMs'],
    [{ ...policy, levels: [{ target: 'mayor', afterMs: 0 }] }, '/levels/0/target'],
    [{ ...policy, repeat: { count: -1, intervalMs: 3_600_000 } }, '/repeat/count'],
  ])('rejects a bad policy at %s', (input, path) => {
    const result = parseEscalationPolicy(input);
    expect(!result.ok && result.errors.map((e) => e.path)).toContain(path);
  });
});
