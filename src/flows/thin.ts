// Thin events (Stripe's v2 event destinations): `"object": "v2.core.event"`, types named `v<major>.…`. The Stripe CLI
// tells the two kinds apart by this same pattern (stripe-cli-notes.md, "listen in 1.52"), so ours must agree with it.
const THIN_TYPE = /^v\d+\./;

/** True for a thin event type such as `v1.billing.meter.error_report_triggered`. */
export function isThinEventType(type: string): boolean {
  return THIN_TYPE.test(type);
}

/** The `object` of a thin event's body; a snapshot event's is `event`. */
export const THIN_EVENT_OBJECT = 'v2.core.event';

/** Whether a parsed body is a thin event's (`"object": "v2.core.event"`); one that is not an object is not. */
export function isThinBody(event: unknown): boolean {
  return typeof event === 'object' && event !== null && (event as { object?: unknown }).object === THIN_EVENT_OBJECT;
}
