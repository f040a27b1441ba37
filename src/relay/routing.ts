/**
 * Where each event goes: the first `--route GLOB=URL` whose glob matches the
 * event type (thin types included: `v1.billing.*`), else, for a thin event,
 * `--thin-to` (when given), else `--forward-connect-to` for a snapshot Connect
 * event (when given), else `--forward-to`, as the Stripe CLI itself falls back
 * (its next major forwards thin events to `--forward-to` too).
 */
import { UsageError } from '../errors.js';
import { parseForwardUrl } from '../lib/forward-url.js';
import { isEventGlob, matchesGlob } from '../lib/glob.js';
import { isThinEventType } from '../flows/thin.js';

export interface Route {
  /** An event-type glob: `*` stands for any run of characters, dots included. */
  glob: string;
  url: string;
}

export interface Routing {
  forwardTo: string;
  forwardConnectTo?: string;
  /** Where thin events go, Connect ones included (`--thin-to`). */
  thinTo?: string;
  routes: readonly Route[];
}

/** `invoice.*=http://localhost:4000/billing` → a Route; a UsageError when either side is wrong. */
export function parseRoute(value: string): Route {
  const hint = "use --route 'GLOB=URL', e.g. --route 'invoice.*=localhost:4000/billing'";
  const at = value.indexOf('=');
  if (at <= 0) throw new UsageError(`--route "${value}" is not GLOB=URL`, { hint });
  const glob = value.slice(0, at).trim();
  if (!isEventGlob(glob)) throw new UsageError(`--route "${value}": "${glob}" is not an event-type glob (letters, digits, _ . and *)`, { hint });
  return { glob, url: parseForwardUrl(value.slice(at + 1), `--route "${value}":`, hint) };
}

/** The URL an event of `type` (a Connect event when `connect`, a thin one when `thin`) is forwarded to. */
export function targetFor(routing: Routing, type: string | undefined, connect: boolean, thin = false): string {
  if (type !== undefined) {
    for (const route of routing.routes) if (matchesGlob(route.glob, type)) return route.url;
  }
  if (thin) return routing.thinTo ?? routing.forwardTo;
  return (connect && routing.forwardConnectTo) || routing.forwardTo;
}

/** A route that sends thin events somewhere: its glob names a thin type's start (`v1.billing.*`). */
export const isThinRoute = (route: Route): boolean => isThinEventType(route.glob);

/** Whether thin events have a destination of their own: `--thin-to`, or a thin route. */
export const hasThinDestination = (routing: Routing): boolean => routing.thinTo !== undefined || routing.routes.some(isThinRoute);
