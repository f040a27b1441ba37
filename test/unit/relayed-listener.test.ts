/**
 * `startListener` as the library `trigger-flow` reuses: the real `stripe listen`
 * against the fake backend, driven without the CLI around it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { InterruptedError } from '../../src/errors.js';
import { startListener, type Listener, type ListenerEvent } from '../../src/stripe-cli/listen.js';
import type { StripeTarget } from '../../src/stripe-cli/spawn.js';
import { sandbox, STRIPE_BIN } from '../support/cli.js';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe/server.js';
import { closedPort } from '../support/ports.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { isRunning } from '../support/running-cli.js';
import { TEST_API_KEY } from '../support/stripe-cli.js';

let fake: FakeStripe | undefined;
let receiver: Receiver | undefined;
let listener: Listener | undefined;

afterEach(async () => {
  await listener?.stop();
  await fake?.close();
  await receiver?.close();
  fake = receiver = listener = undefined;
});

function target(api: FakeStripe): StripeTarget {
  const box = sandbox();
  return { bin: STRIPE_BIN, env: box.env, cwd: box.cwd, apiKey: TEST_API_KEY, apiBase: new URL(api.url) };
}

/** Reads events until `until` matches, returning all read so far. */
async function readUntil(events: AsyncIterator<ListenerEvent>, until: (event: ListenerEvent) => boolean): Promise<ListenerEvent[]> {
  const seen: ListenerEvent[] = [];
  for (;;) {
    const next = await events.next();
    if (next.done) throw new Error(`events ended; seen: ${JSON.stringify(seen)}`);
    seen.push(next.value);
    if (until(next.value)) return seen;
  }
}

describe('startListener', () => {
  it('resolves once ready, pairs each answer with its event and latency, and ends its events on stop()', async () => {
    fake = await startFakeStripe();
    receiver = await startReceiver({ secret: fake.secret, status: { 'invoice.paid': 402 } });
    listener = await startListener({ target: target(fake), forwardTo: receiver.url, events: ['invoice.paid', 'charge.succeeded'], readyTimeoutMs: 15_000 });
    expect(listener.secret).toBe(fake.secret);
    expect(listener.apiVersion).toBe(fake.apiVersion);

    const events = listener.events[Symbol.asyncIterator]();
    const paid = fake.emit('invoice.paid');
    const charge = fake.emit('charge.succeeded');
    const answered = new Set<string>();
    // The CLI forwards concurrently: answers may come in either order.
    const seen = await readUntil(events, (e) => e.kind === 'response' && answered.add(e.id).size === 2);
    expect(seen[0]).toMatchObject({ kind: 'ready', secret: fake.secret });
    const answers = new Map(seen.flatMap((e) => (e.kind === 'response' ? [[e.id, e] as const] : [])));
    expect(answers.get(paid.id)).toMatchObject({ type: 'invoice.paid', status: 402, url: receiver.url, connect: false, ms: expect.any(Number) });
    expect(answers.get(charge.id)).toMatchObject({ type: 'charge.succeeded', status: 200, ms: expect.any(Number) });

    const pid = listener.pid;
    await listener.stop();
    expect(await events.next()).toEqual({ done: true, value: undefined });
    expect(isRunning(pid)).toBe(false);
  });

  it('tells which event an unreachable app missed', async () => {
    fake = await startFakeStripe();
    const down = `http://127.0.0.1:${await closedPort()}/webhook`;
    listener = await startListener({ target: target(fake), forwardTo: down, events: ['customer.created'], readyTimeoutMs: 15_000 });
    const event = fake.emit('customer.created');
    const seen = await readUntil(listener.events[Symbol.asyncIterator](), (e) => e.kind === 'unreachable');
    expect(seen.at(-1)).toMatchObject({ kind: 'unreachable', id: event.id, type: 'customer.created', reason: 'connection refused', url: down });
  });

  it('on abort, stops the child and its events throw the abort reason', async () => {
    fake = await startFakeStripe();
    const controller = new AbortController();
    listener = await startListener({ target: target(fake), forwardTo: 'http://127.0.0.1:9/webhook', events: 'all', readyTimeoutMs: 15_000, signal: controller.signal });
    const reason = new InterruptedError('SIGINT');
    controller.abort(reason);
    await expect(
      (async () => {
        for await (const _ of listener.events);
      })(),
    ).rejects.toBe(reason);
    expect(isRunning(listener.pid)).toBe(false);
  });

  it('rejects with the CLI\'s classified failure when it never gets ready', async () => {
    fake = await startFakeStripe({ apiKeys: ['sk_test_only_this_one_works'] });
    await expect(startListener({ target: target(fake), forwardTo: 'http://127.0.0.1:9/webhook', events: ['charge.succeeded'], readyTimeoutMs: 15_000 })).rejects.toMatchObject({
      failure: 'bad-key',
      exitCode: 3,
      message: 'Stripe rejected the API key (Authorization failed, status=401)',
    });
  });
});
