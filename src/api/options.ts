/**
 * The library's option objects, one per function (docs/api.md). Every field is
 * named; an unknown one is a type error, and a usage error at run time (each
 * object is checked by the rules in rules.ts). Durations are milliseconds, and
 * their names end in `Ms`. `signal` stops the work: the function then rejects
 * with a StripeHooksError of code ERR_STRIPE_HOOKS_INTERRUPTED, nothing left running.
 */
import type { Flow } from '../flows/types.js';

/** A built-in flow's name (e.g. 'payment'), one from stripe-hooks.config.* in the cwd, or a flow object. */
export type FlowInput = string | Flow;

interface Abortable {
  signal?: AbortSignal;
}

/** The Stripe API side: the key defaults to STRIPE_API_KEY, the base to STRIPE_HOOKS_API_BASE (then Stripe's). */
interface StripeAccess {
  /** A test key (sk_test_… or rk_test_…); never asked for: without one (here or in STRIPE_API_KEY) the call throws ERR_STRIPE_HOOKS_ENVIRONMENT. */
  apiKey?: string;
  /** A local Stripe API (stripe-mock, a test backend) as http://127.0.0.1:PORT. */
  apiBase?: string;
}

/** The Stripe CLI binary; default: STRIPE_HOOKS_STRIPE_BIN, then PATH, node_modules, the cache. */
interface StripeBinary {
  stripeBin?: string;
}

/**
 * Thin events' own destination, as Stripe's v2 event destinations have one (`--thin-to`, `--thin-secret`): thin events
 * (`"object": "v2.core.event"`) go to `thinUrl`, signed with `thinSecret`; either, when not given, is `url`'s or `secret`'s.
 */
interface OfflineThin {
  /** The app's URL for thin events, absolute (http://localhost:4242/webhook/thin); default: `url`. */
  thinUrl?: string;
  /** The secret the app verifies thin events with; default: `secret`. */
  thinSecret?: string;
}

export interface DeliverFlowOptions extends Abortable, OfflineThin {
  flow: FlowInput;
  /** The app's webhook URL, absolute: http://localhost:4242/webhook. */
  url: string;
  /** The signing secret the app verifies with. */
  secret: string;
  /** Fixes ids, payloads and the shuffle order; random (and in the report) when not given. */
  seed?: number;
  /** Deliver every event twice. */
  duplicate?: boolean;
  /** Deliver the steps out of order. */
  shuffle?: boolean;
  /** Independent flow instances, 1 to 100,000. */
  repeat?: number;
  /** Instances in flight at once, 1 to 1000. */
  concurrency?: number;
  /** Keep going after a failed step. */
  continueOnError?: boolean;
  /**
   * The API version the app is pinned to: the events carry it and their objects take its shape. By default a flow
   * file's `apiVersion:`, else the one the stripe package in the cwd's node_modules pins, else the SDK's; the
   * report's `apiVersion` says which and why.
   */
  apiVersion?: string;
  /** Per-delivery limit in ms, 1 to 30,000 (default 30,000, Stripe's). */
  timeoutMs?: number;
  /** Append every event sent and the app's answer to this NDJSON file (relative to the cwd; created 0600): a recording `replay` sends again. */
  record?: string;
}

export interface DeliverEventOptions extends Abortable, OfflineThin {
  /** An event type: one event of it is synthesized (e.g. 'payment_intent.succeeded'). Give `type` or `event`. */
  type?: string;
  /** An event object to send as it is (a fixture, one from synthesizeEvents), signed anew. Give `type` or `event`. */
  event?: Record<string, unknown>;
  /** `object:path=value` entries, as `stripe trigger --override` takes them (e.g. 'payment_intent:amount=5000'). */
  overrides?: string[];
  url: string;
  secret: string;
  /** The synthesized event's api_version (with `type`); the SDK's pinned version by default. */
  apiVersion?: string;
  /** Fixes the synthesized event's ids and payload (with `type`). */
  seed?: number;
  /** The delivery's limit in ms, 1 to 30,000 (default 30,000, Stripe's). */
  timeoutMs?: number;
  /** Append the event sent and the app's answer to this NDJSON file (relative to the cwd; created 0600; a livemode event is left out). */
  record?: string;
}

export interface AuditHandlerOptions extends Abortable, OfflineThin {
  url: string;
  secret: string;
  /** Audit with the first event of this flow rather than a payment_intent.succeeded. */
  flow?: FlowInput;
  seed?: number;
  apiVersion?: string;
  timeoutMs?: number;
  /**
   * How many times your handler did the work of this event id (0, 1, 2, …), asked once both deliveries of the
   * duplicate check were answered 2xx: the check then fails a handler that did the work twice. Without it the
   * audit sees only answers, and its verdict says so. Count when the handler takes an event on, or resolve once
   * your queue has done the work.
   */
  processed?: (eventId: string) => number | Promise<number>;
}

/** Where thin events go, and whose events come: what `listen` and live `trigger-flow` share. */
interface LiveSelection {
  /** The app's URL for thin events (v2 event destinations): a second `stripe listen` forwards them, those in the selection, else all (`--thin-to`). */
  thinUrl?: string;
  /** `@self` (your account's events only), `@accounts` (connected accounts' only) or `all` (both, the default): `--events-from`. */
  eventsFrom?: '@self' | '@accounts' | 'all';
}

export interface TriggerFlowOptions extends Abortable, StripeAccess, StripeBinary, LiveSelection {
  flow: FlowInput;
  url: string;
  /** Milliseconds each step may take, 1 to 3,600,000 (default 30,000); a step's own `timeout` in a flow file wins. */
  stepTimeoutMs?: number;
  continueOnError?: boolean;
}

export interface StartListenerOptions extends Abortable, StripeAccess, StripeBinary, LiveSelection {
  url: string;
  /** Event types to listen for, thin ones (`v1.billing.meter.no_meter_found`) too; default: every event of the built-in flows. */
  events?: string[];
  /** Append every delivered event to this NDJSON file (replay reads it). */
  record?: string;
  /** With `record`: record livemode events too (live customer data; left out, and reported as `record-skipped`, by default). */
  live?: boolean;
}

export interface ReplayOptions extends Abortable, OfflineThin {
  /** A recording (listen --record), relative to the cwd. */
  file: string;
  url: string;
  secret: string;
  /** Event-type globs: only matching events are sent (e.g. ['invoice.*']). */
  only?: string[];
  /** An event id: send from it on. */
  since?: string;
  duplicate?: boolean;
  shuffle?: boolean;
  /** The shuffle order. */
  seed?: number;
  continueOnError?: boolean;
  timeoutMs?: number;
  /** Append what this replay sent and the app's answers to another recording (relative to the cwd; created 0600). */
  record?: string;
  /** With `record`: record livemode events too (live customer data; left out by default). */
  live?: boolean;
}

export interface RegisterEndpointOptions extends Abortable, StripeAccess {
  url: string;
  /** Event types, or ['*'] for all. */
  events: string[];
  description?: string;
  connect?: boolean;
  metadata?: Record<string, string>;
  /** The endpoint's API version; the SDK's pinned version by default. */
  apiVersion?: string;
  disabled?: boolean;
  /** Say what would happen; change nothing. */
  dryRun?: boolean;
}

export type ListEndpointsOptions = Abortable & StripeAccess;

export interface DeleteEndpointOptions extends Abortable, StripeAccess {
  /** we_…; or give `url`. */
  id?: string;
  url?: string;
}

export interface SignPayloadOptions {
  /** The exact body that will be sent. */
  payload: string;
  secret: string;
  /** Unix seconds; now by default. */
  timestamp?: number;
}

export interface SynthesizeEventsOptions {
  flow: FlowInput;
  seed?: number;
  apiVersion?: string;
  /** Unix seconds of the last event (earlier ones a second apart); now by default. Fix it, with `seed`, for identical events. */
  now?: number;
}

export interface LocateStripeCliOptions extends Abortable, StripeBinary {}

/** A Listener's `waitFor(match, options)`. */
export interface WaitForOptions {
  /** How long to wait, in ms (default 30,000): then it rejects with ERR_STRIPE_HOOKS_FAILED. */
  timeoutMs?: number;
}

export interface StripeCli {
  path: string;
  version: string;
  /** Where it was found: '--stripe-bin' (the stripeBin option), 'STRIPE_HOOKS_STRIPE_BIN', 'PATH', 'node_modules' or 'cache'. */
  source: string;
}
