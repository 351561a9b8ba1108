import { Type } from '@sinclair/typebox';
import type { AppModule } from '../app.ts';
import type { OverviewGrain, OverviewService } from '../live/index.ts';
import type { OrgUnit } from '../orgs/index.ts';
import { allows, resourceOf } from './access.ts';
import { Code, DateTime, errorResponses, Nullable } from './schemas.ts';

/**
 * The overview of one org unit's subtree in one call, for the overview page, each node of the org
 * drill-down and the big screen: headline indicators (环比/同比, sparkline), open alerts by severity
 * and per child, open and overdue work orders, sources in trouble, online vs offline visits. Needs
 * org.read on the unit; each section needs its own read permission there and is null without it.
 */
const GrainQuery = Type.Union([Type.Literal('day'), Type.Literal('week'), Type.Literal('month')]);
const Counts = Type.Object({ 1: Type.Integer(), 2: Type.Integer(), 3: Type.Integer(), 4: Type.Integer() });

export const OverviewJson = Type.Object({
  org: Type.Object({ code: Type.String(), name: Type.String(), nameEn: Nullable(Type.String()), kind: Type.String(), channel: Nullable(Type.String()) }),
  at: DateTime,
  grain: GrainQuery,
  indicators: Nullable(Type.Array(Type.Object({
    code: Type.String(), nameZh: Type.String(), nameEn: Type.String(), unit: Type.String(), direction: Type.String(), periodKey: Type.String(),
    value: Nullable(Type.Number()), previous: Nullable(Type.Number()), changeRate: Nullable(Type.Number()), yearAgo: Nullable(Type.Number()),
    yearOverYearRate: Nullable(Type.Number()), target: Nullable(Type.Number()), targetStatus: Type.String(),
    current: Nullable(Type.Object({ periodKey: Type.String(), value: Nullable(Type.Number()) })),
    spark: Type.Array(Type.Object({ at: DateTime, value: Nullable(Type.Number()) })),
  }))),
  alerts: Nullable(Type.Object({
    open: Type.Integer(), bySeverity: Counts,
    recent: Type.Array(Type.Object({
      id: Type.Integer(), ruleCode: Type.String(), orgUnit: Type.String(), severity: Type.Integer(), state: Type.String(), messageZh: Type.String(),
      messageEn: Type.String(), since: Type.String(),
    })),
  })),
  workorders: Nullable(Type.Object({ open: Type.Integer(), byState: Type.Record(Type.String(), Type.Integer()), overdue: Type.Integer() })),
  sources: Nullable(Type.Object({
    total: Type.Integer(),
    inTrouble: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), orgUnit: Type.String(), reasons: Type.Array(Type.String()), lastSeenAt: Nullable(DateTime) })),
  })),
  children: Type.Array(Type.Object({
    code: Type.String(), name: Type.String(), nameEn: Nullable(Type.String()), kind: Type.String(), channel: Nullable(Type.String()),
    alerts: Nullable(Counts), worstSeverity: Nullable(Type.Integer()), openOrders: Nullable(Type.Integer()), overdueOrders: Nullable(Type.Integer()),
  })),
  flow: Nullable(Type.Object({
    at: Type.Array(DateTime), online: Type.Array(Type.Number()), offline: Type.Array(Type.Number()),
    totals: Type.Object({ online: Type.Number(), offline: Type.Number() }),
  })),
});

export function createOverviewModule(deps: { overview: OverviewService }): AppModule {
  return {
    name: 'overview',
    register(app) {
      app.get('/api/overview', {
        config: { access: { permission: 'org.read', resources: [{ kind: 'org', from: 'query', field: 'org' }] } },
        schema: {
          tags: ['overview'], summary: 'Overview of an org unit’s subtree: headline indicators, alerts, work orders, sources, children, channel flow',
          querystring: Type.Object({ org: Code, grain: Type.Optional(GrainQuery) }, { additionalProperties: false }),
          response: { 200: OverviewJson, ...errorResponses },
        },
      }, async (request) => {
        const org = resourceOf<OrgUnit>(request, 'org');
        const { grain } = request.query as { grain?: OverviewGrain };
        return deps.overview.overview({ org, grain: grain ?? 'day', may: (permission) => allows(request, permission, org.path) });
      });
    },
  };
}
