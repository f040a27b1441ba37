/**
 * --serial's queue on vitest's fake clock: the window, the order (created, then arrival),
 * one delivery at a time, and close().
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReorderQueue } from '../../src/relay/reorder.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A queue whose runs are recorded and finish only when the test says so. */
function recorded(windowMs: number) {
  const started: Array<{ item: string; reordered: boolean }> = [];
  const finishers: Array<() => void> = [];
  const queue = new ReorderQueue<string>(
    windowMs,
    (item, reordered) =>
      new Promise<void>((resolve) => {
        started.push({ item, reordered });
        finishers.push(resolve);
      }),
    () => Date.now(),
  );
  /** Finishes the run in progress and lets the queue start the next one. */
  const finish = async () => {
    finishers.shift()!();
    await vi.advanceTimersByTimeAsync(0);
  };
  return { queue, started, finish, items: () => started.map((s) => s.item) };
}

describe('ReorderQueue', () => {
  it('waits the window, then runs arrivals in created order', async () => {
    const { queue, items, finish } = recorded(250);
    queue.push('a', 100);
    queue.push('b', 101);
    await vi.advanceTimersByTimeAsync(249);
    expect(items()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(items()).toEqual(['a']);
    await finish();
    expect(items()).toEqual(['a', 'b']);
  });

  it('swaps a reversed pair that arrives within the window and marks the one that overtook', async () => {
    const { queue, started, finish } = recorded(250);
    queue.push('updated', 101);
    await vi.advanceTimersByTimeAsync(200);
    queue.push('created', 100);
    await vi.advanceTimersByTimeAsync(50);
    await finish();
    expect(started).toEqual([
      { item: 'created', reordered: true },
      { item: 'updated', reordered: false },
    ]);
  });

  it('does not hold an event past its window for one that arrives later', async () => {
    const { queue, items, finish } = recorded(250);
    queue.push('updated', 101);
    await vi.advanceTimersByTimeAsync(250);
    queue.push('created', 100); // too late: `updated` already went
    await finish();
    await vi.advanceTimersByTimeAsync(250);
    expect(items()).toEqual(['updated', 'created']);
  });

  it('within one second (created is whole seconds), the lower rank goes first: an object\'s creation before its update', async () => {
    const { queue, started, finish } = recorded(250);
    queue.push('customer.subscription.updated', 100, 1);
    queue.push('customer.subscription.created', 100, 0);
    queue.push('customer.subscription.deleted', 100, 2);
    queue.push('invoice.created', 101, 0);
    await vi.advanceTimersByTimeAsync(250);
    for (let i = 0; i < 3; i++) await finish();
    expect(started).toEqual([
      { item: 'customer.subscription.created', reordered: true },
      { item: 'customer.subscription.updated', reordered: false },
      { item: 'customer.subscription.deleted', reordered: false },
      { item: 'invoice.created', reordered: false },
    ]);
  });

  it('keeps arrival order for equal created, and puts items without created last', async () => {
    const { queue, started, finish } = recorded(100);
    queue.push('no-created-1', undefined);
    queue.push('x', 100);
    queue.push('y', 100);
    queue.push('no-created-2', undefined);
    queue.push('w', 99);
    await vi.advanceTimersByTimeAsync(100);
    for (let i = 0; i < 4; i++) await finish();
    expect(started).toEqual([
      { item: 'w', reordered: true },
      { item: 'x', reordered: true },
      { item: 'y', reordered: true },
      { item: 'no-created-1', reordered: false },
      { item: 'no-created-2', reordered: false },
    ]);
  });

  it('runs one at a time: the next starts only after the previous run resolves', async () => {
    const { queue, items, finish } = recorded(0);
    queue.push('a', 1);
    queue.push('b', 2);
    queue.push('c', 3);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(items()).toEqual(['a']);
    await finish();
    expect(items()).toEqual(['a', 'b']);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(items()).toEqual(['a', 'b']);
    await finish();
    expect(items()).toEqual(['a', 'b', 'c']);
  });

  it('orders what arrived while a run was in progress, without a new wait', async () => {
    const { queue, started, finish } = recorded(250);
    queue.push('first', 1);
    await vi.advanceTimersByTimeAsync(250);
    queue.push('late', 3);
    await vi.advanceTimersByTimeAsync(300); // both waited their window while `first` ran
    queue.push('early', 2);
    await finish(); // `early` is still in its window: `late`'s is over, so the earliest created of the two goes
    expect(started.map((s) => s.item)).toEqual(['first', 'early']);
    expect(started[1]!.reordered).toBe(true);
  });

  it('with window 0 runs each arrival at once, as it came', async () => {
    const { queue, items, finish } = recorded(0);
    queue.push('b', 2);
    await vi.advanceTimersByTimeAsync(0);
    expect(items()).toEqual(['b']);
    queue.push('a', 1);
    await finish();
    expect(items()).toEqual(['b', 'a']);
  });

  it('close() returns what waits, in arrival order, and nothing more runs', async () => {
    const { queue, items, finish } = recorded(250);
    queue.push('a', 1);
    await vi.advanceTimersByTimeAsync(250);
    queue.push('c', 3);
    queue.push('b', 2);
    expect(queue.close()).toEqual(['c', 'b']);
    queue.push('d', 0);
    await finish();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(items()).toEqual(['a']);
    expect(queue.close()).toEqual([]);
  });

  it('close() during the window cancels the wait', async () => {
    const { queue, items } = recorded(250);
    queue.push('a', 1);
    expect(queue.close()).toEqual(['a']);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(items()).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
