/**
 * The payment side of a story as the API returns it: PaymentIntent, Charge and
 * Transfer, typed against the SDK so the compiler checks every field's shape.
 * `at` is the moment of the event the object is sent with; every object was created when the story began.
 */
import type Stripe from 'stripe';
import type { Story } from './story.js';

const STATEMENT = 'STRIPE-HOOKS DEMO';

export function paymentIntent(
  story: Story,
  status: Stripe.PaymentIntent.Status,
  at: number,
  { failed = false } = {},
): Stripe.PaymentIntent {
  // A SEPA Debit charge exists from `processing` on (pending, then succeeded).
  const charged = status === 'processing' || status === 'succeeded';
  return {
    id: story.paymentIntent,
    object: 'payment_intent',
    allowed_payment_method_types: null,
    amount: story.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: status === 'succeeded' ? story.amount : 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: status === 'canceled' ? story.once('payment_intent.canceled', () => at) : null,
    cancellation_reason: status === 'canceled' ? 'abandoned' : null,
    capture_method: 'automatic',
    client_secret: story.clientSecret,
    confirmation_method: 'automatic',
    created: story.start,
    currency: story.currency,
    customer: story.customer.id,
    customer_account: null,
    description: `Subscription invoice ${story.invoiceNumber}`,
    excluded_payment_method_types: null,
    last_payment_error: failed
      ? { type: 'card_error', code: 'payment_intent_payment_attempt_failed', message: 'The payment failed.', payment_method_type: 'sepa_debit' }
      : null,
    latest_charge: charged ? story.charge : null,
    livemode: false,
    managed_payments: null,
    metadata: { invoice: story.invoice },
    next_action:
      status === 'requires_action'
        ? { type: 'redirect_to_url', redirect_to_url: { return_url: 'https://example.com/checkout/complete', url: `https://hooks.stripe.com/redirect/authenticate/src_${story.paymentIntent.slice(3)}` } }
        : null,
    on_behalf_of: null,
    payment_method: status === 'requires_payment_method' ? null : story.paymentMethod,
    payment_method_configuration_details: null,
    payment_method_options: { sepa_debit: {} },
    payment_method_types: ['sepa_debit'],
    payment_record: null,
    processing: null,
    receipt_email: story.customer.email,
    review: null,
    setup_future_usage: 'off_session',
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status,
    transfer_data: null,
    transfer_group: `group_${story.paymentIntent}`,
  };
}

export function charge(story: Story, status: Stripe.Charge.Status): Stripe.Charge {
  const succeeded = status === 'succeeded';
  return {
    id: story.charge,
    object: 'charge',
    amount: story.amount,
    amount_captured: status === 'failed' ? 0 : story.amount,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: succeeded ? story.balanceTransaction : null,
    billing_details: {
      address: { city: null, country: 'DE', line1: null, line2: null, postal_code: null, state: null },
      email: story.customer.email,
      name: story.customer.name,
      phone: null,
      tax_id: null,
    },
    calculated_statement_descriptor: STATEMENT,
    captured: status !== 'failed',
    created: story.start,
    currency: story.currency,
    customer: story.customer.id,
    description: `Subscription invoice ${story.invoiceNumber}`,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: status === 'failed' ? 'insufficient_funds' : null,
    failure_message: status === 'failed' ? 'The account has insufficient funds to cover this payment.' : null,
    fraud_details: {},
    livemode: false,
    metadata: {},
    on_behalf_of: null,
    outcome:
      status === 'pending'
        ? null
        : {
            advice_code: null,
            network_advice_code: null,
            network_decline_code: null,
            network_status: succeeded ? 'approved_by_network' : 'declined_by_network',
            reason: succeeded ? null : 'insufficient_funds',
            risk_level: 'not_assessed',
            seller_message: succeeded ? 'Payment complete.' : 'The bank returned the payment.',
            type: succeeded ? 'authorized' : 'issuer_declined',
          },
    // A SEPA Debit charge is not paid until the bank confirms it.
    paid: succeeded,
    payment_intent: story.paymentIntent,
    payment_method: story.paymentMethod,
    payment_method_details: {
      type: 'sepa_debit',
      sepa_debit: { bank_code: '37040044', branch_code: '', country: 'DE', fingerprint: story.customer.id.slice(4, 20), last4: '3000', mandate: story.mandate },
    },
    receipt_email: story.customer.email,
    receipt_number: null,
    receipt_url: succeeded ? `https://pay.stripe.com/receipts/payment/${story.charge.slice(3)}` : null,
    refunded: false,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status,
    transfer_data: null,
    transfer_group: `group_${story.paymentIntent}`,
  };
}

export function transfer(story: Story, reversed: boolean): Stripe.Transfer {
  const amount = story.amount - story.fee;
  return {
    id: story.transfer,
    object: 'transfer',
    amount,
    amount_reversed: reversed ? amount : 0,
    balance_transaction: story.transferTransaction,
    created: story.start,
    currency: story.currency,
    description: null,
    destination: story.destination,
    destination_payment: `py_${story.transfer.slice(3)}`,
    livemode: false,
    metadata: { payment_intent: story.paymentIntent },
    reversals: { object: 'list', data: [], has_more: false, url: `/v1/transfers/${story.transfer}/reversals` },
    reversed,
    source_transaction: story.charge,
    source_type: 'card',
    transfer_group: `group_${story.paymentIntent}`,
  };
}
