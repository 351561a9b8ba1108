/**
 * The engine's work queue: ingest commits wait here until the one evaluation loop takes them, and
 * everything queued while a pass runs is taken by the next pass as one unit (coalesced), so a
 * burst of commits costs one pass, not one each. `push` resolves once the commits it queued have
 * been evaluated (or rejects with the pass's error); the loop itself never stops on an error.
 */
export interface CoalescingQueue<T> {
  /** Queues `items` as one commit; resolves when a pass has evaluated them (an empty commit: when all before it have been). */
  push(items: readonly T[]): Promise<void>;
  /** Commits queued and not yet taken by a pass. */
  readonly queued: number;
}

interface Entry<T> {
  readonly items: readonly T[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export interface CoalescingQueueOptions {
  /** At most this many items per pass (whole commits; a bigger commit still goes alone). */
  readonly maxItemsPerPass?: number;
}

export function createCoalescingQueue<T>(pass: (commits: readonly (readonly T[])[]) => Promise<void>, options: CoalescingQueueOptions = {}): CoalescingQueue<T> {
  const maxItems = options.maxItemsPerPass ?? 50_000;
  const waiting: Entry<T>[] = [];
  let running: Promise<void> | null = null;

  function take(): Entry<T>[] {
    let n = 0;
    let count = 0;
    while (n < waiting.length) {
      const next = waiting[n]?.items.length ?? 0;
      if (n > 0 && count + next > maxItems) break;
      count += next;
      n++;
    }
    return waiting.splice(0, n);
  }

  async function loop(): Promise<void> {
    while (waiting.length > 0) {
      const taken = take();
      try {
        await pass(taken.map((e) => e.items));
        for (const e of taken) e.resolve();
      } catch (error) {
        for (const e of taken) e.reject(error);
      }
    }
  }

  function start(): void {
    if (running !== null) return;
    running = loop().finally(() => {
      running = null;
      if (waiting.length > 0) start();
    });
  }

  return {
    push(items) {
      const done = new Promise<void>((resolve, reject) => { waiting.push({ items, resolve, reject }); });
      start();
      return done;
    },
    get queued() {
      return waiting.length;
    },
  };
}
