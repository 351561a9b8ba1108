import type { AlertState } from './alert.ts';

/**
 * Inhibition: a firing alert high in the tree, or a silent source, makes the alerts that depend on
 * it noise. Two rules: a firing alert at an inhibiting level (group, hospital) suppresses alerts of
 * strictly descendant org units that share the `equal` fields (category by default); a firing
 * source-silent alert suppresses alerts fed by that source (or, when an alert does not say which
 * sources feed it, alerts in the source's org subtree). Only notification is suppressed.
 *
 * Both rules hold only between alerts about the same time: an alert of a closed period stays
 * firing (it is a fact about that period), so without this a hospital alert of a day two weeks ago
 * would hold back every later department alert below it for ever. A source inhibits a target only
 * when their periods overlap (`periodsOverlap`).
 */

/**
 * The time an alert is about, as ISO instants: its period [start, end); `end === start` for a
 * per-event alert (the event time); `end` null for a live alert that runs until it clears (a
 * silent source's window).
 */
export interface AlertPeriod {
  readonly start: string;
  readonly end: string | null;
}

export interface InhibitableAlert {
  readonly fingerprint: string;
  readonly ruleCode: string;
  readonly category: string;
  readonly state: AlertState;
  /** Org unit ids from the root to the alert's own unit. */
  readonly orgPath: readonly string[];
  /** 'group' | 'hospital' | 'channel' | 'department' | 'team' */
  readonly orgLevel?: string;
  /** Set on a source_quality alert with metric silent_minutes: the source that went silent. */
  readonly silentSourceId?: string;
  /** Sources feeding the alert's series, when known. */
  readonly sourceIds?: readonly string[];
  /** The period the alert is about; absent when unknown (such an alert is taken to overlap every period). */
  readonly period?: AlertPeriod;
}

export interface InhibitionOptions {
  readonly inhibitingLevels: readonly string[];
  readonly equal: readonly ('ruleCode' | 'category')[];
}

export const DEFAULT_INHIBITION: InhibitionOptions = { inhibitingLevels: ['group', 'hospital'], equal: ['category'] };

function isStrictDescendant(path: readonly string[], ancestorPath: readonly string[]): boolean {
  return path.length > ancestorPath.length && ancestorPath.every((id, i) => path[i] === id);
}

function isWithin(path: readonly string[], ancestorPath: readonly string[]): boolean {
  return path.length >= ancestorPath.length && ancestorPath.every((id, i) => path[i] === id);
}

/**
 * Whether two alerts are about the same time: half-open periods overlap; an event time overlaps a
 * period containing it (and another event only at the same instant).
 */
export function periodsOverlap(a: AlertPeriod, b: AlertPeriod): boolean {
  const [aStart, aEnd] = bounds(a);
  const [bStart, bEnd] = bounds(b);
  const aInstant = aStart === aEnd;
  const bInstant = bStart === bEnd;
  if (aInstant && bInstant) return aStart === bStart;
  if (aInstant) return bStart <= aStart && aStart < bEnd;
  if (bInstant) return aStart <= bStart && bStart < aEnd;
  return aStart < bEnd && bStart < aEnd;
}

function bounds(p: AlertPeriod): readonly [number, number] {
  return [Date.parse(p.start), p.end === null ? Number.POSITIVE_INFINITY : Date.parse(p.end)];
}

function inhibits(source: InhibitableAlert, target: InhibitableAlert, options: InhibitionOptions): boolean {
  if (source.state !== 'firing' || source.fingerprint === target.fingerprint) return false;
  if (source.period && target.period && !periodsOverlap(source.period, target.period)) return false;
  if (source.silentSourceId !== undefined) {
    if (target.silentSourceId === source.silentSourceId) return false;
    return target.sourceIds ? target.sourceIds.includes(source.silentSourceId) : isWithin(target.orgPath, source.orgPath);
  }
  if (source.orgLevel === undefined || !options.inhibitingLevels.includes(source.orgLevel)) return false;
  if (!isStrictDescendant(target.orgPath, source.orgPath)) return false;
  return options.equal.every((field) => source[field] === target[field]);
}

/** The firing alerts about the same time that inhibit `alert` (empty when it may be notified). */
export function findInhibitors(alert: InhibitableAlert, active: readonly InhibitableAlert[], options: InhibitionOptions = DEFAULT_INHIBITION): readonly InhibitableAlert[] {
  return active.filter((s) => inhibits(s, alert, options));
}
