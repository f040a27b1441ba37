/** The inspector's ring (src/inspect/ring.ts): bounded, oldest first, the dropped counted, found by seq after wrapping. */
import { describe, expect, it } from 'vitest';
import { Ring } from '../../src/inspect/ring.js';

const item = (seq: number) => ({ seq });

describe('Ring', () => {
  it('keeps the last N in order and counts what it pushed out', () => {
    const ring = new Ring<{ seq: number }>(3);
    expect(ring.push(item(0))).toBeUndefined();
    ring.push(item(1));
    ring.push(item(2));
    expect(ring.dropped).toBe(0);
    expect(ring.push(item(3))).toEqual(item(0));
    ring.push(item(4));
    expect(ring.items().map((kept) => kept.seq)).toEqual([2, 3, 4]);
    expect(ring.dropped).toBe(2);
  });

  it('finds an item by seq across the wrap, and none that was dropped', () => {
    const ring = new Ring<{ seq: number }>(4);
    for (let seq = 0; seq < 11; seq++) ring.push(item(seq));
    for (const seq of [7, 8, 9, 10]) expect(ring.get(seq)).toEqual(item(seq));
    for (const seq of [0, 6, 11, -1]) expect(ring.get(seq)).toBeUndefined();
    expect(new Ring(2).get(0)).toBeUndefined();
  });

  it('gives the items after a seq (a reconnect\'s Last-Event-ID)', () => {
    const ring = new Ring<{ seq: number }>(5);
    for (let seq = 0; seq < 8; seq++) ring.push(item(seq));
    expect(ring.after(5).map((kept) => kept.seq)).toEqual([6, 7]);
    expect(ring.after(0).map((kept) => kept.seq)).toEqual([3, 4, 5, 6, 7]);
    expect(ring.after(7)).toEqual([]);
  });

  it('finds items whose seqs are not consecutive', () => {
    const ring = new Ring<{ seq: number }>(3);
    for (const seq of [1, 5, 9, 12]) ring.push(item(seq));
    expect(ring.get(9)).toEqual(item(9));
    expect(ring.get(1)).toBeUndefined();
  });
});
