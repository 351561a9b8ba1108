/**
 * The org-unit tree (group → hospital → channel → department → team): codes that never
 * change, renames, moves without cycles, deactivation, subtrees and paths. Every change is
 * audited in the same transaction.
 */
export { checkPlacement, childPath, isInSubtree, orgKinds, pathIds, wouldCreateCycle, type Channel, type OrgKind, type OrgUnit } from './org-unit.ts';
export { createOrgsService, type CreateOrgInput, type OrgsService } from './orgs-service.ts';
export { orgNotFound } from './errors.ts';
