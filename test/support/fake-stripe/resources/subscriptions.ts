/**
 * Subscriptions: creating one bills its first invoice at once (finalized, paid with the default
 * payment method, with all the payment's events), then customer.subscription.created; updates
 * emit customer.subscription.updated with previous_attributes; DELETE cancels.
 */
import { applyChanges, bool, int, list, mergeMetadata, record, requiredStr, route, str, type Call, type Route } from '../api.js';
import type { FormParams } from '../form.js';
import { invalidRequest, missingParam, newId, StripeApiError, unixNow, type StripeObject } from '../store.js';
import { draftInvoice, finalizeInvoice, payInvoice, type LineSpec } from './invoices.js';

const MONTH = 30 * 24 * 3600;

function subscriptionItem(call: Call, subscription: string, spec: FormParams): StripeObject {
  const price = call.store.get('price', requiredStr(spec, 'price'), 'items[0][price]');
  if (!price.recurring) throw invalidRequest(`The price specified is set to \`type=one_time\` but this field only accepts prices with \`type=recurring\`.`, { param: 'items[0][price]' });
  const start = unixNow();
  return {
    id: newId('si', 14),
    object: 'subscription_item',
    created: start,
    current_period_end: start + MONTH,
    current_period_start: start,
    discounts: [],
    metadata: mergeMetadata({}, spec.metadata),
    price: structuredClone(price),
    quantity: int(spec, 'quantity') ?? 1,
    subscription,
    tax_rates: [],
  };
}

function itemList(subscription: string, data: StripeObject[]): Record<string, unknown> {
  return { object: 'list', data, has_more: false, total_count: data.length, url: `/v1/subscription_items?subscription=${subscription}` };
}

function firstInvoiceLines(call: Call, subscription: StripeObject, items: StripeObject[], trial: boolean): LineSpec[] {
  return items.map((item) => {
    const price = item.price as StripeObject;
    const quantity = Number(item.quantity);
    const product = call.store.get('product', price.product);
    const amount = trial ? 0 : Number(price.unit_amount ?? 0) * quantity;
    return {
      amount,
      currency: String(price.currency),
      description: trial ? `Trial period for ${String(product.name)}` : `${quantity} × ${String(product.name)}`,
      quantity,
      price: price.id,
      parent: { subscription_item_details: { proration: false, subscription: subscription.id, subscription_item: item.id }, type: 'subscription_item_details' },
    };
  });
}

/** Bills the first invoice; returns the subscription's resulting status. */
function billFirstInvoice(call: Call, subscription: StripeObject, invoice: StripeObject, trial: boolean): string {
  const incompleteAllowed = str(call.params, 'payment_behavior') !== 'error_if_incomplete';
  if (str(call.params, 'payment_behavior') === 'default_incomplete') {
    finalizeInvoice(call, invoice);
    return invoice.status === 'paid' ? 'active' : 'incomplete';
  }
  try {
    payInvoice(call, invoice, (subscription.default_payment_method as string | null) ?? undefined);
  } catch (error) {
    // allow_incomplete (the default): a first payment that fails leaves the subscription incomplete.
    if (!(error instanceof StripeApiError) || !incompleteAllowed) throw error;
  }
  if (invoice.status === 'paid') return trial ? 'trialing' : 'active';
  return 'incomplete';
}

function createSubscription(call: Call): StripeObject {
  const customer = call.store.get('customer', requiredStr(call.params, 'customer'), 'customer');
  const specs = list(call.params.items).map(record);
  if (specs.length === 0) throw missingParam('items');
  const defaultPaymentMethod = str(call.params, 'default_payment_method');
  if (defaultPaymentMethod) call.store.get('payment_method', defaultPaymentMethod, 'default_payment_method');
  const trialDays = int(call.params, 'trial_period_days');
  const now = unixNow();
  const id = newId('sub');
  const items = specs.map((spec) => subscriptionItem(call, id, spec));
  const subscription = call.store.add<StripeObject>({
    id,
    object: 'subscription',
    application: null,
    automatic_tax: { enabled: false, liability: null },
    billing_cycle_anchor: trialDays ? now + trialDays * 86400 : now,
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, reason: null },
    collection_method: str(call.params, 'collection_method') ?? 'charge_automatically',
    created: now,
    currency: String((items[0]?.price as StripeObject).currency),
    customer: customer.id,
    default_payment_method: defaultPaymentMethod ?? null,
    description: str(call.params, 'description') ?? null,
    discounts: [],
    ended_at: null,
    items: itemList(id, items),
    latest_invoice: null,
    livemode: false,
    metadata: mergeMetadata({}, call.params.metadata),
    pending_update: null,
    start_date: now,
    status: 'incomplete',
    trial_end: trialDays ? now + trialDays * 86400 : null,
    trial_start: trialDays ? now : null,
  });
  const invoice = draftInvoice(call, customer, firstInvoiceLines(call, subscription, items, Boolean(trialDays)), {
    billing_reason: 'subscription_create',
    parent: { quote_details: null, subscription_details: { metadata: subscription.metadata, subscription: id }, type: 'subscription_details' },
  });
  subscription.latest_invoice = invoice.id;
  subscription.status = billFirstInvoice(call, subscription, invoice, Boolean(trialDays));
  call.emit('customer.subscription.created', subscription);
  return subscription;
}

function updateSubscription(call: Call): StripeObject {
  const subscription = call.store.get('subscription', call.ids.id);
  const changes: Record<string, unknown> = { metadata: mergeMetadata(subscription.metadata, call.params.metadata) };
  const onlyMetadata = Object.keys(call.params).every((key) => key === 'metadata' || key === 'expand');
  if (subscription.status === 'canceled' && !onlyMetadata) {
    throw invalidRequest('A canceled subscription can only update its cancellation_details and metadata.');
  }
  if (str(call.params, 'description') !== undefined) changes.description = str(call.params, 'description');
  if (str(call.params, 'default_payment_method') !== undefined) {
    changes.default_payment_method = call.store.get('payment_method', str(call.params, 'default_payment_method'), 'default_payment_method').id;
  }
  if (call.params.cancel_at_period_end !== undefined) {
    const cancel = bool(call.params, 'cancel_at_period_end');
    const periodEnd = (subscription.items as { data: StripeObject[] }).data[0]?.current_period_end ?? null;
    Object.assign(changes, { cancel_at_period_end: cancel, cancel_at: cancel ? periodEnd : null, canceled_at: cancel ? unixNow() : null });
  }
  if (call.params.items !== undefined) {
    const current = (subscription.items as { data: StripeObject[] }).data;
    const next = list(call.params.items).map((value) => {
      const spec = record(value);
      const existing = current.find((item) => item.id === str(spec, 'id'));
      if (!existing) return subscriptionItem(call, subscription.id, spec);
      const price = str(spec, 'price') ? structuredClone(call.store.get('price', str(spec, 'price'), 'items[0][price]')) : existing.price;
      return { ...existing, price, quantity: int(spec, 'quantity') ?? existing.quantity };
    });
    const kept = current.filter((item) => !next.some((n) => n.id === item.id));
    changes.items = itemList(subscription.id, [...kept, ...next]);
  }
  const previous = applyChanges(subscription, changes);
  if (Object.keys(previous).length > 0) call.emit('customer.subscription.updated', subscription, previous);
  return subscription;
}

function cancelSubscription(call: Call): StripeObject {
  const subscription = call.store.get('subscription', call.ids.id);
  if (subscription.status === 'canceled') throw invalidRequest(`No such subscription: '${subscription.id}'`, { code: 'resource_missing', param: 'id' }, 404);
  const now = unixNow();
  applyChanges(subscription, {
    status: 'canceled',
    canceled_at: now,
    ended_at: now,
    cancellation_details: { comment: null, feedback: null, reason: 'cancellation_requested' },
  });
  call.emit('customer.subscription.deleted', subscription);
  return subscription;
}

export const subscriptionRoutes: Route[] = [
  route('POST', '/v1/subscriptions', createSubscription),
  route('POST', '/v1/subscriptions/:id', updateSubscription),
  route('DELETE', '/v1/subscriptions/:id', cancelSubscription),
];
