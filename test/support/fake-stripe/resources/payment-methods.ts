/**
 * PaymentMethods, including Stripe's test tokens (`pm_card_visa`, `pm_card_authenticationRequired`,
 * `tok_visa`, …), which become a fresh `pm_…` each time they are used, as in a real test account.
 */
import { applyChanges, mergeMetadata, record, requiredStr, route, str, type Call, type Route } from '../api.js';
import type { FormParams } from '../form.js';
import { invalidRequest, newId, unixNow, type StripeObject } from '../store.js';

export interface TestCard {
  brand: string;
  last4: string;
}

const TEST_CARDS: Record<string, TestCard> = {
  visa: { brand: 'visa', last4: '4242' },
  visa_debit: { brand: 'visa', last4: '5556' },
  mastercard: { brand: 'mastercard', last4: '4444' },
  amex: { brand: 'amex', last4: '8431' },
  bypassPending: { brand: 'visa', last4: '0077' },
  authenticationRequired: { brand: 'visa', last4: '3184' },
  threeDSecure2Required: { brand: 'visa', last4: '3155' },
  chargeDeclined: { brand: 'visa', last4: '0002' },
  visa_chargeDeclined: { brand: 'visa', last4: '0002' },
  // Attaches fine, declines when charged.
  chargeCustomerFail: { brand: 'visa', last4: '0341' },
  chargeDeclinedInsufficientFunds: { brand: 'visa', last4: '9995' },
};

/** What confirming a payment with this method does, decided by the test card number as Stripe does. */
export type Outcome = 'succeeded' | 'requires_action' | 'processing' | 'declined';

export function outcomeOf(paymentMethod: StripeObject): Outcome {
  if (paymentMethod.type === 'sepa_debit' || paymentMethod.type === 'us_bank_account') return 'processing';
  const last4 = (paymentMethod.card as { last4?: string } | undefined)?.last4;
  if (last4 === '3184' || last4 === '3155') return 'requires_action';
  if (last4 === '0002' || last4 === '9995' || last4 === '0341') return 'declined';
  return 'succeeded';
}

/** The card behind a test token (`pm_card_visa`, `tok_visa`, …). */
export function testCard(token: string): TestCard | undefined {
  const name = /^(?:pm_card_|tok_)(\w+)$/.exec(token)?.[1];
  return name ? TEST_CARDS[name] : undefined;
}

function billingDetails(params: FormParams): Record<string, unknown> {
  const details = record(params.billing_details);
  const text = (key: string) => (typeof details[key] === 'string' ? details[key] : null);
  return { address: null, email: text('email'), name: text('name'), phone: text('phone') };
}

function paymentMethod(type: string, details: Record<string, unknown>, params: FormParams = {}): StripeObject {
  return {
    id: newId('pm'),
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: billingDetails(params),
    created: unixNow(),
    customer: null,
    livemode: false,
    metadata: {},
    type,
    [type]: details,
  };
}

function card({ brand, last4 }: TestCard): Record<string, unknown> {
  return { brand, checks: { cvc_check: 'pass' }, country: 'US', exp_month: 12, exp_year: new Date().getFullYear() + 3, funding: 'credit', last4, networks: { available: [brand] } };
}

/** The PaymentMethod an id or test token names (a token mints a new one), or Stripe's 404. */
export function resolvePaymentMethod(call: Call, idOrToken: string, param = 'payment_method'): StripeObject {
  const test = testCard(idOrToken);
  if (test) return call.store.add(paymentMethod('card', card(test)));
  return call.store.get('payment_method', idOrToken, param);
}

export function attach(call: Call, method: StripeObject, customerId: string): StripeObject {
  const customer = call.store.get('customer', customerId, 'customer');
  if (method.customer && method.customer !== customer.id) {
    throw invalidRequest(`The payment method you provided has already been attached to a customer.`, { code: 'payment_method_unexpected_state' });
  }
  method.customer = customer.id;
  call.emit('payment_method.attached', method);
  return method;
}

function create(call: Call): StripeObject {
  const type = requiredStr(call.params, 'type');
  if (type === 'sepa_debit') {
    const iban = str(record(call.params.sepa_debit), 'iban');
    if (!iban) throw invalidRequest('Missing required param: sepa_debit[iban].', { code: 'parameter_missing', param: 'sepa_debit[iban]' });
    const details = { bank_code: iban.slice(4, 9), branch_code: '', country: iban.slice(0, 2), fingerprint: newId('fp', 16).slice(3), last4: iban.slice(-4) };
    return call.store.add(paymentMethod(type, details, call.params));
  }
  if (type === 'card') {
    const token = str(record(call.params.card), 'token') ?? 'tok_visa';
    const test = testCard(token);
    if (!test) throw invalidRequest(`No such token: '${token}'`, { code: 'resource_missing', param: 'card[token]' }, 404);
    return call.store.add(paymentMethod(type, card(test), call.params));
  }
  throw invalidRequest(`Invalid payment method type: ${type} is not supported by this fake.`, { param: 'type' });
}

export const paymentMethodRoutes: Route[] = [
  route('POST', '/v1/payment_methods', create),
  route('POST', '/v1/payment_methods/:id/attach', (call) => attach(call, resolvePaymentMethod(call, call.ids.id as string, 'id'), requiredStr(call.params, 'customer'))),
  route('POST', '/v1/payment_methods/:id', (call) => {
    const method = call.store.get('payment_method', call.ids.id);
    const changes: Record<string, unknown> = { metadata: mergeMetadata(method.metadata, call.params.metadata) };
    const given = Object.entries(record(call.params.billing_details)).filter(([, value]) => typeof value === 'string');
    if (given.length > 0) changes.billing_details = { ...(method.billing_details as object), ...Object.fromEntries(given) };
    const previous = applyChanges(method, changes);
    if (Object.keys(previous).length > 0) call.emit('payment_method.updated', method, previous);
    return method;
  }),
  route('POST', '/v1/payment_methods/:id/detach', (call) => {
    const method = call.store.get('payment_method', call.ids.id);
    if (!method.customer) throw invalidRequest('The payment method you provided is not attached to a customer so detachment is impossible.', { code: 'payment_method_unexpected_state' });
    const previous = { customer: method.customer };
    method.customer = null;
    call.emit('payment_method.detached', method, previous);
    return method;
  }),
];
