/**
 * Stripe events: their shape, Stripe's signature scheme, and the stream that hands them to
 * listener sessions — with the faults tests inject (drop a type, delay a type).
 */
import { createHmac } from 'node:crypto';
import { Recorder } from '../recorder.js';
import { newId, unixNow, type StripeObject } from './store.js';

export interface StripeEvent {
  id: string;
  object: 'event';
  account?: string;
  api_version: string;
  created: number;
  data: { object: Record<string, unknown>; previous_attributes?: Record<string, unknown> };
  livemode: boolean;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
}

export interface EventOrigin {
  requestId?: string | null;
  idempotencyKey?: string | null;
  /** The connected account (`Stripe-Account`) the object lives on: makes it a Connect event. */
  account?: string;
}

export function buildEvent(
  type: string,
  object: Record<string, unknown>,
  apiVersion: string,
  origin: EventOrigin = {},
  previousAttributes?: Record<string, unknown>,
  created = unixNow(),
): StripeEvent {
  return {
    id: newId('evt'),
    object: 'event',
    ...(origin.account ? { account: origin.account } : {}),
    api_version: apiVersion,
    created,
    // A snapshot: later changes to the object must not rewrite history.
    data: { object: structuredClone(object), ...(previousAttributes ? { previous_attributes: structuredClone(previousAttributes) } : {}) },
    livemode: false,
    pending_webhooks: 1,
    request: { id: origin.requestId ?? null, idempotency_key: origin.idempotencyKey ?? null },
    type,
  };
}

/** `t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<payload>")>`: what Stripe sends; computed here, not by the SDK. */
export function signatureHeader(payload: string, secret: string, timestamp = unixNow()): string {
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${v1}`;
}

/** A bare object for `emit('customer.created')`: the kind comes from the type's prefix. */
export function placeholderObject(type: string): StripeObject {
  const kind = type.startsWith('customer.subscription.') ? 'subscription' : type.split('.').slice(0, -1).join('.') || type;
  const prefixes: Record<string, string> = {
    customer: 'cus',
    subscription: 'sub',
    invoice: 'in',
    invoiceitem: 'ii',
    payment_intent: 'pi',
    payment_method: 'pm',
    charge: 'ch',
    transfer: 'tr',
    product: 'prod',
    price: 'price',
    account: 'acct',
  };
  return { id: newId(prefixes[kind] ?? 'obj'), object: kind, created: unixNow(), livemode: false, metadata: {} };
}

/** Publishes events to a sink (the listener sessions), applying the injected faults. */
export class EventStream {
  /** Every event published and not dropped, in publication order (delayed ones when they go out). */
  readonly emitted = new Recorder<StripeEvent>((event) => `${event.type} [${event.id}]`);
  /** Events swallowed by `drop`. */
  readonly dropped: StripeEvent[] = [];
  private readonly droppedTypes = new Set<string>();
  private readonly delays = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly sink: (event: StripeEvent) => void) {}

  /** Never emit events of this type (an event Stripe "loses"). */
  drop(type: string): void {
    this.droppedTypes.add(type);
  }

  /** Emit events of this type `ms` later than they happen. */
  delay(type: string, ms: number): void {
    this.delays.set(type, ms);
  }

  clearFaults(): void {
    this.droppedTypes.clear();
    this.delays.clear();
  }

  publish(event: StripeEvent): void {
    if (this.droppedTypes.has(event.type)) {
      this.dropped.push(event);
      return;
    }
    const delay = this.delays.get(event.type);
    if (delay === undefined) {
      this.send(event);
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.send(event);
    }, delay);
    this.timers.add(timer);
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private send(event: StripeEvent): void {
    this.emitted.push(event);
    this.sink(event);
  }
}
