import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import type { FlowStep } from '../../src/flows/types.js';
import { storyAsSent } from '../../src/run/offline-driver.js';

const story = (steps: FlowStep[]) => storyAsSent(steps, { apiVersion: '2025-03-31.basil', seed: 7, now: 1_790_000_000 });
const objectOf = <T>(event: object | undefined) => (event as { data: { object: unknown } }).data.object as T;

describe('overrides offline (object:path=value, as stripe trigger --override)', () => {
  it('reaches the object in every event that carries it, typed by the field it replaces', () => {
    const events = story([
      { event: 'invoice.created', override: ['invoice:billing_reason=subscription_create', 'invoice:amount_due=5000', 'invoice:metadata.order=42'] },
      { event: 'invoice.finalized' },
      { event: 'invoice.paid', override: ['invoice:lines.data[0].amount=123', 'invoice:livemode=true'] },
    ]);
    for (const event of events) {
      const invoice = objectOf<Stripe.Invoice>(event);
      expect(invoice.billing_reason).toBe('subscription_create');
      expect(invoice.amount_due).toBe(5000);
      expect(invoice.metadata).toEqual({ order: '42' }); // metadata is always text
      expect(invoice.lines.data[0]!.amount).toBe(123);
      expect(invoice.livemode).toBe(true);
    }
  });

  it('reads paths as the Stripe CLI\'s params: brackets for keys and indexes, .n for an index, missing objects created', () => {
    const [event] = story([
      { event: 'invoice.paid', override: ['invoice:metadata[order]=A-1', 'invoice:lines.data.0.description=first line', 'invoice:custom.nested.flag=true', 'invoice:description='] },
    ]);
    const invoice = objectOf<Stripe.Invoice & { custom: unknown }>(event);
    expect(invoice.metadata).toEqual({ order: 'A-1' });
    expect(invoice.lines.data[0]!.description).toBe('first line');
    expect(invoice.custom).toEqual({ nested: { flag: true } });
    expect(invoice.description).toBeNull(); // `field=` clears, as in Stripe's API
  });

  it('without overrides leaves the story as synthesized', () => {
    const [invoice] = story([{ event: 'invoice.created' }]);
    expect(objectOf<Stripe.Invoice>(invoice).billing_reason).toBe('subscription_cycle');
  });

  it('reaches embedded objects (a subscription item\'s price), and add/remove follow the Stripe CLI', () => {
    const [event] = story([
      { event: 'customer.subscription.updated', override: ['price:unit_amount=777'], add: ['subscription:description=added', 'subscription:status=ignored'], remove: ['subscription:cancel_at'] },
    ]);
    const subscription = objectOf<Stripe.Subscription>(event);
    expect(subscription.items.data[0]!.price.unit_amount).toBe(777);
    expect(subscription.description).toBe('added'); // null before: add fills it
    expect(subscription.status).toBe('active'); // set already: add leaves it
    expect('cancel_at' in subscription).toBe(false);
  });

  const failure = (steps: FlowStep[]) => {
    try {
      story(steps);
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      return error as UsageError;
    }
    throw new Error('no error');
  };

  it('refuses an object no event of the story carries, naming the step, its event and the entry', () => {
    const error = failure([{ event: 'customer.updated' }, { event: 'customer.subscription.deleted', override: ['invoice:billing_reason=subscription_create'] }]);
    expect(error.message).toBe('step 2 (customer.subscription.deleted): override "invoice:billing_reason=subscription_create": no event of this flow carries an "invoice"');
    expect(error.hint).toMatch(/customer, .*subscription/);
  });

  it('refuses a path into a non-object, a value of the wrong type, an index past the end and a malformed entry', () => {
    expect(failure([{ event: 'invoice.paid', override: ['invoice:billing_reason.kind=x'] }]).message).toBe(
      'step 1 (invoice.paid): override "invoice:billing_reason.kind=x": invoice.billing_reason is a string, not an object, so the path cannot go into it',
    );
    expect(failure([{ event: 'invoice.paid', override: ['invoice:amount_due=lots'] }]).message).toMatch(/^step 1 \(invoice\.paid\): .*invoice\.amount_due is a number, and "lots" is not$/);
    expect(failure([{ event: 'invoice.paid', override: ['invoice:lines.data[5].amount=1'] }]).message).toMatch(/invoice\.lines\.data is a list of 1/);
    expect(failure([{ event: 'invoice.paid', override: ['billing_reason=x'] }]).message).toMatch(/^step 1 \(invoice\.paid\): override "billing_reason=x" names no object$/);
    expect(failure([{ event: 'invoice.paid', remove: ['invoice:no_such_field'] }]).message).toMatch(/no invoice of this flow has no_such_field/);
  });
});
