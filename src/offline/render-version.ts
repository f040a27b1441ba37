/**
 * Renders a synthesized object (written in the SDK's own API version) in the shape of another
 * version, as Stripe renders an endpoint's events in the version the endpoint is pinned to: fields
 * that version lacks are removed, and the ones it always sends that the model lacks are added,
 * filled from the story (an old invoice's `payment_intent` is the story's payment intent). Which
 * fields each version has is generated from the SDK's type definitions (api-shapes.ts).
 * Run after synthesis and before any override, so an override sees the fields of the app's version.
 */
import { API_SHAPES, SHAPE_VERSIONS } from './api-shapes.js';
import { charge } from './objects-payment.js';
import type { Story } from './story.js';

type Json = Record<string, unknown>;

/** A known version whose shape an event is rendered in, and whether it is the one asked for. */
export interface ApiShape {
  version: string;
  exact: boolean;
}

const dateOf = (version: string) => version.slice(0, 10);

/** The known shape for a version: itself, else the newest known one released before it (the oldest known if it is older than all). */
export function nearestShape(version: string): ApiShape {
  if ((SHAPE_VERSIONS as readonly string[]).includes(version)) return { version, exact: true };
  const before = SHAPE_VERSIONS.filter((known) => dateOf(known) < dateOf(version) || (dateOf(known) === dateOf(version) && known < version));
  return { version: before.at(-1) ?? SHAPE_VERSIONS[0], exact: false };
}

const list = (url: string, data: unknown[] = []) => ({ object: 'list', data, has_more: false, total_count: data.length, url });

/** Values for fields older versions always send and today's models lack, consistent with the story and the object. */
const FILLERS: Record<string, (story: Story, object: Json) => unknown> = {
  'invoice.subscription': (s) => s.subscription,
  'invoice.payment_intent': (s, o) => (o.status === 'draft' ? null : s.paymentIntent),
  'invoice.charge': (s, o) => (o.status === 'paid' ? s.charge : null),
  'invoice.paid': (_s, o) => o.status === 'paid',
  'invoice.paid_out_of_band': () => false,
  'invoice.subscription_details': () => ({ metadata: {} }),
  'invoice.total_tax_amounts': () => [],
  'invoice.discounts': () => [],
  'line_item.type': () => 'subscription',
  'line_item.proration': () => false,
  'line_item.proration_details': () => ({ credited_items: null }),
  'line_item.subscription_item': (s) => s.subscriptionItem,
  'line_item.tax_amounts': () => [],
  'line_item.tax_rates': () => [],
  'line_item.discount_amounts': () => [],
  'subscription.current_period_start': (s) => s.period.start,
  'subscription.current_period_end': (s) => s.period.end,
  'subscription.quantity': () => 1,
  'subscription_item.tax_rates': () => [],
  'charge.refunds': (s) => list(`/v1/charges/${s.charge}/refunds`),
  'charge.invoice': (s) => s.invoice,
  'payment_intent.invoice': (s) => s.invoice,
  // Before 2022-11-15 a PaymentIntent listed its charges: the story's one, once there is one.
  'payment_intent.charges': (s, o) =>
    list(`/v1/charges?payment_intent=${s.paymentIntent}`, o.latest_charge ? [charge(s, o.status === 'succeeded' ? 'succeeded' : 'pending')] : []),
  'transfer.destination_payment': (s) => `py_${s.transfer.slice(3)}`,
};

/** Fields a version always sends that nothing fills (FILLERS has none and the type does not allow null): a test keeps this empty. */
export function unfilledFields(version: string): string[] {
  const index = SHAPE_VERSIONS.indexOf(version as (typeof SHAPE_VERSIONS)[number]);
  return Object.entries(API_SHAPES).flatMap(([object, fields]) =>
    Object.entries(fields)
      .filter(([field, flags]) => flags[index] === 'r' && !'rn'.includes(flags.at(-1)!) && !FILLERS[`${object}.${field}`])
      .map(([field]) => `${object}.${field}`),
  );
}

/** `data.object` (and every object nested in it) in the shape of `shape`, a version of SHAPE_VERSIONS. */
export function renderInVersion<T>(object: T, shape: string, story: Story): T {
  const index = SHAPE_VERSIONS.indexOf(shape as (typeof SHAPE_VERSIONS)[number]);
  if (index < 0) throw new Error(`no shape for API version ${shape}`);
  if (index === SHAPE_VERSIONS.length - 1) return object;
  return render(object, index, story) as T;
}

function render(value: unknown, index: number, story: Story): unknown {
  if (Array.isArray(value)) return value.map((item) => render(item, index, story));
  if (value === null || typeof value !== 'object') return value;
  const source = value as Json;
  const fields = typeof source.object === 'string' ? API_SHAPES[source.object] : undefined;
  const out: Json = {};
  for (const [key, child] of Object.entries(source)) {
    if (fields?.[key]?.[index] === '-') continue;
    out[key] = render(child, index, story);
  }
  if (!fields) return out;
  for (const [field, flags] of Object.entries(fields)) {
    const flag = flags[index];
    if (field in out || (flag !== 'r' && flag !== 'n')) continue;
    const fill = FILLERS[`${source.object as string}.${field}`];
    out[field] = fill ? render(fill(story, source), index, story) : null;
  }
  // Stripe sends id and object first, then the fields in alphabetical order (as the models are written).
  const { id, object, ...rest } = out;
  const sorted = Object.fromEntries(Object.keys(rest).sort().map((key) => [key, rest[key]]));
  return id === undefined ? { object, ...sorted } : { id, object, ...sorted };
}
