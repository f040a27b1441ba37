/**
 * The real `stripe trigger` against the fake backend: fixtures' REST calls are parsed and
 * answered realistically, faults surface as the CLI's own failures, and every triggerable step
 * of every built-in flow works (what `trigger-flow` relies on).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BUILTIN_FLOWS } from '../../src/flows/builtin.js';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe/server.js';
import { runStripe, TEST_API_KEY } from '../support/stripe-cli.js';

let fake: FakeStripe | undefined;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function trigger(api: FakeStripe, event: string, ...flags: string[]) {
  return runStripe(['trigger', event, '--api-base', api.url, ...flags]);
}

describe('stripe trigger against the fake', () => {
  it('payment_intent.created reaches the fake with parsed params and exits 0', async () => {
    fake = await startFakeStripe();
    const result = await trigger(fake, 'payment_intent.created');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Trigger succeeded!');

    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/v1/payment_intents', status: 200 });
    expect(request?.params).toEqual({ amount: '2000', currency: 'usd', description: '(created by Stripe CLI)', payment_method_types: ['card'] });
    expect(request?.headers.authorization).toBe(`Bearer ${TEST_API_KEY}`);

    const created = request?.response as { id: string; object: string; status: string };
    expect(created).toMatchObject({ object: 'payment_intent', status: 'requires_payment_method', amount: 2000 });
    expect(created.id).toMatch(/^pi_\w{24}$/);
    const [event] = fake.events;
    expect(event).toMatchObject({ object: 'event', type: 'payment_intent.created', livemode: false, api_version: fake.apiVersion });
    expect(event?.data.object).toMatchObject({ id: created.id, status: 'requires_payment_method' });
    expect(event?.request.id).toBe(request?.requestId);
  });

  it('parses nested bracket params and threads ids between fixture steps', async () => {
    fake = await startFakeStripe();
    expect((await trigger(fake, 'customer.subscription.updated')).exitCode).toBe(0);
    const byPath = (method: string, pattern: RegExp) => fake?.requests.find((r) => r.method === method && pattern.test(r.path));
    const customer = byPath('POST', /^\/v1\/customers$/);
    expect(customer?.params).toEqual({ description: '(created by Stripe CLI)', payment_method: 'pm_card_visa', invoice_settings: { default_payment_method: 'pm_card_visa' } });
    const price = byPath('POST', /^\/v1\/prices$/);
    const product = byPath('POST', /^\/v1\/products$/)?.response as { id: string };
    expect(price?.params).toEqual({ product: product.id, unit_amount: '1500', currency: 'usd', recurring: { interval: 'month' } });
    const subscription = byPath('POST', /^\/v1\/subscriptions$/);
    expect(subscription?.params).toEqual({ customer: (customer?.response as { id: string }).id, items: [{ price: (price?.response as { id: string }).id }] });
    const subscriptionId = (subscription?.response as { id: string; status: string }).id;
    expect(subscription?.response).toMatchObject({ status: 'active' });
    expect(byPath('POST', new RegExp(`^/v1/subscriptions/${subscriptionId}$`))?.params).toEqual({ metadata: { foo: 'bar' } });
    const updated = fake.events.find((e) => e.type === 'customer.subscription.updated');
    expect(updated?.data.previous_attributes).toEqual({ metadata: {} });
  });

  it('an injected API error fails the trigger with the CLI message and stops the fixture', async () => {
    fake = await startFakeStripe();
    fake.failPath('/v1/invoiceitems', 402, { error: { type: 'card_error', message: 'injected' } });
    const result = await trigger(fake, 'invoice.created');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/Trigger failed: Request failed, status=402, body=.*"message": "injected"/s);
    expect(fake.requests.map((r) => `${r.path} ${r.status}`)).toEqual(['/v1/customers 200', '/v1/invoiceitems 402']);
    expect(fake.events.map((e) => e.type)).toEqual(['customer.created']);
  });

  it('a bad key is refused with Stripe 401 JSON', async () => {
    fake = await startFakeStripe({ apiKeys: ['sk_test_the_only_valid_key'] });
    const result = await trigger(fake, 'customer.created');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('status=401');
    expect(fake.requests[0]?.response).toMatchObject({ error: { type: 'invalid_request_error', message: expect.stringContaining('Invalid API Key provided') } });
    expect(fake.events).toEqual([]);
  });

  it('--stripe-account makes Connect events', async () => {
    fake = await startFakeStripe();
    expect((await trigger(fake, 'customer.created', '--stripe-account', 'acct_1ConnectedAccount')).exitCode).toBe(0);
    expect(fake.requests[0]?.headers['stripe-account']).toBe('acct_1ConnectedAccount');
    expect(fake.events[0]).toMatchObject({ type: 'customer.created', account: 'acct_1ConnectedAccount' });
  });
});

/** What a test account emits for each fixture the built-in flows use (see stripe-cli-notes.md). */
const EMITS: Record<string, string[]> = {
  'invoice.created': ['customer.created', 'invoiceitem.created', 'invoice.created'],
  'invoice.updated': ['customer.created', 'invoiceitem.created', 'invoice.created', 'invoice.updated'],
  'invoice.finalized': ['customer.created', 'invoiceitem.created', 'invoice.created', 'invoice.finalized'],
  'invoice.voided': ['customer.created', 'invoiceitem.created', 'invoice.created', 'invoice.finalized', 'invoice.voided'],
  'invoice.paid': [
    'customer.created', 'payment_method.attached', 'invoiceitem.created', 'invoice.created', 'invoice.finalized',
    'payment_intent.created', 'charge.succeeded', 'payment_intent.succeeded', 'charge.updated', 'invoice.paid', 'invoice.payment_succeeded',
  ],
  'payment_intent.requires_action': ['payment_intent.created', 'payment_intent.requires_action'],
  'payment_intent.created': ['payment_intent.created'],
  'payment_intent.processing': ['payment_intent.created', 'payment_intent.processing', 'charge.pending'],
  'charge.succeeded': ['payment_intent.created', 'charge.succeeded', 'payment_intent.succeeded', 'charge.updated'],
  'payment_intent.succeeded': ['payment_intent.created', 'charge.succeeded', 'payment_intent.succeeded', 'charge.updated'],
  'transfer.created': ['payment_intent.created', 'charge.succeeded', 'payment_intent.succeeded', 'charge.updated', 'transfer.created'],
  'customer.updated': ['customer.created', 'customer.updated'],
};
const SUBSCRIPTION_START = [
  'customer.created', 'payment_method.attached', 'product.created', 'price.created', 'invoice.created', 'invoice.finalized',
  'payment_intent.created', 'charge.succeeded', 'payment_intent.succeeded', 'charge.updated', 'invoice.paid',
  'invoice.payment_succeeded', 'customer.subscription.created',
];
EMITS['customer.subscription.updated'] = [...SUBSCRIPTION_START, 'customer.subscription.updated'];
EMITS['customer.subscription.deleted'] = [...SUBSCRIPTION_START, 'customer.subscription.deleted'];

describe('every built-in flow runs against the fake', () => {
  for (const flow of BUILTIN_FLOWS) {
    it(`${flow.name}: each triggerable step exits 0 and emits its event; observed steps appear as side effects`, async () => {
      fake = await startFakeStripe();
      for (const step of flow.steps) {
        if (step.observe) {
          expect(fake.events.map((e) => e.type), `${flow.name}: ${step.event} as a side effect`).toContain(step.event);
          continue;
        }
        const fixture = step.trigger ?? step.event;
        const before = fake.events.length;
        const result = await trigger(fake, fixture);
        expect(result.exitCode, `${fixture}: ${result.stderr}`).toBe(0);
        expect(fake.events.slice(before).map((e) => e.type), fixture).toEqual(EMITS[fixture]);
      }
    });
  }
});

/** Fixtures outside the built-in flows that user flows are likely to name; each must emit its own event. */
const MORE_FIXTURES = [
  'customer.created', 'customer.deleted', 'customer.source.created', 'customer.source.updated', 'product.deleted', 'price.updated',
  'payment_intent.canceled', 'payment_intent.payment_failed', 'payment_intent.amount_capturable_updated', 'charge.failed',
  'charge.captured', 'charge.refunded', 'charge.refund.updated', 'setup_intent.created', 'setup_intent.succeeded',
  'setup_intent.canceled', 'setup_intent.requires_action', 'setup_intent.setup_failed', 'payment_method.attached',
  'payment_method.updated', 'invoice.payment_failed', 'invoice.sent', 'invoice.marked_uncollectible', 'invoiceitem.deleted',
  'transfer.updated', 'transfer.reversed', 'payout.created', 'payout.updated', 'account.updated',
];

it('common fixtures beyond the built-in flows also run and emit their event', async () => {
  // One fake per fixture so they can run side by side and each one's events stay its own.
  const run = async (fixture: string) => {
    const own = await startFakeStripe();
    try {
      const result = await trigger(own, fixture);
      expect(result.exitCode, `${fixture}: ${result.stderr}`).toBe(0);
      expect(own.events.map((e) => e.type), fixture).toContain(fixture);
    } finally {
      await own.close();
    }
  };
  const queue = [...MORE_FIXTURES];
  await Promise.all([1, 2, 3, 4].map(async () => {
    for (let fixture = queue.shift(); fixture; fixture = queue.shift()) await run(fixture);
  }));
});
