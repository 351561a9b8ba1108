import type { JudgedAlert, RecheckRequest, RecordingOrg, RecordingRule } from '../alerts/index.ts';
import type { Queryable } from '../store/index.ts';
import type { RuleDefinition } from './definition.ts';
import type { RuleOutcome } from './outcome.ts';
import { outcomeMessage } from './render.ts';
import { upsertRechecks, writeDetectorStates } from './rules-repo.ts';

/**
 * What the engine hands the alerts module (alerts/recorder.ts) and what it keeps: a judged outcome
 * with the detector state it taught (stored by the engine, in the recording transaction), the rule
 * as the recorder sees it (policy, live horizon, message rendering), and the re-checks the alert
 * state machine asked for, stored as rule re-checks.
 */
export type Trigger = JudgedAlert['trigger'];

export interface JudgedOutcome extends JudgedAlert<RuleOutcome> {
  /** Anomaly rules: the detector state learned from a closed period, stored with the outcome. */
  readonly detector?: { readonly state: unknown; readonly periodStart: Date };
}

/** The rule as the recorder sees it; `unitOf` gives an indicator's unit (alert texts show quantities with it). */
export function recordingRule(rule: { readonly id: number; readonly def: RuleDefinition }, unitOf: (indicator: string) => string = () => ''): RecordingRule<RuleOutcome> {
  const def = rule.def;
  const unit = 'indicator' in def ? unitOf(def.indicator) : '';
  return {
    id: rule.id, code: def.code, nameZh: def.nameZh, nameEn: def.nameEn, version: def.version, severity: def.severity, category: def.category,
    labels: def.labels, livePeriods: def.liveHorizonPeriods,
    policy: { forPeriods: def.forPeriods, forMinutes: def.forMinutes, hysteresis: def.hysteresis },
    message: (outcome: RuleOutcome, org: RecordingOrg) => outcomeMessage(def, outcome, { orgUnitName: org.name, unit }),
  };
}

/** Stores the re-checks the recording asked for and the detector states the judgements learned. */
export async function storeRuleEffects(tx: Queryable, ruleId: number, judged: readonly JudgedOutcome[], rechecks: readonly RecheckRequest<JudgedOutcome>[]): Promise<void> {
  await upsertRechecks(tx, rechecks.map(({ judged: j, at }) => {
    const subject = j.outcome.seriesKey.startsWith('event:') ? j.outcome.seriesKey : `series:${String(j.org.id)}:${j.outcome.seriesKey}:${j.outcome.periodKey}`;
    return {
      ruleId, subject, kind: subject.startsWith('event:') ? 'event' as const : 'series' as const,
      eventId: subject.startsWith('event:') ? Number(subject.slice('event:'.length)) : null,
      orgUnitId: j.org.id, periodStart: j.outcome.periodStart === null ? null : new Date(j.outcome.periodStart), dueAt: new Date(at),
    };
  }));
  await writeDetectorStates(tx, judged.flatMap((j) => j.detector
    ? [{ ruleId, orgUnitId: j.org.id, seriesKey: j.outcome.seriesKey, state: j.detector.state, lastPeriodStart: j.detector.periodStart }]
    : []));
}
