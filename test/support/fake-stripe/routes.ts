/**
 * Every REST route the fake answers: each resource's writes, plus retrieve and list for every
 * kind, as Stripe offers them.
 */
import { listOf, route, str, type Route } from './api.js';
import { billingMeterRoutes } from './resources/billing-meters.js';
import { catalogRoutes } from './resources/catalog.js';
import { connectRoutes } from './resources/connect.js';
import { invoiceItemRoutes } from './resources/invoice-items.js';
import { invoiceRoutes } from './resources/invoices.js';
import { paymentMethodRoutes } from './resources/payment-methods.js';
import { paymentRoutes } from './resources/payments.js';
import { payoutRefundRoutes } from './resources/payouts-refunds.js';
import { setupIntentRoutes } from './resources/setup-intents.js';
import { subscriptionRoutes } from './resources/subscriptions.js';

/** URL collection -> `object` value. */
const COLLECTIONS: Record<string, string> = {
  accounts: 'account',
  charges: 'charge',
  customers: 'customer',
  events: 'event',
  invoiceitems: 'invoiceitem',
  invoices: 'invoice',
  payment_intents: 'payment_intent',
  payment_methods: 'payment_method',
  prices: 'price',
  payouts: 'payout',
  products: 'product',
  refunds: 'refund',
  setup_intents: 'setup_intent',
  subscriptions: 'subscription',
  transfers: 'transfer',
};

/** List filters Stripe supports that matter to tests: `?customer=`, `?type=`, `?status=`, … */
const FILTERS = ['customer', 'type', 'status', 'subscription', 'payment_intent', 'product', 'invoice'];

function reads(): Route[] {
  return Object.entries(COLLECTIONS).flatMap(([collection, kind]) => [
    route('GET', `/v1/${collection}/:id`, ({ store, ids }) => store.get(kind, ids.id)),
    route('GET', `/v1/${collection}`, ({ store, params }) => {
      const data = store.list(kind, (object) => FILTERS.every((name) => str(params, name) === undefined || object[name] === str(params, name)));
      return listOf(`/v1/${collection}`, data, Number(str(params, 'limit') ?? 10));
    }),
  ]);
}

export const ROUTES: readonly Route[] = [
  ...catalogRoutes,
  ...paymentMethodRoutes,
  ...paymentRoutes,
  ...setupIntentRoutes,
  ...payoutRefundRoutes,
  ...invoiceItemRoutes,
  ...invoiceRoutes,
  ...subscriptionRoutes,
  ...connectRoutes,
  ...billingMeterRoutes,
  ...reads(),
];
