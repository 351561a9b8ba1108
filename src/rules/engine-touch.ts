import type { IndicatorDefinition, RatioTerm } from '../indicators/index.ts';
import { pathIds } from '../orgs/index.ts';
import { bucketStart, type Grain } from '../shared/index.ts';
import type { RuleDefinition } from './definition.ts';

/**
 * Which rules an ingest commit touches, as a pure function of the committed events and the
 * enabled rules: series rules through the event types their indicator is computed from (for the
 * event's org unit and every ancestor inside the rule's scope, in the period the event falls in),
 * compliance rules through their event types, source-quality rules through the sending source.
 */
export interface ActiveRule {
  readonly id: number;
  /** Materialised path of the rule's scope org unit. */
  readonly scopePath: string;
  readonly def: RuleDefinition;
}

export interface TouchedEvent {
  readonly id: number;
  readonly sourceId: number;
  readonly type: string;
  readonly orgUnitId: number;
  readonly orgPath: string;
  readonly occurredAt: Date;
}

export interface SeriesWork {
  readonly ruleId: number;
  readonly orgUnitId: number;
  readonly periodStart: Date;
}

export interface Touched {
  readonly series: readonly SeriesWork[];
  readonly compliance: readonly { readonly ruleId: number; readonly eventIds: readonly number[] }[];
  readonly sources: readonly { readonly ruleId: number; readonly sourceIds: readonly number[] }[];
}

function termTypes(t: RatioTerm): readonly string[] {
  return t.kind === 'events' ? t.source.eventTypes : [];
}

/** The event types an indicator is computed from (none for manual indicators). */
export function indicatorEventTypes(d: IndicatorDefinition): readonly string[] {
  const m = d.measure;
  switch (m.kind) {
    case 'count':
    case 'sum':
    case 'average':
    case 'distinct':
    case 'percentile':
      return m.source.eventTypes;
    case 'ratio':
      return [...new Set([...termTypes(m.numerator), ...termTypes(m.denominator)])];
    case 'manual':
      return [];
  }
}

/** event type → indicator codes computed from it. */
export function indicatorsByEventType(definitions: readonly IndicatorDefinition[]): ReadonlyMap<string, ReadonlySet<string>> {
  const out = new Map<string, Set<string>>();
  for (const d of definitions) {
    for (const type of indicatorEventTypes(d)) {
      const set = out.get(type) ?? new Set<string>();
      set.add(d.code);
      out.set(type, set);
    }
  }
  return out;
}

/** Whether an org unit at `orgPath` is covered by a rule scoped at `scopePath`. */
export function inScope(orgPath: string, scopePath: string, includeDescendants: boolean): boolean {
  return includeDescendants ? orgPath.startsWith(scopePath) : orgPath === scopePath;
}

/** The event's org unit and its ancestors that the rule watches (roll-ups change along the whole chain). */
export function watchedChain(orgPath: string, scopePath: string, includeDescendants: boolean): readonly number[] {
  const ids = pathIds(orgPath);
  const scopeDepth = pathIds(scopePath).length;
  if (!orgPath.startsWith(scopePath)) return [];
  const chain = ids.slice(scopeDepth - 1);
  return includeDescendants ? chain : chain.slice(0, 1);
}

/**
 * Rules are indexed by the event types they watch, and events that differ only in id (same type,
 * org unit and minute) touch series rules once: a coalesced pass of thousands of events costs a
 * lookup per event, not a comparison per event and rule.
 */
export function touchedBy(events: readonly TouchedEvent[], rules: readonly ActiveRule[], indicatorsOf: ReadonlyMap<string, ReadonlySet<string>>, timeZone: string): Touched {
  const series = new Map<string, SeriesWork>();
  const compliance = new Map<number, Set<number>>();
  const sources = new Map<number, Set<number>>();
  // Period starts by (grain, minute): time-zone offsets are whole minutes, so one minute shares one bucket.
  const starts = new Map<string, Date>();
  const startOf = (at: Date, grain: Grain): Date => {
    const key = `${grain}|${String(Math.floor(at.getTime() / 60_000))}`;
    let start = starts.get(key);
    if (!start) {
      start = bucketStart(at, grain, timeZone);
      starts.set(key, start);
    }
    return start;
  };
  const seriesByType = new Map<string, ActiveRule[]>();
  const complianceByType = new Map<string, ActiveRule[]>();
  const sourceRules: ActiveRule[] = [];
  const add = (index: Map<string, ActiveRule[]>, type: string, rule: ActiveRule) => {
    const list = index.get(type) ?? [];
    list.push(rule);
    index.set(type, list);
  };
  for (const rule of rules) {
    const def = rule.def;
    if (def.kind === 'compliance') for (const type of new Set(def.eventTypes)) add(complianceByType, type, rule);
    else if (def.kind === 'source_quality') sourceRules.push(rule);
    else for (const [type, codes] of indicatorsOf) if (codes.has(def.indicator)) add(seriesByType, type, rule);
  }
  const seenSeries = new Set<string>();
  const seenSources = new Set<number>();
  for (const e of events) {
    for (const rule of complianceByType.get(e.type) ?? []) {
      if (!inScope(e.orgPath, rule.scopePath, rule.def.scope.includeDescendants)) continue;
      const set = compliance.get(rule.id) ?? new Set<number>();
      set.add(e.id);
      compliance.set(rule.id, set);
    }
    if (!seenSources.has(e.sourceId)) {
      seenSources.add(e.sourceId);
      for (const rule of sourceRules) {
        const set = sources.get(rule.id) ?? new Set<number>();
        set.add(e.sourceId);
        sources.set(rule.id, set);
      }
    }
    const seriesRules = seriesByType.get(e.type);
    if (seriesRules === undefined) continue;
    const eventKey = `${e.type}|${e.orgPath}|${String(Math.floor(e.occurredAt.getTime() / 60_000))}`;
    if (seenSeries.has(eventKey)) continue;
    seenSeries.add(eventKey);
    for (const rule of seriesRules) {
      const def = rule.def;
      if (def.kind === 'compliance' || def.kind === 'source_quality') continue;
      const periodStart = startOf(e.occurredAt, def.grain);
      for (const orgUnitId of watchedChain(e.orgPath, rule.scopePath, def.scope.includeDescendants)) {
        const key = `${String(rule.id)}:${String(orgUnitId)}:${String(periodStart.getTime())}`;
        if (!series.has(key)) series.set(key, { ruleId: rule.id, orgUnitId, periodStart });
      }
    }
  }
  return {
    series: [...series.values()],
    compliance: [...compliance].map(([ruleId, ids]) => ({ ruleId, eventIds: [...ids] })),
    sources: [...sources].map(([ruleId, ids]) => ({ ruleId, sourceIds: [...ids] })),
  };
}
