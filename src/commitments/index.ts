/**
 * Service commitments (服务承诺): a tree whose first level answers the patient's expectation and
 * whose second and third levels are the departments' parts, each bound to an indicator with a
 * target and an owner; compliance per node rolled up to its parents; and early warning before a
 * breach, projected from the period so far and the usual profile of the rest of the period, with
 * warning transitions handed to the closed loop's alert-transition consumers (work orders).
 */
export { createCommitmentWarningJob, createCommitmentsService, PROFILE_PERIODS, type CommitmentDeps, type CommitmentNode, type CommitmentsService, type CommitmentWrite } from './commitments-service.ts';
export type { Commitment, Warning } from './commitments-repo.ts';
export { projectCommitment, usualProfile, type Projection, type ProjectionInput, type ProjectionState } from './projection.ts';
export { rollUpTree, worstState, type RolledUp, type TreeNode } from './tree.ts';
export { nextWarning, type WarningState, type WarningStep } from './warning.ts';
