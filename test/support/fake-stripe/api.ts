/**
 * What a REST handler sees and returns, and a tiny path router (`/v1/invoices/:id/pay`).
 */
import type { FormParams, FormValue } from './form.js';
import { invalidRequest, missingParam, type Store, type StripeObject } from './store.js';
import type { ThinEmitInput } from './thin-events.js';

export interface Call {
  method: string;
  path: string;
  /** Form body for POST, query string for GET/DELETE, parsed. */
  params: FormParams;
  /** The `:name` segments of the route. */
  ids: Record<string, string>;
  store: Store;
  /**
   * Queue an event; the server publishes them in order once the call is answered. `account`
   * makes it a Connect event about that connected account.
   */
  emit(type: string, object: Record<string, unknown>, previousAttributes?: Record<string, unknown>, account?: string): void;
  /** Queue a thin event (v2 event destinations), published with the others. */
  emitThin(input: ThinEmitInput): void;
}

export type Handler = (call: Call) => Record<string, unknown>;

export interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: Handler;
}

export function route(method: string, path: string, handler: Handler): Route {
  const names: string[] = [];
  const source = path.replace(/:([a-z_]+)/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { method, pattern: new RegExp(`^${source}$`), names, handler };
}

export function matchRoute(routes: readonly Route[], method: string, path: string): { route: Route; ids: Record<string, string> } | undefined {
  for (const candidate of routes) {
    if (candidate.method !== method) continue;
    const match = candidate.pattern.exec(path);
    if (!match) continue;
    const ids: Record<string, string> = {};
    candidate.names.forEach((name, i) => (ids[name] = decodeURIComponent(match[i + 1] ?? '')));
    return { route: candidate, ids };
  }
  return undefined;
}

// Form values arrive as strings; these read them the way Stripe's API does.

export function str(params: FormParams, name: string): string | undefined {
  const value = params[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function requiredStr(params: FormParams, name: string): string {
  const value = str(params, name);
  if (value === undefined) throw missingParam(name);
  return value;
}

export function int(params: FormParams, name: string): number | undefined {
  const value = str(params, name);
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw invalidRequest(`Invalid integer: ${value}`, { code: 'parameter_invalid_integer', param: name });
  return Number(value);
}

export function requiredInt(params: FormParams, name: string): number {
  const value = int(params, name);
  if (value === undefined) throw missingParam(name);
  return value;
}

export function bool(params: FormParams, name: string): boolean {
  return str(params, name) === 'true';
}

export function record(value: FormValue | undefined): Record<string, FormValue> {
  return value !== undefined && typeof value === 'object' && !Array.isArray(value) ? value : {};
}

export function list(value: FormValue | undefined): FormValue[] {
  if (Array.isArray(value)) return value.filter((item) => item !== undefined);
  // `items[0][price]` parses as an array; a map keyed by index would too, so accept both.
  return value !== undefined && typeof value === 'object' ? Object.values(value) : [];
}

export function strings(params: FormParams, name: string): string[] {
  return list(params[name]).filter((item): item is string => typeof item === 'string');
}

/** `metadata[k]=v` merged into the existing metadata; `metadata[k]=` deletes k, as in Stripe. */
export function mergeMetadata(current: unknown, update: FormValue | undefined): Record<string, string> {
  const merged: Record<string, string> = { ...(current as Record<string, string> | undefined) };
  for (const [key, value] of Object.entries(record(update))) {
    if (value === '') delete merged[key];
    else if (typeof value === 'string') merged[key] = value;
  }
  return merged;
}

/** Applies `changes` to `object` and returns the previous values of what changed (`previous_attributes`). */
export function applyChanges(object: StripeObject, changes: Record<string, unknown>): Record<string, unknown> {
  const previous: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(changes)) {
    if (JSON.stringify(object[key]) === JSON.stringify(value)) continue;
    previous[key] = object[key] ?? null;
    object[key] = value;
  }
  return previous;
}

/**
 * The plain update most resources have: `metadata` merged, the named string fields replaced,
 * and `eventTypes` emitted with `previous_attributes` when anything changed.
 */
export function updater(kind: string, fields: readonly string[], ...eventTypes: string[]): Handler {
  return (call) => {
    const object = call.store.get(kind, call.ids.id);
    const changes: Record<string, unknown> = { metadata: mergeMetadata(object.metadata, call.params.metadata) };
    for (const field of fields) if (str(call.params, field) !== undefined) changes[field] = str(call.params, field);
    const previous = applyChanges(object, changes);
    if (Object.keys(previous).length > 0) for (const type of eventTypes) call.emit(type, object, previous);
    return object;
  };
}

/**
 * `DELETE /v1/<kind>s/:id`: `check` may refuse, then the object goes, `announce` emits (default
 * `<kind>.deleted`), and the answer is Stripe's `{ id, object, deleted: true }` stub.
 */
export function deleter(
  kind: string,
  check: (call: Call, object: StripeObject) => void = () => {},
  announce: (call: Call, object: StripeObject) => void = (call, object) => call.emit(`${kind}.deleted`, object),
): Handler {
  return (call) => {
    const object = call.store.get(kind, call.ids.id);
    check(call, object);
    call.store.remove(object.id);
    announce(call, object);
    return { id: object.id, object: kind, deleted: true };
  };
}

/** Stripe's list envelope. */
export function listOf(url: string, data: StripeObject[], limit = 10): Record<string, unknown> {
  return { object: 'list', data: data.slice(0, limit), has_more: data.length > limit, url };
}
