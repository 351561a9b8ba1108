import { describe, expect, it } from 'vitest';
import { advanceCursor, awaitedIds, GAP_PATIENCE_MS, MAX_GAPS, startCursor } from './id-cursor.ts';

describe('id cursor', () => {
  it('moves past the ids it read and awaits nothing when they are contiguous', () => {
    const c = advanceCursor(startCursor(10), [11, 12, 13], 0);
    expect(c.after).toBe(13);
    expect(awaitedIds(c)).toEqual([]);
  });

  it('remembers a skipped id and asks for it until a late commit delivers it', () => {
    const c1 = advanceCursor(startCursor(10), [13, 11], 1000);
    expect(c1.after).toBe(13);
    expect(awaitedIds(c1)).toEqual([12]);
    const c2 = advanceCursor(c1, [], 2000);
    expect(awaitedIds(c2)).toEqual([12]);
    const c3 = advanceCursor(c2, [12, 14], 3000);
    expect(c3.after).toBe(14);
    expect(awaitedIds(c3)).toEqual([]);
  });

  it('gives up on a skipped id after the patience (a rolled-back transaction)', () => {
    const c1 = advanceCursor(startCursor(0), [2], 0);
    expect(awaitedIds(advanceCursor(c1, [], GAP_PATIENCE_MS))).toEqual([1]);
    expect(awaitedIds(advanceCursor(c1, [], GAP_PATIENCE_MS + 1))).toEqual([]);
  });

  it('ignores ids at or below the position that are not awaited (already delivered)', () => {
    const c = advanceCursor(startCursor(10), [9, 10], 0);
    expect(c.after).toBe(10);
    expect(awaitedIds(c)).toEqual([]);
  });

  it('does not remember a hole larger than the limit', () => {
    const c = advanceCursor(startCursor(0), [MAX_GAPS + 5], 0);
    expect(c.after).toBe(MAX_GAPS + 5);
    expect(awaitedIds(c)).toEqual([]);
    const many = advanceCursor(startCursor(0), Array.from({ length: MAX_GAPS }, (_, i) => (i + 1) * 3), 0);
    expect(awaitedIds(many).length).toBe(MAX_GAPS);
    expect(awaitedIds(many).at(-1)).toBe(MAX_GAPS * 3 - 1);
  });
});
