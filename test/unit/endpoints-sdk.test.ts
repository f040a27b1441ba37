/** The SDK factory and its retry / error mapping, with the real SDK against the fake API. */
import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStripeClient, retryAfter, stripeCall, toHooksError, withRateLimitRetry } from '../../src/stripe-api/client.js';
import { startFakeEndpointsApi, type FakeEndpointsApi } from '../support/fake-endpoints-api.js';

let fake: FakeEndpointsApi;
beforeEach(async () => {
  fake = await startFakeEndpointsApi();
});
afterEach(() => fake.close());

const client = (apiKey = 'sk_test_51UnitKey') => createStripeClient({ apiKey, apiBase: new URL(fake.apiBase) });

describe('createStripeClient', () => {
  it('routes the SDK to --api-base and identifies the tool', async () => {
    const stripe = await client();
    const page = await stripe.webhookEndpoints.list({ limit: 3 });
    expect(page).toMatchObject({ object: 'list', data: [], has_more: false });
    const [request] = fake.requests;
    expect(request).toMatchObject({ method: 'GET', path: '/v1/webhook_endpoints', query: { limit: '3' } });
    expect(request!.headers.authorization).toBe('Bearer sk_test_51UnitKey');
    expect(request!.headers['stripe-version']).toBe(Stripe.API_VERSION);
    expect(request!.headers['user-agent']).toMatch(/stripe-hooks\/\d+\.\d+\.\d+/);
  });

  it('sends form-encoded bracketed bodies the fake parses as Stripe does', async () => {
    const stripe = await client();
    await stripe.webhookEndpoints.create({ url: 'https://a.example.com/', enabled_events: ['invoice.paid', 'charge.refunded'], metadata: { k: 'v w' } });
    expect(fake.requests[0]!.body).toEqual({ url: 'https://a.example.com/', enabled_events: ['invoice.paid', 'charge.refunded'], metadata: { k: 'v w' } });
  });
});

describe('the fake honours Idempotency-Key as Stripe does', () => {
  it('replays a repeated create with the original answer, and refuses the key with other parameters', async () => {
    const stripe = await client();
    const params = { url: 'https://a.example.com/', enabled_events: ['invoice.paid' as const] };
    const first = await stripe.webhookEndpoints.create(params, { idempotencyKey: 'k1' });
    const again = await stripe.webhookEndpoints.create(params, { idempotencyKey: 'k1' });
    expect(again).toEqual(first);
    expect(again.secret).toBe(first.secret);
    expect(again.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(fake.endpoints()).toHaveLength(1);
    await expect(stripe.webhookEndpoints.create({ ...params, description: 'other' }, { idempotencyKey: 'k1' })).rejects.toMatchObject({
      type: 'StripeIdempotencyError',
    });
  });
});

describe('withRateLimitRetry', () => {
  const rateLimited = (headers: Record<string, string> = {}) => Object.assign(new Error('slow down'), { type: 'StripeRateLimitError', statusCode: 429, headers });

  it('retries a 429 up to the attempt limit, then gives up with the last error', async () => {
    let calls = 0;
    const failing = () => {
      calls++;
      return Promise.reject(rateLimited({ 'retry-after': '0' }));
    };
    await expect(withRateLimitRetry(failing, { attempts: 3 })).rejects.toThrow('slow down');
    expect(calls).toBe(3);
  });

  it('does not retry other errors, nor a 429 Stripe says not to retry', async () => {
    for (const error of [Object.assign(new Error('bad'), { type: 'StripeInvalidRequestError', statusCode: 400 }), rateLimited({ 'stripe-should-retry': 'false' })]) {
      let calls = 0;
      await expect(withRateLimitRetry(() => (calls++, Promise.reject(error)), { baseDelay: 1 })).rejects.toBe(error);
      expect(calls).toBe(1);
    }
  });

  it('stops waiting when the signal aborts, with the signal\'s reason', async () => {
    const controller = new AbortController();
    const reason = new Error('interrupted');
    const pending = withRateLimitRetry(() => Promise.reject(rateLimited({ 'retry-after': '60' })), { signal: controller.signal, maxDelay: 60_000 });
    setImmediate(() => controller.abort(reason));
    await expect(pending).rejects.toBe(reason);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfter('2')).toBe(2000);
    expect(retryAfter('0.5')).toBe(500);
    expect(retryAfter(new Date(10_000).toUTCString(), 7_000)).toBe(3_000);
    expect(retryAfter(undefined)).toBeUndefined();
    expect(retryAfter('soon')).toBeUndefined();
  });
});

describe('toHooksError', () => {
  it('maps the real SDK errors to exit codes: 401 -> 3, 400/404 -> 2 with Stripe\'s message', async () => {
    await fake.close();
    fake = await startFakeEndpointsApi({ keys: ['sk_test_51Good'] });
    const bad = await client('sk_test_51Bad');
    await expect(stripeCall(() => bad.webhookEndpoints.list())).rejects.toMatchObject({ exitCode: 3, message: 'invalid API key' });
    const good = await client('sk_test_51Good');
    await expect(stripeCall(() => good.webhookEndpoints.retrieve('we_missing'))).rejects.toMatchObject({
      exitCode: 2,
      message: "No such webhook endpoint: 'we_missing'",
    });
    await expect(stripeCall(() => good.webhookEndpoints.create({ url: 'nope', enabled_events: ['*'] }))).rejects.toMatchObject({ exitCode: 2, message: 'Invalid URL: nope' });
  });

  it('leaves anything that is not an SDK error alone', () => {
    const error = new Error('ours');
    expect(toHooksError(error)).toBe(error);
  });
});
