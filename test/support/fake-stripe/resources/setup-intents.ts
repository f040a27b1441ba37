/**
 * SetupIntents: saving a payment method for later. Confirming follows the test card, like a
 * PaymentIntent without the money: succeeded, requires_action, or setup_failed with a card_error.
 */
import { applyChanges, mergeMetadata, route, str, strings, bool, type Call, type Route } from '../api.js';
import { invalidRequest, newId, StripeApiError, unixNow, type StripeObject } from '../store.js';
import { attach, outcomeOf, resolvePaymentMethod } from './payment-methods.js';

function confirm(call: Call, setupIntent: StripeObject, paymentMethodId = setupIntent.payment_method as string | null): StripeObject {
  if (!paymentMethodId) throw invalidRequest("You cannot confirm this SetupIntent because it's missing a payment method.", { code: 'setup_intent_unexpected_state' });
  const method = resolvePaymentMethod(call, paymentMethodId);
  setupIntent.payment_method = method.id;
  const outcome = outcomeOf(method);
  if (outcome === 'declined') {
    const error = { type: 'card_error' as const, code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' };
    applyChanges(setupIntent, { status: 'requires_payment_method', last_setup_error: error, payment_method: null });
    call.emit('setup_intent.setup_failed', setupIntent);
    throw new StripeApiError(402, { ...error, setup_intent: structuredClone(setupIntent) });
  }
  if (outcome === 'requires_action') {
    applyChanges(setupIntent, { status: 'requires_action', next_action: { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect' } } });
    call.emit('setup_intent.requires_action', setupIntent);
    return setupIntent;
  }
  if (setupIntent.customer && !method.customer) attach(call, method, String(setupIntent.customer));
  applyChanges(setupIntent, { status: 'succeeded', next_action: null });
  call.emit('setup_intent.succeeded', setupIntent);
  return setupIntent;
}

function create(call: Call): StripeObject {
  const customer = str(call.params, 'customer');
  if (customer) call.store.get('customer', customer, 'customer');
  const paymentMethod = str(call.params, 'payment_method');
  const method = paymentMethod ? resolvePaymentMethod(call, paymentMethod) : undefined;
  const types = strings(call.params, 'payment_method_types');
  const id = newId('seti');
  const setupIntent = call.store.add<StripeObject>({
    id,
    object: 'setup_intent',
    automatic_payment_methods: types.length > 0 ? null : { allow_redirects: 'always', enabled: true },
    cancellation_reason: null,
    client_secret: `${id}_secret_${newId('x', 25).slice(2)}`,
    created: unixNow(),
    customer: customer ?? null,
    description: str(call.params, 'description') ?? null,
    last_setup_error: null,
    livemode: false,
    metadata: mergeMetadata({}, call.params.metadata),
    next_action: null,
    payment_method: method?.id ?? null,
    payment_method_types: types.length > 0 ? types : ['card'],
    status: method ? 'requires_confirmation' : 'requires_payment_method',
    usage: str(call.params, 'usage') ?? 'off_session',
  });
  call.emit('setup_intent.created', setupIntent);
  return bool(call.params, 'confirm') ? confirm(call, setupIntent) : setupIntent;
}

export const setupIntentRoutes: Route[] = [
  route('POST', '/v1/setup_intents', create),
  route('POST', '/v1/setup_intents/:id/confirm', (call) => confirm(call, call.store.get('setup_intent', call.ids.id), str(call.params, 'payment_method'))),
  route('POST', '/v1/setup_intents/:id/cancel', (call) => {
    const setupIntent = call.store.get('setup_intent', call.ids.id);
    if (['succeeded', 'canceled'].includes(String(setupIntent.status))) {
      throw invalidRequest(`You cannot cancel this SetupIntent because it has a status of ${String(setupIntent.status)}.`, { code: 'setup_intent_unexpected_state' });
    }
    applyChanges(setupIntent, { status: 'canceled', cancellation_reason: str(call.params, 'cancellation_reason') ?? null });
    call.emit('setup_intent.canceled', setupIntent);
    return setupIntent;
  }),
];
