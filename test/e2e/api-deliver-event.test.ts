/**
 * The library's deliverEvent through the package entry: one event, synthesized from a type or given as an
 * object, signed and POSTed to the demo app (src/demo/app.ts, verifying with the SDK) or a verifying receiver.
 */
import type Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import { startWebhookApp } from '../../src/demo/app.js';
import { deliverEvent, StripeHooksError, synthesizeEvents } from '../../src/index.js';
import { receiversPerTest } from '../support/receiver.js';
import { rejection } from './api-support.js';

const secret = 'whsec_deliverEventSecret0123456789abcd';
const receiver = receiversPerTest({ secret });
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

describe('deliverEvent', () => {
  it('synthesizes one payment_intent.succeeded the demo app accepts, overrides in it, and resolves with a one-step report', async () => {
    const log: string[] = [];
    const app = await startWebhookApp({ secret, log: (line: string) => log.push(line) });
    closers.push(app.close);
    const report = await deliverEvent({ type: 'payment_intent.succeeded', overrides: ['payment_intent:amount_received=1234'], url: app.url, secret, seed: 5 });
    expect(report).toMatchObject({ flow: 'payment_intent.succeeded', ok: true, mode: 'offline', sideEffects: [], seed: 5 });
    expect(report.steps).toEqual([expect.objectContaining({ event: 'payment_intent.succeeded', trigger: null, status: 200, ok: true })]);
    expect(log).toEqual([expect.stringMatching(/^payment pi_\w+ succeeded: 1234 eur, fulfil the order$/)]);
  });

  it('sends a given event as it is, signed anew, with overrides applied', async () => {
    const { url, deliveries } = await receiver();
    const [event] = await synthesizeEvents({ flow: { name: 'one', description: '', source: 'test', steps: [{ event: 'invoice.paid' }] }, seed: 3 });
    const report = await deliverEvent({ event: event as unknown as Record<string, unknown>, overrides: ['invoice:billing_reason=manual'], url, secret });
    expect(report).toMatchObject({ ok: true, steps: [{ event: 'invoice.paid', eventId: event!.id, status: 200 }] });
    expect(report.seed).toBeUndefined();
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]!.verified).toBe(true);
    expect(deliveries[0]!.event?.id).toBe(event!.id);
    expect(((deliveries[0]!.event as unknown as Stripe.Event).data.object as Stripe.Invoice).billing_reason).toBe('manual');
    expect(event?.object === 'event' && (event.data.object as Stripe.Invoice).billing_reason).toBe('subscription_cycle'); // the caller's object is left alone
  });

  it('resolves ok: false when the app refuses the event', async () => {
    const { url } = await receiver({ secret, status: 400 });
    const report = await deliverEvent({ type: 'customer.created', url, secret });
    expect(report).toMatchObject({ ok: false, steps: [{ event: 'customer.created', status: 400, ok: false }] });
  });

  it('rejects bad options with usage errors naming them, before anything is sent', async () => {
    const { url, deliveries } = await receiver();
    const usage = async (promise: Promise<unknown>) => {
      const error = await rejection(promise);
      expect(error).toBeInstanceOf(StripeHooksError);
      expect((error).code).toBe('ERR_STRIPE_HOOKS_USAGE');
      return error;
    };
    expect((await usage(deliverEvent({ url, secret }))).message).toBe('type or event is required');
    expect((await usage(deliverEvent({ type: 'invoice.paid', event: {}, url, secret }))).message).toBe('type and event cannot be combined');
    const typo = await usage(deliverEvent({ type: 'payment_intent.succeded', url, secret }));
    expect(typo.message).toBe('type: unknown event type "payment_intent.succeded"');
    expect(typo.hint).toBe('did you mean "payment_intent.succeeded"?');
    expect((await usage(deliverEvent({ type: 'invoice.paid', overrides: ['customer:email=x'], url, secret }))).message).toMatch(/^step 1 \(invoice\.paid\): override "customer:email=x": no event of this flow carries a "customer"$/);
    expect((await usage(deliverEvent({ event: { id: 'evt_1' }, url, secret }))).message).toMatch(/^event must be a Stripe event/);
    expect((await usage(deliverEvent({ event: { id: 'evt_1', type: 'invoice.paid', data: { object: {} } }, seed: 1, url, secret }))).message).toBe('seed applies only with type');
    expect((await usage(deliverEvent({ type: 'invoice.paid', overrides: 'invoice:x=1' as unknown as string[], url, secret }))).message).toMatch(/^overrides must be a list of strings/);
    expect(deliveries).toHaveLength(0);
  });
});
