import { describe, expect, it } from 'vitest';
import { libraryDefinitions } from '../indicators/index.ts';
import { parseRuleDefinition } from './definition.ts';
import { countIndicator, ruleJson } from './engine-support.test-data.ts';
import { indicatorsByEventType, inScope, touchedBy, watchedChain, type ActiveRule } from './engine-touch.ts';

function rule(id: number, scopePath: string, fields: Record<string, unknown>): ActiveRule {
  const parsed = parseRuleDefinition({ version: 1, ...ruleJson(fields) });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return { id, scopePath, def: parsed.rule };
}

const event = (id: number, type: string, orgPath: string, at = '2026-11-23T01:30:00Z') => ({ id, sourceId: 7, type, orgUnitId: Number(orgPath.split('/').at(-2)), orgPath, occurredAt: new Date(at) });
const indicators = indicatorsByEventType([countIndicator('visits', 'visit'), countIndicator('rx', 'prescription')]);

describe('which rules a commit touches', () => {
  it('maps event types to the library indicators computed from them, ratios through both terms', () => {
    const byType = indicatorsByEventType(libraryDefinitions());
    expect(byType.get('visit')?.size ?? 0).toBeGreaterThan(0);
    expect([...(byType.get('prescription') ?? [])]).toContain('pharmacist_review_rate');
  });

  it('watches the event’s org unit and its ancestors up to the rule’s scope, or the scope alone without descendants', () => {
    expect(watchedChain('/1/2/3/4/', '/1/2/', true)).toEqual([2, 3, 4]);
    expect(watchedChain('/1/2/3/4/', '/1/2/3/4/', false)).toEqual([4]);
    expect(watchedChain('/1/2/3/4/', '/1/2/', false)).toEqual([2]);
    expect(watchedChain('/1/5/', '/1/2/', true)).toEqual([]);
    expect(inScope('/1/2/3/', '/1/2/', false)).toBe(false);
    expect(inScope('/1/2/3/', '/1/2/', true)).toBe(true);
  });

  it('touches series rules through their indicator in the period of the event, compliance rules by type, source rules by source', () => {
    const rules = [
      rule(1, '/1/', { code: 'visits_high', kind: 'threshold', indicator: 'visits', grain: 'day', op: '>', bound: 1 }),
      rule(2, '/1/2/', { code: 'rx_high', kind: 'threshold', indicator: 'rx', grain: 'hour', op: '>', bound: 1 }),
      rule(3, '/1/', { code: 'rx_check', kind: 'compliance', eventTypes: ['prescription'], violation: { field: 'doctor', op: 'not_exists' } }),
      rule(4, '/1/', { code: 'silent', kind: 'source_quality', metric: 'silent_minutes', op: '>', bound: 60 }),
    ];
    const touched = touchedBy([event(10, 'visit', '/1/2/3/'), event(11, 'visit', '/1/2/3/'), event(12, 'prescription', '/1/9/')], rules, indicators, 'Asia/Shanghai');
    expect(touched.series.map((w) => [w.ruleId, w.orgUnitId, w.periodStart.toISOString()])).toEqual([
      [1, 1, '2026-11-22T16:00:00.000Z'], [1, 2, '2026-11-22T16:00:00.000Z'], [1, 3, '2026-11-22T16:00:00.000Z'],
    ]);
    expect(touched.compliance).toEqual([{ ruleId: 3, eventIds: [12] }]);
    expect(touched.sources).toEqual([{ ruleId: 4, sourceIds: [7] }]);
  });
});
