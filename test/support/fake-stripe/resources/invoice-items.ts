/**
 * Invoice items: pending charges on a customer that the next invoice picks up.
 */
import { deleter, int, mergeMetadata, requiredStr, route, str, type Call, type Route } from '../api.js';
import { invalidRequest, newId, unixNow, type StripeObject } from '../store.js';
import { period, requireStatus } from './invoices.js';

function createInvoiceItem(call: Call): StripeObject {
  const customer = call.store.get('customer', requiredStr(call.params, 'customer'), 'customer');
  const price = str(call.params, 'price') ? call.store.get('price', str(call.params, 'price'), 'price') : undefined;
  const quantity = int(call.params, 'quantity') ?? 1;
  const amount = price ? Number(price.unit_amount) * quantity : int(call.params, 'amount');
  if (amount === undefined) throw invalidRequest('Must provide one of amount, price, price_data or pricing.', { code: 'parameter_missing', param: 'amount' });
  const currency = (str(call.params, 'currency') ?? String(price?.currency ?? '')).toLowerCase();
  if (!currency) throw invalidRequest('Missing required param: currency.', { code: 'parameter_missing', param: 'currency' });
  const invoiceId = str(call.params, 'invoice');
  if (invoiceId) requireStatus(call.store.get('invoice', invoiceId, 'invoice'), ['draft'], 'add items to');
  const item = call.store.add({
    id: newId('ii'),
    object: 'invoiceitem',
    amount,
    currency,
    customer: customer.id,
    date: unixNow(),
    description: str(call.params, 'description') ?? null,
    discountable: true,
    invoice: invoiceId ?? null,
    livemode: false,
    metadata: mergeMetadata({}, call.params.metadata),
    period: period(),
    pricing: price ? { price_details: { price: price.id, product: price.product }, type: 'price_details' } : null,
    proration: false,
    quantity,
  });
  call.emit('invoiceitem.created', item);
  return item;
}

export const invoiceItemRoutes: Route[] = [
  route('POST', '/v1/invoiceitems', createInvoiceItem),
  route('DELETE', '/v1/invoiceitems/:id', deleter('invoiceitem', (call, item) => {
    if (item.invoice) requireStatus(call.store.get('invoice', item.invoice), ['draft'], 'delete items of');
  })),
];
