/**
 * A flow step's `override:`, `add:` and `remove:` entries (`object:path=value`, as `stripe trigger --override`
 * takes them), applied offline to the synthesized events: to every object named `object` (its `object` field:
 * `invoice`, `payment_intent`, `price`), wherever an event of the story carries it (`data.object`, or embedded,
 * like a subscription item's price). Live, a fixture's override shapes the object it creates, and every later
 * event about that object shows it; offline there is one story, so a step's entries hold for all its events.
 *
 * A separate step after synthesis (and after the objects are rendered in the app's API version: the paths users
 * write are in that shape). An entry that cannot apply is a UsageError naming the step and the path, never
 * silently dropped.
 *
 * A thin event carries no object, only a reference to one (`related_object: { id, type, url }`): of an entry for
 * that object, only `object:id=…` applies to it (the reference's id, and its url with it), so the thin event keeps
 * pointing at the object the snapshot events carry; any other path changes those snapshot events' objects alone, and
 * is refused when no snapshot event carries one.
 */
import { UsageError } from '../errors.js';
import { quoted } from '../lib/sanitize.js';
import type { FlowStep } from '../flows/types.js';

type Kind = 'override' | 'add' | 'remove';

/** One entry of one step, parsed. */
export interface Rewrite {
  kind: Kind;
  /** The object name before the colon (`invoice`). */
  object: string;
  /** Field names and array indexes (`lines.data[0].amount` -> lines, data, 0, amount). */
  path: (string | number)[];
  /** The text after `=` (absent for remove). */
  value?: string;
  /** Where it came from, for errors: `step 2 (invoice.paid): override "invoice:billing_reason=…"`. */
  where: string;
}

type Json = Record<string, unknown> | unknown[];

const isContainer = (value: unknown): value is Json => typeof value === 'object' && value !== null;
const HINT = 'paths name fields of the object as Stripe sends it, e.g. invoice:billing_reason=subscription_create, customer:metadata.plan=pro or invoice:lines.data[0].amount=500';

/** `a.b[0][c]` -> a, b, 0, c. Brackets hold an index or a key (`metadata[order]`, as the Stripe CLI's form params). */
function parsePath(text: string, where: string): (string | number)[] {
  const path: (string | number)[] = [];
  for (const part of text.replace(/^"(.*)"$/, '$1').split('.')) {
    const match = /^([^[\]]*)((?:\[[^[\]]+\])*)$/.exec(part);
    if (!match || (match[1] === '' && match[2] === '')) throw new UsageError(`${where}: the path ${quoted(text)} is not a field path`, { hint: HINT });
    if (match[1] !== '') path.push(/^\d+$/.test(match[1]!) ? Number(match[1]) : match[1]!);
    for (const [, key] of match[2]!.matchAll(/\[([^\]]+)\]/g)) path.push(/^\d+$/.test(key!) ? Number(key) : key!);
  }
  return path;
}

function parseEntry(kind: Kind, entry: string, where: string): Rewrite {
  const equals = kind === 'remove' ? -1 : entry.indexOf('=');
  const target = equals === -1 ? entry : entry.slice(0, equals);
  const colon = target.indexOf(':');
  const at = `${where}: ${kind} ${quoted(entry)}`;
  if (colon < 1) throw new UsageError(`${at} names no object`, { hint: `write object:path${kind === 'remove' ? '' : '=value'}, e.g. invoice:billing_reason${kind === 'remove' ? '' : '=subscription_create'}` });
  if (kind !== 'remove' && equals === -1) throw new UsageError(`${at} has no value`, { hint: 'write object:path=value' });
  return {
    kind,
    object: target.slice(0, colon),
    path: parsePath(target.slice(colon + 1), at),
    ...(kind !== 'remove' && { value: entry.slice(equals + 1) }),
    where: at,
  };
}

/** Every step's entries, in step order (a later step's override of the same field wins). */
export function compileRewrites(steps: readonly Pick<FlowStep, 'event' | 'override' | 'add' | 'remove'>[]): Rewrite[] {
  return steps.flatMap((step, index) => {
    const where = `step ${index + 1} (${step.event})`;
    return (['override', 'add', 'remove'] as const).flatMap((kind) => (step[kind] ?? []).map((entry) => parseEntry(kind, entry, where)));
  });
}

/**
 * The value as the API would store it: the type of the field it replaces (Stripe reads form values by the
 * field's type); a new field's by its look (numbers, true/false, else text). Metadata is always text; an
 * empty value clears the field, as `field=` does in Stripe's API.
 */
function typed(rewrite: Rewrite, current: unknown): unknown {
  const text = rewrite.value!;
  if (rewrite.path.includes('metadata')) return text;
  if (text === '') return null;
  const asNumber = /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : undefined;
  const asBoolean = text === 'true' ? true : text === 'false' ? false : undefined;
  const fail = (what: string) => new UsageError(`${rewrite.where}: ${rewrite.object}.${rewrite.path.join('.')} is ${what}, and ${quoted(text)} is not`, { hint: HINT });
  if (typeof current === 'number') {
    if (asNumber === undefined) throw fail('a number');
    return asNumber;
  }
  if (typeof current === 'boolean') {
    if (asBoolean === undefined) throw fail('true or false');
    return asBoolean;
  }
  if (typeof current === 'string') return text;
  return asNumber ?? asBoolean ?? text;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  return value === null ? 'null' : `a ${typeof value}`;
}

/** Applies one rewrite to one object; false when a remove found nothing to remove. */
function applyTo(target: Record<string, unknown>, rewrite: Rewrite): boolean {
  let node: Json = target;
  const { path } = rewrite;
  for (const [i, key] of path.entries()) {
    const last = i === path.length - 1;
    const name = `${rewrite.object}.${path.slice(0, i).join('.')}`.replace(/\.$/, '');
    if (Array.isArray(node) && !(typeof key === 'number' && key < node.length)) {
      if (rewrite.kind === 'remove') return false;
      throw new UsageError(`${rewrite.where}: ${name} is a list of ${node.length}, so ${quoted(String(key))} names no item of it`, { hint: HINT });
    }
    const record = node as Record<string | number, unknown>;
    if (!last) {
      let next = record[key];
      if (next === undefined || next === null) {
        if (rewrite.kind === 'remove') return false;
        next = record[key] = {}; // as the Stripe CLI nests params: a new hash
      }
      if (!isContainer(next)) {
        throw new UsageError(`${rewrite.where}: ${name}.${key} is ${describe(next)}, not an object, so the path cannot go into it`, { hint: HINT });
      }
      node = next;
      continue;
    }
    if (rewrite.kind === 'remove') {
      if (!(key in record)) return false;
      if (Array.isArray(node)) node.splice(key as number, 1);
      else delete record[key];
      return true;
    }
    if (rewrite.kind === 'add' && record[key] !== undefined && record[key] !== null) return true;
    record[key] = typed(rewrite, record[key]);
  }
  return true;
}

/** Every object in `value` named `object`, outermost first. */
function objectsNamed(value: unknown, object: string, found: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (!isContainer(value)) return found;
  if (!Array.isArray(value) && value.object === object) found.push(value);
  for (const child of Object.values(value)) objectsNamed(child, object, found);
  return found;
}

/** An event: a snapshot one carries `data.object`, a thin one a `related_object` reference. */
interface Carrier {
  data?: { object: unknown };
  related_object?: unknown;
}

/** A thin event's reference to an object (`{ id, type, url }`), when it has one with an id. */
interface Reference {
  id: string;
  type: string;
  url: string;
}

const referenceOf = (event: Carrier): Reference | undefined => {
  const related = event.related_object as Partial<Reference> | null | undefined;
  return typeof related?.id === 'string' && typeof related.type === 'string' && typeof related.url === 'string' ? (related as Reference) : undefined;
};

/** The one entry a reference takes: a new id for the object it points at. */
const changesReference = (rewrite: Rewrite, reference: Reference) =>
  reference.type === rewrite.object && rewrite.kind === 'override' && rewrite.path.length === 1 && rewrite.path[0] === 'id' && rewrite.value !== '';

function rewriteReference(reference: Reference, rewrite: Rewrite): void {
  reference.url = reference.url.split(reference.id).join(rewrite.value);
  reference.id = rewrite.value!;
}

/** One event with the rewrites applied (a copy: the synthesized event is left as it was). */
export function rewriteEvent<E extends Carrier>(event: E, rewrites: readonly Rewrite[]): E {
  if (rewrites.length === 0) return event;
  const copy = structuredClone(event);
  const reference = referenceOf(copy);
  for (const rewrite of rewrites) {
    if (reference && changesReference(rewrite, reference)) rewriteReference(reference, rewrite);
    for (const target of objectsNamed(copy.data?.object, rewrite.object)) applyTo(target, rewrite);
  }
  return copy;
}

/** The rewrites applied to a stream of events, one at a time (a burst keeps only what is in flight). */
export function* rewriteEvents<E extends Carrier>(events: Iterable<E>, rewrites: readonly Rewrite[]): Generator<E, void, undefined> {
  for (const event of events) yield rewriteEvent(event, rewrites);
}

/**
 * Throws the UsageError of the first rewrite that applies nowhere in this story: an object no event carries,
 * a path into a non-object, a value of the wrong type, a remove that finds nothing. Run on one whole story
 * before anything is sent.
 */
export function checkRewrites(events: readonly Carrier[], rewrites: readonly Rewrite[]): void {
  if (rewrites.length === 0) return;
  const copies = structuredClone(events);
  const references = copies.map(referenceOf).filter((reference) => reference !== undefined);
  for (const rewrite of rewrites) {
    const targets = copies.flatMap((event) => objectsNamed(event.data?.object, rewrite.object));
    const pointing = references.filter((reference) => reference.type === rewrite.object);
    if (pointing.length > 0 && pointing.every((reference) => changesReference(rewrite, reference))) continue;
    if (targets.length === 0) throw noTarget(rewrite, copies, pointing.length > 0);
    const applied = targets.map((target) => applyTo(target, rewrite));
    if (!applied.includes(true)) throw new UsageError(`${rewrite.where}: no ${rewrite.object} of this flow has ${rewrite.path.join('.')}`, { hint: HINT });
  }
}

/** Why an entry applies nowhere: what the story's events carry, and what its thin events only point at. */
function noTarget(rewrite: Rewrite, events: readonly Carrier[], referenced: boolean): UsageError {
  const { object } = rewrite;
  if (referenced) {
    return new UsageError(`${rewrite.where}: a thin event carries only a reference to its ${object} (related_object), not the object`, {
      hint: `only ${object}:id=… changes a reference (its id and url); the object's other fields are in snapshot events, and no event of this flow carries one`,
    });
  }
  const names = [...new Set(events.flatMap((event) => allObjectNames(event.data?.object)))].sort();
  const pointed = [...new Set(events.map(referenceOf).filter((reference) => reference !== undefined).map((reference) => reference.type))].sort();
  const carried = names.length > 0 ? `the objects its events carry: ${names.join(', ')}` : 'its events carry no object (thin events carry only a reference, related_object)';
  return new UsageError(`${rewrite.where}: no event of this flow carries ${article(object)} ${quoted(object)}`, {
    hint: pointed.length > 0 ? `${carried}; its thin events point at: ${pointed.join(', ')} (only their id can change: ${pointed[0]}:id=…)` : carried,
  });
}

function allObjectNames(value: unknown, names: string[] = []): string[] {
  if (!isContainer(value)) return names;
  if (!Array.isArray(value) && typeof value.object === 'string' && value.object !== 'list') names.push(value.object);
  for (const child of Object.values(value)) allObjectNames(child, names);
  return names;
}

const article = (word: string) => (/^[aeiou]/.test(word) ? 'an' : 'a');
