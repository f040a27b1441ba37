/**
 * Invoice items and Invoices: draft -> (update) -> finalize (open) -> pay (paid) or void.
 * Paying runs a real PaymentIntent confirmation, so the payment's events come along.
 */
import { applyChanges, deleter, int, mergeMetadata, requiredStr, route, str, type Call, type Route } from '../api.js';
import { invalidRequest, newId, StripeApiError, unixNow, type StripeObject } from '../store.js';
import { createPaymentIntent } from './payments.js';

export interface LineSpec {
  amount: number;
  currency: string;
  description: string | null;
  quantity: number;
  price: string | null;
  /** The invoice item or subscription item the line comes from. */
  parent: Record<string, unknown>;
}

export function period(): { start: number; end: number } {
  const start = unixNow();
  return { start, end: start + 30 * 24 * 3600 };
}

function line(invoice: string, spec: LineSpec): Record<string, unknown> {
  return {
    id: newId('il'),
    object: 'line_item',
    amount: spec.amount,
    currency: spec.currency,
    description: spec.description,
    invoice,
    livemode: false,
    metadata: {},
    parent: spec.parent,
    period: period(),
    pricing: spec.price ? { price_details: { price: spec.price }, type: 'price_details', unit_amount_decimal: String(spec.amount / spec.quantity) } : null,
    quantity: spec.quantity,
  };
}

function totals(lines: Array<Record<string, unknown>>, amountPaid = 0): Record<string, number> {
  const total = lines.reduce((sum, l) => sum + Number(l.amount), 0);
  return { subtotal: total, total, amount_due: total, amount_paid: amountPaid, amount_remaining: total - amountPaid };
}

/** A draft invoice for `customer` with these lines; emits invoice.created. */
export function draftInvoice(call: Call, customer: StripeObject, lines: LineSpec[], extra: Record<string, unknown> = {}): StripeObject {
  const id = newId('in');
  const data = lines.map((spec) => line(id, spec));
  const invoice = call.store.add({
    id,
    object: 'invoice',
    account_country: 'US',
    attempt_count: 0,
    attempted: false,
    auto_advance: false,
    automatic_tax: { enabled: false, liability: null, status: null },
    billing_reason: 'manual',
    collection_method: 'charge_automatically',
    created: unixNow(),
    currency: lines[0]?.currency ?? 'usd',
    customer: customer.id,
    customer_email: customer.email ?? null,
    customer_name: customer.name ?? null,
    default_payment_method: null,
    description: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    lines: { object: 'list', data, has_more: false, total_count: data.length, url: `/v1/invoices/${id}/lines` },
    livemode: false,
    metadata: {},
    number: null,
    parent: null,
    period_end: unixNow(),
    period_start: unixNow(),
    status: 'draft',
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    ...totals(data),
    ...extra,
  });
  call.emit('invoice.created', invoice);
  return invoice;
}

export function requireStatus(invoice: StripeObject, allowed: string[], action: string): void {
  if (allowed.includes(String(invoice.status))) return;
  throw invalidRequest(`You can only ${action} ${allowed.join(' or ')} invoices; this invoice is ${String(invoice.status)}.`, { code: 'invoice_unexpected_state' });
}

function markPaid(call: Call, invoice: StripeObject): StripeObject {
  const transitions = { ...(invoice.status_transitions as object), paid_at: unixNow() };
  applyChanges(invoice, { status: 'paid', amount_paid: invoice.amount_due, amount_remaining: 0, status_transitions: transitions });
  call.emit('invoice.paid', invoice);
  call.emit('invoice.payment_succeeded', invoice);
  return invoice;
}

/** draft -> open (a zero-amount invoice goes straight to paid, as in Stripe). */
export function finalizeInvoice(call: Call, invoice: StripeObject): StripeObject {
  requireStatus(invoice, ['draft'], 'finalize');
  const customer = call.store.get('customer', invoice.customer);
  const sequence = Number(customer.next_invoice_sequence ?? 1);
  customer.next_invoice_sequence = sequence + 1;
  applyChanges(invoice, {
    status: 'open',
    number: `${String(customer.invoice_prefix)}-${String(sequence).padStart(4, '0')}`,
    hosted_invoice_url: `https://invoice.stripe.com/i/acct_fake/test_${invoice.id}`,
    invoice_pdf: `https://pay.stripe.com/invoice/acct_fake/test_${invoice.id}/pdf`,
    status_transitions: { ...(invoice.status_transitions as object), finalized_at: unixNow() },
  });
  call.emit('invoice.finalized', invoice);
  return Number(invoice.amount_due) === 0 ? markPaid(call, invoice) : invoice;
}

/** Finalizes a draft, then charges the given or default payment method. */
export function payInvoice(call: Call, invoice: StripeObject, paymentMethod?: string): StripeObject {
  if (invoice.status === 'paid') throw invalidRequest('Invoice is already paid', { code: 'invoice_unexpected_state' });
  if (invoice.status === 'draft' && finalizeInvoice(call, invoice).status === 'paid') return invoice;
  requireStatus(invoice, ['open'], 'pay');
  const customer = call.store.get('customer', invoice.customer);
  const method = paymentMethod ?? (invoice.default_payment_method as string | null) ?? (customer.invoice_settings as { default_payment_method?: string | null }).default_payment_method;
  if (!method) {
    throw invalidRequest('This customer has no attached payment source or default payment method. Please consider adding a default payment method. For more information, visit https://stripe.com/docs/billing/subscriptions/payment-methods-setting#payment-method-priority.');
  }
  invoice.attempt_count = Number(invoice.attempt_count) + 1;
  invoice.attempted = true;
  try {
    const paymentIntent = createPaymentIntent(call, {
      amount: String(invoice.amount_due),
      currency: String(invoice.currency),
      customer: customer.id,
      payment_method: method,
      confirm: 'true',
      description: `Payment for Invoice ${String(invoice.number)}`,
    });
    if (paymentIntent.status === 'requires_action') {
      call.emit('invoice.payment_action_required', invoice);
      return invoice;
    }
    return paymentIntent.status === 'succeeded' ? markPaid(call, invoice) : invoice;
  } catch (error) {
    if (error instanceof StripeApiError && error.status === 402) call.emit('invoice.payment_failed', invoice);
    throw error;
  }
}

function createInvoice(call: Call): StripeObject {
  const customer = call.store.get('customer', requiredStr(call.params, 'customer'), 'customer');
  const include = str(call.params, 'pending_invoice_items_behavior') === 'include';
  const items = include ? call.store.list('invoiceitem', (ii) => ii.customer === customer.id && ii.invoice === null).reverse() : [];
  const lines = items.map((ii) => ({
    amount: Number(ii.amount),
    currency: String(ii.currency),
    description: (ii.description as string | null) ?? null,
    quantity: Number(ii.quantity ?? 1),
    price: null,
    parent: { invoice_item_details: { invoice_item: ii.id, proration: false, subscription: null }, type: 'invoice_item_details' },
  }));
  const invoice = draftInvoice(call, customer, lines, {
    description: str(call.params, 'description') ?? null,
    collection_method: str(call.params, 'collection_method') ?? 'charge_automatically',
    due_date: str(call.params, 'collection_method') === 'send_invoice' ? unixNow() + (int(call.params, 'days_until_due') ?? 30) * 86400 : null,
    default_payment_method: str(call.params, 'default_payment_method') ?? null,
    metadata: mergeMetadata({}, call.params.metadata),
    ...(str(call.params, 'currency') ? { currency: str(call.params, 'currency') } : {}),
  });
  for (const item of items) item.invoice = invoice.id;
  return invoice;
}

function updateInvoice(call: Call): StripeObject {
  const invoice = call.store.get('invoice', call.ids.id);
  const changes: Record<string, unknown> = { metadata: mergeMetadata(invoice.metadata, call.params.metadata) };
  for (const key of ['description', 'default_payment_method', 'collection_method'] as const) {
    if (str(call.params, key) === undefined) continue;
    requireStatus(invoice, ['draft'], `change ${key} of`);
    changes[key] = str(call.params, key);
  }
  const previous = applyChanges(invoice, changes);
  if (Object.keys(previous).length > 0) call.emit('invoice.updated', invoice, previous);
  return invoice;
}

const invoice = (call: Call) => call.store.get('invoice', call.ids.id);

export const invoiceRoutes: Route[] = [
  route('POST', '/v1/invoices', createInvoice),
  route('POST', '/v1/invoices/:id', updateInvoice),
  route('POST', '/v1/invoices/:id/finalize', (call) => finalizeInvoice(call, invoice(call))),
  route('POST', '/v1/invoices/:id/pay', (call) => payInvoice(call, invoice(call), str(call.params, 'payment_method'))),
  route('POST', '/v1/invoices/:id/void', (call) => {
    const target = invoice(call);
    requireStatus(target, ['open', 'uncollectible'], 'void');
    applyChanges(target, { status: 'void', amount_remaining: 0, status_transitions: { ...(target.status_transitions as object), voided_at: unixNow() } });
    call.emit('invoice.voided', target);
    return target;
  }),
  route('POST', '/v1/invoices/:id/send', (call) => {
    const target = invoice(call);
    if (target.collection_method !== 'send_invoice') throw invalidRequest('You can only manually send an invoice if its collection method is \'send_invoice\'.');
    if (target.status === 'draft') finalizeInvoice(call, target);
    requireStatus(target, ['open'], 'send');
    call.emit('invoice.sent', target);
    return target;
  }),
  route('POST', '/v1/invoices/:id/mark_uncollectible', (call) => {
    const target = invoice(call);
    requireStatus(target, ['open'], 'mark as uncollectible');
    applyChanges(target, { status: 'uncollectible', status_transitions: { ...(target.status_transitions as object), marked_uncollectible_at: unixNow() } });
    call.emit('invoice.marked_uncollectible', target);
    return target;
  }),
  route('DELETE', '/v1/invoices/:id', deleter('invoice', (_, target) => requireStatus(target, ['draft'], 'delete'))),
  route('GET', '/v1/invoices/:id/lines', (call) => invoice(call).lines as Record<string, unknown>),
];
