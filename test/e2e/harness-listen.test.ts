/**
 * The real `stripe listen` against the fake backend: session, websocket, signed forwarding,
 * and the CLI's replies recorded by the fake.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { sandbox } from '../support/cli.js';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe/server.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { runStripe, startStripe, stopAllStripe, TEST_API_KEY } from '../support/stripe-cli.js';

const READY = /Ready! .*Your webhook signing secret is (whsec_\w+)/;

let fake: FakeStripe | undefined;
let receiver: Receiver | undefined;

afterEach(async () => {
  await stopAllStripe();
  await fake?.close();
  await receiver?.close();
  fake = receiver = undefined;
});

function listen(api: FakeStripe, forwardTo: string, events: string) {
  return startStripe(['listen', '--api-base', api.url, '--forward-to', forwardTo, '--events', events, '--skip-update'], { box: sandbox() });
}

describe('stripe listen against the fake', () => {
  it('prints Ready with the session secret and forwards a signed event the receiver verifies', async () => {
    fake = await startFakeStripe();
    receiver = await startReceiver({ secret: fake.secret });
    const listener = listen(fake, receiver.url, 'customer.created,invoice.paid');

    const ready = await listener.waitForLine(READY, 'stderr');
    expect(READY.exec(ready)?.[1]).toBe(fake.secret);
    expect(ready).toContain(`You are using Stripe API Version [${fake.apiVersion}]`);

    const [session] = fake.sessions;
    expect(session?.params).toMatchObject({ websocket_features: ['webhooks'], forward_to_url: receiver.url });
    expect(session?.headers.authorization).toBe(`Bearer ${TEST_API_KEY}`);
    expect(fake.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['POST /v1/stripecli/sessions 200']);

    const event = fake.emit('customer.created');
    const delivery = await receiver.waitFor('customer.created');
    expect(delivery.verified).toBe(true);
    expect(delivery.event?.id).toBe(event.id);
    expect(JSON.parse(delivery.rawBody)).toEqual(event);

    const response = await fake.waitForResponse(event.id);
    expect(response.status).toBe(200);
    expect(response.forwardUrl).toBe(receiver.url);
    await fake.waitForAck(event.id);
    await listener.waitForLine(new RegExp(`<--\\s+\\[200\\] POST ${receiver.url} \\[${event.id}\\]`));
  });

  it('carries a trigger fixture\'s side effect (charge.pending) from `stripe trigger` to the app, verified', async () => {
    fake = await startFakeStripe();
    receiver = await startReceiver({ secret: fake.secret });
    const listener = listen(fake, receiver.url, 'payment_intent.processing,charge.pending');
    await listener.waitForLine(READY, 'stderr');

    const triggered = await runStripe(['trigger', 'payment_intent.processing', '--api-base', fake.url]);
    expect(triggered.exitCode).toBe(0);
    const pending = await receiver.waitFor('charge.pending');
    expect(pending.verified).toBe(true);
    expect(pending.event).toMatchObject({ data: { object: { object: 'charge', status: 'pending', payment_method_details: { type: 'sepa_debit' } } } });
    await fake.waitForResponse(pending.event?.id ?? '');
    await receiver.waitFor('payment_intent.processing');
    expect(receiver.deliveries.every((d) => d.verified)).toBe(true);
  });

  it('acks but does not forward an event outside --events, and reports the app status it got', async () => {
    fake = await startFakeStripe();
    receiver = await startReceiver({ secret: fake.secret, status: { 'invoice.paid': 500 } });
    const listener = listen(fake, receiver.url, 'invoice.paid');
    await listener.waitForLine(READY, 'stderr');

    const skipped = fake.emit('customer.created');
    await fake.waitForAck(skipped.id);
    const paid = fake.emit('invoice.paid');
    expect((await fake.waitForResponse(paid.id)).status).toBe(500);
    expect(receiver.deliveries.map((d) => d.event?.type)).toEqual(['invoice.paid']);
    expect(fake.responses.map((r) => r.eventId)).toEqual([paid.id]);
  });

  it('a receiver with the wrong secret rejects the signature (the signature is real)', async () => {
    fake = await startFakeStripe();
    receiver = await startReceiver({ secret: 'whsec_not_the_session_secret' });
    const listener = listen(fake, receiver.url, 'charge.succeeded');
    await listener.waitForLine(READY, 'stderr');

    const event = fake.emit('charge.succeeded');
    const delivery = await receiver.waitFor('charge.succeeded');
    expect(delivery.verified).toBe(false);
    expect(delivery.error).toMatch(/signature/i);
    expect((await fake.waitForResponse(event.id)).status).toBe(400);
  });

  it('the CLI reconnects after the server closes the websocket and keeps forwarding', async () => {
    fake = await startFakeStripe();
    receiver = await startReceiver({ secret: fake.secret });
    const listener = listen(fake, receiver.url, 'customer.updated');
    await listener.waitForLine(READY, 'stderr');
    await fake.waitForSession(1);

    fake.disconnectListeners();
    await fake.waitForSession(2);
    const event = fake.emit('customer.updated');
    expect((await fake.waitForResponse(event.id)).status).toBe(200);
    expect(fake.sessions).toHaveLength(1);
  });

  it('a bad key gets Stripe 401 JSON and the CLI exits 1', async () => {
    fake = await startFakeStripe({ apiKeys: ['sk_test_only_this_one_works'] });
    const listener = listen(fake, 'http://127.0.0.1:9/webhook', 'customer.created');
    expect((await listener.child).exitCode).toBe(1);
    expect(listener.stderr.join('\n')).toMatch(/Authorization failed, status=401/);
    const [request] = fake.requests;
    expect(request?.status).toBe(401);
    expect(request?.response).toMatchObject({ error: { type: 'invalid_request_error', message: expect.stringMatching(/^Invalid API Key provided: sk_test_\*+_key$/) } });
  });
});
