import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILTIN_FLOWS } from '../../src/flows/builtin.js';
import { STRIPE_USER_AGENT } from '../../src/offline/deliver.js';
import { deliveryOrder, runOfflineFlow, type OfflineRunOptions } from '../../src/run/offline-runner.js';
import { closedPort } from '../support/ports.js';
import { startReceiver, type Receiver, type ReceiverOptions } from '../support/receiver.js';

const secret = 'whsec_offlineRunTestSecret0123456789';
const payment = BUILTIN_FLOWS.find((flow) => flow.name === 'payment')!;
const paymentTypes = payment.steps.map((step) => step.event);
let receiver: Receiver | undefined;
let extra: Server | undefined;

afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
  extra?.closeAllConnections();
  await new Promise((resolve) => (extra ? extra.close(resolve) : resolve(undefined)));
  extra = undefined;
});

async function run(options: Partial<OfflineRunOptions> & { receiverStatus?: ReceiverOptions['status'] } = {}) {
  receiver = await startReceiver({ secret, status: options.receiverStatus });
  const report = await runOfflineFlow({ flow: payment, url: new URL(receiver.url), secret, apiVersion: Stripe.API_VERSION, seed: 42, ...options });
  return { report, deliveries: receiver.deliveries };
}

describe('runOfflineFlow', () => {
  it('delivers the payment flow in order, every event verified by the SDK, with Stripe\'s headers', async () => {
    const { report, deliveries } = await run();
    expect(deliveries.map((d) => d.event?.type)).toEqual(paymentTypes);
    for (const delivery of deliveries) {
      expect(delivery.verified, delivery.error).toBe(true);
      expect(delivery.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(delivery.headers['user-agent']).toBe(STRIPE_USER_AGENT);
      expect(delivery.headers['stripe-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(delivery.rawBody.startsWith('{\n  "id": "evt_')).toBe(true); // pretty-printed, as Stripe sends it
    }
    expect(report).toMatchObject({ flow: 'payment', ok: true, mode: 'offline', sideEffects: [] });
    expect(report.burst).toBeUndefined();
    expect(report.steps.map((step) => [step.event, step.eventId, step.status, step.ok])).toEqual(deliveries.map((d) => [d.event!.type, d.event!.id, 200, true]));
  });

  it('--duplicate delivers every event twice in a row, same id and body, and adds burst figures', async () => {
    const { report, deliveries } = await run({ duplicate: true });
    expect(deliveries).toHaveLength(18);
    for (let i = 0; i < 18; i += 2) {
      expect(deliveries[i + 1]!.event!.id).toBe(deliveries[i]!.event!.id);
      expect(deliveries[i + 1]!.rawBody).toBe(deliveries[i]!.rawBody);
      expect(deliveries[i + 1]!.verified).toBe(true);
    }
    expect(report.ok).toBe(true);
    expect(report.burst).toMatchObject({ count: 18, failures: 0 });
  });

  it('a duplicate the app refuses fails its step', async () => {
    const seen = new Set<string>();
    const { report } = await run({ duplicate: true, receiverStatus: (event) => (seen.has(event.id) ? 409 : (seen.add(event.id), 200)) });
    expect(report.ok).toBe(false);
    expect(report.steps[0]!.error).toMatch(/^the duplicate delivery \(same event id\) failed: the app answered 409/);
    expect(report.steps[0]!.failure).toBe('status');
    expect(report.steps[1]!).toMatchObject({ failure: 'skipped', error: 'not run: an earlier step failed' });
  });

  it('--shuffle delivers a permutation fixed by the seed and reports steps in delivery order', async () => {
    const { report, deliveries } = await run({ shuffle: true });
    const order = deliveryOrder(paymentTypes.length, 42, 0, true);
    expect(order).not.toEqual([...order].sort());
    expect(deliveries.map((d) => d.event!.type)).toEqual(order.map((i) => paymentTypes[i]));
    expect(report.steps.map((step) => step.event)).toEqual(deliveries.map((d) => d.event!.type));
    // Shuffling changes the order, not the story: ids are those of the unshuffled run.
    const ids = deliveries.map((d) => d.event!.id).sort();
    await receiver!.close();
    const again = await run({ shuffle: false });
    expect(again.deliveries.map((d) => d.event!.id).sort()).toEqual(ids);
  });

  it('--repeat with --concurrency runs independent stories, each in order, and reports burst figures', async () => {
    const { report, deliveries } = await run({ repeat: 5, concurrency: 3 });
    expect(deliveries).toHaveLength(45);
    expect(deliveries.every((d) => d.verified)).toBe(true);
    // Group by the story's customer (the transfer names its PaymentIntent instead).
    const customerOf = new Map<string, string>();
    const stories = new Map<string, string[]>();
    for (const { event } of deliveries) {
      const object = (event!.data as { object: { customer?: string; id: string; metadata: Record<string, string> } }).object;
      const customer = object.customer ?? customerOf.get(object.metadata.payment_intent!)!;
      if (event!.type.startsWith('payment_intent.')) customerOf.set(object.id, customer);
      stories.set(customer, [...(stories.get(customer) ?? []), event!.type]);
    }
    expect(stories.size).toBe(5);
    for (const types of stories.values()) expect(types).toEqual(paymentTypes);
    expect(report.ok).toBe(true);
    expect(report.steps.map((step) => step.event)).toEqual(paymentTypes);
    const burst = report.burst!;
    expect(burst).toMatchObject({ count: 45, failures: 0 });
    expect(burst.eventsPerSecond).toBeGreaterThan(0);
    expect(burst.latency.p50).toBeLessThanOrEqual(burst.latency.p95);
    expect(burst.latency.p95).toBeLessThanOrEqual(burst.latency.p99);
    expect(burst.latency.p99).toBeLessThanOrEqual(burst.latency.max);
  });

  it('a non-2xx answer fails its step and skips the rest; --continue-on-error runs them', async () => {
    const { report } = await run({ receiverStatus: { 'charge.succeeded': 500 } });
    expect(report.ok).toBe(false);
    const failed = report.steps[6]!;
    expect(failed).toMatchObject({ event: 'charge.succeeded', status: 500, ok: false, failure: 'status', error: expect.stringContaining('the app answered 500') });
    expect(report.steps.slice(7).map((step) => step.failure)).toEqual(['skipped', 'skipped']);
    await receiver!.close();
    const resumed = await run({ receiverStatus: { 'charge.succeeded': 500 }, continueOnError: true });
    expect(resumed.deliveries).toHaveLength(9);
    expect(resumed.report.steps.filter((step) => !step.ok).map((step) => step.event)).toEqual(['charge.succeeded']);
  });

  it('a burst counts failed deliveries and names the first failing instance', async () => {
    const { report } = await run({ repeat: 4, concurrency: 2, receiverStatus: { 'transfer.created': 503 } });
    expect(report.burst).toMatchObject({ count: 36, failures: 4 });
    expect(report.steps[8]).toMatchObject({ ok: false, status: 503, error: expect.stringMatching(/^4 of 4 instances failed; first: the app answered 503/) });
    expect(report.steps.slice(0, 8).every((step) => step.ok)).toBe(true);
  });

  it('says nothing is listening when the app is down', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/webhook`;
    const report = await runOfflineFlow({ flow: payment, url: new URL(url), secret, apiVersion: Stripe.API_VERSION, seed: 1 });
    expect(report.steps[0]).toMatchObject({ ok: false, status: null, failure: 'refused', error: `nothing is listening at ${url}` });
  });

  it('gives up on an app that never answers after the delivery timeout', async () => {
    extra = createServer(() => {}); // reads the request, never answers
    await new Promise<void>((resolve) => extra!.listen(0, '127.0.0.1', resolve));
    const url = new URL(`http://127.0.0.1:${(extra.address() as AddressInfo).port}/webhook`);
    const report = await runOfflineFlow({ flow: payment, url, secret, apiVersion: Stripe.API_VERSION, seed: 1, timeoutMs: 200 });
    expect(report.steps[0]).toMatchObject({ ok: false, status: null, error: expect.stringContaining('no answer within 0.2 s') });
    expect(report.steps[0]!.ms).toBeGreaterThanOrEqual(190);
  });

  it('stops and throws the signal\'s reason when interrupted', async () => {
    const controller = new AbortController();
    const reason = new Error('interrupted by test');
    receiver = await startReceiver({ secret, status: (event) => (event.type === 'payment_intent.created' && controller.abort(reason), 200) });
    const run = runOfflineFlow({ flow: payment, url: new URL(receiver.url), secret, apiVersion: Stripe.API_VERSION, seed: 1, signal: controller.signal, repeat: 3 });
    await expect(run).rejects.toBe(reason);
    expect(receiver.deliveries.length).toBeLessThan(27);
  });
});
