/** One evaluation pass over ingest commits: how much it judged and how long each phase took (ms, wall clock). */
export interface PassReport {
  readonly at: Date;
  readonly commits: number;
  readonly events: number;
  readonly ms: number;
  /** plan: rules and series touched; read: series and detector states; judge: evaluations (compliance look-ups included); record: alerts compared and stored. */
  readonly phases: Readonly<Record<'plan' | 'read' | 'judge' | 'record', number>>;
  readonly judged: number;
  readonly recorded: number;
}

const RECENT_PASSES = 500;

/** The latest passes of this process, oldest first (a bounded log: metrics, not state). */
export function createPassLog() {
  const passes: PassReport[] = [];
  return {
    add(report: PassReport): void {
      passes.push(report);
      if (passes.length > RECENT_PASSES) passes.shift();
    },
    recent: (): readonly PassReport[] => [...passes],
  };
}

/** Wall-clock time of a pass's phases, each lap ending the phase named. */
export function stopwatch() {
  const phases = { plan: 0, read: 0, judge: 0, record: 0 };
  let last = performance.now();
  return {
    phases,
    lap(phase: keyof typeof phases): void {
      const t = performance.now();
      phases[phase] = Math.round(t - last);
      last = t;
    },
  };
}
