import { describe, expect, it } from 'vitest';
import { computeDeadlines, DEFAULT_DEADLINE_POLICY, parseDeadlinePolicy, resolveDueWithPauses } from './deadlines.ts';
import { at, center, china, liaison, makeOrder, run } from './test-support.ts';

// 2026-09-30 is a Wednesday, the last working day before National Day (1–7 October off);
// Saturday 10 October is a make-up working day. Working hours 08:00–12:00, 13:30–17:30 (8 h/day).
const created = at('2026-09-30T16:00:00');

describe('computeDeadlines over the National Day holiday', () => {
  it('severity 3: acknowledge in 4 working hours, resolve in 3 working days (make-up Saturday counted)', () => {
    // Acknowledge: 1.5 h on 30 Sep (16:00–17:30) + 2.5 h on 8 Oct (08:00–10:30).
    // Resolve: 24 h = 1.5 h (30 Sep) + 8 h (8 Oct) + 8 h (9 Oct) + 6.5 h on Sat 10 Oct (08:00–12:00, 13:30–16:00).
    expect(computeDeadlines(makeOrder(created, { severity: 3 }), china, created)).toEqual({
      acknowledgeBy: at('2026-10-08T10:30:00'),
      resolveBy: at('2026-10-10T16:00:00'),
      resolvePaused: false,
    });
  });

  it('severity 4: acknowledge in 1 working day, resolve in 5 working days', () => {
    // 1 day = 8 h: 1.5 h (30 Sep) + 6.5 h on 8 Oct → 16:00.
    // 5 days = 40 h: 1.5 + 8 (8 Oct) + 8 (9 Oct) + 8 (10 Oct) + 8 (Mon 12 Oct) = 33.5, + 6.5 h on 13 Oct → 16:00.
    const d = computeDeadlines(makeOrder(created, { severity: 4 }), china, created);
    expect(d.acknowledgeBy).toEqual(at('2026-10-08T16:00:00'));
    expect(d.resolveBy).toEqual(at('2026-10-13T16:00:00'));
  });

  it.each([
    [1, '2026-10-01T10:15:00', '2026-10-01T14:00:00'],
    [2, '2026-10-01T10:30:00', '2026-10-01T18:00:00'],
  ] as const)('severity %d runs on the clock, holidays included', (severity, ack, resolve) => {
    const holidayMorning = at('2026-10-01T10:00:00');
    const d = computeDeadlines(makeOrder(holidayMorning, { severity }), china, holidayMorning);
    expect(d.acknowledgeBy).toEqual(at(ack));
    expect(d.resolveBy).toEqual(at(resolve));
  });
});

describe('resolveDueWithPauses', () => {
  const acknowledged = run(makeOrder(created), [[{ kind: 'acknowledge' }, liaison, at('2026-10-08T08:30:00')]]);
  const hold = { kind: 'hold', reason: 'awaiting_vendor', note: 'vendor' } as const;

  it('moves the deadline by the working time spent on hold', () => {
    // Held 8 Oct 09:00 → 9 Oct 09:00 = 7 h + 1 h = 8 working hours; 10 Oct 16:00 + 8 h:
    // 1.5 h to 17:30, Sunday off, Mon 12 Oct 08:00 + 6.5 h → 16:00.
    const resumed = run(acknowledged, [
      [hold, liaison, at('2026-10-08T09:00:00')],
      [{ kind: 'resume' }, liaison, at('2026-10-09T09:00:00')],
    ]);
    expect(resolveDueWithPauses(resumed, china, at('2026-10-09T10:00:00'))).toEqual(at('2026-10-12T16:00:00'));
  });

  it('counts a hold in progress up to now and says the deadline is provisional', () => {
    const held = run(acknowledged, [[hold, liaison, at('2026-10-08T09:00:00')]]);
    // 2 working hours on hold so far: 10 Oct 16:00 + 2 h → 17:30 (1.5 h) then Mon 12 Oct 08:30.
    const d = computeDeadlines(held, china, at('2026-10-08T11:00:00'));
    expect(d.resolveBy).toEqual(at('2026-10-12T08:30:00'));
    expect(d.resolvePaused).toBe(true);
  });

  it('pauses a clock-based deadline too', () => {
    const sev1 = run(makeOrder(at('2026-10-01T10:00:00'), { severity: 1 }), [
      [{ kind: 'acknowledge' }, liaison, at('2026-10-01T10:05:00')],
      [hold, liaison, at('2026-10-01T11:00:00')],
      [{ kind: 'resume' }, liaison, at('2026-10-01T11:30:00')],
    ]);
    expect(resolveDueWithPauses(sev1, china, at('2026-10-01T12:00:00'))).toEqual(at('2026-10-01T14:30:00'));
  });

  it('restarts from the reopening', () => {
    const reopened = run(acknowledged, [
      [{ kind: 'resolve', rootCause: 'r', actionTaken: 'a' }, liaison, at('2026-10-08T10:00:00')],
      [{ kind: 'reopen', reason: 'not fixed' }, center, at('2026-10-12T09:00:00')],
    ]);
    // 24 working hours from Mon 12 Oct 09:00 → Thu 15 Oct 09:00.
    expect(resolveDueWithPauses(reopened, china, at('2026-10-12T09:00:00'))).toEqual(at('2026-10-15T09:00:00'));
  });
});

describe('parseDeadlinePolicy', () => {
  it('accepts the default policy', () => {
    expect(parseDeadlinePolicy(JSON.parse(JSON.stringify(DEFAULT_DEADLINE_POLICY)))).toEqual({ ok: true, policy: DEFAULT_DEADLINE_POLICY });
  });

  it.each([
    [{ '3': { acknowledge: { basis: 'clock', ms: -1 } } }, '/bySeverity/3/acknowledge'],
    [{ '2': { resolve: { basis: 'weeks', ms: 1 } } }, '/bySeverity/2/resolve'],
  ])('rejects a bad span with the field path', (patch, path) => {
    const bySeverity = { ...DEFAULT_DEADLINE_POLICY.bySeverity } as Record<string, unknown>;
    for (const [k, v] of Object.entries(patch)) bySeverity[k] = { ...(bySeverity[k] as object), ...v };
    const result = parseDeadlinePolicy({ bySeverity });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.some((e) => e.path.startsWith(path))).toBe(true);
  });
});
