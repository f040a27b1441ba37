import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { BUILTIN_FLOWS } from '../../src/flows/builtin.js';
import { EVENT_TYPES, type EventType } from '../../src/flows/event-types.js';
import { parseApiVersion } from '../../src/lib/api-version.js';
import { SDK_API_VERSION } from '../../src/lib/sdk-api-version.js';
import { objectName } from '../../src/offline/generic.js';
import { createRandom, instanceSeed } from '../../src/offline/random.js';
import { eventBody, objectId, synthesizeFlow, type SnapshotEvent as OfflineEvent } from '../../src/offline/synthesize.js';

const NOW = 1_790_000_000;
const API = '2026-10-28.endive';
const flowEvents = (name: string) => BUILTIN_FLOWS.find((flow) => flow.name === name)!.steps.map((step) => step.event as EventType);
const synth = (types: readonly EventType[], seed = 42, instance = 0) => synthesizeFlow(types, { apiVersion: API, seed, now: NOW, instance });
const ID = (prefix: string) => new RegExp(`^${prefix}_[A-Za-z0-9]{24}$`);
const objectOf = <T>(events: OfflineEvent[], type: string) => events.find((event) => event.type === type)!.data.object as T;
const previous = (event: OfflineEvent | undefined) => (event!.data as { previous_attributes?: unknown }).previous_attributes;

describe('one payment flow run is one consistent story', () => {
  const events = synth(flowEvents('payment'));
  const intents = events.filter((event) => event.type.startsWith('payment_intent.')).map((event) => event.data.object as Stripe.PaymentIntent);
  const charges = events.filter((event) => event.type.startsWith('charge.')).map((event) => event.data.object as Stripe.Charge);
  const invoice = objectOf<Stripe.Invoice>(events, 'invoice.created');
  const subscription = objectOf<Stripe.Subscription>(events, 'customer.subscription.updated');
  const transfer = objectOf<Stripe.Transfer>(events, 'transfer.created');

  it('is about one PaymentIntent, which every charge points at', () => {
    expect(intents).toHaveLength(4);
    expect(new Set(intents.map((intent) => intent.id)).size).toBe(1);
    expect(charges).toHaveLength(2);
    for (const charge of charges) expect(charge.payment_intent).toBe(intents[0]!.id);
    expect(new Set(charges.map((charge) => charge.id)).size).toBe(1); // pending, then the same charge succeeded
    expect(intents.find((intent) => intent.status === 'succeeded')!.latest_charge).toBe(charges[0]!.id);
    expect(transfer.source_transaction).toBe(charges[0]!.id);
  });

  it('has invoice, subscription and customer ids that agree', () => {
    const customer = invoice.customer as string;
    expect(customer).toMatch(ID('cus'));
    expect(subscription.customer).toBe(customer);
    for (const intent of intents) expect(intent.customer).toBe(customer);
    for (const charge of charges) expect(charge.customer).toBe(customer);
    expect(invoice.parent?.subscription_details?.subscription).toBe(subscription.id);
    expect(invoice.lines.data[0]!.subscription).toBe(subscription.id);
    expect(subscription.latest_invoice).toBe(invoice.id);
    expect(previous(events[1])).toEqual({ latest_invoice: expect.stringMatching(ID('in')) });
    expect(subscription.items.data[0]!.subscription).toBe(subscription.id);
    expect(intents[0]!.metadata.invoice).toBe(invoice.id);
  });

  it('has one amount and currency throughout', () => {
    const amounts = [invoice.amount_due, invoice.total, subscription.items.data[0]!.price.unit_amount, ...intents.map((i) => i.amount), ...charges.map((c) => c.amount)];
    expect(new Set(amounts).size).toBe(1);
    const currencies = [invoice.currency, subscription.currency, transfer.currency, ...intents.map((i) => i.currency), ...charges.map((c) => c.currency)];
    expect(new Set(currencies)).toEqual(new Set(['eur']));
    expect(transfer.amount).toBeLessThan(amounts[0]!);
    expect(transfer.amount).toBeGreaterThan(0);
  });

  it('has statuses that match each event', () => {
    const status = (type: string) => (events.find((event) => event.type === type)!.data.object as { status: string }).status;
    expect(status('payment_intent.requires_action')).toBe('requires_action');
    expect(status('payment_intent.processing')).toBe('processing');
    expect(status('payment_intent.succeeded')).toBe('succeeded');
    expect(status('charge.pending')).toBe('pending');
    expect(status('charge.succeeded')).toBe('succeeded');
    expect(status('invoice.created')).toBe('draft');
    expect(status('customer.subscription.updated')).toBe('active');
    expect(objectOf<Stripe.Charge>(events, 'charge.pending').paid).toBe(false);
    expect(objectOf<Stripe.Charge>(events, 'charge.succeeded').paid).toBe(true);
    expect(objectOf<Stripe.PaymentIntent>(events, 'payment_intent.requires_action').next_action?.type).toBe('redirect_to_url');
    expect(objectOf<Stripe.PaymentIntent>(events, 'payment_intent.succeeded').amount_received).toBe(intents[0]!.amount);
    expect(objectOf<Stripe.PaymentIntent>(events, 'payment_intent.processing').amount_received).toBe(0);
  });

  it('has ids in Stripe\'s shapes and the envelope Stripe sends', () => {
    const prefixes: Record<string, string> = { payment_intent: 'pi', charge: 'ch', invoice: 'in', subscription: 'sub', transfer: 'tr', customer: 'cus' };
    let before = 0;
    for (const event of events) {
      expect(Object.keys(event)).toEqual(['id', 'object', 'api_version', 'created', 'data', 'livemode', 'pending_webhooks', 'request', 'type']);
      expect(event.id).toMatch(ID('evt'));
      expect(event).toMatchObject({ object: 'event', api_version: API, livemode: false, pending_webhooks: 1 });
      expect(event.request).toHaveProperty('id');
      expect(event.request).toHaveProperty('idempotency_key');
      const object = event.data.object as { object: string; id: string; livemode: boolean };
      expect(object.id).toMatch(ID(prefixes[object.object]!));
      expect(object.livemode).toBe(false);
      expect(event.created).toBeGreaterThanOrEqual(before);
      before = event.created;
    }
    expect(events.at(-1)!.created).toBe(NOW);
    expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
  });
});

describe('other built-in flows', () => {
  it('subscription: the customer edit shows in previous_attributes, the cancellation in status and canceled_at', () => {
    const [updated, subUpdated, deleted] = synth(flowEvents('subscription'));
    expect(previous(updated)).toEqual({ metadata: {} });
    expect((updated!.data.object as Stripe.Customer).metadata).toHaveProperty('crm_id');
    const canceled = deleted!.data.object as Stripe.Subscription;
    expect(canceled.status).toBe('canceled');
    expect(canceled.canceled_at).toBe(deleted!.created);
    expect(canceled.id).toBe((subUpdated!.data.object as Stripe.Subscription).id);
    expect(canceled.customer).toBe((updated!.data.object as Stripe.Customer).id);
  });

  it('invoice: draft, edited, open with a number, then paid; the edit and finalization stay put', () => {
    const events = synth(flowEvents('invoice'));
    const invoices = events.map((event) => event.data.object as Stripe.Invoice);
    expect(invoices.map((invoice) => invoice.status)).toEqual(['draft', 'draft', 'open', 'paid']);
    expect(new Set(invoices.map((invoice) => invoice.id)).size).toBe(1);
    expect(invoices[0]!.description).toBeNull();
    expect(invoices.slice(1).every((invoice) => invoice.description !== null)).toBe(true);
    expect(invoices[0]!.number).toBeNull();
    expect(invoices[2]!.number).toMatch(/^[A-Z0-9]{8}-\d{4}$/);
    expect(invoices[3]!.status_transitions.finalized_at).toBe(events[2]!.created);
    expect(invoices[3]!.status_transitions.paid_at).toBe(events[3]!.created);
    expect(invoices[3]!.amount_paid).toBe(invoices[3]!.amount_due);
    expect(invoices[3]!.amount_remaining).toBe(0);
  });

  it('invoice-void: finalized, then void with voided_at', () => {
    const [finalized, voided] = synth(flowEvents('invoice-void')).map((event) => event.data.object as Stripe.Invoice);
    expect(finalized!.status).toBe('open');
    expect(voided!.status).toBe('void');
    expect(voided!.status_transitions.voided_at).not.toBeNull();
  });
});

describe('generic envelope', () => {
  it('names the object after the event type and gives it an id in Stripe\'s shape', () => {
    expect(objectName('charge.dispute.created')).toBe('dispute');
    expect(objectName('checkout.session.completed')).toBe('checkout.session');
    expect(objectName('issuing_card.created')).toBe('issuing.card');
    expect(objectName('refund.created')).toBe('refund');
    const [refund, updated, disputed, session] = synth(['refund.created', 'refund.updated', 'charge.dispute.created', 'checkout.session.completed']);
    expect(refund!.data.object).toMatchObject({ object: 'refund', livemode: false, metadata: {} });
    expect(objectId(refund!)).toMatch(ID('re'));
    expect(objectId(updated!)).toBe(objectId(refund!)); // one refund across its events
    expect(objectId(disputed!)).toMatch(ID('dp'));
    expect(objectId(session!)).toMatch(/^cs_test_[A-Za-z0-9]{24}$/);
  });

  it('uses the story\'s ids for resources the story has', () => {
    const [paid, refunded] = synth(['charge.succeeded', 'charge.refunded']);
    expect(objectId(refunded!)).toBe(objectId(paid!));
  });

  it('synthesizes every event type the SDK knows, each as valid JSON with an envelope', () => {
    for (const type of EVENT_TYPES) {
      const [event] = synth([type]);
      const parsed = JSON.parse(eventBody(event!)) as OfflineEvent;
      expect(parsed.type, type).toBe(type);
      expect(objectId(parsed), type).toMatch(/^[a-z_]+_[A-Za-z0-9]{24}$/);
    }
  });
});

describe('seeds and instances', () => {
  it('the same seed and clock give byte-identical events', () => {
    expect(eventBody({ events: synth(flowEvents('payment'), 7) })).toBe(eventBody({ events: synth(flowEvents('payment'), 7) }));
  });

  it('another seed or another instance gives fresh ids', () => {
    const ids = (events: OfflineEvent[]) => new Set(events.flatMap((event) => [event.id, objectId(event)]));
    const base = ids(synth(flowEvents('payment'), 7));
    for (const other of [synth(flowEvents('payment'), 8), synth(flowEvents('payment'), 7, 1)]) {
      expect([...ids(other)].filter((id) => base.has(id))).toEqual([]);
    }
  });

  it('a seeded permutation is a permutation, fixed by the seed', () => {
    const items = Array.from({ length: 9 }, (_, i) => i);
    const a = createRandom(5).permutation(items);
    expect([...a].sort()).toEqual(items);
    expect(createRandom(5).permutation(items)).toEqual(a);
    expect(new Set(Array.from({ length: 20 }, (_, seed) => createRandom(seed).permutation(items).join())).size).toBeGreaterThan(15);
    expect(new Set(Array.from({ length: 1000 }, (_, i) => instanceSeed(1, i))).size).toBe(1000);
  });
});

describe('api_version', () => {
  it('defaults to the SDK\'s pinned version, generated from it (node scripts/gen-event-types.js)', () => {
    expect(SDK_API_VERSION).toBe(Stripe.API_VERSION);
  });

  it('accepts a version the user names and refuses anything else with exit 2', () => {
    expect(parseApiVersion('2024-06-20')).toBe('2024-06-20');
    expect(parseApiVersion('2025-03-31.basil')).toBe('2025-03-31.basil');
    expect(() => parseApiVersion('latest')).toThrow(expect.objectContaining({ exitCode: 2, message: expect.stringContaining('--api-version') }));
    expect(() => parseApiVersion('2024-06-20 ')).not.toThrow();
    expect(() => parseApiVersion('latest', '--api-version', '2024-06-20')).toThrow(expect.objectContaining({ hint: expect.stringContaining('e.g. --api-version 2024-06-20') }));
  });
});
