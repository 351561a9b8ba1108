import {
  alertFingerprint, alertIdentity, decideNotification, groupKey, nextAlertState, parseMuteWindow, tellConsumer,
  type AlertStatus, type AlertTransitionConsumer, type AlertTransitionEvent, type HolidayPredicate, type InhibitableAlert,
  type MuteWindow, type NotificationDecision, type Silence,
} from '../alerts/index.ts';
import * as alertsRepo from '../alerts/alerts-repo.ts';
import { DEFAULT_TIME_ZONE } from '../shared/index.ts';
import type { Db, Queryable } from '../store/index.ts';
import { alertPeriodOf } from './alert-period.ts';
import type { RuleDefinition } from './definition.ts';
import type { EngineOrg } from './engine-repo.ts';
import { pathIds } from '../orgs/index.ts';
import { CASES_SERIES_KEY } from './evaluate/compliance.ts';
import type { RuleOutcome } from './outcome.ts';
import { renderOutcomeMessage } from './render.ts';
import { upsertRechecks, writeDetectorStates } from './rules-repo.ts';

/**
 * Stores rule outcomes as alerts: each outcome steps its alert through `nextAlertState`; a
 * transition is written to the history with the values and baseline that caused it, passed
 * through the notification pipeline (inhibition, silences, mute windows, dedup — suppressed
 * alerts are recorded with what held them back) and handed to the transition consumers, all in
 * the caller's transaction. An evaluation that changes nothing writes nothing.
 */
export type Trigger = 'evaluation' | 'late_data' | 'schedule';

export interface JudgedOutcome {
  readonly outcome: RuleOutcome;
  readonly org: EngineOrg;
  readonly trigger: Trigger;
  /** The source a source-silence outcome is about (inhibits alerts fed by it). */
  readonly silentSource?: string;
  /** Anomaly rules: the detector state learned from a closed period, stored with the outcome. */
  readonly detector?: { readonly state: unknown; readonly periodStart: Date };
}

export interface RecordingRule {
  readonly id: number;
  readonly def: RuleDefinition;
}

export interface NotificationInputs {
  readonly silences: readonly Silence[];
  readonly muteWindows: readonly MuteWindow[];
}

export interface RecorderDeps {
  readonly consumers: readonly AlertTransitionConsumer[];
  readonly isHoliday: HolidayPredicate;
  /** The group's zone: where calendar periods end (inhibition compares alert periods); Asia/Shanghai when absent. */
  readonly timeZone?: string;
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

/**
 * Whether recording `j` against the alert as last read (`prev`, unlocked) would write anything: a
 * transition, a re-check, a material status change or a learned detector state. Recording re-reads
 * the alert under lock and steps again, so a stale `prev` costs at most one evaluation's delay.
 */
export function needsRecording(prev: AlertStatus | null, j: JudgedOutcome, def: RuleDefinition, now: Date): boolean {
  if (j.detector !== undefined) return true;
  const step = nextAlertState(prev, j.outcome, def, now, { trigger: j.trigger === 'late_data' ? 'late_data' : 'evaluation' });
  if (step.transition !== undefined || step.effects.length > 0) return true;
  return prev !== null && step.alert !== null && materiallyChanged(prev, step.alert);
}

function toInhibitable(row: alertsRepo.InhibitorRow, timeZone: string): InhibitableAlert {
  const period = alertPeriodOf(row.periodKey, row.periodStart, timeZone);
  return {
    fingerprint: row.fingerprint, ruleCode: row.ruleCode, category: row.category, state: 'firing', orgPath: pathIds(row.orgPath).map(String),
    orgLevel: row.orgKind, ...(row.silentSource !== null ? { silentSourceId: row.silentSource } : {}), ...(period ? { period } : {}),
  };
}

/** A transition decided and waiting to be written (with the event its consumers are told, less the alert id). */
interface PendingTransition {
  readonly alert: alertsRepo.AlertWrite;
  readonly history: Omit<alertsRepo.HistoryWrite, 'alertId'>;
  readonly event: Omit<AlertTransitionEvent, 'alertId'>;
}

/**
 * What the rules recorded in one transaction share: their alerts read under lock at once, the
 * inhibitor candidates, and the writes decided so far, which `flushRecording` stores in a few
 * multi-row statements (re-checks, status updates, alerts with their history, detector states);
 * the transition consumers are told once per pass (`tellConsumers`), in order.
 */
export interface SharedRecording {
  readonly alerts: ReadonlyMap<string, alertsRepo.AlertRow>;
  readonly inhibitors: InhibitorCandidates;
  /** Every transition stored so far, in order (what the recording tells `onCommitted` after the commit). */
  readonly committed: AlertTransitionEvent[];
  readonly pending: {
    rechecks: Parameters<typeof upsertRechecks>[1][number][];
    statuses: { id: number; status: AlertStatus; value: number | null }[];
    transitions: PendingTransition[];
    detectors: Parameters<typeof writeDetectorStates>[1][number][];
    /** Fingerprints with a write pending: a second outcome of one of them flushes first. */
    fingerprints: Set<string>;
  };
}

/** Locks the alerts of every judged outcome of every rule in one query. */
export async function prepareRecording(tx: Queryable, judged: readonly JudgedOutcome[]): Promise<SharedRecording> {
  const fps = judged.map((j) => alertFingerprint(alertIdentity(j.outcome)));
  const alerts = new Map((await alertsRepo.findAlertsByFingerprints(tx, fps, true)).map((a) => [a.fingerprint, a]));
  return {
    alerts, inhibitors: inhibitorCandidates(tx, judged.flatMap((j) => pathIds(j.org.path).slice(0, -1))), committed: [],
    pending: { rechecks: [], statuses: [], transitions: [], detectors: [], fingerprints: new Set() },
  };
}

/**
 * Hands the transitions a pass stored (`shared.committed`, in order) to each consumer as one
 * batch, once the pass has flushed for the last time.
 */
export async function tellConsumers(tx: Queryable, deps: RecorderDeps, events: readonly AlertTransitionEvent[]): Promise<void> {
  for (const consumer of deps.consumers) await tellConsumer(consumer, tx, events);
}

/** Writes what the recording decided so far; returns the transitions stored (the consumers are told by `tellConsumers`). */
export async function flushRecording(tx: Queryable, deps: RecorderDeps, shared: SharedRecording, now: Date): Promise<AlertTransitionEvent[]> {
  const p = shared.pending;
  await upsertRechecks(tx, p.rechecks);
  await alertsRepo.updateAlertStatuses(tx, p.statuses, now);
  const ids = await alertsRepo.saveAlertTransitions(tx, p.transitions.map((t) => ({ alert: t.alert, history: t.history })));
  await writeDetectorStates(tx, p.detectors);
  const events: AlertTransitionEvent[] = [];
  for (const t of p.transitions) {
    const alertId = ids.get(t.event.fingerprint);
    if (alertId === undefined) throw new Error(`alert ${t.event.fingerprint} was not saved`);
    events.push({ ...t.event, alertId });
  }
  shared.committed.push(...events);
  // Later outcomes of these alerts step from what was just stored.
  const alerts = shared.alerts as Map<string, alertsRepo.AlertRow>;
  for (const t of p.transitions) {
    const prev = alerts.get(t.alert.fingerprint);
    const id = ids.get(t.alert.fingerprint) ?? 0;
    alerts.set(t.alert.fingerprint, { ...(prev ?? savedRow(t.alert, id)), id, status: t.alert.status, state: t.alert.status.state, lastNotifiedState: t.alert.lastNotifiedState });
  }
  p.rechecks = [];
  p.statuses = [];
  p.transitions = [];
  p.detectors = [];
  p.fingerprints.clear();
  return events;
}

/** The row of an alert first stored by this recording, as far as stepping it again needs. */
function savedRow(w: alertsRepo.AlertWrite, id: number): alertsRepo.AlertRow {
  return {
    id, fingerprint: w.fingerprint, ruleId: w.ruleId, ruleCode: w.ruleCode, orgUnitId: w.orgUnitId, orgUnitCode: '', orgPath: '', seriesKey: w.seriesKey,
    periodKey: w.periodKey, periodStart: w.periodStart, severity: w.severity as 1 | 2 | 3 | 4, category: w.category, groupKey: w.groupKey, state: w.status.state,
    status: w.status, value: w.value, bound: w.bound, messageZh: w.messageZh, messageEn: w.messageEn, notify: w.notify, suppressedBy: w.suppressedBy,
    suppressedRefs: w.suppressedRefs, lastNotifiedState: w.lastNotifiedState, silentSource: w.silentSource, createdAt: w.at, updatedAt: w.at,
  };
}

/**
 * Steps each outcome's alert and queues what must be written in `shared` (prepared by
 * `prepareRecording`); without `shared` it prepares and flushes itself. Returns the number of
 * transitions decided.
 */
export async function recordOutcomes(
  tx: Queryable,
  deps: RecorderDeps,
  rule: RecordingRule,
  judged: readonly JudgedOutcome[],
  inputs: NotificationInputs,
  now: Date,
  shared?: SharedRecording,
): Promise<number> {
  const def = rule.def;
  const own = shared ?? (await prepareRecording(tx, judged));
  const { alerts: existing, inhibitors, pending } = own;
  let transitions = 0;
  for (const j of judged) {
    const fp = alertFingerprint(alertIdentity(j.outcome));
    if (pending.fingerprints.has(fp)) await flushRecording(tx, deps, own, now);
    if (j.detector) {
      pending.detectors.push({ ruleId: rule.id, orgUnitId: j.org.id, seriesKey: j.outcome.seriesKey, state: j.detector.state, lastPeriodStart: j.detector.periodStart });
    }
    const prevRow = existing.get(fp) ?? null;
    const step = nextAlertState(prevRow?.status ?? null, j.outcome, def, now, { trigger: j.trigger === 'late_data' ? 'late_data' : 'evaluation' });
    for (const effect of step.effects) {
      if (effect.type !== 'recheck') continue;
      const subject = j.outcome.seriesKey.startsWith('event:') ? j.outcome.seriesKey : `series:${String(j.org.id)}:${j.outcome.seriesKey}:${j.outcome.periodKey}`;
      pending.rechecks.push({
        ruleId: rule.id, subject, kind: subject.startsWith('event:') ? 'event' : 'series',
        eventId: subject.startsWith('event:') ? Number(subject.slice('event:'.length)) : null,
        orgUnitId: j.org.id, periodStart: j.outcome.periodStart === null ? null : new Date(j.outcome.periodStart), dueAt: new Date(effect.at),
      });
    }
    const next = step.alert;
    if (next === null) continue;
    const t = step.transition;
    if (t === undefined) {
      // A compliance window's alert shows how many cases it holds now: a new case is worth a write.
      const casesChanged = j.outcome.seriesKey === CASES_SERIES_KEY && prevRow !== null && prevRow.value !== j.outcome.value;
      if (prevRow && (materiallyChanged(prevRow.status, next) || casesChanged)) {
        pending.statuses.push({ id: prevRow.id, status: next, value: j.outcome.value });
        pending.fingerprints.add(fp);
      }
      continue;
    }
    transitions += 1;
    pending.fingerprints.add(fp);
    const orgPath = pathIds(j.org.path).map(String);
    const silentSource = t.to === 'firing' ? (j.silentSource ?? null) : null;
    const period = alertPeriodOf(j.outcome.periodKey, j.outcome.periodStart, deps.timeZone ?? DEFAULT_TIME_ZONE);
    const inhibitable: InhibitableAlert = {
      fingerprint: fp, ruleCode: def.code, category: def.category, state: t.to, orgPath, orgLevel: j.org.kind,
      ...(silentSource !== null ? { silentSourceId: silentSource } : {}), ...(period ? { period } : {}),
    };
    const decision = await decide(inhibitors, deps, inputs, {
      ...inhibitable,
      orgUnit: j.org.code, severity: def.severity, labels: def.labels, lastNotifiedState: prevRow?.lastNotifiedState ?? null,
    }, now);
    const names = { orgUnitName: j.org.name };
    const messageZh = renderOutcomeMessage(def, j.outcome, 'zh', names);
    const messageEn = renderOutcomeMessage(def, j.outcome, 'en', names);
    const group = groupKey({ ruleCode: def.code, orgPath });
    const suppressedRefs = decision.by ?? [];
    pending.transitions.push({
      alert: {
        fingerprint: fp, ruleId: rule.id, ruleCode: def.code, orgUnitId: j.org.id, seriesKey: j.outcome.seriesKey, periodKey: j.outcome.periodKey,
        periodStart: j.outcome.periodStart === null ? null : new Date(j.outcome.periodStart), severity: def.severity, category: def.category,
        groupKey: group, status: next, value: j.outcome.value, bound: j.outcome.bound, messageZh, messageEn, notify: decision.notify,
        suppressedBy: decision.suppressedBy ?? null, suppressedRefs, lastNotifiedState: decision.notify ? t.to : (prevRow?.lastNotifiedState ?? null),
        silentSource, at: now,
      },
      history: {
        from: t.from === 'none' ? null : t.from, to: t.to, reason: t.reason, trigger: j.trigger, at: now, periodKey: t.periodKey, closed: t.closed,
        value: t.value, bound: t.bound, detail: t.detail, ruleVersion: def.version, notify: decision.notify, suppressedBy: decision.suppressedBy ?? null, suppressedRefs,
      },
      event: {
        fingerprint: fp, ruleCode: def.code, ruleNameZh: def.nameZh, ruleNameEn: def.nameEn, category: def.category, severity: def.severity,
        orgUnitId: j.org.id, orgUnitCode: j.org.code, groupKey: group, from: t.from === 'none' ? null : t.from, to: t.to, reason: t.reason, at: now,
        periodKey: t.periodKey, value: t.value, bound: t.bound, messageZh, messageEn, notify: decision.notify,
      },
    });
    inhibitors.update(inhibitable);
  }
  if (!shared) {
    await flushRecording(tx, deps, own, now);
    await tellConsumers(tx, deps, own.committed);
  }
  return transitions;
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
