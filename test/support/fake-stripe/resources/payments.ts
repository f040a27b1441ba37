/**
 * PaymentIntents and Charges. Confirming behaves like a test account: a card succeeds
 * (charge.succeeded, payment_intent.succeeded, charge.updated), a 3DS card needs action, a
 * SEPA Debit goes to processing with a pending charge, a declining card fails with a card_error.
 */
import { applyChanges, bool, int, mergeMetadata, record, requiredInt, requiredStr, route, str, strings, type Call, type Route } from '../api.js';
import { invalidRequest, newId, StripeApiError, unixNow, type StripeObject } from '../store.js';
import { outcomeOf, resolvePaymentMethod } from './payment-methods.js';

interface ChargeSpec {
  amount: number;
  currency: string;
  customer: unknown;
  description: unknown;
  paymentMethod: StripeObject;
  paymentIntent: string | null;
  status: 'succeeded' | 'pending' | 'failed';
  /** False for an authorization awaiting capture (capture_method=manual). */
  captured?: boolean;
}

function createCharge(call: Call, spec: ChargeSpec): StripeObject {
  const failed = spec.status === 'failed';
  const captured = !failed && spec.captured !== false;
  const type = String(spec.paymentMethod.type);
  return call.store.add({
    id: newId('ch'),
    object: 'charge',
    amount: spec.amount,
    amount_captured: captured ? spec.amount : 0,
    amount_refunded: 0,
    balance_transaction: null,
    billing_details: spec.paymentMethod.billing_details,
    captured,
    created: unixNow(),
    currency: spec.currency,
    customer: spec.customer ?? null,
    description: spec.description ?? null,
    failure_code: failed ? 'card_declined' : null,
    failure_message: failed ? 'Your card was declined.' : null,
    livemode: false,
    metadata: {},
    outcome: failed
      ? { network_status: 'declined_by_network', reason: 'generic_decline', risk_level: 'normal', seller_message: 'The bank did not return any further details with this decline.', type: 'issuer_declined' }
      : { network_status: 'approved_by_network', reason: null, risk_level: 'normal', seller_message: 'Payment complete.', type: 'authorized' },
    paid: spec.status === 'succeeded',
    payment_intent: spec.paymentIntent,
    payment_method: spec.paymentMethod.id,
    payment_method_details: { type, [type]: spec.paymentMethod[type] },
    receipt_url: null,
    refunded: false,
    status: spec.status,
  });
}

/** A charge settles: its balance transaction appears, which Stripe reports as charge.updated. */
function settle(call: Call, charge: StripeObject): void {
  const previous = applyChanges(charge, { balance_transaction: newId('txn') });
  call.emit('charge.updated', charge, previous);
}

function declined(paymentIntent: StripeObject, charge: StripeObject): StripeApiError {
  const error = { type: 'card_error' as const, code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.', charge: charge.id, doc_url: 'https://stripe.com/docs/error-codes/card-declined' };
  paymentIntent.last_payment_error = error;
  return new StripeApiError(402, { ...error, payment_intent: structuredClone(paymentIntent) });
}

function missingPaymentMethod(): StripeApiError {
  return invalidRequest("You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method.", { code: 'payment_intent_unexpected_state' });
}

/** Confirms with its payment method and emits what a test account emits; throws Stripe's errors. */
function confirmPaymentIntent(call: Call, paymentIntent: StripeObject, paymentMethodId?: string): StripeObject {
  if (!['requires_payment_method', 'requires_confirmation', 'requires_action'].includes(String(paymentIntent.status))) {
    throw invalidRequest(`This PaymentIntent's payment_method could not be updated because it has a status of ${String(paymentIntent.status)}. You may only update the payment_method of a PaymentIntent with one of the following statuses: requires_payment_method, requires_confirmation, requires_action.`, { code: 'payment_intent_unexpected_state' });
  }
  const id = paymentMethodId ?? (paymentIntent.payment_method as string | null);
  if (!id) throw missingPaymentMethod();
  const method = resolvePaymentMethod(call, id);
  paymentIntent.payment_method = method.id;
  const outcome = outcomeOf(method);
  if (outcome === 'requires_action') {
    applyChanges(paymentIntent, { status: 'requires_action', next_action: { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect', stripe_js: 'https://hooks.stripe.com/3d_secure_2/hosted' } } });
    call.emit('payment_intent.requires_action', paymentIntent);
    return paymentIntent;
  }
  const amount = Number(paymentIntent.amount);
  const spec = { amount, currency: String(paymentIntent.currency), customer: paymentIntent.customer, description: paymentIntent.description, paymentMethod: method, paymentIntent: paymentIntent.id };
  if (outcome === 'declined') {
    const charge = createCharge(call, { ...spec, status: 'failed' });
    applyChanges(paymentIntent, { status: 'requires_payment_method', latest_charge: charge.id, payment_method: null });
    const error = declined(paymentIntent, charge);
    call.emit('charge.failed', charge);
    call.emit('payment_intent.payment_failed', paymentIntent);
    throw error;
  }
  if (outcome === 'processing') {
    const charge = createCharge(call, { ...spec, status: 'pending' });
    applyChanges(paymentIntent, { status: 'processing', latest_charge: charge.id, next_action: null });
    call.emit('payment_intent.processing', paymentIntent);
    call.emit('charge.pending', charge);
    return paymentIntent;
  }
  if (paymentIntent.capture_method === 'manual') {
    const charge = createCharge(call, { ...spec, status: 'succeeded', captured: false });
    applyChanges(paymentIntent, { status: 'requires_capture', amount_capturable: amount, latest_charge: charge.id, next_action: null });
    call.emit('charge.succeeded', charge);
    call.emit('payment_intent.amount_capturable_updated', paymentIntent);
    return paymentIntent;
  }
  const charge = createCharge(call, { ...spec, status: 'succeeded' });
  applyChanges(paymentIntent, { status: 'succeeded', amount_received: amount, latest_charge: charge.id, next_action: null });
  call.emit('charge.succeeded', charge);
  call.emit('payment_intent.succeeded', paymentIntent);
  settle(call, charge);
  return paymentIntent;
}

/** Creates a PaymentIntent (payment_intent.created) and confirms it when asked. */
export function createPaymentIntent(call: Call, params = call.params): StripeObject {
  const amount = requiredInt(params, 'amount');
  const currency = requiredStr(params, 'currency').toLowerCase();
  const customer = str(params, 'customer');
  if (customer) call.store.get('customer', customer, 'customer');
  const confirm = bool(params, 'confirm');
  const paymentMethod = str(params, 'payment_method');
  if (confirm && !paymentMethod) throw missingPaymentMethod();
  const id = newId('pi');
  const method = paymentMethod ? resolvePaymentMethod(call, paymentMethod) : undefined;
  const types = strings(params, 'payment_method_types');
  const paymentIntent = call.store.add({
    id,
    object: 'payment_intent',
    amount,
    amount_capturable: 0,
    amount_received: 0,
    automatic_payment_methods: types.length > 0 ? null : { allow_redirects: 'always', enabled: true },
    capture_method: str(params, 'capture_method') ?? 'automatic',
    client_secret: `${id}_secret_${newId('x', 25).slice(2)}`,
    confirmation_method: 'automatic',
    created: unixNow(),
    currency,
    customer: customer ?? null,
    description: str(params, 'description') ?? null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    metadata: mergeMetadata({}, params.metadata),
    next_action: null,
    payment_method: method?.id ?? null,
    payment_method_types: types.length > 0 ? types : [String(method?.type ?? 'card')],
    receipt_email: str(params, 'receipt_email') ?? null,
    shipping: params.shipping ?? null,
    status: method ? 'requires_confirmation' : 'requires_payment_method',
  });
  call.emit('payment_intent.created', paymentIntent);
  return confirm ? confirmPaymentIntent(call, paymentIntent) : paymentIntent;
}

function capture(call: Call): StripeObject {
  const paymentIntent = call.store.get('payment_intent', call.ids.id);
  if (paymentIntent.status !== 'requires_capture') {
    throw invalidRequest(`This PaymentIntent could not be captured because it has a status of ${String(paymentIntent.status)}. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.`, { code: 'payment_intent_unexpected_state' });
  }
  const amount = int(call.params, 'amount_to_capture') ?? Number(paymentIntent.amount_capturable);
  const charge = call.store.get('charge', paymentIntent.latest_charge);
  const previous = applyChanges(charge, { captured: true, amount_captured: amount });
  call.emit('charge.captured', charge, previous);
  applyChanges(paymentIntent, { status: 'succeeded', amount_received: amount, amount_capturable: 0 });
  call.emit('payment_intent.succeeded', paymentIntent);
  settle(call, charge);
  return paymentIntent;
}

function createLegacyCharge(call: Call): StripeObject {
  const amount = requiredInt(call.params, 'amount');
  const currency = requiredStr(call.params, 'currency').toLowerCase();
  const source = str(call.params, 'source') ?? str(call.params, 'payment_method');
  const customer = str(call.params, 'customer');
  if (!source && !customer) throw invalidRequest('Must provide source or customer.', { code: 'parameter_missing', param: 'source' });
  const method = resolvePaymentMethod(call, source ?? 'tok_visa', 'source');
  const ok = outcomeOf(method) !== 'declined';
  const charge = createCharge(call, { amount, currency, customer: customer ?? null, description: str(call.params, 'description'), paymentMethod: method, paymentIntent: null, status: ok ? 'succeeded' : 'failed' });
  call.emit(ok ? 'charge.succeeded' : 'charge.failed', charge);
  if (!ok) throw new StripeApiError(402, { type: 'card_error', code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.', charge: charge.id });
  return charge;
}

export const paymentRoutes: Route[] = [
  route('POST', '/v1/payment_intents', (call) => createPaymentIntent(call)),
  route('POST', '/v1/payment_intents/:id/confirm', (call) => confirmPaymentIntent(call, call.store.get('payment_intent', call.ids.id), str(call.params, 'payment_method'))),
  route('POST', '/v1/payment_intents/:id/capture', capture),
  route('POST', '/v1/payment_intents/:id/cancel', (call) => {
    const paymentIntent = call.store.get('payment_intent', call.ids.id);
    if (['succeeded', 'canceled', 'processing'].includes(String(paymentIntent.status))) {
      throw invalidRequest(`You cannot cancel this PaymentIntent because it has a status of ${String(paymentIntent.status)}.`, { code: 'payment_intent_unexpected_state' });
    }
    applyChanges(paymentIntent, { status: 'canceled', canceled_at: unixNow(), cancellation_reason: str(call.params, 'cancellation_reason') ?? null });
    call.emit('payment_intent.canceled', paymentIntent);
    return paymentIntent;
  }),
  route('POST', '/v1/payment_intents/:id', (call) => {
    const paymentIntent = call.store.get('payment_intent', call.ids.id);
    const changes: Record<string, unknown> = { metadata: mergeMetadata(paymentIntent.metadata, call.params.metadata) };
    for (const key of ['description', 'receipt_email'] as const) if (str(call.params, key) !== undefined) changes[key] = str(call.params, key);
    const amount = int(call.params, 'amount');
    if (amount !== undefined) changes.amount = amount;
    if (call.params.shipping !== undefined) changes.shipping = record(call.params.shipping);
    applyChanges(paymentIntent, changes); // no event: Stripe has no payment_intent.updated
    return paymentIntent;
  }),
  route('POST', '/v1/charges', createLegacyCharge),
];
