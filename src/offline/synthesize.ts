/**
 * Turns a flow's event types into the events Stripe would send for one story, in
 * step order. The event types the built-in flows use (and their close relatives)
 * carry full objects typed against the SDK; any other type gets the generic envelope;
 * a thin type (`v1.billing.meter.no_meter_found`) its notification (thin-event.ts),
 * about the same story's objects.
 */
import type Stripe from 'stripe';
import type { EventType } from '../flows/event-types.js';
import type { ThinEventType } from '../flows/thin-event-types.js';
import { isThinEventType, THIN_EVENT_OBJECT } from '../flows/thin.js';
import type { FlowEventType } from '../flows/types.js';
import { genericObject, type GenericObject } from './generic.js';
import { customer, invoice, subscription } from './objects-billing.js';
import { charge, paymentIntent, transfer } from './objects-payment.js';
import { createRandom, instanceSeed } from './random.js';
import { renderInVersion } from './render-version.js';
import { createStory, type Story } from './story.js';
import { thinEvent, type ThinEvent } from './thin-event.js';

type EventOf<T extends Stripe.Event.Type> = Extract<Stripe.Event, { type: T }>;
/** What the events before this one in the story already did (`invoice.updated` edits later invoices too). */
type Seen = ReadonlySet<string>;
type Model<T extends Stripe.Event.Type> = (story: Story, at: number, seen: Seen) => EventOf<T>['data'];

// `satisfies` checks each entry against its own event type: a `charge.*` model must return a Charge.
const MODELS = {
  'payment_intent.created': (s, at) => ({ object: paymentIntent(s, 'requires_payment_method', at) }),
  'payment_intent.requires_action': (s, at) => ({ object: paymentIntent(s, 'requires_action', at) }),
  'payment_intent.processing': (s, at) => ({ object: paymentIntent(s, 'processing', at) }),
  'payment_intent.succeeded': (s, at) => ({ object: paymentIntent(s, 'succeeded', at) }),
  'payment_intent.canceled': (s, at) => ({ object: paymentIntent(s, 'canceled', at) }),
  'payment_intent.payment_failed': (s, at) => ({ object: paymentIntent(s, 'requires_payment_method', at, { failed: true }) }),
  'charge.pending': (s) => ({ object: charge(s, 'pending') }),
  'charge.succeeded': (s) => ({ object: charge(s, 'succeeded') }),
  'charge.failed': (s) => ({ object: charge(s, 'failed') }),
  'customer.created': (s, _at, seen) => ({ object: customer(s, seen) }),
  'customer.updated': (s, _at, seen) => ({ object: customer(s, seen), previous_attributes: { metadata: {} } }),
  'customer.subscription.created': (s, at, seen) => ({ object: subscription(s, 'active', at, seen) }),
  'customer.subscription.updated': (s, at, seen) => ({
    object: subscription(s, 'active', at, seen),
    previous_attributes: { latest_invoice: s.previousInvoice },
  }),
  'customer.subscription.paused': (s, at, seen) => ({ object: subscription(s, 'paused', at, seen), previous_attributes: { status: 'active' } }),
  'customer.subscription.resumed': (s, at, seen) => ({ object: subscription(s, 'active', at, seen), previous_attributes: { status: 'paused' } }),
  'customer.subscription.deleted': (s, at, seen) => ({ object: subscription(s, 'canceled', at, seen) }),
  'invoice.created': (s, at, seen) => ({ object: invoice(s, 'draft', at, seen) }),
  'invoice.updated': (s, at, seen) => ({ object: invoice(s, 'draft', at, seen), previous_attributes: { description: null } }),
  'invoice.finalized': (s, at, seen) => ({ object: invoice(s, 'open', at, seen) }),
  'invoice.sent': (s, at, seen) => ({ object: invoice(s, 'open', at, seen) }),
  'invoice.payment_failed': (s, at, seen) => ({ object: invoice(s, 'open', at, seen) }),
  'invoice.paid': (s, at, seen) => ({ object: invoice(s, 'paid', at, seen) }),
  'invoice.payment_succeeded': (s, at, seen) => ({ object: invoice(s, 'paid', at, seen) }),
  'invoice.marked_uncollectible': (s, at, seen) => ({ object: invoice(s, 'uncollectible', at, seen) }),
  'invoice.voided': (s, at, seen) => ({ object: invoice(s, 'void', at, seen) }),
  'transfer.created': (s) => ({ object: transfer(s, false) }),
  'transfer.reversed': (s) => ({ object: transfer(s, true) }),
} satisfies { [T in Stripe.Event.Type]?: Model<T> };

type ModeledType = keyof typeof MODELS;

function isModeled(type: string): type is ModeledType {
  return Object.hasOwn(MODELS, type);
}

/** An event whose type the SDK knows but offline mode sends with the generic envelope. */
export interface GenericEvent extends Omit<Stripe.Event, 'type' | 'data'> {
  type: EventType;
  data: { object: GenericObject };
}

/** A snapshot event (`object: "event"`), or a thin one (`object: "v2.core.event"`). */
export type OfflineEvent = Stripe.Event | GenericEvent | ThinEvent;

/** A snapshot event: one that carries `data.object`. */
export type SnapshotEvent = Stripe.Event | GenericEvent;

// Events an API call caused carry its request id; those Stripe caused on its own (the renewal,
// automatic finalization, the bank's answer) have a null request id.
const AUTOMATIC = new Set<string>([
  'invoice.created', 'invoice.finalized', 'invoice.paid', 'invoice.payment_succeeded', 'invoice.payment_failed',
  'customer.subscription.updated', 'payment_intent.processing', 'payment_intent.succeeded', 'payment_intent.payment_failed',
  'charge.pending', 'charge.succeeded', 'charge.failed',
]);
const API_CAUSED = /\.(created|updated|deleted|voided|sent|canceled|reversed|paused|resumed|requires_action)$/;

export interface SynthesizeOptions {
  /** `api_version` of every event: the SDK's pinned version unless the user chose another. */
  apiVersion: string;
  /** The known version whose shape the objects take (render-version.ts: nearestShape); the SDK's own when absent. */
  shape?: string;
  seed: number;
  /** Which flow instance of a run (fresh ids for each); 0 for a single run. */
  instance?: number;
  /** Unix seconds of the last event; earlier steps are a second apart before it. */
  now: number;
}

const isThin = (type: FlowEventType): type is ThinEventType => isThinEventType(type);

/** Whether an API call caused the event (`v1.invoice.paid` as `invoice.paid`), so it carries the request's id. */
const causedByRequest = (type: string) => {
  const snapshotName = type.replace(/^v1\./, '');
  return API_CAUSED.test(snapshotName) && !AUTOMATIC.has(snapshotName);
};

/** The events of one story, made one at a time in step order (a burst keeps only what is in flight). */
export function* storyEvents(types: readonly FlowEventType[], options: SynthesizeOptions): Generator<OfflineEvent, void, undefined> {
  const random = createRandom(instanceSeed(options.seed, options.instance ?? 0));
  const story = createStory(random, options.now - types.length);
  const seen = new Set<string>();
  for (const [index, type] of types.entries()) {
    const at = story.start + 1 + index;
    seen.add(type);
    if (isThin(type)) {
      const request = causedByRequest(type) ? { id: `req_${random.token(14)}`, idempotency_key: random.token(32) } : null;
      yield thinEvent(story, type, at, request);
      continue;
    }
    const modeled = isModeled(type) ? MODELS[type](story, at, seen) : { object: genericObject(story, type) };
    // Synthesize (in the SDK's version), then render in the app's version.
    const data = options.shape === undefined ? modeled : { ...modeled, object: renderInVersion(modeled.object, options.shape, story) };
    const apiCaused = causedByRequest(type);
    // Built field by field in the order Stripe sends them.
    yield {
      id: random.id('evt'),
      object: 'event',
      api_version: options.apiVersion,
      created: at,
      data,
      livemode: false,
      pending_webhooks: 1,
      request: apiCaused ? { id: `req_${random.token(14)}`, idempotency_key: random.token(32) } : { id: null, idempotency_key: null },
      type,
    } as OfflineEvent;
  }
}

/** One story's events; snapshot types alone give snapshot events only. */
export function synthesizeFlow(types: readonly EventType[], options: SynthesizeOptions): SnapshotEvent[];
export function synthesizeFlow(types: readonly FlowEventType[], options: SynthesizeOptions): OfflineEvent[];
export function synthesizeFlow(types: readonly FlowEventType[], options: SynthesizeOptions): OfflineEvent[] {
  return [...storyEvents(types, options)];
}

/**
 * The bytes of a delivery. Stripe sends events pretty-printed with two-space indents,
 * so a handler that verifies a re-serialised body fails here as it would in production.
 */
export function eventBody(event: OfflineEvent | Record<string, unknown>): string {
  return JSON.stringify(event, null, 2);
}

/** The id of the object an event is about: `data.object.id`, or a thin event's `related_object` (its type for a singleton, `-` for none). */
export function objectId(event: OfflineEvent): string {
  if (event.object === THIN_EVENT_OBJECT) return event.related_object === null ? '-' : (event.related_object.id ?? event.related_object.type);
  return (event.data.object as { id: string }).id;
}
