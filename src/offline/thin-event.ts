/**
 * Thin events, as Stripe sends them to a v2 event destination: not a snapshot of an object but a notification that
 * something happened to one, `{ id, object: "v2.core.event", type, created, livemode, context, related_object,
 * reason }`. `created` is an ISO 8601 string (a snapshot event's is unix seconds); `related_object` points at the
 * story's object (`{ id, type, url }`, `{ type, url }` for a singleton such as the balance, or null), as the SDK's
 * types say for each type (flows/thin-event-types.ts). The body carries no `data`: the SDK's `fetchEvent()` gets
 * that from /v2/core/events. A thin body has no API version either ("the payload of thin events is unversioned"),
 * so it is never rendered in the app's version (render-version.ts): it is the same whatever version the app pins.
 */
import { THIN_EVENTS, type ThinEventType } from '../flows/thin-event-types.js';
import { THIN_EVENT_OBJECT } from '../flows/thin.js';
import { storyObjectId } from './generic.js';
import type { Story } from './story.js';

/**
 * A thin event's body, as sent (the SDK's EventNotification without its methods; `context` is null for your own
 * account). Spelled out rather than taken from `Stripe.V2`, which the older SDK majors the `stripe` peer range admits
 * do not have: the library's declarations must type-check against any of them (.ci/pack-smoke.sh, stripe 8).
 */
export interface ThinEvent {
  id: string;
  object: typeof THIN_EVENT_OBJECT;
  type: ThinEventType;
  created: string;
  livemode: boolean;
  /** The connected account it happened on (`acct_…`); null for the account itself. */
  context: string | null;
  /** The object it is about: `id` absent for a singleton (the account's balance, its tax settings, …). */
  related_object: { id?: string; type: string; url: string } | null;
  /** Why it happened: `{ type: 'request', request: { id, idempotency_key } }` when an API call caused it. */
  reason: { type: string; request?: { id: string; idempotency_key: string } } | null;
}

/** The related object of `type` in this story: its id, and the SDK's URL for it with the story's ids filled in. */
function relatedObject(story: Story, type: ThinEventType): ThinEvent['related_object'] {
  const related = THIN_EVENTS[type];
  if (related === null) return null;
  const id = 'singleton' in related ? undefined : storyObjectId(story, related.type);
  // `{customer}`, `{account}`: the object it belongs to, which the story has (or makes once).
  const url = related.url.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'id' ? id! : storyObjectId(story, name)));
  return id === undefined ? { type: related.type, url } : { id, type: related.type, url };
}

/** One thin event of the story at unix second `at`; `request` when an API call caused it (Stripe's `reason`). */
export function thinEvent(story: Story, type: ThinEventType, at: number, request: { id: string; idempotency_key: string } | null): ThinEvent {
  const { random } = story;
  // Built field by field in the order Stripe sends them.
  return {
    id: random.token(46, 'evt_test_'),
    object: THIN_EVENT_OBJECT,
    type,
    created: new Date(at * 1000 + random.int(1000)).toISOString(),
    livemode: false,
    context: null,
    related_object: relatedObject(story, type),
    reason: request && { type: 'request', request },
  };
}
