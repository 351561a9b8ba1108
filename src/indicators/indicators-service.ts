import type { OrgUnit } from '../orgs/index.ts';
import type { Clock } from '../shared/index.ts';
import type { Db } from '../store/index.ts';
import { createIndicatorCatalog } from './catalog-service.ts';
import { createIndicatorDefinitionsService } from './definitions-service.ts';
import { createIndicatorExportService } from './export-service.ts';
import { createManualValuesService } from './manual-values-service.ts';
import { createIndicatorQueryService } from './query-service.ts';
import { createIndicatorRebuildService, createIndicatorRollupConsumer } from './rollup-service.ts';
import { createIndicatorTargetsService } from './targets-service.ts';
import { createTimeZoneService } from './time-zone-service.ts';

/** The org-tree reads the indicator services need (the orgs service provides them). */
export interface IndicatorOrgs {
  findById(id: number): Promise<OrgUnit | null>;
  findByCode(code: string): Promise<OrgUnit | null>;
  listByIds(ids: readonly number[]): Promise<OrgUnit[]>;
  listSubtree(root: OrgUnit, includeInactive: boolean): Promise<OrgUnit[]>;
}

/**
 * Every indicator service wired over one shared definition catalog: what main.ts needs to build
 * the HTTP module, the ingest commit consumer, the rule engine's series reader and the CLI.
 */
export function createIndicatorServices(deps: { db: Db; orgs: IndicatorOrgs; clock: Clock }) {
  const catalog = createIndicatorCatalog();
  const { db, orgs, clock } = deps;
  const queries = createIndicatorQueryService({ db, catalog, orgs, clock });
  const targets = createIndicatorTargetsService({ db, catalog, orgs });
  return {
    catalog,
    definitions: createIndicatorDefinitionsService({ db, catalog }),
    queries,
    manualValues: createManualValuesService({ db, catalog, orgs }),
    targets,
    exports: createIndicatorExportService({ db, catalog, queries, targets, clock }),
    rebuild: createIndicatorRebuildService({ db, catalog }),
    rollupConsumer: createIndicatorRollupConsumer({ catalog }),
    timeZone: createTimeZoneService({ db, catalog, clock }),
  };
}

export type IndicatorServices = ReturnType<typeof createIndicatorServices>;
