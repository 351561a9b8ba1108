import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LiveChange } from './live.ts';
import type { LiveHub } from './live-hub.ts';
import { openLiveStream } from './live-stream.ts';

/** A hub the test drives by hand. */
function fakeHub() {
  const listeners = new Set<(changes: readonly LiveChange[]) => void>();
  const hub: LiveHub = {
    subscribe: (listener) => {
      listeners.add(listener);
      return Promise.resolve(() => { listeners.delete(listener); });
    },
    get listeners() {
      return listeners.size;
    },
    close: () => Promise.resolve(),
  };
  return { hub, emit: (changes: LiveChange[]) => { for (const l of listeners) l(changes); } };
}

const at = new Date('2026-11-23T00:00:00Z');
const alertIn = (orgPath: string, id: number): LiveChange => ({
  kind: 'alert', id, alertId: id, ruleCode: 'r', orgUnit: orgPath, orgPath, severity: 2, from: null, to: 'firing', at, value: 1, messageZh: 'z', messageEn: 'e',
});

async function open(options: { bufferAfter?: () => number } = {}) {
  const { hub, emit } = fakeHub();
  const written: string[] = [];
  let snapshots = 0;
  let ended = 0;
  const abort = new AbortController();
  const stream = await openLiveStream({
    hub, scopePath: '/1/2/', may: () => true,
    snapshot: () => Promise.resolve({ n: ++snapshots }),
    write: (chunk) => { written.push(chunk); return options.bufferAfter?.() ?? 0; },
    end: () => { ended += 1; },
    signal: abort.signal,
    timings: { heartbeatMs: 1000, minSnapshotMs: 3000, refreshMs: 60_000, maxAgeMs: 600_000 },
  });
  return { hub, emit, written, stream, abort, snapshots: () => snapshots, ended: () => ended };
}

beforeEach(() => { vi.useFakeTimers(); });
afterEach(() => { vi.useRealTimers(); });

describe('live stream', () => {
  it('starts with the retry hint and a snapshot, then sends heartbeats', async () => {
    const s = await open();
    expect(s.written[0]).toBe('retry: 3000\n\n');
    expect(s.written[1]).toBe('event: snapshot\ndata: {"n":1}\n\n');
    await vi.advanceTimersByTimeAsync(2100);
    expect(s.written.filter((w) => w === ': ping\n\n')).toHaveLength(2);
    s.stream.close();
  });

  it('forwards changes in scope at once and refreshes the snapshot at most once per interval', async () => {
    const s = await open();
    s.emit([alertIn('/1/2/5/', 1), alertIn('/1/3/', 2)]);
    expect(s.written.filter((w) => w.startsWith('event: alert'))).toHaveLength(1);
    s.emit([alertIn('/1/2/', 3)]);
    await vi.advanceTimersByTimeAsync(2000);
    expect(s.snapshots()).toBe(1);
    await vi.advanceTimersByTimeAsync(1100);
    expect(s.snapshots()).toBe(2);
    s.emit([alertIn('/1/3/', 4)]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(s.snapshots()).toBe(2);
    s.stream.close();
  });

  it('ends and unsubscribes when the client goes away, and stops writing', async () => {
    const s = await open();
    expect(s.hub.listeners).toBe(1);
    s.abort.abort();
    await s.stream.closed;
    expect(s.ended()).toBe(1);
    expect(s.hub.listeners).toBe(0);
    const count = s.written.length;
    s.emit([alertIn('/1/2/', 9)]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(s.written.length).toBe(count);
    s.stream.close();
    expect(s.ended()).toBe(1);
  });

  it('ends after the maximum age so the browser reconnects through the access check', async () => {
    const s = await open();
    await vi.advanceTimersByTimeAsync(600_001);
    await s.stream.closed;
    expect(s.ended()).toBe(1);
  });

  it('drops a client that stops reading', async () => {
    let buffered = 0;
    const s = await open({ bufferAfter: () => buffered });
    buffered = 2 * 1024 * 1024;
    s.emit([alertIn('/1/2/', 5)]);
    await s.stream.closed;
    expect(s.ended()).toBe(1);
    expect(s.hub.listeners).toBe(0);
  });
});
