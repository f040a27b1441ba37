/** The library Listener's event stream (src/listen/stream.ts): bounded while nobody reads, and waitFor unaffected by the bound. */
import { describe, expect, it } from 'vitest';
import { ListenerStream, QUEUE_LIMIT, type ListenerEvent } from '../../src/listen/stream.js';
import type { ListenDelivery } from '../../src/listen/json.js';

const delivery = (n: number): ListenDelivery => ({ kind: 'delivery', time: new Date(0).toISOString(), id: `evt_${n}`, type: 'charge.succeeded', connect: false, url: 'http://127.0.0.1:9/', status: 200, ms: 1 });

/** The next `count` events, read without ending the iteration (a `for await` left early would). */
async function take(events: AsyncIterator<ListenerEvent>, count: number): Promise<ListenerEvent[]> {
  const taken: ListenerEvent[] = [];
  while (taken.length < count) taken.push((await events.next()).value as ListenerEvent);
  return taken;
}

describe('ListenerStream', () => {
  it(`keeps the newest ${QUEUE_LIMIT} unread events; the reader is told how many it missed, where they were`, async () => {
    const stream = new ListenerStream();
    const events = stream.events[Symbol.asyncIterator]();
    for (let n = 1; n <= QUEUE_LIMIT + 5; n++) stream.push(delivery(n));
    const [gap, next] = await take(events, 2);
    expect(gap).toEqual({ kind: 'dropped', time: expect.any(String), count: 5 });
    expect(next).toMatchObject({ id: 'evt_6' });
    expect((await take(events, QUEUE_LIMIT - 1)).at(-1)).toMatchObject({ id: `evt_${QUEUE_LIMIT + 5}` });
    stream.push(delivery(0)); // caught up: nothing dropped since
    expect(await take(events, 1)).toEqual([delivery(0)]);
    stream.end();
    expect(await events.next()).toEqual({ done: true, value: undefined });
  });

  it('waitFor sees a delivery the bound drops from the queue, and fails after its timeout or when the stream ends', async () => {
    const stream = new ListenerStream();
    const third = stream.waitFor((d) => d.id === 'evt_3');
    const never = stream.waitFor('invoice.paid', { timeoutMs: 60_000 });
    for (let n = 1; n <= QUEUE_LIMIT + 5; n++) stream.push(delivery(n));
    expect(await third).toEqual(delivery(3));
    await expect(stream.waitFor('charge.succeeded', { timeoutMs: 1 })).rejects.toMatchObject({ code: 'ERR_STRIPE_HOOKS_FAILED', message: 'no charge.succeeded delivery within 0.001 s' });
    stream.end();
    await expect(never).rejects.toMatchObject({ code: 'ERR_STRIPE_HOOKS_FAILED', message: 'the listener stopped before a invoice.paid delivery' });
  });

  it('after an abort, waitFor rejects ERR_STRIPE_HOOKS_INTERRUPTED with the reason as cause', async () => {
    const controller = new AbortController();
    const stream = new ListenerStream(controller.signal);
    const waiting = stream.waitFor('charge.succeeded');
    controller.abort(new Error('done'));
    stream.end(controller.signal.reason);
    await expect(waiting).rejects.toMatchObject({ code: 'ERR_STRIPE_HOOKS_INTERRUPTED', message: 'Interrupted: done', cause: controller.signal.reason });
  });
});
