import type { ProjectionState } from './projection.ts';

/**
 * The warning of one commitment and period as a small state machine (pure): a projected miss
 * raises it (firing), an actual breach keeps it firing as breached, a recovered projection
 * resolves a warning (a breach stays: it happened); a later projected miss raises it again.
 */
export type WarningState = 'warning' | 'breached' | 'resolved';

export interface WarningStep {
  /** The state to store; null leaves nothing stored. */
  readonly next: WarningState | null;
  /** What the closed loop is told. */
  readonly transition: 'firing' | 'resolved' | null;
}

export function nextWarning(prev: WarningState | null, projection: ProjectionState): WarningStep {
  const raised = prev === 'warning' || prev === 'breached';
  switch (projection) {
    case 'breached':
      return { next: 'breached', transition: raised ? null : 'firing' };
    case 'warning':
      return prev === 'breached' ? { next: 'breached', transition: null } : { next: 'warning', transition: raised ? null : 'firing' };
    case 'ok':
      return prev === 'warning' ? { next: 'resolved', transition: 'resolved' } : { next: prev, transition: null };
    case 'no_data':
      return { next: prev, transition: null };
  }
}
