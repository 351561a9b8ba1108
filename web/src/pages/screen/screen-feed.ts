/**
 * What the big screen shows, as one snapshot replaced whenever the server pushes a new one.
 * The panels render a snapshot and nothing else, so the live feed (server-sent events from the
 * indicator, alert and work-order modules) plugs in here without touching them. Until it does,
 * `createScreenFeed` delivers one snapshot with the org structure and every live figure null,
 * which the panels show as "waiting for live data".
 */
export interface ScreenKpi {
  readonly key: string;
  readonly label: string;
  readonly value: number | null;
  readonly unit: string;
  /** Change against the previous period (环比), as a fraction; null when unknown. */
  readonly periodChange: number | null;
  /** Change against the same period last year (同比), as a fraction. */
  readonly yearChange: number | null;
  readonly spark: readonly { readonly at: string; readonly value: number | null }[];
}

export interface ScreenSnapshot {
  readonly at: string;
  /** The org unit the figures are about. */
  readonly scope: string | null;
  readonly kpis: readonly ScreenKpi[];
  /** Open alerts per severity 1 (critical) … 4 (info); null until the alert feed is wired. */
  readonly openAlertsBySeverity: Readonly<Record<1 | 2 | 3 | 4, number>> | null;
  readonly overdueWorkOrders: number | null;
  readonly sourcesInTrouble: number | null;
  readonly live: boolean;
}

export interface ScreenFeed {
  /** Calls `onSnapshot` with each new snapshot; returns the function that stops the feed. */
  subscribe(onSnapshot: (snapshot: ScreenSnapshot) => void): () => void;
}

export function emptySnapshot(scope: string | null, at: Date): ScreenSnapshot {
  return { at: at.toISOString(), scope, kpis: [], openAlertsBySeverity: null, overdueWorkOrders: null, sourcesInTrouble: null, live: false };
}

/** The feed for a scope; today a single empty snapshot (see the module comment). */
export function createScreenFeed(scope: string | null): ScreenFeed {
  return {
    subscribe(onSnapshot) {
      onSnapshot(emptySnapshot(scope, new Date()));
      return () => undefined;
    },
  };
}
