/**
 * The built-in flows. `payment` is the order the product's source documents give
 * (read bottom to top there); see README "Flows" for why each step is what it is.
 */
// Types only: the library's entry exports these flows, and importing it must stay cheap (docs/api.md).
import type { Flow } from './types.js';

export const BUILTIN_FLOWS: readonly Flow[] = [
  {
    name: 'payment',
    description: 'a subscription invoice paid by a payment that needs action, then settles and pays out',
    source: 'built-in',
    steps: [
      { event: 'invoice.created' },
      { event: 'customer.subscription.updated' },
      { event: 'payment_intent.requires_action' },
      { event: 'payment_intent.created' },
      // The SEPA Debit fixture behind payment_intent.processing also emits charge.pending,
      // the only way to reach it: no `stripe trigger charge.pending` exists.
      { event: 'payment_intent.processing' },
      { event: 'charge.pending', observe: true },
      { event: 'charge.succeeded' },
      { event: 'payment_intent.succeeded' },
      { event: 'transfer.created' },
    ],
  },
  {
    name: 'subscription',
    description: 'a customer changes, then their subscription is updated and cancelled',
    source: 'built-in',
    steps: [
      { event: 'customer.updated' },
      { event: 'customer.subscription.updated' },
      { event: 'customer.subscription.deleted' },
    ],
  },
  {
    name: 'invoice',
    description: 'an invoice is drafted, edited, finalized and paid',
    source: 'built-in',
    steps: [
      { event: 'invoice.created' },
      { event: 'invoice.updated' },
      { event: 'invoice.finalized' },
      { event: 'invoice.paid' },
    ],
  },
  {
    // A paid invoice cannot be voided, so voiding is its own story.
    name: 'invoice-void',
    description: 'an invoice is finalized and then voided',
    source: 'built-in',
    steps: [{ event: 'invoice.finalized' }, { event: 'invoice.voided' }],
  },
];
