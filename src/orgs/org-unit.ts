/**
 * Org units form one tree per installation: group → hospital → channel (online/offline) →
 * department → team. A child sits below its parent's level; levels may be skipped (a
 * hospital without a channel split holds departments directly).
 */
export const orgKinds = ['group', 'hospital', 'channel', 'department', 'team'] as const;
export type OrgKind = (typeof orgKinds)[number];
export type Channel = 'online' | 'offline';

export interface OrgUnit {
  readonly id: number;
  readonly code: string;
  readonly name: string;
  readonly nameEn: string | null;
  readonly kind: OrgKind;
  readonly channel: Channel | null;
  readonly parentId: number | null;
  /** Materialised path of ids, '/1/4/9/'. */
  readonly path: string;
  readonly active: boolean;
}

const rank: Readonly<Record<OrgKind, number>> = { group: 0, hospital: 1, channel: 2, department: 3, team: 4 };

export type PlacementProblem = { readonly code: 'ORG_INVALID_PARENT'; readonly message: string } | null;

/** Whether a node of `childKind` may sit directly under a node of `parentKind` (or at the root). */
export function checkPlacement(childKind: OrgKind, parentKind: OrgKind | null): PlacementProblem {
  if (parentKind === null) {
    return childKind === 'group' ? null : { code: 'ORG_INVALID_PARENT', message: `a ${childKind} needs a parent; only a group is a root` };
  }
  if (childKind === 'group') return { code: 'ORG_INVALID_PARENT', message: 'a group is always a root' };
  if (rank[childKind] <= rank[parentKind]) {
    return { code: 'ORG_INVALID_PARENT', message: `a ${childKind} cannot sit under a ${parentKind}` };
  }
  return null;
}

/** Moving `node` under `newParent` would make a cycle when the new parent is inside node's subtree. */
export function wouldCreateCycle(nodePath: string, newParentPath: string): boolean {
  return newParentPath.startsWith(nodePath);
}

/** Whether `path` lies in the subtree rooted at `rootPath` (inclusive). */
export function isInSubtree(path: string, rootPath: string): boolean {
  return path.startsWith(rootPath);
}

export function childPath(parentPath: string | null, id: number): string {
  return `${parentPath ?? '/'}${id}/`;
}

/** Ids along the path, root first. */
export function pathIds(path: string): number[] {
  return path.split('/').filter((s) => s !== '').map(Number);
}
