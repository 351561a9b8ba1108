import { pathIds } from '../orgs/index.ts';
import { DEFAULT_TIME_ZONE, previousPeriod, type Grain } from '../shared/index.ts';
import type { Db, Queryable } from '../store/index.ts';
import { alertFingerprint, alertIdentity, type AlertOutcome, type AlertStatus } from './alert.ts';
import { alertPeriodOf } from './alert-period.ts';
import { tellConsumer, type AlertTransitionConsumer, type AlertTransitionEvent } from './alert-transition.ts';
import * as alertsRepo from './alerts-repo.ts';
import * as findingsRepo from './findings-repo.ts';
import { groupKey } from './grouping.ts';
import { liveHorizonStart, planIncident, type IncidentHead, type IncidentPlan } from './incident.ts';
import type { InhibitableAlert } from './inhibition.ts';
import { parseMuteWindow, type HolidayPredicate, type MuteWindow } from './mute-window.ts';
import { decideNotification, type NotificationDecision } from './pipeline.ts';
import type { Silence } from './silence.ts';
import type { AlertPolicy, AlertStep } from './state-machine.ts';

/**
 * Records judged outcomes as alerts — the interface the rule engine calls, inside its own
 * transaction. Each outcome is placed against its series' latest incident (incident.ts): a breach
 * opens an incident or adds its period to the open one, a closed clean period ends it, a period
 * older than the rule's live horizon becomes a finding. A transition is written to the history with
 * the values and baseline that caused it, passed through the notification pipeline (inhibition,
 * silences, mute windows, dedup — suppressed alerts are recorded with what held them back) and
 * handed to the transition consumers (work orders, notifications); a period added to an open
 * incident is written to its history and periods but is no transition, so nothing downstream opens
 * again. An evaluation that changes nothing writes nothing.
 */
export type Trigger = 'evaluation' | 'late_data' | 'schedule';

/** The org unit an outcome is about, as the engine read it. */
export interface RecordingOrg {
  readonly id: number;
  readonly code: string;
  readonly name: string;
  readonly kind: string;
  readonly path: string;
}

export interface JudgedAlert<O extends AlertOutcome = AlertOutcome> {
  readonly outcome: O;
  readonly org: RecordingOrg;
  readonly trigger: Trigger;
  /** The source a source-silence outcome is about (inhibits alerts fed by it). */
  readonly silentSource?: string | undefined;
}

/** An alert text: rendered now in both languages (notifications, work-order titles) and stored as template and parameters. */
export interface AlertMessage {
  readonly zh: string;
  readonly en: string;
  readonly template: alertsRepo.AlertMessageTemplate;
  readonly params: Readonly<Record<string, alertsRepo.MessageParam>>;
}

/** What the recorder needs of a rule. */
export interface RecordingRule<O extends AlertOutcome = AlertOutcome> {
  readonly id: number;
  readonly code: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly version: number;
  readonly severity: 1 | 2 | 3 | 4;
  readonly category: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly policy: AlertPolicy;
  /** Periods of the rule's grain that are live (default 2: the current and the previous one). */
  readonly livePeriods?: number | undefined;
  message(outcome: O, org: RecordingOrg): AlertMessage;
}

export interface NotificationInputs {
  readonly silences: readonly Silence[];
  readonly muteWindows: readonly MuteWindow[];
}

export interface RecorderDeps {
  readonly consumers: readonly AlertTransitionConsumer[];
  readonly isHoliday: HolidayPredicate;
  /** The group's zone: where calendar periods end (live horizon, inhibition); Asia/Shanghai when absent. */
  readonly timeZone?: string;
}

/** A re-check the state machine asked for (a `for` or keep-firing duration ending); the engine stores it. */
export interface RecheckRequest<J> {
  readonly judged: J;
  readonly at: string;
}

/** Active silences and the mute windows, read before the recording transaction opens. */
export async function loadNotificationInputs(db: Db, now: Date): Promise<NotificationInputs> {
  const silences = (await alertsRepo.listSilences(db, null, now)).map((s): Silence => ({
    id: String(s.id), matchers: s.matchers, startsAt: s.startsAt.toISOString(), endsAt: s.endsAt.toISOString(), createdBy: s.createdBy, reason: s.reason,
  }));
  const muteWindows: MuteWindow[] = [];
  for (const w of await alertsRepo.listMuteWindows(db)) {
    const parsed = parseMuteWindow({ ...(w.definition as object), id: String(w.id), name: w.name });
    if (parsed.ok) muteWindows.push(parsed.window);
  }
  return { silences, muteWindows };
}

/** Whether anything but the last value and evaluation time changed (those alone are not worth a write). */
export function materiallyChanged(prev: AlertStatus, next: AlertStatus): boolean {
  return prev.state !== next.state || prev.activeSince !== next.activeSince || prev.clearedSince !== next.clearedSince
    || prev.finalized !== next.finalized || (next.state === 'pending' && prev.breachCount !== next.breachCount);
}

export function seriesOf(rule: { readonly id: number }, j: JudgedAlert): alertsRepo.SeriesRef {
  return { ruleId: rule.id, orgUnitId: j.org.id, seriesKey: j.outcome.seriesKey };
}

function headOf(row: alertsRepo.AlertRow | null): IncidentHead | null {
  return row === null ? null : { status: row.status, firstPeriodStart: row.periodStart?.toISOString() ?? null, lastPeriodKey: row.lastPeriodKey, lastPeriodStart: row.lastPeriodStart?.toISOString() ?? null };
}

function planFor(head: alertsRepo.AlertRow | null, j: JudgedAlert, rule: Pick<RecordingRule, 'policy' | 'livePeriods'>, now: Date, timeZone: string): IncidentPlan {
  return planIncident(headOf(head), j.outcome, rule.policy, now, {
    timeZone, livePeriods: rule.livePeriods, trigger: j.trigger === 'late_data' ? 'late_data' : 'evaluation',
  });
}

function stepWrites(prev: AlertStatus | null, step: AlertStep): boolean {
  if (step.transition !== undefined || step.effects.length > 0) return true;
  return prev !== null && step.alert !== null && materiallyChanged(prev, step.alert);
}

/**
 * Whether recording `j` against its series' latest alert as last read (`head`, unlocked) would
 * write anything: a transition, a period added, a re-check, a material status change or a finding.
 * Recording re-reads the head under lock and plans again, so a stale head costs at most one
 * evaluation's delay.
 */
export function needsRecording(head: alertsRepo.AlertRow | null, j: JudgedAlert, rule: Pick<RecordingRule, 'policy' | 'livePeriods'>, now: Date, timeZone = DEFAULT_TIME_ZONE): boolean {
  const plan = planFor(head, j, rule, now, timeZone);
  switch (plan.placement) {
    case 'finding':
      return plan.bad || j.trigger === 'late_data';
    case 'past':
      return plan.bad;
    case 'same':
      return stepWrites(head?.status ?? null, plan.step);
    case 'extend':
      return plan.added || stepWrites(head?.status ?? null, plan.step);
    case 'prepend':
      return true;
    case 'new':
      return plan.end !== null || stepWrites(null, plan.step);
  }
}

/** The latest alert of each series, as last stored (unlocked): what `needsRecording` compares with. */
export async function readHeads(db: Queryable, series: readonly alertsRepo.SeriesRef[]): Promise<Map<string, alertsRepo.AlertRow>> {
  return new Map((await alertsRepo.findLatestAlertsBySeries(db, series)).map((a) => [alertsRepo.seriesRefKey(a), a]));
}

/** A write decided and waiting: a transition (told to the consumers) or a period added to an open incident (not told). */
interface PendingWrite {
  readonly seriesKey: string;
  readonly alert: alertsRepo.AlertWrite;
  readonly history: Omit<alertsRepo.HistoryWrite, 'alertId'>;
  readonly period: alertsRepo.PeriodWrite | undefined;
  readonly event: Omit<AlertTransitionEvent, 'alertId'> | null;
}

/**
 * What the rules recorded in one transaction share: the latest alert of each series read under
 * lock at once, the inhibitor candidates, and the writes decided so far, which `flushRecording`
 * stores in a few multi-row statements; the transition consumers are told once per pass
 * (`tellConsumers`), in order.
 */
export interface SharedRecording {
  readonly heads: Map<string, alertsRepo.AlertRow>;
  readonly inhibitors: InhibitorCandidates;
  /** Every transition stored so far, in order (what the recording tells `onCommitted` after the commit). */
  readonly committed: AlertTransitionEvent[];
  readonly pending: {
    statuses: { id: number; status: AlertStatus; value: number | null }[];
    writes: PendingWrite[];
    findings: findingsRepo.FindingWrite[];
    findingDeletes: { ruleId: number; orgUnitId: number; seriesKey: string; periodKey: string }[];
    /** Series with a write pending: a second outcome of one of them flushes first. */
    series: Set<string>;
  };
}

/** Locks the latest alert of every series being recorded, in one query. */
export async function prepareRecording(tx: Queryable, series: readonly alertsRepo.SeriesRef[], orgPaths: readonly string[]): Promise<SharedRecording> {
  const heads = new Map((await alertsRepo.findLatestAlertsBySeries(tx, series, true)).map((a) => [alertsRepo.seriesRefKey(a), a]));
  return {
    heads, inhibitors: inhibitorCandidates(tx, orgPaths.flatMap((p) => pathIds(p).slice(0, -1))), committed: [],
    pending: { statuses: [], writes: [], findings: [], findingDeletes: [], series: new Set() },
  };
}

/** Hands the transitions a pass stored (`shared.committed`, in order) to each consumer as one batch. */
export async function tellConsumers(tx: Queryable, deps: RecorderDeps, events: readonly AlertTransitionEvent[]): Promise<void> {
  for (const consumer of deps.consumers) await tellConsumer(consumer, tx, events);
}

/** Writes what the recording decided so far; returns the transitions stored (the consumers are told by `tellConsumers`). */
export async function flushRecording(tx: Queryable, shared: SharedRecording, now: Date): Promise<AlertTransitionEvent[]> {
  const p = shared.pending;
  await alertsRepo.updateAlertStatuses(tx, p.statuses, now);
  await findingsRepo.upsertFindings(tx, p.findings);
  await findingsRepo.deleteFindings(tx, p.findingDeletes);
  const ids = await alertsRepo.saveAlertTransitions(tx, p.writes);
  const events: AlertTransitionEvent[] = [];
  for (const w of p.writes) {
    const alertId = ids.get(w.alert.fingerprint);
    if (alertId === undefined) throw new Error(`alert ${w.alert.fingerprint} was not saved`);
    if (w.event) events.push({ ...w.event, alertId });
    // Later outcomes of this series step from what was just stored (the last write of a series is its head).
    const prev = shared.heads.get(w.seriesKey);
    const base = prev?.fingerprint === w.alert.fingerprint ? prev : savedRow(w.alert, alertId);
    shared.heads.set(w.seriesKey, { ...base, ...rowFields(w.alert), id: alertId });
  }
  shared.committed.push(...events);
  p.statuses = [];
  p.writes = [];
  p.findings = [];
  p.findingDeletes = [];
  p.series.clear();
  return events;
}

function rowFields(w: alertsRepo.AlertWrite): Partial<alertsRepo.AlertRow> {
  return {
    status: w.status, state: w.status.state, lastNotifiedState: w.lastNotifiedState, lastPeriodKey: w.lastPeriodKey, lastPeriodStart: w.lastPeriodStart,
    periodCount: w.periodCount, endedAt: w.endedAt, endReason: w.endReason, messageZh: w.messageZh, messageEn: w.messageEn,
    messageTemplate: w.messageTemplate, messageParams: w.messageParams, notify: w.notify, suppressedBy: w.suppressedBy, value: w.value, bound: w.bound,
  };
}

/** The row of an alert first stored by this recording, as far as stepping it again needs. */
function savedRow(w: alertsRepo.AlertWrite, id: number): alertsRepo.AlertRow {
  return {
    ...w, id, orgUnitCode: '', orgPath: '', severity: w.severity as 1 | 2 | 3 | 4, state: w.status.state, createdAt: w.at, updatedAt: w.at,
  };
}

/**
 * Places and steps each outcome against its series' incident and queues what must be written in
 * `shared` (prepared by `prepareRecording`). Returns the number of transitions decided and the
 * re-checks the state machine asked for (the engine stores those).
 */
export async function recordOutcomes<J extends JudgedAlert>(
  tx: Queryable,
  deps: RecorderDeps,
  rule: RecordingRule<J['outcome']>,
  judged: readonly J[],
  inputs: NotificationInputs,
  now: Date,
  shared: SharedRecording,
): Promise<{ transitions: number; rechecks: RecheckRequest<J>[] }> {
  const tz = deps.timeZone ?? DEFAULT_TIME_ZONE;
  const rechecks: RecheckRequest<J>[] = [];
  let transitions = 0;
  for (const j of judged) {
    const series = seriesOf(rule, j);
    const key = alertsRepo.seriesRefKey(series);
    if (shared.pending.series.has(key)) await flushRecording(tx, shared, now);
    const head = shared.heads.get(key) ?? null;
    const plan = planFor(head, j, rule, now, tz);
    const apply = async (prev: alertsRepo.AlertRow | null, step: AlertStep, added: boolean, prepended = false) => {
      for (const effect of step.effects) if (effect.type === 'recheck') rechecks.push({ judged: j, at: effect.at });
      if (await queueStep(shared, deps, inputs, { rule, j, prev, step, added, prepended, key, now, tz })) transitions += 1;
    };
    switch (plan.placement) {
      case 'finding':
      case 'past':
        if (plan.bad) shared.pending.findings.push(findingOf(rule, j, now));
        else if (plan.placement === 'finding') shared.pending.findingDeletes.push({ ...series, periodKey: j.outcome.periodKey });
        break;
      case 'same':
        await apply(head, plan.step, plan.step.alert !== null && (j.outcome.kind === 'breach' || j.outcome.kind === 'no_data'));
        break;
      case 'extend':
        await apply(head, plan.step, plan.added);
        break;
      case 'prepend':
        await apply(head, plan.step, true, true);
        break;
      case 'new':
        if (plan.end !== null) await apply(head, plan.end, false);
        // The incident a gap ended is stored before the one that follows it (one write per series and flush).
        if (plan.end !== null && plan.step.alert !== null) await flushRecording(tx, shared, now);
        await apply(null, plan.step, true);
        break;
    }
  }
  return { transitions, rechecks };
}

function findingOf<J extends JudgedAlert>(rule: RecordingRule<J['outcome']>, j: J, now: Date): findingsRepo.FindingWrite {
  const message = rule.message(j.outcome, j.org);
  return {
    ruleId: rule.id, ruleCode: rule.code, orgUnitId: j.org.id, seriesKey: j.outcome.seriesKey, periodKey: j.outcome.periodKey,
    periodStart: j.outcome.periodStart === null ? null : new Date(j.outcome.periodStart), kind: j.outcome.kind === 'no_data' ? 'no_data' : 'breach',
    value: j.outcome.value, bound: j.outcome.bound, detail: j.outcome.detail, messageTemplate: message.template, messageParams: message.params, at: now,
  };
}

interface StepContext<J extends JudgedAlert> {
  readonly rule: RecordingRule<J['outcome']>;
  readonly j: J;
  readonly prev: alertsRepo.AlertRow | null;
  readonly step: AlertStep;
  /** The outcome's period joins the incident (its first period, a breach of its latest, or the next one). */
  readonly added: boolean;
  /** The period joins as the incident's new first period (it is before the one the incident started with). */
  readonly prepended?: boolean;
  readonly key: string;
  readonly now: Date;
  readonly tz: string;
}

/** Queues the writes of one step; returns whether it was a transition. */
async function queueStep<J extends JudgedAlert>(shared: SharedRecording, deps: RecorderDeps, inputs: NotificationInputs, c: StepContext<J>): Promise<boolean> {
  const { rule, j, prev, step, now } = c;
  const next = step.alert;
  if (next === null) return false;
  const t = step.transition;
  const pending = shared.pending;
  if (t === undefined && c.prepended !== true && !(c.added && prev !== null && prev.lastPeriodKey !== j.outcome.periodKey)) {
    // A grouped compliance alert (series "cases") shows how many cases it holds now: a new case is worth a write.
    const casesChanged = j.outcome.seriesKey === 'cases' && prev !== null && prev.value !== j.outcome.value;
    if (prev && (materiallyChanged(prev.status, next) || casesChanged)) {
      pending.statuses.push({ id: prev.id, status: next, value: j.outcome.value });
      pending.series.add(c.key);
    }
    return false;
  }
  pending.series.add(c.key);
  const orgPath = pathIds(j.org.path).map(String);
  const to = t?.to ?? next.state;
  const silentSource = to === 'firing' ? (j.silentSource ?? null) : null;
  const period = alertPeriodOf(j.outcome.periodKey, j.outcome.periodStart, c.tz);
  const fp = prev?.fingerprint ?? alertFingerprint(alertIdentity(j.outcome));
  const inhibitable: InhibitableAlert = {
    fingerprint: fp, ruleCode: rule.code, category: rule.category, state: to, orgPath, orgLevel: j.org.kind,
    ...(silentSource !== null ? { silentSourceId: silentSource } : {}), ...(period ? { period } : {}),
  };
  // A period added without a transition keeps the notification decision the incident had.
  const decision: NotificationDecision = t === undefined && prev !== null
    ? { notify: prev.notify, ...(prev.suppressedBy !== null ? { suppressedBy: prev.suppressedBy as NonNullable<NotificationDecision['suppressedBy']> } : {}), by: prev.suppressedRefs }
    : await decide(shared.inhibitors, deps, inputs, {
      ...inhibitable, orgUnit: j.org.code, severity: rule.severity, labels: rule.labels, lastNotifiedState: prev?.lastNotifiedState ?? null,
    }, now);
  // The text describes the breach: a resolution keeps the text of the incident it ends, and so does an
  // earlier period joining as the incident's start (the text, value and bound stay its latest period's).
  const keepsLatest = c.prepended === true && prev !== null;
  const fresh = !keepsLatest && (prev === null || c.added || to !== 'resolved') ? rule.message(j.outcome, j.org) : null;
  const message = fresh ?? {
    zh: prev?.messageZh ?? '', en: prev?.messageEn ?? '', template: prev?.messageTemplate ?? { zh: prev?.messageZh ?? '', en: prev?.messageEn ?? '' },
    params: prev?.messageParams ?? {},
  };
  const group = groupKey({ ruleCode: rule.code, orgPath });
  const suppressedRefs = decision.by ?? [];
  const outcomeStart = j.outcome.periodStart === null ? null : new Date(j.outcome.periodStart);
  const prepended = c.prepended === true && prev !== null;
  const extendsLast = !prepended && c.added && prev !== null && prev.lastPeriodKey !== j.outcome.periodKey;
  const resolved = next.state === 'resolved';
  pending.writes.push({
    seriesKey: c.key,
    alert: {
      fingerprint: fp, ruleId: rule.id, ruleCode: rule.code, orgUnitId: j.org.id, seriesKey: j.outcome.seriesKey,
      periodKey: prepended ? j.outcome.periodKey : (prev?.periodKey ?? j.outcome.periodKey), periodStart: prev && !prepended ? prev.periodStart : outcomeStart, severity: rule.severity, category: rule.category,
      groupKey: group, status: next, value: keepsLatest ? prev.value : j.outcome.value, bound: keepsLatest ? prev.bound : j.outcome.bound, messageZh: message.zh, messageEn: message.en, notify: decision.notify,
      suppressedBy: decision.suppressedBy ?? null, suppressedRefs, lastNotifiedState: t !== undefined && decision.notify ? t.to : (prev?.lastNotifiedState ?? null),
      silentSource, at: now,
      lastPeriodKey: prev === null || extendsLast ? j.outcome.periodKey : prev.lastPeriodKey,
      lastPeriodStart: prev === null || extendsLast ? outcomeStart : prev.lastPeriodStart,
      periodCount: (prev?.periodCount ?? 0) + (prev === null || extendsLast || prepended ? 1 : 0),
      endedAt: resolved ? now : null, endReason: resolved ? (t?.reason ?? null) : null,
      messageTemplate: message.template, messageParams: message.params,
    },
    history: {
      from: t === undefined ? next.state : t.from === 'none' ? null : t.from, to, reason: t?.reason ?? 'period_added', trigger: j.trigger, at: now,
      periodKey: j.outcome.periodKey, closed: j.outcome.closed, value: j.outcome.value, bound: j.outcome.bound, detail: t?.detail ?? j.outcome.detail,
      ruleVersion: rule.version, notify: decision.notify, suppressedBy: decision.suppressedBy ?? null, suppressedRefs,
    },
    period: c.added ? { periodKey: j.outcome.periodKey, periodStart: outcomeStart, value: j.outcome.value, bound: j.outcome.bound, detail: j.outcome.detail } : undefined,
    event: t === undefined ? null : {
      fingerprint: fp, ruleCode: rule.code, ruleNameZh: rule.nameZh, ruleNameEn: rule.nameEn, category: rule.category, severity: rule.severity,
      orgUnitId: j.org.id, orgUnitCode: j.org.code, groupKey: group, from: t.from === 'none' ? null : t.from, to: t.to, reason: t.reason, at: now,
      periodKey: t.periodKey, value: t.value, bound: t.bound, messageZh: message.zh, messageEn: message.en, notify: decision.notify,
    },
  });
  shared.inhibitors.update(inhibitable);
  return t !== undefined;
}

/**
 * The firing alerts that may inhibit the alerts being recorded: read once per recording (those on
 * the ancestors of the judged org units, and source-silence alerts, of any period: inhibition
 * keeps those about the alert's own time), then kept current as this recording fires or clears
 * alerts, so a hospital alert fired a moment ago already inhibits.
 */
export interface InhibitorCandidates {
  list(timeZone: string): Promise<readonly InhibitableAlert[]>;
  update(a: InhibitableAlert): void;
}

function toInhibitable(row: alertsRepo.InhibitorRow, timeZone: string): InhibitableAlert {
  const period = alertPeriodOf(row.periodKey, row.periodStart, timeZone);
  return {
    fingerprint: row.fingerprint, ruleCode: row.ruleCode, category: row.category, state: 'firing', orgPath: pathIds(row.orgPath).map(String),
    orgLevel: row.orgKind, ...(row.silentSource !== null ? { silentSourceId: row.silentSource } : {}), ...(period ? { period } : {}),
  };
}

function inhibitorCandidates(tx: Queryable, ancestorIds: readonly number[]): InhibitorCandidates {
  let active: Map<string, InhibitableAlert> | null = null;
  const load = async (timeZone: string) =>
    (active ??= new Map((await alertsRepo.listInhibitorCandidates(tx, [...new Set(ancestorIds)])).map((r) => [r.fingerprint, toInhibitable(r, timeZone)])));
  return {
    async list(timeZone: string): Promise<readonly InhibitableAlert[]> {
      return [...(await load(timeZone)).values()];
    },
    update(a: InhibitableAlert): void {
      if (active === null) return;
      if (a.state === 'firing') active.set(a.fingerprint, a);
      else active.delete(a.fingerprint);
    },
  };
}

async function decide(
  inhibitors: InhibitorCandidates,
  deps: RecorderDeps,
  inputs: NotificationInputs,
  alert: Parameters<typeof decideNotification>[0],
  now: Date,
): Promise<NotificationDecision> {
  const active = alert.state === 'firing' ? await inhibitors.list(deps.timeZone ?? DEFAULT_TIME_ZONE) : [];
  return decideNotification(alert, { activeAlerts: active, silences: inputs.silences, muteWindows: inputs.muteWindows, isHoliday: deps.isHoliday }, now);
}

/** The interface the rule engine records through (one per engine, built by `createAlertRecorder`). */
export interface AlertRecorder {
  /** Active silences and mute windows, read before the recording transaction opens. */
  loadInputs(db: Db, now: Date): Promise<NotificationInputs>;
  /** The latest alert of each series, unlocked (for `needsRecording`), keyed by `seriesRefKey`. */
  readHeads(db: Queryable, series: readonly alertsRepo.SeriesRef[]): Promise<ReadonlyMap<string, alertsRepo.AlertRow>>;
  needsRecording(head: alertsRepo.AlertRow | null, j: JudgedAlert, rule: Pick<RecordingRule, 'policy' | 'livePeriods'>, now: Date): boolean;
  /**
   * Records the outcomes of several rules in `tx` (the series' incidents locked in one query, the
   * writes in a few statements) and tells the consumers; returns the transitions stored and, per
   * rule id, the re-checks asked for.
   */
  record<J extends JudgedAlert>(
    tx: Queryable,
    work: readonly { readonly rule: RecordingRule<J['outcome']>; readonly judged: readonly J[] }[],
    inputs: NotificationInputs,
    now: Date,
  ): Promise<{ readonly events: readonly AlertTransitionEvent[]; readonly rechecks: ReadonlyMap<number, readonly RecheckRequest<J>[]> }>;
  /**
   * Ends the open incidents of these rules whose latest period is older than the period before the
   * live horizon of its grain (the period after it closed and was never judged: missing data under
   * `skip`, a rule paused, alerts stored before incidents), reason `expired`, and tells the consumers.
   */
  expireStale(tx: Queryable, rules: readonly { readonly rule: RecordingRule; readonly grain: Grain }[], inputs: NotificationInputs, now: Date): Promise<readonly AlertTransitionEvent[]>;
}

export function createAlertRecorder(deps: RecorderDeps): AlertRecorder {
  const tz = deps.timeZone ?? DEFAULT_TIME_ZONE;
  return {
    loadInputs: loadNotificationInputs,
    readHeads,
    needsRecording: (head, j, rule, now) => needsRecording(head, j, rule, now, tz),
    async record(tx, work, inputs, now) {
      const rechecks = new Map<number, RecheckRequest<(typeof work)[number]['judged'][number]>[]>();
      if (work.every((w) => w.judged.length === 0)) return { events: [], rechecks };
      const shared = await prepareRecording(tx, work.flatMap((w) => w.judged.map((j) => seriesOf(w.rule, j))), work.flatMap((w) => w.judged.map((j) => j.org.path)));
      for (const { rule, judged } of work) {
        const result = await recordOutcomes(tx, deps, rule, judged, inputs, now, shared);
        if (result.rechecks.length > 0) rechecks.set(rule.id, [...(rechecks.get(rule.id) ?? []), ...result.rechecks]);
      }
      await flushRecording(tx, shared, now);
      await tellConsumers(tx, deps, shared.committed);
      return { events: shared.committed, rechecks };
    },
    async expireStale(tx, rules, inputs, now) {
      const byId = new Map(rules.map((r) => [r.rule.id, r.rule]));
      const cutoffs = rules.map(({ rule, grain }) => ({
        ruleId: rule.id, cutoff: previousPeriod(liveHorizonStart(now, grain, { timeZone: tz, livePeriods: rule.livePeriods }), grain, tz),
      }));
      const stale = await alertsRepo.listStaleIncidents(tx, cutoffs);
      if (stale.length === 0) return [];
      const shared = await prepareRecording(tx, [], []);
      for (const row of stale) {
        const rule = byId.get(row.ruleId);
        if (!rule) continue;
        shared.heads.set(alertsRepo.seriesRefKey(row), row);
        const at = now.toISOString();
        const j: JudgedAlert = {
          trigger: 'schedule',
          org: { id: row.orgUnitId, code: row.orgUnitCode, name: row.orgUnitCode, kind: '', path: row.orgPath },
          outcome: {
            ruleCode: row.ruleCode, ruleVersion: 0, orgUnit: row.orgUnitCode, seriesKey: row.seriesKey, periodKey: row.lastPeriodKey,
            periodStart: row.lastPeriodStart?.toISOString() ?? null, closed: true, kind: 'ok', value: row.value, bound: row.bound, recovered: true, detail: {},
          },
        };
        const step: AlertStep = {
          alert: { ...row.status, state: 'resolved', stateSince: at, breachCount: 0, clearedSince: null },
          transition: { from: row.state, to: 'resolved', reason: 'expired', at, periodKey: row.lastPeriodKey, closed: true, value: row.value, bound: row.bound, detail: {} },
          effects: [],
        };
        await queueStep(shared, deps, inputs, { rule, j, prev: row, step, added: false, key: alertsRepo.seriesRefKey(row), now, tz });
      }
      await flushRecording(tx, shared, now);
      await tellConsumers(tx, deps, shared.committed);
      return shared.committed;
    },
  };
}
