/**
 * One flow run is one story: a customer with a monthly subscription whose invoice is
 * paid by one payment (SEPA Debit, so it can be pending before it succeeds), part of
 * which is transferred to a connected account. Every synthesized object reads its ids,
 * amount and currency from here, so all events of a run agree with each other.
 */
import type { Random } from './random.js';

export interface Story {
  random: Random;
  /** Unix seconds the story begins (the objects' `created`). */
  start: number;
  amount: number;
  currency: string;
  /** A monthly billing period around `start`. */
  period: { start: number; end: number };
  customer: { id: string; name: string; email: string };
  product: string;
  price: string;
  subscription: string;
  subscriptionItem: string;
  invoice: string;
  invoiceNumber: string;
  /** The subscription's invoice before this one (what `latest_invoice` was). */
  previousInvoice: string;
  lineItem: string;
  paymentIntent: string;
  /** What `client_secret` a browser would hold (never a real secret). */
  clientSecret: string;
  paymentMethod: string;
  mandate: string;
  charge: string;
  balanceTransaction: string;
  transfer: string;
  transferTransaction: string;
  /** The connected account the transfer pays. */
  destination: string;
  /** What the platform keeps; the transfer is `amount - fee`. */
  fee: number;
  /**
   * A value fixed by the first event that needs it and repeated by later ones, so
   * `paid_at` or a refund's id never change between events of one story.
   */
  once<T>(key: string, value: () => T): T;
}

// Stripe's documentation uses these names for test customers.
const NAMES = ['Jenny Rosen', 'Jane Diaz', 'Alex Smith', 'Sam Lee', 'Kai Müller', 'Ana Costa'];
const PRICES = [990, 1500, 2000, 2900, 4900, 9900];
const MONTH = 30 * 24 * 3600;

export function createStory(random: Random, start: number): Story {
  const name = random.pick(NAMES);
  const amount = random.pick(PRICES);
  const periodStart = start - random.int(MONTH / 2);
  const paymentIntent = random.id('pi');
  const fixed = new Map<string, unknown>();
  return {
    random,
    start,
    amount,
    currency: 'eur',
    period: { start: periodStart, end: periodStart + MONTH },
    customer: {
      id: random.id('cus'),
      name,
      email: `${name.toLowerCase().normalize('NFD').replace(/[^a-z ]/g, '').replace(' ', '.')}@example.com`,
    },
    product: random.id('prod'),
    price: random.id('price'),
    subscription: random.id('sub'),
    subscriptionItem: random.id('si'),
    invoice: random.id('in'),
    invoiceNumber: `${random.token(8).toUpperCase()}-${String(1 + random.int(40)).padStart(4, '0')}`,
    previousInvoice: random.id('in'),
    lineItem: random.id('il'),
    paymentIntent,
    clientSecret: `${paymentIntent}_secret_${random.token(25)}`,
    paymentMethod: random.id('pm'),
    mandate: random.id('mandate'),
    charge: random.id('ch'),
    balanceTransaction: random.id('txn'),
    transfer: random.id('tr'),
    transferTransaction: random.id('txn'),
    destination: random.id('acct'),
    fee: Math.round(amount * 0.1),
    once<T>(key: string, value: () => T): T {
      if (!fixed.has(key)) fixed.set(key, value());
      return fixed.get(key) as T;
    },
  };
}
