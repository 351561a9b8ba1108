import { DEFAULT_TIME_ZONE } from '../shared/index.ts';
import { readSetting, type Queryable } from '../store/index.ts';
import { parseIndicatorDefinition, type IndicatorDefinition } from './definition.ts';
import { currentDefinitions, definitionVersionsInUse } from './indicator-repo.ts';

/**
 * The parsed current definitions, as every indicator service needs them. Stored JSON is parsed
 * once per committed row version and kept; each call checks the versions in use with one small query,
 * so a definition saved by another process is picked up on the next batch.
 */
export interface IndicatorCatalog {
  /** Current definitions (read through `q`, e.g. the caller's transaction). */
  all(q: Queryable): Promise<readonly IndicatorDefinition[]>;
  get(q: Queryable, code: string): Promise<IndicatorDefinition | null>;
}

export function createIndicatorCatalog(): IndicatorCatalog {
  const parsed = new Map<string, IndicatorDefinition>();
  const keyOf = (d: { code: string; version: number; stamp: string }) => `${d.code}@${String(d.version)}@${d.stamp}`;

  async function all(q: Queryable): Promise<readonly IndicatorDefinition[]> {
    const inUse = await definitionVersionsInUse(q);
    if (inUse.some((d) => !parsed.has(keyOf(d)))) {
      if (parsed.size > 4 * inUse.length + 100) parsed.clear();
      const stamps = new Map(inUse.map((d) => [d.code, d.stamp]));
      for (const stored of await currentDefinitions(q)) {
        const result = parseIndicatorDefinition(stored.definition);
        // Definitions are validated when saved; a stored one that no longer parses is a bug, not input.
        if (!result.ok) throw new Error(`stored indicator ${stored.code} v${String(stored.version)} is invalid: ${JSON.stringify(result.errors)}`);
        parsed.set(keyOf({ code: stored.code, version: stored.version, stamp: stamps.get(stored.code) ?? '' }), { ...result.definition, version: stored.version });
      }
    }
    return inUse.flatMap((d) => parsed.get(keyOf(d)) ?? []);
  }

  return {
    all,
    async get(q, code) {
      return (await all(q)).find((d) => d.code === code) ?? null;
    },
  };
}

/** The group's reporting time zone (setting 'time_zone'), Asia/Shanghai by default. */
export async function reportingTimeZone(q: Queryable): Promise<string> {
  const value = await readSetting<unknown>(q, 'time_zone');
  return typeof value === 'string' && value !== '' ? value : DEFAULT_TIME_ZONE;
}

/** Whether a definition's roll-ups carry JSON state (merged read-modify-write) besides the sums. */
export function needsMergeableState(definition: IndicatorDefinition): { sketch: boolean; distinct: boolean } {
  return { sketch: definition.measure.kind === 'percentile', distinct: definition.measure.kind === 'distinct' };
}
