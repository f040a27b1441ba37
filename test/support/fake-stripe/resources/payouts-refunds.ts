/**
 * Money going back or out: refunds of a charge, and payouts to the bank.
 */
import { applyChanges, int, mergeMetadata, requiredInt, requiredStr, route, str, updater, type Call, type Route } from '../api.js';
import { invalidRequest, newId, unixNow, type StripeObject } from '../store.js';

function createRefund(call: Call): StripeObject {
  const paymentIntentId = str(call.params, 'payment_intent');
  const chargeId = paymentIntentId ? call.store.get('payment_intent', paymentIntentId, 'payment_intent').latest_charge : requiredStr(call.params, 'charge');
  if (!chargeId) throw invalidRequest(`This PaymentIntent does not have a successful charge to refund.`, { code: 'charge_not_refundable', param: 'payment_intent' });
  const charge = call.store.get('charge', chargeId, 'charge');
  const refundable = Number(charge.amount_captured) - Number(charge.amount_refunded);
  const amount = int(call.params, 'amount') ?? refundable;
  if (charge.status !== 'succeeded' || amount > refundable || amount <= 0) {
    throw invalidRequest(`Refund amount ($${(amount / 100).toFixed(2)}) is greater than unrefunded amount on charge ($${(refundable / 100).toFixed(2)})`, { code: 'amount_too_large', param: 'amount' });
  }
  const refund = call.store.add({
    id: newId('re'),
    object: 'refund',
    amount,
    balance_transaction: newId('txn'),
    charge: charge.id,
    created: unixNow(),
    currency: charge.currency,
    metadata: mergeMetadata({}, call.params.metadata),
    payment_intent: charge.payment_intent,
    reason: str(call.params, 'reason') ?? null,
    status: 'succeeded',
  });
  const refunded = Number(charge.amount_refunded) + amount;
  const previous = applyChanges(charge, { amount_refunded: refunded, refunded: refunded === Number(charge.amount_captured) });
  call.emit('charge.refunded', charge, previous);
  call.emit('refund.created', refund);
  return refund;
}

function createPayout(call: Call): StripeObject {
  const created = unixNow();
  const payout = call.store.add({
    id: newId('po'),
    object: 'payout',
    amount: requiredInt(call.params, 'amount'),
    arrival_date: created + 2 * 86400,
    automatic: false,
    balance_transaction: newId('txn'),
    created,
    currency: requiredStr(call.params, 'currency').toLowerCase(),
    description: str(call.params, 'description') ?? null,
    destination: newId('ba'),
    failure_code: null,
    metadata: mergeMetadata({}, call.params.metadata),
    method: str(call.params, 'method') ?? 'standard',
    status: 'pending',
    type: 'bank_account',
  });
  call.emit('payout.created', payout);
  return payout;
}

export const payoutRefundRoutes: Route[] = [
  route('POST', '/v1/refunds', createRefund),
  // Stripe still announces refund changes under the older name too.
  route('POST', '/v1/refunds/:id', updater('refund', [], 'refund.updated', 'charge.refund.updated')),
  route('POST', '/v1/payouts', createPayout),
  route('POST', '/v1/payouts/:id', updater('payout', ['description'], 'payout.updated')),
];
