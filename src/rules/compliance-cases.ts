import { periodEnd } from '../shared/index.ts';
import type { Queryable } from '../store/index.ts';
import type { RuleDefinition } from './definition.ts';
import * as casesRepo from './compliance-cases-repo.ts';
import type { JudgedOutcome } from './engine-alerts.ts';
import type { EngineOrg } from './engine-repo.ts';
import { caseGrouping, caseGroupOutcome, caseWindowOf } from './evaluate/compliance.ts';

/**
 * Compliance judgements become cases and window alerts, inside the recording transaction: each
 * event judged a breach is stored as a case (违规案例) with the fields the rule read as its
 * evidence; an event judged compliant on a later look withdraws its case; then every window
 * (org unit × the rule's window, a day by default) that gained or lost a case is counted and judged
 * (`caseGroupOutcome`), and that window outcome is what is recorded as the alert. Pending
 * judgements (a time window still open) pass through for their re-checks. Outcomes of other rule
 * kinds pass through unchanged.
 */
export async function groupCases(
  tx: Queryable, rule: { readonly id: number; readonly def: RuleDefinition }, judged: readonly JudgedOutcome[], now: Date, timeZone: string,
): Promise<readonly JudgedOutcome[]> {
  const def = rule.def;
  if (def.kind !== 'compliance' || judged.length === 0) return judged;
  const out: JudgedOutcome[] = [];
  const cases: casesRepo.CaseWrite[] = [];
  const withdrawn: number[] = [];
  const windows = new Map<string, { org: EngineOrg; start: Date; end: Date; trigger: JudgedOutcome['trigger'] }>();
  const grain = caseGrouping(def).window;
  for (const j of judged) {
    const o = j.outcome;
    const eventId = o.seriesKey.startsWith('event:') ? Number(o.seriesKey.slice('event:'.length)) : NaN;
    if (!Number.isSafeInteger(eventId) || o.periodStart === null || (o.kind !== 'breach' && o.kind !== 'ok')) {
      out.push(j);
      continue;
    }
    const occurredAt = new Date(o.periodStart);
    const window = caseWindowOf(def, occurredAt, timeZone);
    if (o.kind === 'breach') {
      cases.push({
        ruleId: rule.id, eventId, orgUnitId: j.org.id, occurredAt, windowStart: window.start, windowKey: window.key,
        evidence: o.detail.facts ?? {}, ruleVersion: o.ruleVersion,
      });
    } else {
      withdrawn.push(eventId);
    }
    const key = casesRepo.windowKeyOf({ orgUnitId: j.org.id, start: window.start });
    if (!windows.has(key)) windows.set(key, { org: j.org, start: window.start, end: periodEnd(window.start, grain, timeZone), trigger: j.trigger });
  }
  if (windows.size === 0) return out;
  await casesRepo.insertCases(tx, cases, now);
  await casesRepo.deleteCases(tx, rule.id, withdrawn);
  const refs = [...windows.values()].map((w) => ({ orgUnitId: w.org.id, start: w.start, end: w.end }));
  const counts = await casesRepo.countCases(tx, rule.id, refs);
  const events = caseGrouping(def).minShare === null ? null : await casesRepo.countEvents(tx, def.eventTypes, refs);
  for (const [key, w] of windows) {
    const outcome = caseGroupOutcome(def, { orgUnit: w.org.code, windowStart: w.start, cases: counts.get(key) ?? 0, events: events === null ? null : (events.get(key) ?? 0) }, now, timeZone);
    out.push({ outcome, org: w.org, trigger: w.trigger });
  }
  return out;
}
