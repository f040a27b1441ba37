/**
 * Billing meters and the v2 meter event stream: what `stripe trigger v1.billing.meter.no_meter_found` and
 * `…error_report_triggered` call, and the thin events Stripe answers them with. The stream is on Stripe's own host
 * (`https://meter-events.stripe.com`, the fixture's `api_base`, which `--api-base` does not change): the Stripe CLI
 * reaches this fake for it only through `STRIPE_CLI_UNIX_SOCKET` (the fake's `unixSocket`), and authenticates with
 * the session's token, not the API key.
 */
import { list, record, requiredStr, route, str, type Call, type Route } from '../api.js';
import { invalidRequest, newId, unixNow, type Store, type StripeObject } from '../store.js';

export const METER_STREAM_PATH = '/v2/billing/meter_event_stream';

function createMeter(call: Call): StripeObject {
  const eventName = requiredStr(call.params, 'event_name');
  if (call.store.list('billing.meter', (meter) => meter.event_name === eventName).length > 0) {
    throw invalidRequest(`A meter with event_name ${eventName} already exists.`, { param: 'event_name' });
  }
  return call.store.add({
    id: newId('mtr_test'),
    object: 'billing.meter',
    created: unixNow(),
    display_name: requiredStr(call.params, 'display_name'),
    event_name: eventName,
    default_aggregation: { formula: str(record(call.params.default_aggregation), 'formula') ?? 'sum' },
    customer_mapping: { event_payload_key: 'stripe_customer_id', type: 'by_id' },
    status: 'active',
    livemode: false,
  });
}

function createSession(call: Call): StripeObject {
  const now = new Date();
  return call.store.add({
    id: newId('mes_test'),
    object: 'v2.billing.meter_event_session',
    authentication_token: newId('mes_tok'),
    created: now.toISOString(),
    expires_at: new Date(now.getTime() + 15 * 60_000).toISOString(),
    livemode: false,
  });
}

/**
 * Each event of the stream, as Stripe judges it asynchronously: no meter with its `event_name` is
 * `v1.billing.meter.no_meter_found`; a meter's event without the customer its mapping needs is an error report
 * on that meter, `v1.billing.meter.error_report_triggered`.
 */
function streamEvents(call: Call): Record<string, unknown> {
  for (const event of list(call.params.events)) {
    const fields = record(event);
    const name = typeof fields.event_name === 'string' ? fields.event_name : '';
    const [meter] = call.store.list('billing.meter', (candidate) => candidate.event_name === name);
    if (!meter) call.emitThin({ type: 'v1.billing.meter.no_meter_found', relatedObject: null });
    else if (record(fields.payload).stripe_customer_id === undefined) {
      call.emitThin({ type: 'v1.billing.meter.error_report_triggered', relatedObject: { id: meter.id, type: 'billing.meter', url: `/v1/billing/meters/${meter.id}` } });
    }
  }
  return {};
}

/** The stream takes the meter event session's token as its key; Stripe's 401 otherwise. */
export function checkMeterToken(header: string | undefined, store: Store): void {
  const token = /^Bearer (\S+)$/.exec(header ?? '')?.[1];
  if (!token || store.list('v2.billing.meter_event_session', (session) => session.authentication_token === token).length === 0) {
    throw invalidRequest('Invalid or expired meter event session token.', {}, 401);
  }
}

export const billingMeterRoutes: Route[] = [
  route('GET', '/v1/billing/meters', ({ store, params }) => {
    const status = str(params, 'status');
    return { object: 'list', data: store.list('billing.meter', (meter) => status === undefined || meter.status === status), has_more: false, url: '/v1/billing/meters' };
  }),
  route('POST', '/v1/billing/meters', createMeter),
  route('GET', '/v1/billing/meters/:id', ({ store, ids }) => store.get('billing.meter', ids.id)),
  route('POST', '/v2/billing/meter_event_session', createSession),
  route('POST', METER_STREAM_PATH, streamEvents),
];
