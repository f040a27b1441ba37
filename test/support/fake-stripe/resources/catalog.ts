/**
 * Customers, Products and Prices.
 */
import { applyChanges, bool, int, mergeMetadata, record, requiredStr, route, str, updater, deleter, type Call, type Route } from '../api.js';
import { invalidRequest, newId, unixNow, type StripeObject } from '../store.js';
import { attach, resolvePaymentMethod, testCard } from './payment-methods.js';

const CUSTOMER_FIELDS = ['description', 'email', 'name', 'phone'] as const;

/** `invoice_settings[default_payment_method]` may name the test token passed as `payment_method` in the same call. */
function paymentSettings(call: Call, customer: StripeObject, attached: StripeObject | undefined): Record<string, unknown> {
  const wanted = str(record(call.params.invoice_settings), 'default_payment_method');
  if (wanted === undefined) return {};
  const method = attached && wanted === str(call.params, 'payment_method') ? attached : call.store.get('payment_method', wanted, 'invoice_settings[default_payment_method]');
  return { invoice_settings: { ...(customer.invoice_settings as object), default_payment_method: method.id } };
}

function paymentMethodParam(call: Call): StripeObject | undefined {
  const token = str(call.params, 'payment_method');
  return token ? resolvePaymentMethod(call, token) : undefined;
}

function customerChanges(call: Call, customer: StripeObject): Record<string, unknown> {
  const changes: Record<string, unknown> = { metadata: mergeMetadata(customer.metadata, call.params.metadata) };
  for (const key of CUSTOMER_FIELDS) if (call.params[key] !== undefined) changes[key] = str(call.params, key) ?? null;
  return changes;
}

function createCustomer(call: Call): StripeObject {
  const customer = call.store.add({
    id: newId('cus', 14),
    object: 'customer',
    address: null,
    balance: 0,
    created: unixNow(),
    currency: null,
    default_source: null,
    delinquent: false,
    description: null,
    email: null,
    invoice_prefix: newId('x', 8).slice(2).toUpperCase(),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: {},
    name: null,
    next_invoice_sequence: 1,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
  });
  const method = paymentMethodParam(call);
  applyChanges(customer, { ...customerChanges(call, customer), ...paymentSettings(call, customer, method) });
  call.emit('customer.created', customer);
  // Attaching needs the customer to exist, so its event follows customer.created.
  if (method) attach(call, method, customer.id);
  return customer;
}

function updateCustomer(call: Call): StripeObject {
  const customer = call.store.get('customer', call.ids.id);
  const method = paymentMethodParam(call);
  if (method) attach(call, method, customer.id);
  const previous = applyChanges(customer, { ...customerChanges(call, customer), ...paymentSettings(call, customer, method) });
  if (Object.keys(previous).length > 0) call.emit('customer.updated', customer, previous);
  return customer;
}

/** Legacy Sources API: `tok_visa` becomes a card on the customer (the first one is the default). */
function addSource(call: Call): StripeObject {
  const customer = call.store.get('customer', call.ids.customer);
  const token = requiredStr(call.params, 'source');
  const test = testCard(token);
  if (!test) throw invalidRequest(`No such token: '${token}'`, { code: 'resource_missing', param: 'source' }, 404);
  const card = call.store.add({
    id: newId('card'),
    object: 'card',
    brand: test.brand === 'amex' ? 'American Express' : test.brand.charAt(0).toUpperCase() + test.brand.slice(1),
    country: 'US',
    customer: customer.id,
    cvc_check: 'pass',
    exp_month: 12,
    exp_year: new Date().getFullYear() + 3,
    fingerprint: newId('x', 16).slice(2),
    funding: 'credit',
    last4: test.last4,
    metadata: {},
    name: null,
  });
  call.emit('customer.source.created', card);
  if (!customer.default_source) {
    const previous = applyChanges(customer, { default_source: card.id });
    call.emit('customer.updated', customer, previous);
  }
  return card;
}

function createProduct(call: Call): StripeObject {
  const now = unixNow();
  const product = call.store.add({
    id: newId('prod', 14),
    object: 'product',
    active: call.params.active === undefined ? true : bool(call.params, 'active'),
    created: now,
    default_price: null,
    description: str(call.params, 'description') ?? null,
    images: [],
    livemode: false,
    marketing_features: [],
    metadata: mergeMetadata({}, call.params.metadata),
    name: requiredStr(call.params, 'name'),
    shippable: null,
    tax_code: null,
    type: 'service',
    unit_label: null,
    updated: now,
    url: null,
  });
  call.emit('product.created', product);
  return product;
}

function createPrice(call: Call): StripeObject {
  const currency = requiredStr(call.params, 'currency').toLowerCase();
  const productData = record(call.params.product_data);
  const product = str(call.params, 'product') ?? (str(productData, 'name') ? createProduct({ ...call, params: productData }).id : requiredStr(call.params, 'product'));
  call.store.get('product', product, 'product');
  const recurring = record(call.params.recurring);
  const interval = str(recurring, 'interval');
  const unitAmount = int(call.params, 'unit_amount');
  const price = call.store.add({
    id: newId('price'),
    object: 'price',
    active: true,
    billing_scheme: 'per_unit',
    created: unixNow(),
    currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: str(call.params, 'lookup_key') ?? null,
    metadata: mergeMetadata({}, call.params.metadata),
    nickname: str(call.params, 'nickname') ?? null,
    product,
    recurring: interval ? { interval, interval_count: int(recurring, 'interval_count') ?? 1, meter: null, usage_type: 'licensed' } : null,
    tax_behavior: 'unspecified',
    tiers_mode: null,
    type: interval ? 'recurring' : 'one_time',
    unit_amount: unitAmount ?? null,
    unit_amount_decimal: unitAmount === undefined ? null : String(unitAmount),
  });
  call.emit('price.created', price);
  return price;
}

export const catalogRoutes: Route[] = [
  route('POST', '/v1/customers', createCustomer),
  route('POST', '/v1/customers/:id', updateCustomer),
  route('DELETE', '/v1/customers/:id', deleter('customer')),
  route('POST', '/v1/customers/:customer/sources', addSource),
  route('POST', '/v1/customers/:customer/sources/:id', updater('card', ['name'], 'customer.source.updated')),
  route('POST', '/v1/products', createProduct),
  route('POST', '/v1/products/:id', updater('product', ['name', 'description'], 'product.updated')),
  route('DELETE', '/v1/products/:id', deleter('product', (call, product) => {
    if (call.store.list('price', (price) => price.product === product.id).length > 0) {
      throw invalidRequest('This product cannot be deleted because it has one or more user-created prices.', { code: 'resource_already_exists' });
    }
  })),
  route('POST', '/v1/prices', createPrice),
  route('POST', '/v1/prices/:id', updater('price', ['nickname', 'lookup_key'], 'price.updated')),
];
