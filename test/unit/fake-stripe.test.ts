/**
 * The fake Stripe backend on its own: form parsing, Stripe's error shapes, state rules, the
 * official SDK as a client, idempotency, the websocket protocol, and fault injection.
 */
import Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parseForm } from '../support/fake-stripe/form.js';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe/server.js';
import { TEST_API_KEY } from '../support/stripe-cli.js';

let fake: FakeStripe | undefined;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** What these tests read from the fake's JSON answers; the rest is checked with toMatchObject. */
interface ApiBody {
  id?: string;
  error?: unknown;
  websocket_url?: string;
  websocket_id?: string;
  websocket_authorized_feature?: string;
}

/** A `webhook_event` message on the listener websocket. */
interface WebhookMessage {
  event_payload: string;
  http_headers: { 'Stripe-Signature': string };
  webhook_id: string;
  webhook_conversation_id: string;
}

async function post(api: FakeStripe, path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(`${api.url}${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TEST_API_KEY}`, 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as ApiBody };
}

function sdk(api: FakeStripe): Stripe {
  const { port } = new URL(api.url);
  return new Stripe(TEST_API_KEY, { host: '127.0.0.1', port: Number(port), protocol: 'http', maxNetworkRetries: 0 });
}

describe('parseForm', () => {
  it('builds nested objects and arrays from brackets, whatever the order', () => {
    const body = 'items[1][price]=p2&metadata[foo]=bar&items[0][price]=p1&payment_method_types[]=card&payment_method_types[]=sepa_debit&items[0][quantity]=2&name=';
    expect(parseForm(body)).toEqual({
      items: [{ price: 'p1', quantity: '2' }, { price: 'p2' }],
      metadata: { foo: 'bar' },
      payment_method_types: ['card', 'sepa_debit'],
      name: '',
    });
    expect(parseForm('a[b][c]=1&recurring[interval]=month')).toEqual({ a: { b: { c: '1' } }, recurring: { interval: 'month' } });
  });
});

describe('REST API', () => {
  it('serves the official SDK: create, retrieve, list, and Stripe errors as SDK errors', async () => {
    fake = await startFakeStripe();
    const stripe = sdk(fake);
    const customer = await stripe.customers.create({ email: 'jenny@example.com', metadata: { plan: 'pro' } });
    expect(customer).toMatchObject({ object: 'customer', email: 'jenny@example.com', metadata: { plan: 'pro' } });
    expect(customer.id).toMatch(/^cus_/);
    expect((await stripe.customers.retrieve(customer.id)).id).toBe(customer.id);
    expect((await stripe.customers.list()).data.map((c) => c.id)).toEqual([customer.id]);

    await stripe.invoiceItems.create({ customer: customer.id, amount: 700, currency: 'usd' });
    const draft = await stripe.invoices.create({ customer: customer.id, pending_invoice_items_behavior: 'include' });
    expect(draft).toMatchObject({ status: 'draft', amount_due: 700, lines: { data: [{ amount: 700 }] } });
    await expect(stripe.invoices.voidInvoice(draft.id)).rejects.toMatchObject({ type: 'StripeInvalidRequestError', statusCode: 400 });
    expect((await stripe.invoices.finalizeInvoice(draft.id)).status).toBe('open');
    expect((await stripe.invoices.voidInvoice(draft.id)).status).toBe('void');
    await expect(stripe.customers.retrieve('cus_missing')).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing' });
  });

  it('answers like Stripe for a bad key, a missing param, an unknown URL', async () => {
    fake = await startFakeStripe();
    const noKey = await fetch(`${fake.url}/v1/customers`);
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toMatchObject({ error: { type: 'invalid_request_error', message: expect.stringContaining('You did not provide an API key') } });
    expect(await post(fake, '/v1/payment_intents', { currency: 'usd' })).toMatchObject({
      status: 400,
      body: { error: { type: 'invalid_request_error', code: 'parameter_missing', param: 'amount', message: 'Missing required param: amount.' } },
    });
    expect((await post(fake, '/v1/nonsense', {})).status).toBe(404);
    expect(fake.events).toEqual([]);
  });

  it('a declined card: 402 card_error, and the failure events still go out', async () => {
    fake = await startFakeStripe();
    const result = await post(fake, '/v1/payment_intents', { amount: '500', currency: 'usd', payment_method: 'pm_card_chargeDeclined', confirm: 'true' });
    expect(result.status).toBe(402);
    expect(result.body.error).toMatchObject({ type: 'card_error', code: 'card_declined', decline_code: 'generic_decline' });
    expect(fake.events.map((e) => e.type)).toEqual(['payment_intent.created', 'charge.failed', 'payment_intent.payment_failed']);
  });

  it('replays a repeated Idempotency-Key without side effects', async () => {
    fake = await startFakeStripe();
    const first = await post(fake, '/v1/customers', { name: 'A' }, { 'Idempotency-Key': 'key-1' });
    const again = await post(fake, '/v1/customers', { name: 'A' }, { 'Idempotency-Key': 'key-1' });
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(fake.events.map((e) => e.type)).toEqual(['customer.created']);
    expect(fake.requests.map((r) => r.replayed)).toEqual([false, true]);
  });
});

describe('fault injection', () => {
  it('failPath answers the given status a given number of times', async () => {
    fake = await startFakeStripe();
    fake.failPath('/v1/customers', 503, { times: 1 });
    expect(await post(fake, '/v1/customers', {})).toMatchObject({ status: 503, body: { error: { type: 'api_error' } } });
    expect((await post(fake, '/v1/customers', {})).status).toBe(200);
  });

  it('dropEvent never emits a type; delayEvent emits it after the others', async () => {
    fake = await startFakeStripe();
    fake.dropEvent('charge.succeeded');
    fake.delayEvent('payment_intent.created', 30);
    await post(fake, '/v1/payment_intents', { amount: '500', currency: 'usd', payment_method: 'pm_card_visa', confirm: 'true' });
    await fake.waitForEvent('payment_intent.created');
    expect(fake.events.map((e) => e.type)).toEqual(['payment_intent.succeeded', 'charge.updated', 'payment_intent.created']);
    await expect(fake.waitForEvent('charge.succeeded', 50)).rejects.toThrow(/timed out after 50 ms waiting for event charge.succeeded/);
  });
});

describe('listener protocol (without the CLI)', () => {
  it('refuses an unknown websocket id, then signs deliveries and records the replies', async () => {
    fake = await startFakeStripe();
    const session = await post(fake, '/v1/stripecli/sessions', { device_name: 'test', 'websocket_features[]': 'webhooks' });
    expect(session.body).toMatchObject({ secret: fake.secret, websocket_authorized_feature: 'webhooks', default_version: fake.apiVersion });
    const url = `${session.body.websocket_url}?websocket_feature=${session.body.websocket_authorized_feature}`;
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\//);

    const refused = new WebSocket(url, { headers: { 'Websocket-Id': 'cliws_unknown' } });
    const status = await new Promise((resolve) => refused.on('unexpected-response', (_req, res) => resolve(res.statusCode)));
    expect(status).toBe(400);

    const socket = new WebSocket(url, { headers: { 'Websocket-Id': session.body.websocket_id } });
    const message = new Promise<WebhookMessage>((resolve) => socket.once('message', (data) => resolve(JSON.parse(String(data)) as WebhookMessage)));
    await fake.waitForSession();
    const event = fake.emit({ type: 'invoice.paid', object: { id: 'in_123', object: 'invoice', status: 'paid' } });
    const received = await message;
    expect(received).toMatchObject({ type: 'webhook_event', endpoint: { api_version: null } });
    const verified = new Stripe(TEST_API_KEY).webhooks.constructEvent(received.event_payload, received.http_headers['Stripe-Signature'], fake.secret);
    expect(verified).toMatchObject({ id: event.id, type: 'invoice.paid', data: { object: { id: 'in_123' } } });

    const ids = { webhook_id: received.webhook_id, webhook_conversation_id: received.webhook_conversation_id };
    socket.send(JSON.stringify({ type: 'event_ack', event_id: event.id, ...ids }));
    socket.send(JSON.stringify({ type: 'webhook_response', status: 204, forward_url: 'http://127.0.0.1:1/x', body: '', ...ids }));
    expect(await fake.waitForResponse(event.id)).toMatchObject({ status: 204, eventId: event.id });
    expect(await fake.waitForAck(event.id)).toMatchObject({ type: 'event_ack' });
    socket.close();
  });

  it('gives a session the features it asks for: an unknown one is a 400, a dial naming others is refused', async () => {
    fake = await startFakeStripe();
    const unknown = await post(fake, '/v1/stripecli/sessions', { device_name: 'test', 'websocket_features[]': 'request_logs' });
    expect(unknown.status).toBe(400);
    const session = await post(fake, '/v1/stripecli/sessions', { device_name: 'test', 'websocket_features[]': 'v2_events' });
    expect(session.body.websocket_authorized_feature).toBe('v2_events');
    const wrong = new WebSocket(`${session.body.websocket_url}?websocket_feature=webhooks`, { headers: { 'Websocket-Id': session.body.websocket_id } });
    expect(await new Promise((resolve) => wrong.on('unexpected-response', (_req, res) => resolve(res.statusCode)))).toBe(400);
  });
});
