import { describe, expect, it } from 'vitest';
import { createCoalescingQueue } from './engine-queue.ts';

/** A pass that waits until released, recording the commits it was given. */
function gatedPass() {
  const passes: (readonly (readonly number[])[])[] = [];
  const gates: (() => void)[] = [];
  let failNext = false;
  const pass = async (commits: readonly (readonly number[])[]) => {
    passes.push(commits);
    await new Promise<void>((resolve) => gates.push(resolve));
    if (failNext) {
      failNext = false;
      throw new Error('storage unavailable');
    }
  };
  const release = async () => {
    while (gates.length === 0) await new Promise((r) => setTimeout(r, 1));
    gates.shift()?.();
    await new Promise((r) => setTimeout(r, 1));
  };
  return { pass, passes, release, failNextPass: () => { failNext = true; } };
}

describe('the engine’s coalescing queue', () => {
  it('evaluates commits queued during a pass together in the next pass, and resolves each push after its pass', async () => {
    const g = gatedPass();
    const queue = createCoalescingQueue<number>(g.pass);
    const done: string[] = [];
    const first = queue.push([1, 2]).then(() => done.push('first'));
    const second = queue.push([3]).then(() => done.push('second'));
    const third = queue.push([4, 5]).then(() => done.push('third'));
    expect(queue.queued).toBe(2);
    await g.release();
    await first;
    expect(done).toEqual(['first']);
    await g.release();
    await Promise.all([second, third]);
    expect(g.passes).toEqual([[[1, 2]], [[3], [4, 5]]]);
    expect(queue.queued).toBe(0);
  });

  it('rejects only the pushes of a failed pass and goes on with the next', async () => {
    const g = gatedPass();
    const queue = createCoalescingQueue<number>(g.pass);
    g.failNextPass();
    const failed = expect(queue.push([1])).rejects.toThrow('storage unavailable');
    const later = queue.push([2]);
    await g.release();
    await failed;
    await g.release();
    await expect(later).resolves.toBeUndefined();
    expect(g.passes).toEqual([[[1]], [[2]]]);
  });

  it('bounds a pass by whole commits, and an empty push resolves once everything queued before it is evaluated', async () => {
    const g = gatedPass();
    const queue = createCoalescingQueue<number>(g.pass, { maxItemsPerPass: 3 });
    void queue.push([1]);
    void queue.push([2, 3]);
    void queue.push([4, 5]);
    let settled = false;
    const marker = queue.push([]).then(() => { settled = true; });
    await g.release();
    await g.release();
    expect(settled).toBe(false);
    await g.release();
    await marker;
    expect(g.passes).toEqual([[[1]], [[2, 3]], [[4, 5], []]]);
  });
});
