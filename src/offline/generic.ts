/**
 * The envelope for event types offline mode has no full model of (a user flow may
 * name any of the 276): `data.object` carries the resource's `object` name, an id in
 * Stripe's shape, and the story's own id when the resource is one the story has.
 */
import type { EventType } from '../flows/event-types.js';
import type { Story } from './story.js';

export interface GenericObject {
  id: string;
  object: string;
  created: number;
  livemode: false;
  metadata: Record<string, string>;
}

// Product areas whose objects are named with their namespace (`checkout.session`, `issuing.card`).
const NAMESPACES = new Set([
  'apps', 'billing', 'billing_portal', 'checkout', 'climate', 'entitlements', 'financial_connections', 'identity',
  'radar', 'reporting', 'reserve', 'sigma', 'tax', 'terminal', 'test_helpers', 'treasury',
]);

// Stripe's id prefixes for the objects most events are about; others fall back to a short form of the name.
const PREFIXES: Record<string, string> = {
  account: 'acct', application_fee: 'fee', balance: 'bal', bank_account: 'ba', 'billing.meter': 'mtr',
  'billing_portal.session': 'bps', 'checkout.session': 'cs_test', credit_note: 'cn', dispute: 'dp', file: 'file',
  'identity.verification_session': 'vs', invoiceitem: 'ii', 'issuing.authorization': 'iauth', 'issuing.card': 'ic',
  'issuing.cardholder': 'ich', 'issuing.dispute': 'idp', 'issuing.transaction': 'ipi', mandate: 'mandate',
  payment_link: 'plink', payment_method: 'pm', payout: 'po', person: 'person', plan: 'plan', price: 'price',
  product: 'prod', promotion_code: 'promo', quote: 'qt', 'radar.early_fraud_warning': 'issfr', refund: 're',
  'reporting.report_run': 'frr', review: 'prv', setup_intent: 'seti', source: 'src', subscription_schedule: 'sub_sched',
  tax_rate: 'txr', 'test_helpers.test_clock': 'clock', topup: 'tu', 'treasury.financial_account': 'fa',
  // v2 objects (thin events' related objects), by their name within their area.
  account_person: 'person', event_destination: 'ed', financial_account: 'fa', outbound_payment: 'obp', inbound_transfer: 'ibt',
  received_credit: 'rc', payout_intent: 'poi', fee_refund: 'fr', cash_balance: 'cb', scheduled_query_run: 'sqr',
};

/** `charge.dispute.created` -> `dispute`; `issuing_card.created` -> `issuing.card`; `checkout.session.completed` -> `checkout.session`. */
export function objectName(type: EventType): string {
  const resource = type.split('.').slice(0, -1);
  if (NAMESPACES.has(resource[0]!)) return resource.join('.');
  const name = resource.at(-1)!;
  if (name === 'external_account') return 'bank_account';
  return name.startsWith('issuing_') ? name.replace('issuing_', 'issuing.') : name;
}

function idPrefix(object: string): string {
  // A v2 object is named by its API area too (`v2.money_management.outbound_payment`): the prefix comes from the rest.
  const name = object.replace(/^v2\.[a-z_]+\./, '');
  return PREFIXES[object] ?? PREFIXES[name] ?? name.split(/[._]/).map((word) => word.slice(0, 3)).join('').slice(0, 8);
}

/** Ids the story already holds, so a generic `charge.refunded` is about the story's charge. */
function storyId(story: Story, object: string): string | undefined {
  const ids: Record<string, string> = {
    customer: story.customer.id,
    subscription: story.subscription,
    invoice: story.invoice,
    payment_intent: story.paymentIntent,
    charge: story.charge,
    transfer: story.transfer,
    price: story.price,
    product: story.product,
    payment_method: story.paymentMethod,
    mandate: story.mandate,
    account: story.destination,
  };
  return ids[object];
}

/** The story's id for an object of this name: its own (a customer, the charge), else one made once per story. */
export function storyObjectId(story: Story, object: string): string {
  return storyId(story, object) ?? story.once(`id:${object}`, () => story.random.id(idPrefix(object)));
}

export function genericObject(story: Story, type: EventType): GenericObject {
  const object = objectName(type);
  return {
    id: storyObjectId(story, object),
    object,
    created: story.start,
    livemode: false,
    metadata: {},
  };
}
