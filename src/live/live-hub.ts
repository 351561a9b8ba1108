import { advanceCursor, awaitedIds, startCursor, type IdCursor } from '../shared/index.ts';
import type { Db } from '../store/index.ts';
import type { LiveChange } from './live.ts';
import { readAlertTransitions, readDataArrivals, readLatestIds, readWorkOrderChanges } from './live-repo.ts';

/**
 * One poller per process, shared by every live connection of that process. Processes keep no
 * state of their own: whichever process wrote a change, each hub finds it in the database by
 * following the ids of the alert history, the work-order timeline and the event table from where
 * it started. It polls only while someone listens and hands each batch of changes to every
 * listener (each filters by its viewer's scope). Event arrivals follow a plain high-water mark: a
 * late-committing batch only delays a refresh, which connections also do on a slow timer.
 */
export interface LiveHub {
  /** Starts following (if not yet) and calls `listener` with each batch of new changes; returns the unsubscribe. */
  subscribe(listener: (changes: readonly LiveChange[]) => void): Promise<() => void>;
  readonly listeners: number;
  /** Stops polling and forgets every listener (server shutdown). */
  close(): Promise<void>;
}

export interface LiveHubOptions {
  readonly intervalMs?: number;
  /** Rows read per table and poll; more wait for the next poll. */
  readonly batch?: number;
  readonly onError?: (error: unknown) => void;
}

interface Cursors {
  alert: IdCursor;
  workorder: IdCursor;
  event: number;
}

export function createLiveHub(db: Db, options: LiveHubOptions = {}): LiveHub {
  const intervalMs = options.intervalMs ?? 1500;
  const batch = options.batch ?? 500;
  const listeners = new Set<(changes: readonly LiveChange[]) => void>();
  let cursors: Promise<Cursors> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let polling: Promise<void> | null = null;
  let closed = false;

  async function start(): Promise<Cursors> {
    const latest = await readLatestIds(db);
    return { alert: startCursor(latest.alert), workorder: startCursor(latest.workorder), event: latest.event };
  }

  async function poll(): Promise<void> {
    if (!cursors) return;
    const c = await cursors;
    const now = Date.now();
    const [alerts, orders, data] = await Promise.all([
      readAlertTransitions(db, c.alert.after, awaitedIds(c.alert), batch),
      readWorkOrderChanges(db, c.workorder.after, awaitedIds(c.workorder), batch),
      readDataArrivals(db, c.event, batch),
    ]);
    c.alert = advanceCursor(c.alert, alerts.map((a) => a.id), now);
    c.workorder = advanceCursor(c.workorder, orders.map((o) => o.id), now);
    c.event = data.last;
    const changes: LiveChange[] = [...alerts, ...orders, ...data.arrivals];
    if (changes.length === 0) return;
    for (const listener of [...listeners]) {
      try {
        listener(changes);
      } catch (error) {
        options.onError?.(error);
      }
    }
  }

  function schedule(): void {
    if (closed || listeners.size === 0 || timer) return;
    timer = setTimeout(() => {
      timer = null;
      polling = poll().catch((error: unknown) => { options.onError?.(error); }).finally(() => {
        polling = null;
        schedule();
      });
    }, intervalMs);
    timer.unref();
  }

  function stop(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    // A later first listener starts from the then-newest rows; it reads the state in its own snapshot.
    cursors = null;
  }

  return {
    async subscribe(listener) {
      if (closed) throw new Error('live hub closed');
      if (!cursors) {
        cursors = start();
        cursors.catch(() => { cursors = null; });
      }
      await cursors;
      listeners.add(listener);
      schedule();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) stop();
      };
    },
    get listeners() {
      return listeners.size;
    },
    async close() {
      closed = true;
      listeners.clear();
      stop();
      await polling;
    },
  };
}
