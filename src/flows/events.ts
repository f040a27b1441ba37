/** Event-type validation against the SDK-derived lists (snapshot and thin), with "did you mean". */
import { UsageError } from '../errors.js';
import { EVENT_TYPE_FORM, isEventTypeShape } from '../lib/grammar.js';
import { quoted } from '../lib/sanitize.js';
import { suggest } from '../lib/suggest.js';
import { BUILTIN_FLOWS } from './builtin.js';
import { EVENT_TYPES, type EventType } from './event-types.js';
import { THIN_EVENT_TYPES } from './thin-event-types.js';
import { isThinEventType } from './thin.js';
import type { Flow, FlowEventType } from './types.js';

const KNOWN: ReadonlySet<string> = new Set(EVENT_TYPES);
const KNOWN_THIN: ReadonlySet<string> = new Set(THIN_EVENT_TYPES);

/** A snapshot event type of the SDK's list: what a webhook endpoint and `stripe listen --events` take. */
export function isEventType(value: string): value is EventType {
  return KNOWN.has(value);
}

/** What a flow step may name: a snapshot event type or a thin one (`v1.billing.meter.no_meter_found`) of the SDK's lists. */
export function isFlowEventType(value: string): value is FlowEventType {
  return KNOWN.has(value) || KNOWN_THIN.has(value);
}

/** Explains an unknown event type in one line: the closest valid type (thin ones for a `v1.…`), or that none is close. */
export function unknownEventMessage(value: string): { message: string; hint: string } {
  // A value that is not even shaped like a type (escape sequences, a megabyte) is not compared with every known one.
  if (!isEventTypeShape(value)) return { message: `${quoted(value)} is not an event type`, hint: `an event type is ${EVENT_TYPE_FORM}` };
  const thin = isThinEventType(value);
  // `billing.meter.no_meter_found` exists only as a thin event: its name with the `v1.` Stripe gives it.
  const close = (!thin && KNOWN_THIN.has(`v1.${value}`) ? `v1.${value}` : undefined) ?? suggest(value, thin ? THIN_EVENT_TYPES : EVENT_TYPES);
  return {
    message: `unknown event type ${quoted(value)}`,
    hint: close
      ? `did you mean "${close}"?${isThinEventType(close) && !thin ? ' (a thin event)' : ''}`
      : thin
        ? 'no thin event type of the SDK is close to it; see https://docs.stripe.com/api/v2/core/events/event-types'
        : 'no Stripe event type is close to it; see https://docs.stripe.com/api/events/types',
  };
}

/** Why a thin type is refused where snapshot events are subscribed to. */
export const THIN_ELSEWHERE = 'only snapshot event types go here: thin events (v1.…, v2.…) are sent to v2 event destinations';

function refusal(value: string, where: string, known: (value: string) => boolean, snapshotOnly: boolean): UsageError {
  const { message, hint } =
    snapshotOnly && known(value)
      ? { message: `${quoted(value)} is a thin event type`, hint: THIN_ELSEWHERE }
      : unknownEventMessage(value);
  return new UsageError(where ? `${where}: ${message}` : message, { hint });
}

/** A snapshot event type, or a UsageError (a thin type is refused as one, an unknown one with the closest). */
export function assertEventType(value: string, where = ''): EventType {
  if (isEventType(value)) return value;
  throw refusal(value, where, (v) => KNOWN_THIN.has(v), true);
}

/** A type a flow step may name (snapshot or thin), or a UsageError with the closest one. */
export function assertFlowEventType(value: string, where = ''): FlowEventType {
  if (isFlowEventType(value)) return value;
  throw refusal(value, where, () => false, false);
}

/** Parses "a,b , c" into validated event types (no duplicates, order kept). */
export function parseEventList(list: string, flag = '--events'): EventType[] {
  const names = list.split(',').map((name) => name.trim()).filter(Boolean);
  if (names.length === 0) throw new UsageError(`${flag} is empty`, { hint: `e.g. ${flag} payment_intent.succeeded,charge.refunded` });
  return [...new Set(names.map((name) => assertEventType(name, flag)))];
}

/**
 * The distinct event types the flows name, in step order: what a listener or an
 * endpoint must receive for them.
 */
export function flowEvents(...flows: readonly Flow[]): FlowEventType[] {
  return [...new Set(flows.flatMap((flow) => flow.steps.map((step) => step.event)))];
}

/**
 * Every snapshot event type any built-in flow names: the default `listen --events` selection. Thin ones are left
 * out: `stripe listen` cannot forward both kinds to one destination.
 */
export function builtinFlowEvents(): EventType[] {
  return flowEvents(...BUILTIN_FLOWS).filter((type): type is EventType => !isThinEventType(type));
}
