import type { Pause, WorkingCalendar } from '../calendar/index.ts';
import { addSpan, computeDeadlines } from './deadlines.ts';
import { SYSTEM_ACTOR, type WorkOrder } from './work-order.ts';

/**
 * Work-order milestones as events, so the ordinary indicator roll-ups count them per org unit and
 * period (and rules judge them, and rankings compare departments). One event of the custom type
 * `work_order` per milestone, sent by the internal source `yunjian-workorders`:
 *
 * - `created`, `acknowledged`, `resolved`, `closed`, `reopened` — one per timeline entry, id
 *   `wo-<order>-<timeline entry>`, at the entry's time;
 * - `recurred` — beside the `reopened` of a recurring alert (reopened by the system) or the
 *   `created` of an order linked to an earlier one, id `wo-<order>-<entry>-recurred`;
 * - `overdue` — a missed deadline, at the instant it was missed: `wo-<order>-overdue-acknowledge`
 *   and `wo-<order>-overdue-resolve-<round>` (a reopening starts a new round with a new
 *   resolution deadline).
 *
 * Every deadline is decided by exactly one event: the acknowledgement by the `acknowledged`
 * event when on time (`acknowledgeDeadline: met`) or by its `overdue` event (`missed`); each
 * round's resolution likewise (`resolveDeadline`). An order closed before a deadline has no
 * decision for it. On-time rates are therefore met / (met + missed), counted in the period the
 * deadline was decided. Durations are wall-clock minutes from creation (acknowledge) or from the
 * start of the round (resolve: creation, or the reopening), as in statistics.ts.
 *
 * Facts are a function of the order's frozen fields, its timeline and the calendar, so deriving
 * them again yields the same ids and contents: re-sending is harmless. A miss is declared only
 * once `settledBefore` (now minus the patience for open transactions) is past it, so an entry
 * committed late cannot turn a met deadline into a missed one.
 */
export const WORK_ORDER_FACTS_SOURCE = 'yunjian-workorders';
export const WORK_ORDER_EVENT_TYPE = 'work_order';

export const MILESTONES = ['created', 'acknowledged', 'resolved', 'closed', 'reopened', 'recurred', 'overdue'] as const;
export type Milestone = (typeof MILESTONES)[number];

const instant = { type: 'string', format: 'date-time' } as const;
const outcome = { type: 'string', enum: ['met', 'missed'] } as const;
const minutes = { type: 'number', minimum: 0, maximum: 1e9 } as const;

/** The custom event type the source declares (src/ingest/custom-schema.ts subset of JSON Schema). */
export const WORK_ORDER_EVENT_SCHEMA = {
  name: WORK_ORDER_EVENT_TYPE,
  version: 1,
  schema: {
    type: 'object',
    properties: {
      orderId: { type: 'string', minLength: 1, maxLength: 32 },
      milestone: { type: 'string', enum: [...MILESTONES] },
      severity: { type: 'integer', minimum: 1, maximum: 4 },
      category: { type: 'string', minLength: 1, maxLength: 100 },
      origin: { type: 'string', enum: ['alert', 'manual'] },
      round: { type: 'integer', minimum: 0, maximum: 1e6 },
      createdAt: instant,
      acknowledgeBy: instant,
      acknowledgedOnTime: { type: 'boolean' },
      minutesToAcknowledge: minutes,
      acknowledgeDeadline: outcome,
      resolveBy: instant,
      resolvedOnTime: { type: 'boolean' },
      minutesToResolve: minutes,
      resolveDeadline: outcome,
      closeOutcome: { type: 'string', enum: ['verified', 'cancelled'] },
      recurrence: { type: 'boolean' },
      recurrenceOf: { type: 'string', minLength: 1, maxLength: 32 },
      track: { type: 'string', enum: ['acknowledge', 'resolve'] },
      deadline: instant,
      firstOverdue: { type: 'boolean' },
    },
    required: ['orderId', 'milestone', 'severity', 'category', 'origin', 'round', 'createdAt'],
  },
} as const;

/** What the facts read from the order: fields fixed when it was opened. */
export type FactOrder = Pick<WorkOrder, 'id' | 'orgUnit' | 'severity' | 'category' | 'origin' | 'createdAt' | 'sla' | 'recurrenceOf'>;

/** One timeline entry (work_order_event row). */
export interface TimelineStep {
  readonly id: number;
  readonly at: Date;
  readonly actor: string;
  readonly action: string;
}

export type FactAttributes = Readonly<Record<string, string | number | boolean>>;

/** An event as the source sends it (the ingest envelope). */
export interface MilestoneEvent {
  readonly id: string;
  readonly type: typeof WORK_ORDER_EVENT_TYPE;
  readonly orgUnit: string;
  readonly occurredAt: string;
  readonly attributes: FactAttributes;
}

/** An event and the timeline entry it comes from (null for a missed deadline). */
export interface MilestoneFact {
  readonly timelineId: number | null;
  readonly event: MilestoneEvent;
}

/**
 * How long after a deadline a miss is declared: a change stamped before the deadline but not yet
 * committed (a transaction open this long is not waited for, as the live feed's cursor does).
 */
export const MISS_PATIENCE_MS = 60_000;

export const ackMissId = (orderId: string): string => `wo-${orderId}-overdue-acknowledge`;
export const resolveMissId = (orderId: string, round: number): string => `wo-${orderId}-overdue-resolve-${String(round)}`;

interface Round {
  readonly index: number;
  readonly start: Date;
  readonly pauses: Pause[];
  holdSince: Date | null;
  /** Resolution, or closing without one. */
  end: Date | null;
}

interface Interval {
  readonly start: Date;
  end: Date | null;
}

/** The order's history as the facts need it, rebuilt from its timeline. */
interface History {
  ackAt: Date | null;
  /** Every round so far; the last is the current one. */
  readonly rounds: [Round, ...Round[]];
  /** When the order was open (not closed). */
  readonly open: Interval[];
}

interface Walk {
  readonly order: FactOrder;
  readonly calendar: WorkingCalendar;
  readonly acknowledgeBy: Date;
  readonly history: History;
  readonly facts: MilestoneFact[];
}

const MINUTE = 60_000;
const before = (a: Date, b: Date): boolean => a.getTime() < b.getTime();

function endHold(round: Round, at: Date): void {
  if (round.holdSince !== null) round.pauses.push({ start: round.holdSince, end: at });
  round.holdSince = null;
}

function fact(order: FactOrder, id: string, milestone: Milestone, at: Date, round: number, extra: FactAttributes, timelineId: number | null): MilestoneFact {
  return {
    timelineId,
    event: {
      id, type: WORK_ORDER_EVENT_TYPE, orgUnit: order.orgUnit, occurredAt: at.toISOString(),
      attributes: {
        orderId: order.id, milestone, severity: order.severity, category: order.category, origin: order.origin.kind, round,
        createdAt: order.createdAt.toISOString(), ...extra,
      },
    },
  };
}

function currentRound(history: History): Round {
  return history.rounds[history.rounds.length - 1] ?? history.rounds[0];
}

/** Applies one timeline entry to the walk: its effect on the history, and its facts. */
function applyStep(w: Walk, step: TimelineStep): void {
  const { order, history } = w;
  const round = currentRound(history);
  const id = `wo-${order.id}-${String(step.id)}`;
  const add = (milestone: Milestone, extra: FactAttributes, suffix = '', roundIndex = round.index): void => {
    w.facts.push(fact(order, `${id}${suffix}`, milestone, step.at, roundIndex, extra, step.id));
  };
  switch (step.action) {
    case 'workorder.created':
      add('created', {});
      if (order.recurrenceOf !== null) add('recurred', { recurrenceOf: order.recurrenceOf }, '-recurred');
      return;
    case 'workorder.acknowledged':
      history.ackAt = step.at;
      add('acknowledged', acknowledgedAttributes(order, w.acknowledgeBy, step.at));
      return;
    case 'workorder.held':
      round.holdSince = step.at;
      return;
    case 'workorder.resumed':
      endHold(round, step.at);
      return;
    case 'workorder.resolved':
      endHold(round, step.at);
      round.end = step.at;
      add('resolved', resolvedAttributes(order, round, step.at, w.calendar));
      return;
    case 'workorder.verified':
    case 'workorder.closed': {
      endHold(round, step.at);
      round.end ??= step.at;
      const open = history.open[history.open.length - 1];
      if (open !== undefined) open.end = step.at;
      add('closed', { closeOutcome: step.action === 'workorder.verified' ? 'verified' : 'cancelled' });
      return;
    }
    case 'workorder.reopened': {
      const next = round.index + 1;
      history.rounds.push({ index: next, start: step.at, pauses: [], holdSince: null, end: null });
      const open = history.open[history.open.length - 1];
      if (open !== undefined && open.end !== null) history.open.push({ start: step.at, end: null });
      // The system reopens an order only for a recurring alert of its group (recovery.ts).
      const recurrence = step.actor === SYSTEM_ACTOR.userId;
      add('reopened', { recurrence }, '', next);
      if (recurrence) add('recurred', {}, '-recurred', next);
      return;
    }
    default:
      // Starting, assignment, comments, attachments, escalation steps, recovery marks: not milestones.
      return;
  }
}

/** Walks the timeline in order: the history, and the facts of the entries that are milestones. */
function walk(order: FactOrder, timeline: readonly TimelineStep[], calendar: WorkingCalendar): Walk {
  const w: Walk = {
    order, calendar, acknowledgeBy: addSpan(calendar, order.createdAt, order.sla.acknowledge), facts: [],
    history: { ackAt: null, rounds: [{ index: 0, start: order.createdAt, pauses: [], holdSince: null, end: null }], open: [{ start: order.createdAt, end: null }] },
  };
  for (const step of [...timeline].sort((a, b) => a.id - b.id)) applyStep(w, step);
  return w;
}

function acknowledgedAttributes(order: FactOrder, acknowledgeBy: Date, at: Date): FactAttributes {
  const onTime = !before(acknowledgeBy, at);
  return {
    acknowledgeBy: acknowledgeBy.toISOString(), acknowledgedOnTime: onTime, minutesToAcknowledge: (at.getTime() - order.createdAt.getTime()) / MINUTE,
    ...(onTime ? { acknowledgeDeadline: 'met' } : {}),
  };
}

function resolvedAttributes(order: FactOrder, round: Round, at: Date, calendar: WorkingCalendar): FactAttributes {
  const resolveBy = addSpan(calendar, round.start, order.sla.resolve, round.pauses);
  const onTime = !before(resolveBy, at);
  return {
    resolveBy: resolveBy.toISOString(), resolvedOnTime: onTime, minutesToResolve: (at.getTime() - round.start.getTime()) / MINUTE,
    ...(onTime ? { resolveDeadline: 'met' } : {}),
  };
}

/** The first instant at or after `t` at which the order was open, or null. */
function firstOpenAtOrAfter(open: readonly Interval[], t: Date): Date | null {
  for (const i of open) {
    if (!before(t, i.start) && (i.end === null || before(t, i.end))) return t;
    if (before(t, i.start)) return i.start;
  }
  return null;
}

interface Miss {
  readonly id: string;
  readonly at: Date;
  readonly round: number;
  readonly track: 'acknowledge' | 'resolve';
  readonly deadline: Date;
}

function roundAt(history: History, t: Date): number {
  return history.rounds.filter((r) => !before(t, r.start)).at(-1)?.index ?? 0;
}

/** Deadlines missed by `settledBefore`: the acknowledgement once, the resolution once per round. */
function misses(w: Walk, settledBefore: Date): Miss[] {
  const { order, history, calendar } = w;
  const found: Miss[] = [];
  const ackBy = w.acknowledgeBy;
  const ackMissedAt = firstOpenAtOrAfter(history.open, ackBy);
  if (ackMissedAt !== null && before(ackMissedAt, settledBefore) && (history.ackAt === null || before(ackMissedAt, history.ackAt))) {
    found.push({ id: ackMissId(order.id), at: ackMissedAt, round: roundAt(history, ackMissedAt), track: 'acknowledge', deadline: ackBy });
  }
  for (const round of history.rounds) {
    // A hold still running counts up to the judgement: while it lasts the deadline keeps moving.
    const pauses = round.holdSince !== null && before(round.holdSince, settledBefore) ? [...round.pauses, { start: round.holdSince, end: settledBefore }] : round.pauses;
    const resolveBy = addSpan(calendar, round.start, order.sla.resolve, pauses);
    if (!before(resolveBy, settledBefore) || (round.end !== null && !before(resolveBy, round.end))) continue;
    found.push({ id: resolveMissId(order.id, round.index), at: resolveBy, round: round.index, track: 'resolve', deadline: resolveBy });
  }
  return found.sort((a, b) => a.at.getTime() - b.at.getTime() || a.track.localeCompare(b.track));
}

/**
 * Every fact of one order known at `settledBefore`: a fact per milestone entry of the timeline
 * and one per missed deadline, the earliest miss marked `firstOverdue` (the order became overdue).
 */
export function workOrderFacts(order: FactOrder, timeline: readonly TimelineStep[], calendar: WorkingCalendar, settledBefore: Date): MilestoneFact[] {
  const w = walk(order, timeline, calendar);
  const missed = misses(w, settledBefore).map((m, i) =>
    fact(order, m.id, 'overdue', m.at, m.round, {
      track: m.track, deadline: m.deadline.toISOString(), firstOverdue: i === 0,
      ...(m.track === 'acknowledge' ? { acknowledgeDeadline: 'missed' } : { resolveDeadline: 'missed' }),
    }, null));
  return [...w.facts, ...missed];
}

/**
 * Ids of the misses an open order's current state implies at `settledBefore`, without its
 * timeline: the scheduler checks these against the stored events before deriving anything.
 */
export function pendingMissIds(order: WorkOrder, calendar: WorkingCalendar, settledBefore: Date): string[] {
  const deadlines = computeDeadlines(order, calendar, settledBefore);
  const ids: string[] = [];
  if (order.acknowledgedAt === null && before(deadlines.acknowledgeBy, settledBefore)) ids.push(ackMissId(order.id));
  if (order.resolvedAt === null && order.closedAt === null && order.hold === null && before(deadlines.resolveBy, settledBefore)) {
    ids.push(resolveMissId(order.id, order.reopenCount));
  }
  return ids;
}

/** One NDJSON line of the event. */
export function toNdjsonLine(event: MilestoneEvent): string {
  return `${JSON.stringify(event)}\n`;
}
