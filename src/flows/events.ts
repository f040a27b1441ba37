/** Event-type validation against the SDK-derived list, with "did you mean". */
import { UsageError } from '../errors.js';
import { EVENT_TYPE_FORM, isEventTypeShape } from '../lib/grammar.js';
import { quoted } from '../lib/sanitize.js';
import { suggest } from '../lib/suggest.js';
import { BUILTIN_FLOWS } from './builtin.js';
import { EVENT_TYPES, type EventType } from './event-types.js';
import type { Flow } from './types.js';

const KNOWN: ReadonlySet<string> = new Set(EVENT_TYPES);

export function isEventType(value: string): value is EventType {
  return KNOWN.has(value);
}

/** Explains an unknown event type in one line: the closest valid type, or that none is close. */
export function unknownEventMessage(value: string): { message: string; hint: string } {
  // A value that is not even shaped like a type (escape sequences, a megabyte) is not compared with every known one.
  if (!isEventTypeShape(value)) return { message: `${quoted(value)} is not an event type`, hint: `an event type is ${EVENT_TYPE_FORM}` };
  const close = suggest(value, EVENT_TYPES);
  return {
    message: `unknown event type ${quoted(value)}`,
    hint: close
      ? `did you mean "${close}"?`
      : 'no Stripe event type is close to it; see https://docs.stripe.com/api/events/types',
  };
}

export function assertEventType(value: string, where = ''): EventType {
  if (isEventType(value)) return value;
  const { message, hint } = unknownEventMessage(value);
  throw new UsageError(where ? `${where}: ${message}` : message, { hint });
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
export function flowEvents(...flows: readonly Flow[]): EventType[] {
  return [...new Set(flows.flatMap((flow) => flow.steps.map((step) => step.event)))];
}

/** Every event type any built-in flow names: the default `listen --events` selection. */
export function builtinFlowEvents(): EventType[] {
  return flowEvents(...BUILTIN_FLOWS);
}
