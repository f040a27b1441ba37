/**
 * Thin events, as Stripe's v2 event destinations send them: `"object": "v2.core.event"`, an ISO `created`, the
 * connected account in `context`, the object the event is about in `related_object` (no snapshot of it). They
 * reach `stripe listen` as `v2_event` messages, signed like snapshot events (`signatureHeader`).
 */
import { newId } from './store.js';

export interface ThinEvent {
  id: string;
  object: 'v2.core.event';
  type: string;
  /** ISO 8601, not unix seconds as a snapshot event's. */
  created: string;
  livemode: boolean;
  /** The connected account (`acct_…`) the event happened on; null on the platform itself. */
  context: string | null;
  related_object: { id: string; type: string; url: string } | null;
  reason: { type: string; request?: { id: string; idempotency_key: string } } | null;
  data?: Record<string, unknown>;
}

export interface ThinEmitInput {
  type: string;
  /** Makes it a Connect thin event (`context`), which the CLI forwards to its connect destination. */
  account?: string;
  relatedObject?: ThinEvent['related_object'];
  data?: Record<string, unknown>;
  /** Default: now. */
  created?: Date;
  livemode?: boolean;
}

/** The related object of a billing meter event, the common case of `v1.billing.meter.*`. */
function meterObject(): ThinEvent['related_object'] {
  const id = newId('mtr_test', 24);
  return { id, type: 'billing.meter', url: `/v1/billing/meters/${id}` };
}

export function buildThinEvent(input: ThinEmitInput, requestId?: string): ThinEvent {
  return {
    id: newId('evt_test', 24),
    object: 'v2.core.event',
    type: input.type,
    created: (input.created ?? new Date()).toISOString(),
    livemode: input.livemode ?? false,
    context: input.account ?? null,
    related_object: input.relatedObject === undefined ? (input.type.startsWith('v1.billing.meter.') ? meterObject() : null) : input.relatedObject,
    reason: requestId ? { type: 'request', request: { id: requestId, idempotency_key: '' } } : null,
    ...(input.data !== undefined && { data: input.data }),
  };
}
