/**
 * stripe-hooks as a library (docs/api.md): the package's only entry. Importing it
 * must stay cheap for a test suite, so it loads only the error class, the
 * built-in flows and the signer; each function loads its implementation
 * (src/api/) on its first call, which checks the options before anything else
 * (src/api/check.ts), and with it the SDK, undici or the Stripe CLI plumbing it
 * needs. Nothing here prints, prompts or exits.
 */
import { UsageError } from './errors.js';
import { BUILTIN_FLOWS } from './flows/builtin.js';
import type { Flow } from './flows/types.js';
import { signatureHeader } from './offline/sign.js';
import type * as Options from './api/options.js';
import type { Listener } from './api/live.js';
import type { AuditReport } from './offline/audit.js';
import type { ThinEvent } from './offline/thin-event.js';
import type { FlowReport } from './run/report.js';
import type { DeleteReport, EndpointsReport, RegisterReport } from './endpoints/reports.js';
import type Stripe from 'stripe';

export { StripeHooksError, type StripeHooksErrorCode } from './errors.js';
export type { Flow, FlowStep } from './flows/types.js';
export type { FlowReport, StepResult, StepFailure, SideEffect, BurstStats } from './run/report.js';
export type { AuditReport, AuditCheck } from './offline/audit.js';
export type { ThinEvent } from './offline/thin-event.js';
export type { RegisterReport, EndpointsReport, DeleteReport, EndpointView } from './endpoints/reports.js';
export type { ListenReady, ListenDelivery, ListenCliError } from './listen/json.js';
export type { ListenerEvent, ListenRecordSkipped, ListenRecordFailed, ListenDropped, DeliveryMatch } from './listen/stream.js';
export type { ListenSummary } from './listen/summary.js';
export type { RecordSummary } from './record/writer.js';
export type { Listener } from './api/live.js';
export type {
  FlowInput,
  DeliverFlowOptions,
  DeliverEventOptions,
  AuditHandlerOptions,
  TriggerFlowOptions,
  StartListenerOptions,
  ReplayOptions,
  RegisterEndpointOptions,
  ListEndpointsOptions,
  DeleteEndpointOptions,
  SignPayloadOptions,
  SynthesizeEventsOptions,
  LocateStripeCliOptions,
  WaitForOptions,
  StripeCli,
} from './api/options.js';

/** Sends a flow's events, synthesized and signed, straight to the app (offline). Resolves with the report, `ok: false` when a step failed. */
export async function deliverFlow(options: Options.DeliverFlowOptions): Promise<FlowReport> {
  return (await import('./api/offline.js')).deliverFlow(options);
}

/**
 * Sends one event, signed, straight to the app (offline): one of `type`, synthesized, or `event`, as given.
 * Resolves with a one-step report, `ok: false` when the app did not answer 2xx.
 */
export async function deliverEvent(options: Options.DeliverEventOptions): Promise<FlowReport> {
  return (await import('./api/event.js')).deliverEvent(options);
}

/** The seven-check handler audit: signatures, replays, duplicates, timeliness. */
export async function auditHandler(options: Options.AuditHandlerOptions): Promise<AuditReport> {
  return (await import('./api/offline.js')).auditHandler(options);
}

/** Runs a flow live: `stripe listen` behind the relay and one `stripe trigger` per step, each delivery checked. */
export async function triggerFlow(options: Options.TriggerFlowOptions): Promise<FlowReport> {
  return (await import('./api/live.js')).triggerFlow(options);
}

/** Starts `stripe listen` forwarding through the relay to the app; resolves once it is ready. */
export async function startListener(options: Options.StartListenerOptions): Promise<Listener> {
  return (await import('./api/live.js')).startListener(options);
}

/** Re-signs and re-sends a recording's events (mode 'replay'). */
export async function replay(options: Options.ReplayOptions): Promise<FlowReport> {
  return (await import('./api/replay.js')).replay(options);
}

/** Creates, updates or leaves alone one webhook endpoint, idempotently. */
export async function registerEndpoint(options: Options.RegisterEndpointOptions): Promise<RegisterReport> {
  return (await import('./api/endpoints.js')).registerEndpoint(options);
}

export async function listEndpoints(options: Options.ListEndpointsOptions = {}): Promise<EndpointsReport> {
  return (await import('./api/endpoints.js')).listEndpoints(options);
}

export async function deleteEndpoint(options: Options.DeleteEndpointOptions): Promise<DeleteReport> {
  return (await import('./api/endpoints.js')).deleteEndpoint(options);
}

/** A Stripe-Signature header value for `payload`, as Stripe computes it: `t=<seconds>,v1=<HMAC-SHA256>`. */
export function signPayload(options: Options.SignPayloadOptions): string {
  // Checked here, by hand, as check.ts's rules would: they load with the other functions, and this one is synchronous.
  if (typeof options !== 'object' || options === null) throw new UsageError('signPayload takes an options object', { hint: "e.g. signPayload({ payload, secret: 'whsec_…' })" });
  const { payload, secret, timestamp, ...rest } = options;
  const [unknown] = Object.keys(rest);
  if (unknown !== undefined) throw new UsageError(`signPayload has no option ${JSON.stringify(unknown).slice(0, 60)}`, { hint: 'its options: payload, secret, timestamp' });
  if (typeof payload !== 'string') throw new UsageError('payload must be a string: the exact body that will be sent');
  if (typeof secret !== 'string' || secret.trim() === '') throw new UsageError('secret is empty', { hint: 'give the signing secret the app verifies with' });
  if (timestamp !== undefined && !(Number.isInteger(timestamp) && timestamp >= 0)) {
    throw new UsageError(`timestamp: ${String(timestamp).slice(0, 40)} is not whole unix seconds`, { hint: 'e.g. timestamp: 1700000000' });
  }
  return signatureHeader(payload, secret, timestamp);
}

/**
 * The events a flow's offline run sends, typed by the app's SDK (the `stripe` peer), a thin step's as a ThinEvent
 * (`object: 'v2.core.event'`); the same ids and payloads for the same seed (and `now`).
 */
export async function synthesizeEvents(options: Options.SynthesizeEventsOptions): Promise<(Stripe.Event | ThinEvent)[]> {
  return (await import('./api/offline.js')).synthesizeEvents(options);
}

/** The built-in flows (payment, subscription, …). */
export const builtinFlows: readonly Flow[] = BUILTIN_FLOWS;

/** A flow file (YAML or JSON, one flow) or a recording, relative to the cwd. */
export async function loadFlow(path: string): Promise<Flow> {
  if (typeof path !== 'string' || path.trim() === '') throw new UsageError('loadFlow takes the path of a flow file or a recording', { hint: "e.g. loadFlow('flows/refund.yaml')" });
  return (await import('./api/flows.js')).loadFlow(path);
}

/** The Stripe CLI the live functions would run, proven to answer `stripe version`. */
export async function locateStripeCli(options: Options.LocateStripeCliOptions = {}): Promise<Options.StripeCli> {
  return (await import('./api/locate.js')).locateStripeCli(options);
}
