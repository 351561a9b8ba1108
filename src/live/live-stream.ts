import type { LiveHub } from './live-hub.ts';
import { changeJson, changesFor, sseComment, sseEvent, type LiveChange, type LivePermission } from './live.ts';

/**
 * One live connection: a snapshot of the viewer's scope at once, each alert transition and
 * work-order change in scope as it is found, a fresh snapshot (indicator values, counters) after
 * changes in scope — at most one per `minSnapshotMs` — and on a slow timer, heartbeat comments,
 * and an end after `maxAgeMs` so the browser reconnects through the access check again.
 */
export interface LiveStreamTimings {
  readonly heartbeatMs: number;
  readonly minSnapshotMs: number;
  readonly refreshMs: number;
  readonly maxAgeMs: number;
}

export const DEFAULT_TIMINGS: LiveStreamTimings = { heartbeatMs: 15_000, minSnapshotMs: 3000, refreshMs: 60_000, maxAgeMs: 30 * 60_000 };

/** A client that does not read is dropped once this much is buffered for it. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

export interface LiveStreamDeps {
  readonly hub: LiveHub;
  readonly scopePath: string;
  readonly may: (permission: LivePermission, orgPath: string) => boolean;
  readonly snapshot: () => Promise<unknown>;
  /** Writes a chunk; returns the bytes still buffered for the client. */
  readonly write: (chunk: string) => number;
  readonly end: () => void;
  readonly timings?: Partial<LiveStreamTimings>;
  /** Aborted when the client goes away or the server shuts down. */
  readonly signal?: AbortSignal;
  readonly onError?: (error: unknown) => void;
}

export interface LiveStream {
  close(): void;
  readonly closed: Promise<void>;
}

export async function openLiveStream(deps: LiveStreamDeps): Promise<LiveStream> {
  const t = { ...DEFAULT_TIMINGS, ...deps.timings };
  let open = true;
  let computing = false;
  let dirty = false;
  let lastSnapshotAt = 0;
  let pending: NodeJS.Timeout | null = null;
  let resolveClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => { resolveClosed = resolve; });

  function send(chunk: string): void {
    if (!open) return;
    if (deps.write(chunk) > MAX_BUFFERED_BYTES) close();
  }

  async function sendSnapshot(): Promise<void> {
    computing = true;
    dirty = false;
    try {
      const value = await deps.snapshot();
      lastSnapshotAt = Date.now();
      send(sseEvent('snapshot', value));
    } catch (error) {
      deps.onError?.(error);
      send(sseEvent('problem', { code: 'LIVE_SNAPSHOT_FAILED', message: 'The figures could not be read; retrying.' }));
    } finally {
      computing = false;
    }
    if (dirty && open) requestSnapshot();
  }

  function requestSnapshot(): void {
    if (!open) return;
    if (computing) {
      dirty = true;
      return;
    }
    if (pending) return;
    const wait = Math.max(0, lastSnapshotAt + t.minSnapshotMs - Date.now());
    pending = setTimeout(() => {
      pending = null;
      void sendSnapshot();
    }, wait);
  }

  function onChanges(changes: readonly LiveChange[]): void {
    const mine = changesFor(changes, deps.scopePath, deps.may);
    if (mine.length === 0) return;
    for (const c of mine) if (c.kind !== 'data') send(sseEvent(c.kind, changeJson(c)));
    requestSnapshot();
  }

  const unsubscribe = await deps.hub.subscribe(onChanges);
  const heartbeat = setInterval(() => { send(sseComment('ping')); }, t.heartbeatMs);
  const refresh = setInterval(requestSnapshot, t.refreshMs);
  const maxAge = setTimeout(close, t.maxAgeMs);

  function close(): void {
    if (!open) return;
    open = false;
    clearInterval(heartbeat);
    clearInterval(refresh);
    clearTimeout(maxAge);
    if (pending) clearTimeout(pending);
    unsubscribe();
    deps.end();
    resolveClosed();
  }

  deps.signal?.addEventListener('abort', close, { once: true });
  if (deps.signal?.aborted === true) close();
  send('retry: 3000\n\n');
  await sendSnapshot();
  return { close, closed };
}
