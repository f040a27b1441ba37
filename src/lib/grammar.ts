/**
 * What an event type and an event id may look like, wherever they are read from outside (recordings, flow files,
 * the bodies the relay forwards). Stripe's types are lowercase segments joined by dots (`invoice.paid`; thin events
 * `v1.billing.meter.no_meter_found`, `v2.core.account[requirements].updated`), ids `evt_` then letters, digits and `_`.
 * Types not in this SDK's list stay welcome when well formed: a recording may be newer than the SDK.
 */

/** Longer than any type Stripe has (the longest is about 70 characters). */
export const MAX_EVENT_TYPE = 100;

// A part may end in one bracketed dotted name, as some thin types' do: `v2.core.account[configuration.customer].updated`.
const EVENT_TYPE = /^[a-z0-9_]+(?:\[[a-z0-9_]+(?:\.[a-z0-9_]+)*\])?(?:\.[a-z0-9_]+(?:\[[a-z0-9_]+(?:\.[a-z0-9_]+)*\])?)+$/;
const EVENT_ID = /^evt_[A-Za-z0-9_]{1,255}$/;

export const isEventTypeShape = (value: unknown): value is string => typeof value === 'string' && value.length <= MAX_EVENT_TYPE && EVENT_TYPE.test(value);

export const isEventId = (value: unknown): value is string => typeof value === 'string' && EVENT_ID.test(value);

/** What a well-formed type is, for the message that refuses one. */
export const EVENT_TYPE_FORM = `lowercase letters, digits and _ in dot-separated parts (a part may end in [name], as in thin types), at most ${MAX_EVENT_TYPE} characters (e.g. invoice.paid)`;

/** What a well-formed id is, likewise. */
export const EVENT_ID_FORM = 'evt_ then up to 255 letters, digits and _';
