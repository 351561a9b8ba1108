import { followLive, type Grain, type LiveEvent, type Overview } from '../../components/overview/overview-api.ts';

/**
 * What the wall shows, kept current by the server's live feed (GET /api/live): the latest
 * overview snapshot of the scope and a ticker of the newest alert transitions and work-order
 * changes. The panels render this state and nothing else.
 */
export interface ScreenState {
  readonly snapshot: Overview | null;
  readonly ticker: readonly LiveEvent[];
  readonly live: boolean;
}

export const TICKER_LENGTH = 12;

export function emptyScreenState(): ScreenState {
  return { snapshot: null, ticker: [], live: false };
}

/** The ticker with `event` at its head: newest first, one entry per change, at most `max`. */
export function pushTicker(ticker: readonly LiveEvent[], event: LiveEvent, max = TICKER_LENGTH): LiveEvent[] {
  const rest = ticker.filter((e) => !(e.kind === event.kind && e.id === event.id));
  return [event, ...rest].slice(0, max);
}

/** Follows the scope's live feed, calling `onState` with each new state; returns the stop function. */
export function followScreen(org: string, onState: (state: ScreenState) => void, grain: Grain = 'day'): () => void {
  let state = emptyScreenState();
  const set = (next: ScreenState) => {
    state = next;
    onState(state);
  };
  return followLive(org, {
    snapshot: (snapshot) => { set({ ...state, snapshot, live: true }); },
    change: (event) => { set({ ...state, ticker: pushTicker(state.ticker, event) }); },
    status: (live) => { set({ ...state, live }); },
  }, grain);
}
