/**
 * Who may be named on a work order, and whose names a reader of the order is shown. An order
 * belongs to its org unit; the people on it (assignees, watchers, escalation contacts, routes and
 * the duty roster) must be users entitled to that unit's orders — a grant of a role with the needed
 * permission on the unit or an ancestor — or they would be notified about an order they cannot
 * open. The same rule bounds the `people` map of an order: display names only of users who may read
 * the order, never of anyone else in the group an id happens to point at.
 */

/** A user with the paths of the org units where they hold a role carrying the permission asked about. */
export interface ScopedPerson {
  readonly id: string;
  readonly displayName: string;
  readonly enabled: boolean;
  /** Materialised paths ('/1/4/') of the granted org units. */
  readonly grantPaths: readonly string[];
}

/** Whether the person holds the permission on the org unit at `orgPath` (a grant on it or on an ancestor). */
export function coversPath(person: ScopedPerson, orgPath: string): boolean {
  return person.grantPaths.some((p) => orgPath.startsWith(p));
}

/** The requested ids that are not enabled users entitled to the unit at `orgPath`, in request order, without repeats. */
export function idsOutOfScope(requested: readonly string[], people: readonly ScopedPerson[], orgPath: string): string[] {
  const ok = new Set(people.filter((p) => p.enabled && coversPath(p, orgPath)).map((p) => p.id));
  return [...new Set(requested.filter((id) => !ok.has(id)))];
}

/** Display names of the people who may read the order at `orgPath` (disabled users keep their name on orders they worked on). */
export function visibleNames(people: readonly ScopedPerson[], orgPath: string): Map<string, string> {
  return new Map(people.filter((p) => coversPath(p, orgPath)).map((p) => [p.id, p.displayName]));
}
