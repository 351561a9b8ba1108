import type { ProjectionState } from './projection.ts';

/**
 * A commitment tree's compliance rolled up (pure): each node shows the worst state of itself and
 * everything below it (breached > warning > ok > no data), and the share of its leaf commitments
 * that are met, so a patient-level commitment turns red when a department's part of it does.
 */
export interface TreeNode {
  readonly id: number;
  readonly parentId: number | null;
  readonly state: ProjectionState;
}

export interface RolledUp {
  readonly state: ProjectionState;
  /** Met leaves / judged leaves below (or at) the node; null when none is judged. */
  readonly compliance: number | null;
}

const SEVERITY: Readonly<Record<ProjectionState, number>> = { no_data: 0, ok: 1, warning: 2, breached: 3 };

export function worstState(a: ProjectionState, b: ProjectionState): ProjectionState {
  return SEVERITY[a] >= SEVERITY[b] ? a : b;
}

export function rollUpTree(nodes: readonly TreeNode[]): Map<number, RolledUp> {
  const children = new Map<number, TreeNode[]>();
  for (const n of nodes) if (n.parentId !== null) children.set(n.parentId, [...(children.get(n.parentId) ?? []), n]);
  const out = new Map<number, RolledUp & { met: number; judged: number }>();
  const visit = (node: TreeNode, depth: number): RolledUp & { met: number; judged: number } => {
    const done = out.get(node.id);
    if (done) return done;
    const kids = depth > 50 ? [] : (children.get(node.id) ?? []);
    let state = node.state;
    let met = 0;
    let judged = 0;
    if (kids.length === 0) {
      judged = node.state === 'no_data' ? 0 : 1;
      met = node.state === 'ok' ? 1 : 0;
    }
    for (const k of kids) {
      const r = visit(k, depth + 1);
      state = worstState(state, r.state);
      met += r.met;
      judged += r.judged;
    }
    const rolled = { state, met, judged, compliance: judged === 0 ? null : met / judged };
    out.set(node.id, rolled);
    return rolled;
  };
  for (const n of nodes) visit(n, 0);
  return new Map([...out].map(([id, r]) => [id, { state: r.state, compliance: r.compliance }]));
}
