/** The library's deliverEvent: one event, synthesized or given, as a one-step offline flow (what `trigger --offline` runs). */
import { UsageError } from '../errors.js';
import { ONE_EVENT, singleEventFlow } from '../flows/single.js';
import type { Flow, FlowEventType } from '../flows/types.js';
import { checkRewrites, compileRewrites, rewriteEvent } from '../offline/overrides.js';
import { eventBody } from '../offline/synthesize.js';
import { isThinBody } from '../flows/thin.js';
import type { EventSource } from '../run/offline-driver.js';
import { runOfflineFlow } from '../run/offline-runner.js';
import { offlineSettings } from '../run/offline-settings.js';
import { reportJson, type FlowReport } from '../run/report.js';
import { checkOptions } from './check.js';
import { interruptible, libraryRecording, requireSecret, thinSecretOf } from './common.js';
import { withRecording } from '../record/policy.js';
import type { DeliverEventOptions } from './options.js';
import { RULES } from './rules.js';

interface GivenEvent {
  id: string;
  type: string;
  /** A snapshot event's object; a thin event (`object: "v2.core.event"`) has none, only its `related_object`. */
  data?: { object: Record<string, unknown> };
}

function isEventObject(value: Record<string, unknown>): value is Record<string, unknown> & GivenEvent {
  const data = value.data as { object?: unknown } | undefined;
  return typeof value.id === 'string' && typeof value.type === 'string' && ((typeof data?.object === 'object' && data.object !== null) || isThinBody(value));
}

/** The given event as the one step of a flow, its overrides applied; a source that sends exactly it. */
function givenEvent(event: Record<string, unknown>, overrides: string[] | undefined): { flow: Flow; source: EventSource } {
  if (!isEventObject(event)) {
    throw new UsageError('event must be a Stripe event: an object with an id, a type and data.object (or a thin event\'s object: "v2.core.event")', { hint: "e.g. event: (await synthesizeEvents({ flow: 'payment' }))[0]" });
  }
  // Any well-formed type goes: the event may be newer than this SDK's list, as a recording's may.
  const step = { event: event.type as FlowEventType, ...(overrides && { override: overrides }) };
  const rewrites = compileRewrites([step]);
  checkRewrites([event], rewrites);
  const sent = rewriteEvent(event, rewrites);
  // Its own livemode, so a recording leaves a live one out as listen --record does.
  const outgoing = { id: sent.id, type: sent.type, body: eventBody(sent), livemode: sent.livemode === true, thin: isThinBody(sent) };
  return {
    flow: { name: event.type, description: `the event ${event.id}`, steps: [step], source: ONE_EVENT },
    source: () => ({ take: () => outgoing }),
  };
}

export function deliverEvent(options: DeliverEventOptions): Promise<FlowReport> {
  checkOptions('deliverEvent', options, RULES.deliverEvent);
  const { type, event } = options;
  if ((type === undefined) === (event === undefined)) {
    throw new UsageError(type === undefined ? 'type or event is required' : 'type and event cannot be combined', {
      hint: "give one: type: 'payment_intent.succeeded' synthesizes an event, event: {…} sends that one",
    });
  }
  if (event !== undefined && (options.apiVersion !== undefined || options.seed !== undefined)) {
    throw new UsageError(`${options.apiVersion === undefined ? 'seed' : 'apiVersion'} applies only with type`, { hint: 'a given event is sent as it is, its ids and api_version its own' });
  }
  return interruptible(options.signal, async () => {
    // As deliverFlow: the version from apiVersion, else the app's stripe under process.cwd(), else the SDK's.
    const settings = offlineSettings({ forwardTo: options.url, thinTo: options.thinUrl, seed: options.seed, apiVersion: options.apiVersion, cwd: process.cwd() });
    const secret = requireSecret(options.secret);
    const thinSecret = thinSecretOf(options);
    const one = event === undefined ? { flow: singleEventFlow(type!, { override: options.overrides }, 'type') } : givenEvent(event, options.overrides);
    const recording = libraryRecording(options.record, { secret, thinSecret });
    const report = await withRecording(recording, (record) => runOfflineFlow({ ...settings, ...one, secret, thinSecret, record, timeoutMs: options.timeoutMs, signal: options.signal }));
    return reportJson({ ...report, ...(recording && { record: recording.recorder.summary() }) }, event === undefined ? settings.seed : undefined);
  });
}
