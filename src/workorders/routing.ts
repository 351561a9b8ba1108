/**
 * Who receives a new work order. Walk from the order's org unit up to the root; at each unit
 * take the route for the order's category, else the unit's catch-all route (`*` or no category).
 * A matched route with liaisons wins; if some of them are on duty now (roster), only those are
 * assigned, otherwise all of the route's liaisons. With no route on the path, the monitoring
 * center's route is used (`fellBackToCenter`).
 */
export interface WorkOrderRoute {
  readonly orgUnit: string;
  /** A rule category, or '*' / absent for any category. */
  readonly category?: string;
  readonly liaisons: readonly string[];
}

/** A liaison on duty for an org unit during [from, to). */
export interface RosterEntry {
  readonly orgUnit: string;
  readonly userId: string;
  readonly from: Date;
  readonly to: Date;
}

export interface RoutingInput {
  /** Org unit codes from the root to the order's unit. */
  readonly orgPath: readonly string[];
  readonly category: string;
}

export interface RoutingResult {
  readonly assignees: readonly string[];
  /** The unit whose route was used; the center's code on fallback. */
  readonly matchedOrgUnit: string;
  readonly fellBackToCenter: boolean;
}

export const DEFAULT_CENTER_ORG_UNIT = 'center';

function routeAt(routes: readonly WorkOrderRoute[], orgUnit: string, category: string): WorkOrderRoute | undefined {
  const here = routes.filter((r) => r.orgUnit === orgUnit && r.liaisons.length > 0);
  return here.find((r) => r.category === category) ?? here.find((r) => r.category === undefined || r.category === '*');
}

function onDuty(route: WorkOrderRoute, roster: readonly RosterEntry[], now: Date): string[] {
  const t = now.getTime();
  const duty = new Set(
    roster.filter((e) => e.orgUnit === route.orgUnit && e.from.getTime() <= t && t < e.to.getTime()).map((e) => e.userId),
  );
  const present = route.liaisons.filter((l) => duty.has(l));
  return [...new Set(present.length > 0 ? present : route.liaisons)];
}

export function routeWorkOrder(
  input: RoutingInput,
  routes: readonly WorkOrderRoute[],
  roster: readonly RosterEntry[],
  now: Date,
  centerOrgUnit: string = DEFAULT_CENTER_ORG_UNIT,
): RoutingResult {
  for (let i = input.orgPath.length - 1; i >= 0; i -= 1) {
    const unit = input.orgPath[i];
    if (unit === undefined) continue;
    const route = routeAt(routes, unit, input.category);
    if (route) return { assignees: onDuty(route, roster, now), matchedOrgUnit: unit, fellBackToCenter: unit === centerOrgUnit };
  }
  const center = routeAt(routes, centerOrgUnit, input.category);
  return { assignees: center ? onDuty(center, roster, now) : [], matchedOrgUnit: centerOrgUnit, fellBackToCenter: true };
}
