import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { WorkingCalendar } from '../calendar/index.ts';
import { addOnBasis, addSpan, resolutionPauses, type PolicyFieldError } from './deadlines.ts';
import { auditEffect, type EscalationTrack, type WorkOrderEffect } from './effects.ts';
import { SYSTEM_ACTOR, type WorkOrder } from './work-order.ts';

/**
 * Escalation of a missed deadline (liaison → department head → center lead → hospital
 * management). Level i fires `afterMs` after the missed deadline, counted on the deadline's own
 * basis (working time for severity 3–4, elapsed time for 1–2, holds excluded); after the last
 * level, the last target is reminded `repeat.count` more times every `repeat.intervalMs`.
 * Two independent tracks: `acknowledge` runs until the order is acknowledged; `resolve` runs
 * until it is resolved (paused while on hold, restarted as a new round when reopened).
 * Functions here are pure; a scheduler calls `escalationsDue`, applies `recordEscalations`.
 */
export type EscalationTarget = 'liaison' | 'department_head' | 'center_lead' | 'hospital_management';

export interface EscalationLevel {
  readonly target: EscalationTarget;
  /** Time after the missed deadline; non-decreasing from level to level. */
  readonly afterMs: number;
}

export interface EscalationPolicy {
  readonly levels: readonly EscalationLevel[];
  readonly repeat: { readonly count: number; readonly intervalMs: number };
}

const HOUR = 3_600_000;
export const DEFAULT_ESCALATION_POLICY: EscalationPolicy = {
  levels: [
    { target: 'liaison', afterMs: 0 },
    { target: 'department_head', afterMs: 1 * HOUR },
    { target: 'center_lead', afterMs: 4 * HOUR },
    { target: 'hospital_management', afterMs: 8 * HOUR },
  ],
  repeat: { count: 2, intervalMs: 8 * HOUR },
};

const TargetSchema = Type.Union(
  (['liaison', 'department_head', 'center_lead', 'hospital_management'] as const).map((t) => Type.Literal(t)),
);
export const EscalationPolicySchema = Type.Object(
  {
    levels: Type.Array(Type.Object({ target: TargetSchema, afterMs: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }), {
      maxItems: 10,
    }),
    repeat: Type.Object(
      { count: Type.Integer({ minimum: 0, maximum: 50 }), intervalMs: Type.Integer({ minimum: 60_000 }) },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
const checker = TypeCompiler.Compile(EscalationPolicySchema);

export function parseEscalationPolicy(
  input: unknown,
): { readonly ok: true; readonly policy: EscalationPolicy } | { readonly ok: false; readonly errors: readonly PolicyFieldError[] } {
  if (!checker.Check(input)) {
    return { ok: false, errors: [...checker.Errors(input)].map((e) => ({ path: e.path, message: e.message })) };
  }
  const errors: PolicyFieldError[] = [];
  input.levels.forEach((level, i) => {
    const previous = input.levels[i - 1];
    if (previous && level.afterMs < previous.afterMs) {
      errors.push({ path: `/levels/${i}/afterMs`, message: 'levels must not fire before the previous level' });
    }
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, policy: input };
}

export interface EscalationStep {
  readonly track: EscalationTrack;
  /** Position in the track's schedule: levels first, then the repeats. */
  readonly index: number;
  /** Index into `policy.levels` (the last level for repeats). */
  readonly level: number;
  readonly target: EscalationTarget;
  /** 0 for the level itself, 1…count for its repeats. */
  readonly repeat: number;
  /** `reopenCount` for the resolve track, 0 for acknowledge. */
  readonly round: number;
  readonly dueAt: Date;
}

type EscalationInput = Pick<
  WorkOrder,
  'state' | 'createdAt' | 'resolveClockStartedAt' | 'pauses' | 'hold' | 'sla' | 'reopenCount' | 'escalations'
>;

function activeTracks(order: EscalationInput): EscalationTrack[] {
  switch (order.state) {
    case 'new':
      return ['acknowledge', 'resolve'];
    case 'acknowledged':
    case 'in_progress':
      return ['resolve'];
    case 'on_hold':
    case 'resolved':
    case 'closed':
      return [];
  }
}

function trackSchedule(order: EscalationInput, policy: EscalationPolicy, calendar: WorkingCalendar, track: EscalationTrack, now: Date): EscalationStep[] {
  const span = track === 'acknowledge' ? order.sla.acknowledge : order.sla.resolve;
  const pauses = track === 'acknowledge' ? [] : resolutionPauses(order, now);
  const start = track === 'acknowledge' ? order.createdAt : order.resolveClockStartedAt;
  const round = track === 'acknowledge' ? 0 : order.reopenCount;
  const deadline = addSpan(calendar, start, span, pauses);
  const steps: EscalationStep[] = [];
  policy.levels.forEach((level, i) => {
    const dueAt = addOnBasis(calendar, span.basis, deadline, level.afterMs, pauses);
    steps.push({ track, index: i, level: i, target: level.target, repeat: 0, round, dueAt });
  });
  const last = steps[steps.length - 1];
  if (!last) return steps;
  for (let k = 1; k <= policy.repeat.count; k += 1) {
    const dueAt = addOnBasis(calendar, span.basis, last.dueAt, k * policy.repeat.intervalMs, pauses);
    steps.push({ ...last, index: last.index + k, repeat: k, dueAt });
  }
  return steps;
}

function unsent(order: EscalationInput, steps: readonly EscalationStep[]): EscalationStep[] {
  return steps.filter((s) => !order.escalations.some((e) => e.track === s.track && e.index === s.index && e.round === s.round));
}

/** The pending steps of the active tracks, earliest first (dueAt may already be past). */
export function pendingEscalations(order: EscalationInput, policy: EscalationPolicy, calendar: WorkingCalendar, now: Date): EscalationStep[] {
  return activeTracks(order)
    .flatMap((track) => unsent(order, trackSchedule(order, policy, calendar, track, now)))
    .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.track.localeCompare(b.track));
}

/** The next step to send (its `dueAt` may be past when the scheduler is behind), or null. */
export function nextEscalation(order: EscalationInput, policy: EscalationPolicy, calendar: WorkingCalendar, now: Date): EscalationStep | null {
  return pendingEscalations(order, policy, calendar, now)[0] ?? null;
}

/** Steps due at `now` and not yet sent, earliest first. */
export function escalationsDue(order: EscalationInput, policy: EscalationPolicy, calendar: WorkingCalendar, now: Date): EscalationStep[] {
  return pendingEscalations(order, policy, calendar, now).filter((s) => s.dueAt.getTime() <= now.getTime());
}

/** Marks steps as sent and yields their audit and escalate effects. */
export function recordEscalations(
  order: WorkOrder,
  steps: readonly EscalationStep[],
  now: Date,
): { readonly order: WorkOrder; readonly effects: readonly WorkOrderEffect[] } {
  const effects: WorkOrderEffect[] = [];
  for (const s of steps) {
    effects.push(
      auditEffect(order, 'workorder.escalated', SYSTEM_ACTOR, now, order.state, order.state, {
        track: s.track,
        level: s.level,
        target: s.target,
        repeat: s.repeat,
        dueAt: s.dueAt.toISOString(),
      }),
      { kind: 'escalate', orderId: order.id, orgUnit: order.orgUnit, track: s.track, target: s.target, level: s.level, repeat: s.repeat },
    );
  }
  const sent = steps.map((s) => ({ track: s.track, index: s.index, round: s.round, at: now }));
  return { order: { ...order, escalations: [...order.escalations, ...sent] }, effects };
}
